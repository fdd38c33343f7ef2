# callaudit live --engine wireshark on lo: the frames go to Wireshark's
# dissectors (callaudit-wireshark --stream) as they are captured, and the
# call's verdict and code come from what Wireshark decoded: pass, the
# endpoints' code, the same facts as the native engine on the -w capture;
# and --engine both, compared when the capture stops.
. "$(dirname "$0")/lib.sh"
[ -x "$BIN/callaudit-wireshark" ] ||
    skip "callaudit-wireshark not built (libwireshark-dev 4.0 or later missing)"
live_start ws -i lo -f "host $LO" -w "$T/ws.pcap" --calls 1 --engine wireshark
callstack_call $PORT 2
wait_for $LIVE_PID 40 || fail "live exited $? ($(cat "$T/ws.live.err"))"
code=$(json "$T/caller.json" .security_code)
[ "$(jq -r 'select(.event == "handshake") | .security_code' "$T/ws.jsonl")" = "$code" ] ||
    fail "no handshake line with the code: $(cat "$T/ws.jsonl" | head -3)"
[ "$(jq -r 'select(.event == "call") | .verdict + " " + .security_code' "$T/ws.jsonl")" = "pass $code" ] ||
    fail "the call: $(jq -c 'select(.event == "call") | [.verdict, .findings]' "$T/ws.jsonl")"
# the same call, read back from the -w file by each engine
[ "$(replay_calls "$T/ws.pcap")" = "$(live_calls ws)" ] ||
    fail "native replay differs: $(replay_calls "$T/ws.pcap") vs $(live_calls ws)"
"$CALLAUDIT" analyze --engine both "$T/ws.pcap" >/dev/null 2>"$T/both.err" ||
    fail "analyze --engine both on the capture: $(cat "$T/both.err")"
grep -q ": 0 disagreements" "$T/both.err" || fail "$(cat "$T/both.err")"
streams=$(jq -r 'select(.event == "call") | [.media.streams[] | "\(.kind) \(.packets)"] | join(", ")' "$T/ws.jsonl")
note "live through Wireshark's dissectors: pass, code $code; streams $streams"

# --engine both: the native and the Wireshark reading of the same frames,
# compared when the capture stops
live_start both -i lo -f "host $LO" --calls 1 --engine both
PORT=$((PORT + 2))
callstack_call $PORT 2
wait_for $LIVE_PID 40 || fail "live --engine both exited $? ($(cat "$T/both.live.err"))"
grep -q "native engine and Wireshark .*: 0 disagreements" "$T/both.live.err" ||
    fail "live both: $(cat "$T/both.live.err")"
[ "$(jq -r 'select(.event == "call") | .verdict' "$T/both.jsonl")" = pass ] ||
    fail "live both: $(jq -c 'select(.event == "call") | [.verdict, .findings]' "$T/both.jsonl")"
note "live --engine both: the call passes, 0 disagreements when the capture stops"

# the engine missing: one line, exit 2
CALLAUDIT_WIRESHARK=$T/none "$CALLAUDIT" live -i lo --engine wireshark --duration 1 >/dev/null 2>"$T/err"
[ $? = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q libwireshark-dev "$T/err" ||
    fail "no engine: $(cat "$T/err")"
"$CALLAUDIT" live -i lo --engine nope >/dev/null 2>"$T/err"
[ $? = 2 ] || fail "live --engine nope: $(cat "$T/err")"
