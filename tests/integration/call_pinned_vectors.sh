# With the spec's test certificates pinned, both ends print the spec's code.
. "$(dirname "$0")/lib.sh"
V=$FIXTURES/vectors
want="15575 52626 68221 51895"

bg "$CALLSTACK" answer --listen 127.0.0.1:$PORT --duration 1 --cert "$V/callee.pem" \
    --key "$V/callee.key" >"$T/callee.txt"
callee=$!
wait_listen $PORT
"$CALLSTACK" call --connect 127.0.0.1:$PORT --duration 1 --cert "$V/caller.pem" \
    --key "$V/caller.key" >"$T/caller.txt" || fail "caller exited $?"
wait_for $callee 15 || fail "callee exited $?"
for side in caller callee; do
    grep -q "^  security code:      $want\$" "$T/$side.txt" || { cat "$T/$side.txt"; fail "$side code"; }
done
# An RSA certificate on one side: ECDHE-RSA, and the spec's third vector.
bg "$CALLSTACK" answer --listen 127.0.0.1:$((PORT + 1)) --duration 1 --json --cert "$V/rsa.pem" \
    --key "$V/rsa.key" >"$T/callee-rsa.json"
callee=$!
wait_listen $((PORT + 1))
"$CALLSTACK" call --connect 127.0.0.1:$((PORT + 1)) --duration 1 --json --cert "$V/caller.pem" \
    --key "$V/caller.key" >"$T/caller-rsa.json" || fail "caller (rsa) exited $?"
wait_for $callee 15 || fail "callee (rsa) exited $?"
assert_call_ok "$T/callee-rsa.json"
[ "$(json "$T/caller-rsa.json" .security_code)" = "13315 34611 98001 53588" ] || fail "rsa code"
note "pinned vectors give $want and 13315 34611 98001 53588"
