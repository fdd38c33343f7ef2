# A real DTLS 1.3 call: Firefox ESR 153 (Debian), two RTCPeerConnections in
# one headless page on loopback, captured with tcpdump (pcaps/README.md says
# how; tests/firefox_capture.sh remakes it). Its ClientHello carries an
# X25519MLKEM768 key share and spans two datagrams; everything after the
# ServerHello is encrypted. Without keys: inconclusive with DTLS13_OPAQUE,
# never a pass, never a verdict on certificates nobody could see; with the
# SDP, the code is shown as signalled, equal to an independent computation.
. "$(dirname "$0")/lib.sh"
PCAP=$(cd "$(dirname "$0")/../../pcaps" && pwd)/firefox-esr153-dtls13.pcap
F=$FIXTURES/firefox-esr153-dtls13

"$CALLAUDIT" analyze --format json "$PCAP" >"$T/r.json"
rc=$?
r=$T/r.json
[ $rc -eq 3 ] || fail "exit $rc, wanted 3 (inconclusive)"
[ "$(json "$r" .summary.calls)" = 1 ] || fail "calls"
[ "$(json "$r" '.calls[0].dtls.version')" = 1.3 ] || fail "version"
[ "$(json "$r" '.calls[0].dtls.key_share_groups[0]')" = X25519MLKEM768 ] || fail "key share"
ch=$(json "$r" '.calls[0].dtls.handshake[0] | "\(.frame) \(.type)"')
[ "$ch" = "6 client_hello" ] || fail "client_hello: $ch"
# The first fragment came a frame earlier: the session starts at frame 5.
json "$r" '.calls[0].findings[] | select(.id == "DTLS13_OPAQUE") | .frame' | grep -qx 5 ||
    fail "ClientHello not reassembled from 2 datagrams"
# Firefox sends the RFC 6464 audio level in a clear header extension: a
# warning, the only other finding.
[ "$(json "$r" '[.calls[0].findings[].id] | unique | join(",")')" = DTLS13_OPAQUE,HEADER_EXT_CLEAR ] ||
    fail "findings: $(json "$r" '[.calls[0].findings[].id]')"
[ "$(json "$r" '[.calls[0].findings[] | select(.id == "HEADER_EXT_CLEAR" and .severity != "warn")] | length')" = 0 ] ||
    fail "HEADER_EXT_CLEAR must be a warning"
[ "$(json "$r" '[.calls[0].media.streams[] | select(.kind == "srtp" and .opaque == true)] | length')" = 2 ] ||
    fail "Opus SRTP payloads not judged opaque"
[ "$(json "$r" '.calls[0].security_code')" = null ] || fail "a code without certificates"
[ "$(json "$r" '.calls[0].dtls.srtp_profile')" = null ] || fail "guessed the SRTP profile"
[ "$(json "$r" '.calls[0].dtls.records.malformed')" = 0 ] || fail "malformed records"
[ "$(json "$r" '[.calls[0].media.streams[] | select(.kind == "srtp")] | length')" = 2 ] ||
    fail "streams"
[ "$(json "$r" '.summary.undecoded | length')" = 0 ] || fail "undecoded: $(json "$r" .summary.undecoded)"

# With the SDP: the code of the signalled fingerprints, labelled as such.
"$CALLAUDIT" analyze --format json --sdp "$F.offer.sdp" --sdp "$F.answer.sdp" "$PCAP" >"$T/s.json"
[ $? -eq 3 ] || fail "with SDP: must stay inconclusive"
[ "$(json "$T/s.json" '.calls[0].security_code_source')" = sdp ] || fail "code source"
# The spec's algorithm in shell, from the two a=fingerprint lines.
fps=$(grep -h '^a=fingerprint:sha-256' "$F.offer.sdp" "$F.answer.sdp" | cut -d' ' -f2 | tr -d '\r' | sort)
d=$({ printf 'callaudit security code v1'; for fp in $fps; do echo "$fp" | tr -d : | xxd -r -p; done; } |
    openssl dgst -sha256 -binary | xxd -p -c 64)
want=""
for g in 0 1 2 3; do want+=$(printf '%05d ' $((16#${d:$((10 * g)):10} % 100000))); done
want=${want% }
[ "$(json "$T/s.json" '.calls[0].security_code')" = "$want" ] ||
    fail "code from SDP $(json "$T/s.json" '.calls[0].security_code') != independent $want"
# --expect-code cannot be satisfied by a signalled code.
"$CALLAUDIT" analyze --expect-code "$want" --sdp "$F.offer.sdp" --sdp "$F.answer.sdp" "$PCAP" \
    >/dev/null
[ $? -eq 1 ] || fail "--expect-code must not pass on a code the wire did not prove"
note "Firefox DTLS 1.3: inconclusive (DTLS13_OPAQUE); signalled code $want"
