# A call whose endpoints complete a correct DTLS-SRTP handshake and then send
# plain RTP and RTCP (callstack --fault no-encrypt, what a broken media stack
# does): the handshake alone must not pass it. callaudit finds the payloads
# readable (the PCMU frames' first bytes repeat across packets) and the RTCP
# in clear. The same call encrypted is judged opaque and passes.
. "$(dirname "$0")/lib.sh"

start_capture "$T/plain.pcap"
CALLEE_OPTS="--fault no-encrypt" callstack_call $PORT 2 --fault no-encrypt
stop_capture
[ "$(json "$T/callee.json" '.rtp.plain_received > 0')" = true ] || fail "no plain media went through"
"$CALLAUDIT" analyze --format json "$T/plain.pcap" >"$T/plain.json"
rc=$?
r=$T/plain.json
[ $rc -eq 1 ] || { "$CALLAUDIT" analyze "$T/plain.pcap"; fail "exit $rc, wanted 1"; }
ids=$(json "$r" '[.calls[0].findings[].id] | unique | join(",")')
[ "$ids" = "MEDIA_PLAINTEXT,RTCP_PLAINTEXT" ] || fail "findings: $ids"
[ "$(json "$r" '[.calls[0].media.streams[] | select(.opaque == false)] | length')" = 4 ] ||
    fail "not every stream judged readable: $(json "$r" '[.calls[0].media.streams[] | .opaque]')"
[ "$(json "$r" '.calls[0].security_code')" = "$(json "$T/caller.json" .security_code)" ] ||
    fail "the handshake itself should still give the code"
p=$(json "$r" '[.calls[0].media.streams[] | select(.kind == "srtp") | .opacity.p_value] | max')
note "plain RTP after DTLS: MEDIA_PLAINTEXT (p <= $p), RTCP_PLAINTEXT"

# SRTP with the NULL cipher under a negotiated AES-CM profile: authenticated,
# not encrypted. The same verdict: the payloads and RTCP are readable.
start_capture "$T/null.pcap"
CALLEE_OPTS="--fault null-cipher --srtp-profile SRTP_AES128_CM_SHA1_80" \
    callstack_call $((PORT + 2)) 2 --fault null-cipher --srtp-profile SRTP_AES128_CM_SHA1_80
stop_capture
[ "$(json "$T/callee.json" '.rtp.authenticated > 0')" = true ] || fail "null cipher: no media"
"$CALLAUDIT" analyze --format json "$T/null.pcap" >"$T/null.json"
[ $? -eq 1 ] || fail "null cipher: must fail"
[ "$(json "$T/null.json" '[.calls[0].findings[].id] | unique | join(",")')" = "MEDIA_PLAINTEXT,RTCP_PLAINTEXT" ] ||
    fail "null cipher findings: $(json "$T/null.json" '[.calls[0].findings[].id]')"
[ "$(json "$T/null.json" '.calls[0].dtls.srtp_profile')" = SRTP_AES128_CM_SHA1_80 ] ||
    fail "the handshake said AES-CM"
note "NULL-cipher SRTP under an AES-CM profile: MEDIA_PLAINTEXT, RTCP_PLAINTEXT (E=0)"

# Ten plain RTP packets as soon as ICE is up, before DTLS: MEDIA_BEFORE_HANDSHAKE,
# and their stream (too short to judge) leaves the opacity undecided.
start_capture "$T/early.pcap"
callstack_call $((PORT + 3)) 2 --fault early-media
stop_capture
"$CALLAUDIT" analyze --format json "$T/early.pcap" >"$T/early.json"
[ $? -eq 1 ] || fail "early media must fail"
[ "$(json "$T/early.json" '[.calls[0].findings[].id] | unique | join(",")')" = \
    MEDIA_BEFORE_HANDSHAKE,MEDIA_OPACITY_UNKNOWN ] ||
    fail "early media findings: $(json "$T/early.json" '[.calls[0].findings[].id]')"
[ "$(json "$T/early.json" '[.calls[0].findings[] | select(.id == "MEDIA_BEFORE_HANDSHAKE")][0].message | test("^10 RTP packets of SSRC 0x0ea71ed1")')" = true ] ||
    fail "message: $(json "$T/early.json" '.calls[0].findings')"
note "10 plain RTP packets before the handshake: MEDIA_BEFORE_HANDSHAKE"

start_capture "$T/srtp.pcap"
callstack_call $((PORT + 1)) 2
stop_capture
"$CALLAUDIT" analyze --format json "$T/srtp.pcap" >"$T/srtp.json" || fail "encrypted call: exit $?"
[ "$(json "$T/srtp.json" '[.calls[0].media.streams[] | select(.opaque == false)] | length')" = 0 ] &&
    [ "$(json "$T/srtp.json" '.calls[0].verdict')" = pass ] ||
    fail "encrypted streams: $(json "$T/srtp.json" '[.calls[0].media.streams[] | .opaque]')"
note "the same call with SRTP: no stream readable, pass"
