# Through `relay --mitm` both calls work, but the ends show different codes,
# each equal to the code of the leg the attacker terminated toward it.
. "$(dirname "$0")/lib.sh"

relay_call $PORT --mitm
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
