# Real calls over the transports callaudit must read: ICE-TCP (RFC 6544,
# media in RFC 4571 frames) with the SDP in clear on the signaling stream,
# IPv6 captured with `-i any` (Linux cooked v2) and converted to pcapng,
# several files in one run, and one pinned certificate in two calls.
. "$(dirname "$0")/lib.sh"
command -v editcap >/dev/null || skip "editcap (Wireshark) missing"

# 1. ICE-TCP, signaling captured too.
start_capture "$T/tcp.pcap" tcp
CALLEE_OPTS=--ice-tcp callstack_call $PORT 2 --ice-tcp
stop_capture
"$CALLAUDIT" analyze --format json "$T/tcp.pcap" >"$T/tcp.json" || fail "ice-tcp: exit $?"
r=$T/tcp.json
[ "$(json "$r" '.calls[0].transport')" = tcp ] || fail "not seen as TCP"
[ "$(json "$r" '.calls[0].security_code')" = "$(json "$T/caller.json" .security_code)" ] ||
    fail "ice-tcp code"
[ "$(json "$r" '[.calls[0].media.streams[] | select(.kind == "srtp")] | length')" = 2 ] ||
    fail "ice-tcp: SRTP streams"
[ "$(json "$r" .summary.sdp_in_capture)" = 2 ] || fail "the two SDPs in the signaling stream"
[ "$(json "$r" '.calls[0].sdp.client != null and .calls[0].sdp.server != null')" = true ] ||
    fail "SDPs not matched to the endpoints: $(json "$r" .calls[0].sdp)"
note "ICE-TCP: pass, SDP from the capture matched both ends"

# 2. IPv6, -i any as Linux cooked v2, then pcapng.
[ "$(id -u)" = 0 ] || skip "capturing needs root"
# The default buffer drops packets in immediate mode on "any", even at this rate.
tcpdump -i any -B 16384 -y LINUX_SLL2 --immediate-mode -U -n -w "$T/v6.pcap" "udp or tcp port $((PORT + 1))" \
    2>"$T/tcpdump6.err" &
CAPTURE_PID=$!
PIDS+=($CAPTURE_PID)
for _ in $(seq 50); do grep -q "listening on" "$T/tcpdump6.err" && break; sleep 0.1; done
sleep 1 # -i any binds every interface after saying it listens
bg "$CALLSTACK" answer --listen "[::1]:$((PORT + 1))" --duration 2 --json >"$T/v6-callee.json"
callee=$!
sleep 0.3
"$CALLSTACK" call --connect "[::1]:$((PORT + 1))" --duration 2 --json >"$T/v6-caller.json" ||
    fail "v6 caller exited $?"
wait_for $callee 20 || fail "v6 callee exited $?"
stop_capture
editcap -F pcapng "$T/v6.pcap" "$T/v6.pcapng" || fail "editcap"
"$CALLAUDIT" analyze --format json "$T/v6.pcapng" >"$T/v6.json" ||
    { "$CALLAUDIT" analyze "$T/v6.pcapng"; fail "v6: exit $?"; }
[ "$(json "$T/v6.json" '.calls[0].client.addr | startswith("[::1]:")')" = true ] || fail "v6 addr"
[ "$(json "$T/v6.json" '.calls[0].security_code')" = "$(json "$T/v6-caller.json" .security_code)" ] ||
    fail "v6 code"
note "IPv6 / SLL2 / pcapng: pass"

# 3. Both captures in one run: two calls, frame numbers continue across files.
"$CALLAUDIT" analyze --format json "$T/tcp.pcap" "$T/v6.pcapng" >"$T/both.json" ||
    fail "two files: exit $?"
frames1=$(json "$r" .summary.frames)
[ "$(json "$T/both.json" .summary.calls)" = 2 ] || fail "two files: calls"
[ "$(json "$T/both.json" '.calls[1].dtls.handshake[0].frame')" -gt "$frames1" ] ||
    fail "frame numbers restart in the second file"

# 4. The same pinned certificate in two calls: CERT_REUSED (a warning).
V=$FIXTURES/vectors
start_capture "$T/reuse.pcap"
callstack_call $((PORT + 2)) 2 --cert "$V/caller.pem" --key "$V/caller.key"
callstack_call $((PORT + 3)) 2 --cert "$V/caller.pem" --key "$V/caller.key"
stop_capture
"$CALLAUDIT" analyze --format json "$T/reuse.pcap" >"$T/reuse.json" || fail "reuse: exit $?"
for i in 0 1; do
    [ "$(json "$T/reuse.json" "[.calls[$i].findings[] | select(.id == \"CERT_REUSED\" and .severity == \"warn\")] | length")" = 1 ] ||
        fail "call $i: CERT_REUSED: $(json "$T/reuse.json" ".calls[$i].findings")"
done
# Flows that go idle end during the capture and are freed; the audit is the same.
"$CALLAUDIT" analyze --format json --idle-timeout 0.5 "$T/reuse.pcap" >"$T/expired.json" ||
    fail "with expiry: exit $?"
[ "$(json "$T/expired.json" '.summary.flows.expired > 0')" = true ] || fail "nothing expired"
[ "$(json "$T/expired.json" '.calls')" = "$(json "$T/reuse.json" '.calls')" ] ||
    fail "expiring idle flows changed the calls"
note "two files in one run; CERT_REUSED across calls; same audit with flows expiring"

