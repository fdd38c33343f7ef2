# A call over a link that drops 10% of the UDP packets each way (nftables in
# the two namespaces of this test): the handshake survives through DTLS
# retransmissions, media is authenticated, and callaudit, on a capture of the
# link, lists each retransmitted handshake message once and passes the call.
. "$(dirname "$0")/lib.sh"
two_hosts
command -v nft >/dev/null || skip "nft (nftables) missing"
# Loss rules, made afresh for each attempt (the deterministic drop counts).
set_loss() {
    for ns in $A $B; do
        ip netns exec $ns nft flush ruleset
        ip netns exec $ns nft add table inet loss &&
            ip netns exec $ns nft add chain inet loss out '{ type filter hook output priority 0; }' &&
            ip netns exec $ns nft add rule inet loss out meta l4proto udp numgen random mod 10 0 drop ||
            skip "nftables cannot drop packets here"
    done
    # And, deterministically, the callee's (the DTLS client's) first handshake
    # datagram, its ClientHello, is dropped after the capture point on A: the
    # capture holds the lost copy and its retransmission.
    ip netns exec $A nft add chain inet loss in '{ type filter hook input priority 0; }' &&
        ip netns exec $A nft add rule inet loss in meta l4proto udp @th,64,8 22 numgen inc mod 100000 0 drop ||
        skip "nftables cannot match payload bytes here"
}
# Long enough that media overlaps even after a few retransmission timeouts
# (1 s, 2 s, 4 s): each side counts its duration from its own handshake end.
# What this test checks is the capture and its audit. Under 10% random loss
# the call itself fails now and then (about 1 run in 15: libnice's ICE
# stalling after its first checks), so a failed call is tried again, up to
# three times, and the reason is printed.
for try in 1 2 3; do
    set_loss
    DURATION=8 run_call lossy && break
    [ $try = 3 ] && fail "the call failed three times under loss"
    note "the call failed under loss ($(cat "$T/lossy-caller.err")); trying again"
done
"$CALLAUDIT" analyze --format json "$T/lossy.pcap" >"$T/r.json" ||
    { "$CALLAUDIT" analyze "$T/lossy.pcap"; fail "exit $?"; }
r=$T/r.json
[ "$(json "$r" '.calls[0].security_code')" = "$(json "$T/lossy-caller.json" .security_code)" ] ||
    fail "code"
dups=$(json "$r" '[.calls[0].dtls.handshake[] | select(.type != "alert") | .dir + .type] |
    group_by(.) | map(select(length > 1)) | length')
[ "$dups" = 0 ] || fail "a handshake message listed twice"
hello=$(tshark -r "$T/lossy.pcap" -Y 'dtls.handshake.type == 1' 2>/dev/null | wc -l)
[ "$hello" -ge 2 ] || fail "the ClientHello was not retransmitted ($hello on the wire)"
[ "$(json "$r" '[.calls[0].dtls.handshake[] | select(.type == "client_hello")] | length')" = 1 ] ||
    fail "client_hello not listed once"
sent=$(json "$T/lossy-caller.json" .rtp.sent)
got=$(json "$T/lossy-callee.json" .rtp.received)
[ "$got" -lt "$sent" ] || fail "no loss happened ($got of $sent): the test proves nothing"
note "10% loss each way: callee got $got of $sent RTP; ClientHello on the wire $hello times, listed once; pass"
