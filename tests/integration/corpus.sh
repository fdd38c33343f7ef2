# The stored corpus as CI regression: every capture pcaps/NAME.pcap(ng) is
# audited against its expectation fixtures/NAME.json with --expect (exit 0
# when every field holds, also for the attack captures, whose expected
# verdict is fail). Then an expectation changed on purpose must make the
# run fail with the difference printed, in text and in JUnit.
. "$(dirname "$0")/lib.sh"
PCAPS=$(cd "$(dirname "$0")/../../pcaps" && pwd)
n=0
for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng; do
    [ -e "$f" ] || continue
    base=$(basename "$f")
    name=${base%.*}
    exp=$FIXTURES/$name.json
    [ -f "$exp" ] || fail "$base has no expectation $exp"
    "$CALLAUDIT" analyze --expect "$exp" "$f" >"$T/out" 2>&1 ||
        fail "$base: $(grep -A20 '^expect' "$T/out")"
    n=$((n + 1))
done
[ $n -ge 3 ] || fail "only $n stored captures"
note "$n stored captures, every expectation holds"

# An expectation changed on purpose: the regression test must catch it.
exp=$FIXTURES/firefox-esr153-dtls13.json
jq '.calls[0].verdict = "pass" | .calls[0].findings = ["HEADER_EXT_CLEAR"]' "$exp" >"$T/changed.json"
"$CALLAUDIT" analyze --expect "$T/changed.json" "$PCAPS/firefox-esr153-dtls13.pcap" >"$T/out"
rc=$?
[ $rc = 1 ] || fail "a changed expectation: exit $rc, wanted 1"
grep -q 'calls\[1\].verdict: expected "pass", got "inconclusive"' "$T/out" ||
    fail "the difference is not printed: $(cat "$T/out")"
"$CALLAUDIT" analyze --format junit --expect "$T/changed.json" "$PCAPS/firefox-esr153-dtls13.pcap" \
    >"$T/junit.xml"
[ $? = 1 ] || fail "junit: wanted exit 1"
grep -q '<failure type="EXPECTATION" message="2 differences">' "$T/junit.xml" ||
    fail "junit: $(cat "$T/junit.xml")"
# --write-expect writes what --expect then accepts
"$CALLAUDIT" analyze --write-expect "$T/w.json" "$PCAPS/firefox-esr153-dtls13.pcap" >/dev/null
"$CALLAUDIT" analyze --expect "$T/w.json" "$PCAPS/firefox-esr153-dtls13.pcap" >/dev/null ||
    fail "a written expectation does not hold"
echo '{"calls": []}' >"$T/not.json"
"$CALLAUDIT" analyze --expect "$T/not.json" "$PCAPS/firefox-esr153-dtls13.pcap" >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -q "not a callaudit expectation" "$T/err" || fail "a foreign JSON file: $(cat "$T/err")"
note "a changed expectation fails (exit 1, the differences printed, JUnit failure)"
