# SRTP keyed by SDES (RFC 4568: the keys in the SDP's a=crypto, no DTLS), as
# `callstack --sdes` does to show the attack: the media is encrypted, but
# with keys the signaling service carried. callaudit fails the call with
# NO_DTLS and, having seen the SDP on the signaling stream, says why.
. "$(dirname "$0")/lib.sh"

start_capture "$T/sdes.pcap" "udp or tcp"
CALLEE_OPTS=--sdes callstack_call $PORT 2 --sdes
stop_capture
[ "$(json "$T/caller.json" '.srtp_profile')" = "AES_CM_128_HMAC_SHA1_80 (SDES)" ] || fail "not SDES"
[ "$(json "$T/callee.json" '.rtp.authenticated > 0')" = true ] || fail "no SRTP went through"
grep -q '^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:' "$T/caller.sdp" || fail "no a=crypto"

"$CALLAUDIT" analyze --format json "$T/sdes.pcap" >"$T/r.json"
[ $? -eq 1 ] || fail "SDES must fail"
r=$T/r.json
[ "$(json "$r" '[.calls[0].findings[].id] | unique | join(",")')" = NO_DTLS ] ||
    fail "findings: $(json "$r" '[.calls[0].findings[].id]')"
[ "$(json "$r" '[.calls[0].findings[].message | select(test("a=crypto"))] | length')" = 2 ] ||
    fail "the SDES of both SDPs not named: $(json "$r" '[.calls[0].findings[].message]')"
[ "$(json "$r" '[.calls[0].media.streams[] | select(.kind == "rtp" and .opaque == false)] | length')" = 0 ] ||
    fail "the SDES-keyed SRTP is ciphertext, not readable: $(json "$r" '[.calls[0].media.streams[] | .opaque]')"
note "SDES-keyed SRTP: opaque, yet NO_DTLS: the keys were in the signaling"
