# callstack under a bad network: two namespaces whose link drops 20% of UDP
# each way, duplicates 5%, and sends a random 20% through a 8 kbit/s HTB
# class (delays of up to several hundred ms: jitter and reordering; tc netem
# is not in every kernel). Six calls in a row: each ends within its bound,
# either with a working call (same code both ends, media authenticated) or
# with a one-line error; none hangs. Under the ASan build (the suite's
# second pass) LeakSanitizer checks that nothing leaks on either path.
. "$(dirname "$0")/lib.sh"
two_hosts
IMPAIR_LOSS=5 IMPAIR_SLOW=5 impair $A $VA 198.51.100.2
IMPAIR_LOSS=5 IMPAIR_SLOW=5 impair $B $VB 198.51.100.1
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
