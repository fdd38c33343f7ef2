# A capture of both legs of a call through `callstack relay --mitm`: the two
# DTLS sessions carry the same RTP sources with different certificate pairs,
# so callaudit reports MITM_SUSPECTED on each, with the two codes the two
# people would read out.
. "$(dirname "$0")/lib.sh"

start_capture "$T/mitm.pcap"
relay_call $PORT --mitm
stop_capture

"$CALLAUDIT" analyze --format json "$T/mitm.pcap" >"$T/report.json"
rc=$?
r=$T/report.json
[ $rc -eq 1 ] || fail "exit $rc, wanted 1"
[ "$(json "$r" .summary.calls)" = 2 ] || fail "calls: $(json "$r" .summary)"
a=$(json "$T/caller.json" .security_code)
b=$(json "$T/callee.json" .security_code)
codes=$(json "$r" '[.calls[].security_code] | sort | join(",")')
[ "$codes" = "$(printf '%s\n%s\n' "$a" "$b" | sort | paste -sd,)" ] ||
    fail "codes $codes are not the endpoints' $a and $b"
for i in 0 1; do
    [ "$(json "$r" ".calls[$i].verdict")" = fail ] || fail "call $i verdict"
    ids=$(json "$r" "[.calls[$i].findings[].id] | join(\",\")")
    [ "$ids" = MITM_SUSPECTED ] || fail "call $i findings: $ids"
done
json "$r" '.calls[0].findings[0].message' | grep -q "$a" || fail "message lacks the codes"
"$CALLAUDIT" analyze "$T/mitm.pcap" | grep -q "MITM_SUSPECTED" || fail "text report"
note "mitm: legs with codes $a and $b, MITM_SUSPECTED on both"
