# The real DTLS 1.3 call of pcaps/firefox-esr153-dtls13.pcap (Firefox ESR
# 153, NSS) with the key log Firefox wrote (SSLKEYLOGFILE): the record
# numbers unmasked, the handshake decrypted, both certificates recovered,
# both CertificateVerify and Finished verified, every SRTP/SRTCP packet
# authenticated with the exporter's keys; a full verdict (pass) whose code
# equals the one the SDP fingerprints give. A key log without
# EXPORTER_SECRET, or without a handshake secret, is inconclusive and names
# the label; wrong secrets fail; without the key log it stays DTLS13_OPAQUE.
. "$(dirname "$0")/lib.sh"
PCAP=$(cd "$(dirname "$0")/../../pcaps" && pwd)/firefox-esr153-dtls13.pcap
F=$FIXTURES/firefox-esr153-dtls13

"$CALLAUDIT" analyze --format json --keylog "$F.keys" "$PCAP" >"$T/r.json"
rc=$?
r=$T/r.json
[ $rc = 0 ] || fail "exit $rc, wanted 0: $(json "$r" '[.calls[0].findings[] | .id + ": " + .message]')"
c='.calls[0]'
[ "$(json "$r" "$c.verdict")" = pass ] || fail "verdict"
[ "$(json "$r" "$c.security_code_source")" = certificates ] || fail "code not from the certificates"
[ "$(json "$r" "[$c.client.certificate.key, $c.server.certificate.key] | join(\",\")")" = "EC P-256,EC P-256" ] ||
    fail "certificates"
[ "$(json "$r" "[$c.client.signature.status, $c.server.signature.status] | join(\",\")")" = valid,valid ] ||
    fail "CertificateVerify: $(json "$r" "[$c.client.signature, $c.server.signature]")"
[ "$(json "$r" "$c.keylog | tojson")" = '{"state":"derived","finished":{"client":"valid","server":"valid"}}' ] ||
    fail "keylog: $(json "$r" "$c.keylog")"
[ "$(json "$r" "$c.dtls.srtp_profile")" = SRTP_AEAD_AES_128_GCM ] || fail "profile from EncryptedExtensions"
seq=$(json "$r" "[$c.dtls.handshake[] | select(.type != \"encrypted_handshake\") | .dir + \":\" + .type] | join(\" \")")
want="c2s:client_hello s2c:server_hello s2c:encrypted_extensions s2c:certificate_request"
want+=" s2c:certificate s2c:certificate_verify s2c:finished c2s:certificate c2s:certificate_verify c2s:finished"
[ "$seq" = "$want" ] || fail "handshake: $seq"
[ "$(json "$r" "[$c.media.streams[] | .keylog.authenticated == .packets and .keylog.failed == 0] | all")" = true ] ||
    fail "SRTP: $(json "$r" "[$c.media.streams[] | [.kind, .packets, .keylog]]")"
n=$(json "$r" "[$c.media.streams[].keylog.authenticated] | add")
# The code from the certificates is the one the two SDP fingerprints give,
# computed independently (SHA-256 of each, spec order).
code=$(json "$r" "$c.security_code")
"$CALLAUDIT" analyze --format json --sdp "$F.offer.sdp" --sdp "$F.answer.sdp" "$PCAP" >"$T/sdp.json"
[ "$(json "$T/sdp.json" "$c.security_code")" = "$code" ] || fail "the SDP's code differs"
"$CALLAUDIT" analyze --keylog "$F.keys" --sdp "$F.offer.sdp" --sdp "$F.answer.sdp" "$PCAP" >/dev/null ||
    fail "with the SDP: exit $? (fingerprints must match the recovered certificates)"
note "Firefox DTLS 1.3 with its key log: pass, code $code from the certificates = the SDP's; $n SRTP/SRTCP packets authenticated"

# --- missing and wrong secrets ------------------------------------------------------------
grep -v EXPORTER_SECRET "$F.keys" >"$T/noexp.keys"
"$CALLAUDIT" analyze --format json --keylog "$T/noexp.keys" "$PCAP" >"$T/n.json"
[ $? = 3 ] || fail "no EXPORTER_SECRET: wanted exit 3"
json "$T/n.json" "$c.findings[] | select(.id == \"KEYLOG_MISSING\") | .message" | grep -q EXPORTER_SECRET ||
    fail "EXPORTER_SECRET not named"
[ "$(json "$T/n.json" "$c.keylog.finished.server")" = valid ] || fail "the handshake should still open"
grep -v SERVER_HANDSHAKE_TRAFFIC_SECRET "$F.keys" >"$T/nohs.keys"
"$CALLAUDIT" analyze --format json --keylog "$T/nohs.keys" "$PCAP" >"$T/h.json"
[ $? = 3 ] || fail "no SERVER_HANDSHAKE_TRAFFIC_SECRET: wanted exit 3"
json "$T/h.json" "$c.findings[] | select(.id == \"KEYLOG_MISSING\") | .message" |
    grep -q SERVER_HANDSHAKE_TRAFFIC_SECRET || fail "SERVER_HANDSHAKE_TRAFFIC_SECRET not named"
# the client's handshake secret in the server's place: nothing decrypts
awk '$1 == "SERVER_HANDSHAKE_TRAFFIC_SECRET" { next } { print }
     $1 == "CLIENT_HANDSHAKE_TRAFFIC_SECRET" { print "SERVER_HANDSHAKE_TRAFFIC_SECRET", $2, $3 }' \
    "$F.keys" >"$T/swapped.keys"
"$CALLAUDIT" analyze --format json --keylog "$T/swapped.keys" "$PCAP" >"$T/s.json"
[ $? = 1 ] || fail "a wrong handshake secret: wanted exit 1"
json "$T/s.json" "$c.findings[].id" | grep -qx FINISHED_INVALID || fail "wrong secret: no FINISHED_INVALID"
# another exporter secret: the media was not keyed by it
awk '$1 == "EXPORTER_SECRET" { $3 = "00" substr($3, 3) } { print }' "$F.keys" >"$T/badexp.keys"
"$CALLAUDIT" analyze --format json --keylog "$T/badexp.keys" "$PCAP" >"$T/e.json"
[ $? = 1 ] || fail "a wrong exporter secret: wanted exit 1"
json "$T/e.json" "$c.findings[].id" | grep -qx SRTP_AUTH_FAIL || fail "wrong exporter: no SRTP_AUTH_FAIL"
note "missing labels named (EXPORTER_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET); wrong secrets: FINISHED_INVALID, SRTP_AUTH_FAIL"

# --- without keys it stays opaque -------------------------------------------------------------
"$CALLAUDIT" analyze --format json "$PCAP" >"$T/o.json"
[ $? = 3 ] || fail "without the key log: wanted exit 3"
json "$T/o.json" "$c.findings[].id" | grep -qx DTLS13_OPAQUE || fail "no DTLS13_OPAQUE without keys"
