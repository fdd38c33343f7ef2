# callaudit analyze on a capture of a real callstack call: pass, the handshake
# in order and each message once, both thumbprints and the code equal to the
# endpoints' own; the same through stdin, with a filter, as JUnit; the SDP
# checks and --expect-code.
. "$(dirname "$0")/lib.sh"

start_capture "$T/call.pcap"
callstack_call $PORT 2
stop_capture

"$CALLAUDIT" analyze --format json "$T/call.pcap" >"$T/report.json"
rc=$?
[ $rc -eq 0 ] || { "$CALLAUDIT" analyze "$T/call.pcap"; fail "exit $rc, wanted 0 (pass)"; }
r=$T/report.json
[ "$(json "$r" '.summary.calls')" = 1 ] || fail "calls: $(json "$r" .summary)"
[ "$(json "$r" '.calls[0].verdict')" = pass ] || fail "verdict"
code=$(json "$T/caller.json" .security_code)
[ "$(json "$r" '.calls[0].security_code')" = "$code" ] || fail "code differs from the endpoints'"
# The caller is the DTLS server (the callee answered a=setup:active).
[ "$(json "$r" '.calls[0].server.certificate.sha256')" = "$(json "$T/caller.json" .local_thumbprint)" ] ||
    fail "server thumbprint"
[ "$(json "$r" '.calls[0].client.certificate.sha256')" = "$(json "$T/callee.json" .local_thumbprint)" ] ||
    fail "client thumbprint"
seq=$(json "$r" '[.calls[0].dtls.handshake[] | select(.type != "alert") | .dir + ":" + .type] | join(" ")')
want="c2s:client_hello s2c:server_hello s2c:certificate s2c:server_key_exchange"
want+=" s2c:certificate_request s2c:server_hello_done c2s:certificate c2s:client_key_exchange"
want+=" c2s:certificate_verify c2s:change_cipher_spec c2s:finished s2c:change_cipher_spec s2c:finished"
[ "$seq" = "$want" ] || fail "handshake: $seq"
[ "$(json "$r" '.calls[0].dtls.srtp_profile')" = SRTP_AEAD_AES_128_GCM ] || fail "profile"
[ "$(json "$r" '[.calls[0].media.streams[] | select(.kind == "srtp")] | length')" = 2 ] ||
    fail "two SRTP streams"
[ "$(json "$r" '[.calls[0].media.streams[] | select(.kind == "srtcp")] | length')" = 2 ] ||
    fail "two SRTCP streams"
[ "$(json "$r" '.calls[0].findings | length')" = 0 ] || fail "findings: $(json "$r" .calls[0].findings)"
# Each endpoint proved it holds its certificate's key.
[ "$(json "$r" '.calls[0].server.signature.status + "," + .calls[0].client.signature.status')" = valid,valid ] ||
    fail "signatures: $(json "$r" '[.calls[0].server.signature, .calls[0].client.signature]')"
# SRTCP is judged by its E flag (certain); SRTP payloads by a test that
# leaves a ciphertext stream undecided with probability 2e-4, never readable.
[ "$(json "$r" '[.calls[0].media.streams[] | select(.kind == "srtcp" and .opaque == true)] | length')" = 2 ] &&
    [ "$(json "$r" '[.calls[0].media.streams[] | select(.opaque == false)] | length')" = 0 ] ||
    fail "streams: $(json "$r" '[.calls[0].media.streams[] | .opaque]')"
note "analyze: pass, code $code"

# stdin, a BPF filter that keeps everything, JUnit.
"$CALLAUDIT" analyze --format json - <"$T/call.pcap" >"$T/stdin.json" || fail "stdin: exit $?"
[ "$(json "$T/stdin.json" '.calls[0].security_code')" = "$code" ] || fail "stdin code"
"$CALLAUDIT" analyze -f udp --format junit "$T/call.pcap" >"$T/junit.xml" || fail "junit: exit $?"
grep -q '<testsuites name="callaudit" tests="1" failures="0" skipped="0">' "$T/junit.xml" ||
    fail "junit: $(cat "$T/junit.xml")"
# A filter that keeps nothing: no call, exit 1, frame count unchanged.
"$CALLAUDIT" analyze -f 'tcp port 1' --format json "$T/call.pcap" >"$T/none.json"
[ $? -eq 1 ] || fail "filtered to nothing must fail (NO_CALL)"
[ "$(json "$T/none.json" '.findings[0].id')" = NO_CALL ] || fail "NO_CALL"
[ "$(json "$T/none.json" '.summary.filtered_out')" = "$(json "$r" .summary.frames)" ] ||
    fail "filtered frames not counted"

# --expect-code: the right code passes, another fails with CODE_MISMATCH.
"$CALLAUDIT" analyze --expect-code "$(echo "$code" | tr -d ' ')" "$T/call.pcap" >/dev/null ||
    fail "--expect-code with the right code: exit $?"
"$CALLAUDIT" analyze --format json --expect-code "00000 00000 00000 00000" "$T/call.pcap" \
    >"$T/mismatch.json"
[ $? -eq 1 ] && [ "$(json "$T/mismatch.json" '.calls[0].findings[0].id')" = CODE_MISMATCH ] ||
    fail "CODE_MISMATCH"

