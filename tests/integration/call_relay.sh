# Through an honest signaling relay the SDP passes untouched: same code on
# both ends, equal to the code of their own certificates.
. "$(dirname "$0")/lib.sh"

bg "$CALLSTACK" answer --listen 127.0.0.1:$PORT --duration 2 --json --cert-out "$T/callee.pem" \
    >"$T/callee.json"
callee=$!
wait_listen $PORT
bg "$CALLSTACK" relay --listen 127.0.0.1:$((PORT + 1)) --connect 127.0.0.1:$PORT --json \
    >"$T/relay.json"
relay=$!
wait_listen $((PORT + 1))
"$CALLSTACK" call --connect 127.0.0.1:$((PORT + 1)) --duration 2 --json --cert-out "$T/caller.pem" \
    >"$T/caller.json" || fail "caller exited $?"
wait_for $callee 15 || fail "callee exited $?"
wait_for $relay 15 || fail "relay exited $?"
assert_call_ok "$T/caller.json"
assert_call_ok "$T/callee.json"
[ "$(json "$T/relay.json" .mode)" = forward ] || fail "relay mode"
code=$(json "$T/caller.json" .security_code)
[ "$code" = "$(json "$T/callee.json" .security_code)" ] || fail "codes differ through an honest relay"
[ "$code" = "$("$CALLAUDIT" code "$T/caller.pem" "$T/callee.pem")" ] || fail "callaudit code"
note "honest relay: code $code on both ends"
