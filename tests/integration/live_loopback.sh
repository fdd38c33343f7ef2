# callaudit live on lo with a real callstack call: the early handshake line
# with the code, then the call's verdict (pass, the endpoints' code) as soon
# as the call ends (close_notify both ways), exit after --calls 1; the -w
# capture (all packets, and --write-calls) replayed by analyze gives the same
# verdict; SIGINT mid-call gives an in-progress call, never a pass; a stalled
# auditor (SIGSTOP) loses packets, which the summary counts and which make
# the call inconclusive; bad interface, filter, permission: one line, exit 2.
. "$(dirname "$0")/lib.sh"

# --- a whole call -------------------------------------------------------------
live_start call -i lo -f "host $LO" -w "$T/all.pcap" --calls 1
"$CALLAUDIT" live -i lo -f "host $LO" -w "$T/calls.pcap" --write-calls --calls 1 \
    >"$T/calls.txt" 2>"$T/calls.err" &
second=$!
PIDS+=($second)
for _ in $(seq 50); do grep -q "listening on" "$T/calls.err" && break; sleep 0.1; done
callstack_call $PORT 2
ended=$(date +%s.%N)
wait_for $LIVE_PID 30 || fail "live exited $? ($(cat "$T/call.live.err"))"
done_at=$(date +%s.%N)
wait_for $second 30 || fail "the --write-calls run exited $?"
code=$(json "$T/caller.json" .security_code)
[ "$code" = "$(json "$T/callee.json" .security_code)" ] || fail "the endpoints disagree"
events=$(jq -r .event "$T/call.jsonl" | tr '\n' ' ')
[ "$events" = "handshake call summary " ] || fail "events: $events"
[ "$(jq -r 'select(.event == "handshake") | .security_code' "$T/call.jsonl")" = "$code" ] ||
    fail "the handshake line's code"
[ "$(jq -r 'select(.event == "call") | .verdict + " " + .security_code' "$T/call.jsonl")" = "pass $code" ] ||
    fail "the call: $(jq -c 'select(.event == "call") | [.verdict, .findings]' "$T/call.jsonl")"
[ "$(jq -r 'select(.event == "summary") | .summary.capture.dropped_by_kernel' "$T/call.jsonl")" = 0 ] ||
    fail "kernel drops reported"
lag=$(awk -v a="$ended" -v b="$done_at" 'BEGIN { printf "%.1f", b - a }')
note "verdict $lag s after the call ended (goodbye, 2 s quiet, 2 s settle)"
awk -v l="$lag" 'BEGIN { exit !(l < 15) }' || fail "the verdict came $lag s after the call (idle timeout?)"
# Replays reproduce the live verdict.
[ "$(replay_calls "$T/all.pcap")" = "$(live_calls call)" ] ||
    fail "replay differs: $(replay_calls "$T/all.pcap") vs $(live_calls call)"
grep -q "^call 1: PASS" "$T/calls.txt" || fail "--write-calls run: $(head -3 "$T/calls.txt")"
"$CALLAUDIT" analyze "$T/calls.pcap" >/dev/null || fail "--write-calls replay exits $?"
all=$(tshark -r "$T/all.pcap" 2>/dev/null | wc -l)
only=$(tshark -r "$T/calls.pcap" 2>/dev/null | wc -l)
nontcp=$(tshark -r "$T/all.pcap" -Y 'not tcp' 2>/dev/null | wc -l)
[ "$only" -gt 0 ] && [ "$only" -le "$all" ] || fail "--write-calls wrote $only of $all"
note "-w wrote $all frames, --write-calls $only (UDP $nontcp, plus the signaling carrying SDP)"

# --- SIGINT in the middle of a call ------------------------------------------------
live_start cut -i lo -f "host $LO"
PORT=$((PORT + 2))
bg "$CALLSTACK" answer --listen $LO:$PORT --bind $LO --duration 4 --json >"$T/cut-callee.json"
callee=$!
wait_listen $PORT
bg "$CALLSTACK" call --connect $LO:$PORT --bind $LO --duration 4 --json >"$T/cut-caller.json"
caller=$!
sleep 2.5
kill -INT $LIVE_PID
wait_for $LIVE_PID 20
rc=$?
[ $rc = 3 ] || fail "SIGINT mid-call: exit $rc, wanted 3 (inconclusive)"
wait_for $caller 20 >/dev/null; wait_for $callee 20 >/dev/null
[ "$(jq -r 'select(.event == "call") | [.verdict, .in_progress, (.findings[].id)] | join(" ")' "$T/cut.jsonl")" = \
    "inconclusive true CALL_IN_PROGRESS" ] || fail "cut call: $(grep '"call"' "$T/cut.jsonl")"
jq -se 'map(select(.event == "summary")) | length == 1 and .[0].summary.calls == 1' \
    "$T/cut.jsonl" >/dev/null ||
    fail "no summary after SIGINT"

# --- a stalled auditor: the kernel drops, the call cannot pass ------------------------
live_start stall -i lo -f "host $LO" --buffer-size 1024 --calls 1
PORT=$((PORT + 2))
bg "$CALLSTACK" answer --listen $LO:$PORT --bind $LO --duration 4 --json >"$T/st-callee.json"
callee=$!
wait_listen $PORT
bg "$CALLSTACK" call --connect $LO:$PORT --bind $LO --duration 4 --json >"$T/st-caller.json"
caller=$!
sleep 2
kill -STOP $LIVE_PID
sleep 2
kill -CONT $LIVE_PID
wait_for $caller 20 >/dev/null; wait_for $callee 20 >/dev/null
wait_for $LIVE_PID 30
rc=$?
dropped=$(jq -r 'select(.event == "summary") | .summary.capture.dropped_by_kernel' "$T/stall.jsonl")
[ "${dropped:-0}" -gt 0 ] || skip "the kernel dropped nothing while callaudit was stopped (buffer too large here?)"
[ $rc = 3 ] || fail "drops: exit $rc, wanted 3: $(grep '"call"' "$T/stall.jsonl")"
jq -se 'map(select(.event == "call")) | length == 1 and (.[0] | .verdict == "inconclusive" and
    any(.findings[]; .id == "PACKETS_DROPPED"))' "$T/stall.jsonl" >/dev/null ||
    fail "drops not on the call: $(grep '"call"' "$T/stall.jsonl")"
note "stalled 2 s with a 1 MiB buffer: $dropped packets dropped by the kernel; call inconclusive"

# --- bad input ------------------------------------------------------------------------
expect_usage() {
    local what=$1
    shift
    "$CALLAUDIT" "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    [ $rc = 2 ] || fail "$what: exit $rc, wanted 2"
    [ "$(wc -l <"$T/err")" = 1 ] || fail "$what: stderr is not one line: $(cat "$T/err")"
    note "$what: $(cat "$T/err")"
}
expect_usage "unknown interface" live -i ca-nosuch0
expect_usage "bad filter" live -i lo -f "host and"
expect_usage "no interface" live
expect_usage "junit" live -i lo --format junit
expect_usage "unwritable -w" live -i lo -w /nonexistent/dir/x.pcap
expect_usage "--write-calls without -w" live -i lo --write-calls
expect_usage "bad --calls" live -i lo --calls many
if command -v setpriv >/dev/null; then
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$CALLAUDIT" live -i lo \
        >"$T/out" 2>"$T/err"
    rc=$?
    [ $rc = 2 ] && grep -q "no permission" "$T/err" || fail "unprivileged: exit $rc: $(cat "$T/err")"
    note "unprivileged: $(cat "$T/err")"
fi