# --sdp with the endpoints' own SDP: the fingerprints and roles match.
sed -n '/^# local$/,/^# remote$/p' "$T/caller.sdp" | grep -v '^#' >"$T/offer.sdp"
sed -n '/^# local$/,/^# remote$/p' "$T/callee.sdp" | grep -v '^#' >"$T/answer.sdp"
"$CALLAUDIT" analyze --format json --sdp "$T/offer.sdp" --sdp "$T/answer.sdp" "$T/call.pcap" \
    >"$T/sdp.json" || fail "--sdp with the real SDPs: exit $? $(json "$T/sdp.json" .)"
[ "$(json "$T/sdp.json" '.findings | length')" = 0 ] || fail "SDP unmatched: $(json "$T/sdp.json" .findings)"
# An SDP whose fingerprint is another certificate's: FINGERPRINT_MISMATCH.
sed 's/^a=fingerprint:sha-256 ../a=fingerprint:sha-256 00/' "$T/answer.sdp" >"$T/forged.sdp"
"$CALLAUDIT" analyze --format json --sdp "$T/forged.sdp" "$T/call.pcap" >"$T/forged.json"
[ $? -eq 1 ] || fail "forged fingerprint must fail"
[ "$(json "$T/forged.json" '[.calls[0].findings[].id] | index("FINGERPRINT_MISMATCH") != null')" = true ] ||
    fail "FINGERPRINT_MISMATCH: $(json "$T/forged.json" .calls[0].findings)"
# The callee said active; claiming passive contradicts the wire.
sed 's/^a=setup:active/a=setup:passive/' "$T/answer.sdp" >"$T/role.sdp"
"$CALLAUDIT" analyze --format json --sdp "$T/role.sdp" "$T/call.pcap" >"$T/role.json"
[ "$(json "$T/role.json" '[.calls[0].findings[].id] | index("SETUP_ROLE_MISMATCH") != null')" = true ] ||
    fail "SETUP_ROLE_MISMATCH"
note "stdin, filter, junit, --expect-code, --sdp checked"

# The same capture with one bit of the ServerKeyExchange signature flipped:
# the server no longer proves it holds its key.
sig=$(tshark -r "$T/call.pcap" -Y 'dtls.handshake.type == 12' -T fields -e dtls.handshake.sig \
    2>/dev/null | head -n1)
[ -n "$sig" ] || skip "tshark found no ServerKeyExchange signature to alter"
# Find the bytes in the file as hex (grep would stop at a newline byte).
hex=$(xxd -p "$T/call.pcap" | tr -d '\n')
prefix=${hex%%"$sig"*}
[ ${#prefix} -lt ${#hex} ] && [ $((${#prefix} % 2)) -eq 0 ] ||
    fail "the signature bytes are not in the file as tshark showed them"
offset=$((${#prefix} / 2))
cp "$T/call.pcap" "$T/forged-ske.pcap"
at=$((offset + ${#sig} / 4)) # a byte inside the signature's first half
byte=$(xxd -s "$at" -l 1 -p "$T/forged-ske.pcap")
printf "\\x$(printf '%02x' $((16#$byte ^ 1)))" |
    dd of="$T/forged-ske.pcap" bs=1 seek="$at" conv=notrunc status=none
"$CALLAUDIT" analyze --format json "$T/forged-ske.pcap" >"$T/forged-ske.json"
[ $? -eq 1 ] || fail "an altered ServerKeyExchange signature must fail"
[ "$(json "$T/forged-ske.json" '.calls[0].server.signature.status')" = invalid ] ||
    fail "signature: $(json "$T/forged-ske.json" .calls[0].server.signature)"
# The client's CertificateVerify covers the transcript, altered bytes and all:
# it fails too, as it should.
[ "$(json "$T/forged-ske.json" '.calls[0].client.signature.status')" = invalid ] ||
    fail "CertificateVerify over an altered transcript verified"
[ "$(json "$T/forged-ske.json" '[.calls[0].findings[].id] | unique | join(",")')" = SIGNATURE_INVALID ] ||
    fail "findings: $(json "$T/forged-ske.json" '[.calls[0].findings[].id]')"
note "one bit of the ServerKeyExchange signature flipped: SIGNATURE_INVALID"

# An SDP the user gave that matches no call: the fingerprint check asked for
# could not run, so a passing call makes the run inconclusive (exit 3).
PCAPS=$(cd "$(dirname "$0")/../../pcaps" && pwd)
"$CALLAUDIT" analyze --format json --sdp "$FIXTURES/firefox-esr153-dtls13.offer.sdp" \
    "$PCAPS/call-plain.pcap" >"$T/unmatched.json"
rc=$?
[ $rc = 3 ] || fail "an SDP matching no call: exit $rc, wanted 3"
[ "$(json "$T/unmatched.json" '[.findings[] | select(.id == "SDP_UNMATCHED") | .severity] | .[0]')" = \
    inconclusive ] || fail "SDP_UNMATCHED: $(json "$T/unmatched.json" .findings)"
note "an SDP given that matches no call: SDP_UNMATCHED inconclusive, exit 3"
# ... while one whose a=fingerprint is a certificate of the call matches it,
# whatever its ufrags and candidates say
fp=$(jq -r '.calls[0].client_sha256' "$FIXTURES/call-plain.json")
printf 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=fingerprint:sha-256 %s\r\na=setup:actpass\r\n' \
    "$fp" >"$T/fp.sdp"
"$CALLAUDIT" analyze --sdp "$T/fp.sdp" "$PCAPS/call-plain.pcap" >"$T/fp.out" ||
    fail "an SDP matched by its fingerprint: exit $?: $(tail -3 "$T/fp.out")"
note "an SDP matched by a=fingerprint alone: no SDP_UNMATCHED, pass"
