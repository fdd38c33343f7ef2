# callstack under a bad network: two namespaces whose link drops 20% of UDP
# each way, duplicates 5%, and sends a random 20% through a 8 kbit/s HTB
# class (delays of up to several hundred ms: jitter and reordering; tc netem
# is not in every kernel). Six calls in a row: each ends within its bound,
# either with a working call (same code both ends, media authenticated) or
# with a one-line error; none hangs. Under the ASan build (the suite's
# second pass) LeakSanitizer checks that nothing leaks on either path.
. "$(dirname "$0")/lib.sh"
two_hosts
command -v nft >/dev/null || skip "nft (nftables) missing"
for pair in "$A $VA 198.51.100.2" "$B $VB 198.51.100.1"; do
    set -- $pair
    ns=$1 dev=$2 peer=$3
    ip netns exec $ns tc qdisc add dev $dev root handle 1: htb default 10 2>/dev/null &&
        ip netns exec $ns tc class add dev $dev parent 1: classid 1:10 htb rate 1gbit 2>/dev/null &&
        ip netns exec $ns tc class add dev $dev parent 1: classid 1:20 htb rate 8kbit ceil 8kbit \
            burst 100 cburst 100 2>/dev/null || skip "no HTB queueing discipline here"
    ip netns exec $ns nft -f - <<NFT || skip "nftables cannot drop, duplicate or mark here"
table ip faults {
    chain out {
        type filter hook output priority 0;
        meta l4proto udp numgen random mod 5 0 drop
        meta l4proto udp numgen random mod 20 0 dup to $peer device "$dev"
        meta l4proto udp numgen random mod 5 0 meta priority set 1:20
    }
}
NFT
done
ok=0 failed=0
for i in 1 2 3 4 5 6; do
    port=$((5000 + i))
    start=$(date +%s)
    ip netns exec $B "$CALLSTACK" answer --listen 198.51.100.2:$port --duration 2 --json \
        --timeout 10 >"$T/callee$i.json" 2>"$T/callee$i.err" &
    callee=$!
    PIDS+=($callee)
    sleep 0.5
    ip netns exec $A "$CALLSTACK" call --connect 198.51.100.2:$port --duration 2 --json \
        --timeout 10 >"$T/caller$i.json" 2>"$T/caller$i.err"
    caller_rc=$?
    wait_for $callee 60
    callee_rc=$?
    took=$(($(date +%s) - start))
    # each setup step is bounded by --timeout 10 (connect, SDP, ICE, DTLS) plus 2 s of media
    [ $took -le 60 ] || fail "call $i took $took s"
    [ $callee_rc != 124 ] || fail "call $i: the callee hung"
    if [ $caller_rc = 0 ] && [ $callee_rc = 0 ]; then
        [ "$(json "$T/caller$i.json" .security_code)" = "$(json "$T/callee$i.json" .security_code)" ] ||
            fail "call $i: codes differ"
        [ "$(json "$T/caller$i.json" '.rtp.authenticated > 0 and .rtp.rejected == 0')" = true ] ||
            fail "call $i: media $(json "$T/caller$i.json" .rtp)"
        ok=$((ok + 1))
    else
        for side in caller callee; do
            err=$T/$side$i.err
            grep -v '^callstack: .*: DTLS handshake complete\|libnice-WARNING\|^$\|TURN refreshes' "$err" \
                >"$T/e" || true
            [ "$(wc -l <"$T/e")" -le 2 ] || fail "call $i $side: not a short reason: $(cat "$err")"
        done
        failed=$((failed + 1))
        note "call $i failed in $took s: $(head -1 "$T/caller$i.err") / $(head -1 "$T/callee$i.err")"
    fi
done
[ $ok -ge 1 ] || fail "no call got through 20% loss and jitter in six tries"
note "20% loss, 5% duplication, 20% delayed: $ok of 6 calls worked, $failed ended with a reason, none hung"
