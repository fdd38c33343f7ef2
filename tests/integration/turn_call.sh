# A call whose caller relays all media through a real TURN server (coturn,
# RFC 8656) on loopback. Captured between the caller and the server, the
# call is ChannelData (and Send indications before the channel is bound)
# to the server's port; callaudit unwraps both into one inner flow between
# the caller and its peer and passes it with the endpoints' code. Captured
# on every hop at once (the relay-to-peer leg too), the same session is
# seen on each hop and passes on each.
. "$(dirname "$0")/lib.sh"
start_turn
start_capture "$T/turn.pcap"
callstack_call $PORT 2 --turn "$TURN"
stop_capture
code=$(json "$T/caller.json" .security_code)
[ "$code" = "$(json "$T/callee.json" .security_code)" ] || fail "the endpoints disagree"
# the caller-server segment only
tshark -r "$T/turn.pcap" -w "$T/segment.pcap" -Y "udp.port == $TURN_PORT" 2>/dev/null
cd=$(tshark -r "$T/segment.pcap" -Y 'stun.type == 0x0009 || (udp.payload[0] >= 0x40 && udp.payload[0] <= 0x4f)' \
    2>/dev/null | wc -l)
[ "$cd" -gt 100 ] || fail "only $cd ChannelBind/ChannelData packets: not relayed?"
"$CALLAUDIT" analyze --format json "$T/segment.pcap" >"$T/r.json" || fail "segment: exit $?"
r=$T/r.json
[ "$(json "$r" '.summary.calls')" = 1 ] || fail "segment: $(json "$r" '[.calls[] | [.verdict, .findings]]')"
[ "$(json "$r" '.calls[0].relayed_by_turn')" = true ] || fail "not flagged as relayed"
[ "$(json "$r" '.calls[0].security_code')" = "$code" ] || fail "code"
[ "$(json "$r" '[.calls[0].media.streams[] | select(.kind == "srtp")] | length')" = 2 ] ||
    fail "streams: $(json "$r" '[.calls[0].media.streams[] | [.dir, .kind, .packets]]')"
note "the caller-TURN segment: $cd ChannelBind/ChannelData packets, one relayed call, pass, code $code"
"$CALLAUDIT" analyze --format json "$T/turn.pcap" >"$T/all.json"
rc=$?
[ $rc = 0 ] || fail "every hop: exit $rc: $(json "$T/all.json" '[.calls[] | [.verdict, .findings]]')"
[ "$(json "$T/all.json" '[.calls[] | .security_code] | unique | length')" = 1 ] ||
    fail "every hop: different codes"
note "every hop: $(json "$T/all.json" .summary.calls) views of the one session, each pass"

# TURN over TCP: the caller reaches the server on a TCP connection (STUN and
# ChannelData padded to 4 bytes, several to a segment or split across them);
# captured on that connection alone, the call inside is found and audited as
# the UDP-relayed one is.
start_capture "$T/turn-tcp.pcap" "tcp port $TURN_PORT"
callstack_call $((PORT + 2)) 2 --turn "$TURN/tcp"
stop_capture
code=$(json "$T/caller.json" .security_code)
[ "$code" = "$(json "$T/callee.json" .security_code)" ] || fail "TCP: the endpoints disagree"
"$CALLAUDIT" analyze --format json "$T/turn-tcp.pcap" >"$T/tcp.json" || fail "TCP: exit $?"
r=$T/tcp.json
[ "$(json "$r" '.summary.calls')" = 1 ] || fail "TCP: $(json "$r" '[.calls[] | [.verdict, .findings]]')"
[ "$(json "$r" '.calls[0].turn_transport')" = tcp ] || fail "TCP: not flagged as relayed over TCP"
[ "$(json "$r" '.calls[0].security_code')" = "$code" ] || fail "TCP: code"
[ "$(json "$r" '[.calls[0].media.streams[] | select(.kind == "srtp")] | length')" = 2 ] ||
    fail "TCP streams: $(json "$r" '[.calls[0].media.streams[] | [.dir, .kind, .packets]]')"
"$CALLAUDIT" analyze --engine both "$T/turn-tcp.pcap" >"$T/both.txt" 2>&1 ||
    fail "TCP: the engines disagree: $(grep -A3 ENGINE_ "$T/both.txt")"
note "TURN over TCP: one relayed call, pass, code $code; Wireshark's engine agrees"
# SDES relayed the same way: the keys are the signaling's, a failure
start_capture "$T/sdes-tcp.pcap" "tcp port $TURN_PORT"
CALLEE_OPTS=--sdes callstack_call $((PORT + 4)) 2 --turn "$TURN/tcp" --sdes
stop_capture
"$CALLAUDIT" analyze --format json "$T/sdes-tcp.pcap" >"$T/sdes.json"
[ $? = 1 ] || fail "SDES over TURN/TCP: exit not 1"
[ "$(json "$T/sdes.json" '[.calls[] | .findings[] | .id] | index("NO_DTLS") != null')" = true ] ||
    fail "SDES over TURN/TCP: $(json "$T/sdes.json" '[.calls[] | [.verdict, .findings]]')"
note "SDES over TURN/TCP: fail NO_DTLS"
