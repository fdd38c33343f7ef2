# ICE may move media to another candidate pair after the handshake (RFC 8445
# 8.1.1 nomination, or a network change): a new 5-tuple with no handshake on
# it. Its connectivity checks carry the same ufrag pair, so callaudit keeps it
# in the same call instead of reporting media without DTLS. The capture is a
# real call whose packets after the handshake are moved to new ports, with
# the call's own STUN checks replayed on them. The call is made twice: with
# libnice's ICE credentials (ufrag of 4 characters) and with the longest RFC
# 8839 allows (256 each: USERNAME of 513 bytes), which must tie the pairs too.
. "$(dirname "$0")/lib.sh"
for t in editcap mergecap tcprewrite; do command -v $t >/dev/null || skip "$t missing"; done

start_capture "$T/long.pcap"
CALLEE_OPTS=--long-ice callstack_call $((PORT + 4)) 2 --long-ice
stop_capture
ulen=$(tshark -r "$T/long.pcap" -Y 'stun.att.username' -T fields -e stun.att.username 2>/dev/null |
    awk '{ print length($0) }' | sort -n | tail -1)
[ "$ulen" = 513 ] || fail "--long-ice: USERNAME of $ulen bytes, wanted 513"

start_capture "$T/call.pcap"
callstack_call $PORT 2
stop_capture
switch_test() { # CALL_PCAP LABEL: the ICE switch, checked
    "$CALLAUDIT" analyze --format json "$1" >"$T/orig.json" || fail "original: exit $?"
    client=$(json "$T/orig.json" '.calls[0].client.addr' | sed 's/.*://')
    server=$(json "$T/orig.json" '.calls[0].server.addr' | sed 's/.*://')
    last_hs=$(json "$T/orig.json" '[.calls[0].dtls.handshake[] | select(.type == "finished") | .frame] | max')
    frames=$(json "$T/orig.json" .summary.frames)
    new_c=$(( (client + 1000) % 50000 + 10000 )); new_s=$(( (server + 1000) % 50000 + 10000 ))
    map="--portmap=$client:$new_c,$server:$new_s"

    editcap -r "$1" "$T/before.pcap" "1-$last_hs" 2>/dev/null
    editcap -r "$1" "$T/after.pcap" "$((last_hs + 1))-$frames" 2>/dev/null
    tshark -r "$1" -Y stun -w "$T/stun.pcap" 2>/dev/null
    tcprewrite $map --fixcsum --infile="$T/after.pcap" --outfile="$T/after-moved.pcap" ||
        fail "tcprewrite"
    tcprewrite $map --fixcsum --infile="$T/stun.pcap" --outfile="$T/stun-moved.pcap" || fail "tcprewrite"
    mergecap -F pcap -w "$T/switched.pcap" "$T/before.pcap" "$T/stun-moved.pcap" "$T/after-moved.pcap" ||
        fail "mergecap"

    "$CALLAUDIT" analyze --format json "$T/switched.pcap" >"$T/switched.json"
    rc=$?
    r=$T/switched.json
    [ $rc -eq 0 ] || { "$CALLAUDIT" analyze "$T/switched.pcap"; fail "exit $rc, wanted 0"; }
    [ "$(json "$r" .summary.calls)" = 1 ] || fail "the moved media became a call of its own"
    [ "$(json "$r" '.calls[0].security_code')" = "$(json "$T/orig.json" '.calls[0].security_code')" ] ||
        fail "code"
    [ "$(json "$r" '[.calls[0].media.streams[] | select(.kind == "srtp")] | length')" = 2 ] ||
        fail "streams: $(json "$r" .calls[0].media)"
    # Directions survive the move: the same SSRCs, the same c2s/s2c as before.
    [ "$(json "$r" '[.calls[0].media.streams[] | .ssrc + .dir] | sort')" = \
      "$(json "$T/orig.json" '[.calls[0].media.streams[] | .ssrc + .dir] | sort')" ] ||
        fail "stream directions changed"

    # Without the STUN checks on the new pair nothing ties it to the call: its
    # DTLS records (the closing alerts) show a handshake the capture did not
    # see, so that part is inconclusive; with those removed too it is media
    # with no DTLS at all: inconclusive too while it could be a call the
    # capture joined (its first packet media, within 10 s of the capture's
    # start), a failure when it starts later (shifted by 15 s).
    mergecap -F pcap -w "$T/unbound.pcap" "$T/before.pcap" "$T/after-moved.pcap"
    "$CALLAUDIT" analyze --format json "$T/unbound.pcap" >"$T/unbound.json"
    [ $? -eq 3 ] || fail "unbound media with DTLS records must be inconclusive"
    [ "$(json "$T/unbound.json" '.calls[1].findings[0].id')" = HANDSHAKE_NOT_SEEN ] ||
        fail "HANDSHAKE_NOT_SEEN expected: $(json "$T/unbound.json" '[.calls[].findings[].id]')"
    tshark -r "$T/after-moved.pcap" -Y '!dtls' -w "$T/media-only.pcap" 2>/dev/null
    mergecap -F pcap -w "$T/joined.pcap" "$T/before.pcap" "$T/media-only.pcap"
    "$CALLAUDIT" analyze --format json "$T/joined.pcap" >"$T/joined.json"
    [ $? -eq 3 ] || fail "media without DTLS at the capture's start must be inconclusive"
    [ "$(json "$T/joined.json" '.calls[1].findings[] | select(.id == "NO_DTLS") | .severity')" = \
        inconclusive ] || fail "joined: $(json "$T/joined.json" '.calls[1].findings')"
    editcap -t 15 "$T/media-only.pcap" "$T/media-late.pcap" 2>/dev/null
    mergecap -F pcap -w "$T/nodtls.pcap" "$T/before.pcap" "$T/media-late.pcap"
    "$CALLAUDIT" analyze --format json "$T/nodtls.pcap" >"$T/nodtls.json"
    [ $? -eq 1 ] || fail "unbound media without DTLS must fail"
    [ "$(json "$T/nodtls.json" '.calls[1].findings[0].id')" = NO_DTLS ] ||
        fail "NO_DTLS expected: $(json "$T/nodtls.json" '[.calls[].findings[].id]')"
    note "$2: media moved to ports $new_c/$new_s stays in the call (ufrag pair); unbound, it is NO_DTLS"
}
switch_test "$T/call.pcap" "4-character ufrags"
switch_test "$T/long.pcap" "256-character ufrags"
