# Through an honest signaling relay the SDP passes untouched: same code on
# both ends, equal to the code of their own certificates.
. "$(dirname "$0")/lib.sh"

relay_call $PORT
assert_call_ok "$T/caller.json"
assert_call_ok "$T/callee.json"
[ "$(json "$T/relay.json" .mode)" = forward ] || fail "relay mode"
code=$(json "$T/caller.json" .security_code)
[ "$code" = "$(json "$T/callee.json" .security_code)" ] || fail "codes differ through an honest relay"
[ "$code" = "$("$CALLAUDIT" code "$T/caller.pem" "$T/callee.pem")" ] || fail "callaudit code"
note "honest relay: code $code on both ends"
