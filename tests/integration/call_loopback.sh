# A real call on loopback with fresh per-call certificates: both ends agree on
# the code, and it equals `callaudit code` over the certificates they used.
. "$(dirname "$0")/lib.sh"

bg "$CALLSTACK" answer --listen 127.0.0.1:$PORT --duration 2 --json --cert-out "$T/callee.pem" \
    --sdp-out "$T/callee.sdp" >"$T/callee.json"
callee=$!
wait_listen $PORT
"$CALLSTACK" call --connect 127.0.0.1:$PORT --duration 2 --json --cert-out "$T/caller.pem" \
    --keylog "$T/keys.log" >"$T/caller.json" || fail "caller exited $?"
wait_for $callee 15 || fail "callee exited $?"

assert_call_ok "$T/caller.json"
assert_call_ok "$T/callee.json"
code=$(json "$T/caller.json" .security_code)
[ "$code" = "$(json "$T/callee.json" .security_code)" ] || fail "the two ends show different codes"
[ "$code" = "$("$CALLAUDIT" code "$T/caller.pem" "$T/callee.pem")" ] ||
    fail "callaudit code disagrees with the endpoints"
[ "$(json "$T/caller.json" .dtls_role)" = server ] || fail "caller should be DTLS server"
[ "$(json "$T/callee.json" .dtls_role)" = client ] || fail "callee should be DTLS client"
# Each end's remote thumbprint is the other's local one.
[ "$(json "$T/caller.json" .remote_thumbprint)" = "$(json "$T/callee.json" .local_thumbprint)" ] ||
    fail "thumbprints do not cross-match"
# Fresh certificates: a second call must not reuse them.
[ "$(json "$T/caller.json" .local_thumbprint)" != "$(json "$T/callee.json" .local_thumbprint)" ] ||
    fail "both ends used one certificate"
grep -Eq '^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$' "$T/keys.log" || fail "no NSS key log line"
grep -q '^a=fingerprint:sha-256 ' "$T/callee.sdp" && grep -q '^a=setup:active' "$T/callee.sdp" ||
    fail "--sdp-out lacks the fingerprint or setup"
note "code $code on both ends and from callaudit code"
