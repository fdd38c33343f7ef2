# Through `relay --mitm` both calls work, but the ends show different codes,
# each equal to the code of the leg the attacker terminated toward it.
. "$(dirname "$0")/lib.sh"

bg "$CALLSTACK" answer --listen 127.0.0.1:$PORT --duration 2 --json --cert-out "$T/callee.pem" \
    >"$T/callee.json"
callee=$!
wait_listen $PORT
bg "$CALLSTACK" relay --listen 127.0.0.1:$((PORT + 1)) --connect 127.0.0.1:$PORT --mitm --json \
    >"$T/relay.json"
relay=$!
wait_listen $((PORT + 1))
"$CALLSTACK" call --connect 127.0.0.1:$((PORT + 1)) --duration 2 --json --cert-out "$T/caller.pem" \
    >"$T/caller.json" || fail "caller exited $?"
wait_for $callee 15 || fail "callee exited $?"
wait_for $relay 15 || fail "relay exited $?"
assert_call_ok "$T/caller.json"
assert_call_ok "$T/callee.json"
a=$(json "$T/caller.json" .security_code)
b=$(json "$T/callee.json" .security_code)
[ "$a" != "$b" ] || fail "the man in the middle went unnoticed: both ends show $a"
[ "$a" = "$(json "$T/relay.json" .leg_a.security_code)" ] || fail "caller code != relay leg A code"
[ "$b" = "$(json "$T/relay.json" .leg_b.security_code)" ] || fail "callee code != relay leg B code"
[ "$(json "$T/relay.json" '.forwarded.caller_to_callee > 0 and .forwarded.callee_to_caller > 0')" = true ] ||
    fail "the relay did not carry media both ways"
# What the honest pair would have shown is neither.
direct=$("$CALLAUDIT" code "$T/caller.pem" "$T/callee.pem")
[ "$direct" != "$a" ] && [ "$direct" != "$b" ] || fail "mitm codes equal the direct code"
note "mitm: caller shows $a, callee shows $b"
