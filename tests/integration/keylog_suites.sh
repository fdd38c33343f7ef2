# callaudit --keylog on real calls with each DTLS 1.2 suite stacks
# negotiate, not only callstack's default (AES-128-GCM, extended master
# secret): AES-256-GCM with the SHA-384 PRF, ChaCha20-Poly1305, AES-CBC with
# HMAC-SHA1 MAC'ed after encryption (RFC 7366, OpenSSL's default) and before
# it, AES-256-CBC with HMAC-SHA384, and a session without the extended
# master secret. For each: the suite and extensions on the wire are the
# ones asked for, both Finished decrypt and verify, every SRTP and SRTCP
# packet authenticates under the exported keys, and the call passes.
. "$(dirname "$0")/lib.sh"

# name|callstack options (both ends)|cipher suite|extended master secret|encrypt-then-MAC
cases=(
    "aes256-gcm|--cipher ECDHE-ECDSA-AES256-GCM-SHA384|TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384|true|false"
    "chacha20|--cipher ECDHE-ECDSA-CHACHA20-POLY1305|TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256|true|false"
    "cbc-etm|--cipher ECDHE-ECDSA-AES128-SHA --srtp-profile SRTP_AES128_CM_SHA1_80|TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA|true|true"
    "cbc-mte|--cipher ECDHE-ECDSA-AES128-SHA --no-etm|TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA|true|false"
    "cbc-sha384|--cipher ECDHE-ECDSA-AES256-SHA384|TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384|true|true"
    "no-ems|--no-ems|TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256|false|false"
)
for c in "${cases[@]}"; do
    IFS='|' read -r name opts suite ems etm <<<"$c"
    start_capture "$T/$name.pcap"
    # shellcheck disable=SC2086
    CALLEE_OPTS="$opts" callstack_call $PORT 1 $opts --keylog "$T/$name.keys"
    stop_capture
    PORT=$((PORT + 2))
    [ "$(json "$T/caller.json" .cipher_suite)" = "$suite" ] ||
        fail "$name: callstack negotiated $(json "$T/caller.json" .cipher_suite)"
    "$CALLAUDIT" analyze --format json --keylog "$T/$name.keys" "$T/$name.pcap" >"$T/$name.json"
    rc=$?
    r=$T/$name.json
    [ $rc = 0 ] && [ "$(json "$r" '.calls[0].verdict')" = pass ] ||
        fail "$name: exit $rc, $(json "$r" '[.calls[0].verdict, .calls[0].findings]')"
    [ "$(json "$r" '[.calls[0].dtls | .cipher_suite, .extended_master_secret, .encrypt_then_mac] | join(" ")')" = \
        "$suite $ems $etm" ] || fail "$name: on the wire $(json "$r" '.calls[0].dtls | [.cipher_suite, .extended_master_secret, .encrypt_then_mac]')"
    [ "$(json "$r" '.calls[0].keylog | [.state, .finished.client, .finished.server] | join(" ")')" = \
        "derived valid valid" ] || fail "$name: keylog $(json "$r" -c '.calls[0].keylog')"
    [ "$(json "$r" '[.calls[0].media.streams[] | .keylog.authenticated == .packets and .keylog.failed == 0] | all')" = true ] ||
        fail "$name: $(json "$r" '[.calls[0].media.streams[] | [.kind, .packets, .keylog]]')"
    n=$(json "$r" '[.calls[0].media.streams[].keylog.authenticated] | add')
    [ "$n" -ge 80 ] || fail "$name: only $n packets authenticated"
    [ "$(json "$r" '.calls[0].security_code')" = "$(json "$T/caller.json" .security_code)" ] ||
        fail "$name: the code differs from the endpoints'"
    note "$name: $suite (EMS $ems, encrypt-then-MAC $etm): both Finished verify, $n packets authenticate"
done

# A CBC Finished under the wrong secret is refused by its MAC, not read.
random=$(awk '{print $2}' "$T/cbc-etm.keys")
secret=$(awk '{print $3}' "$T/cbc-mte.keys")
echo "CLIENT_RANDOM $random $secret" >"$T/forged.keys"
"$CALLAUDIT" analyze --format json --keylog "$T/forged.keys" "$T/cbc-etm.pcap" >"$T/forged.json"
[ $? = 1 ] || fail "a CBC call under another call's secret must fail"
json "$T/forged.json" '.calls[0].findings[] | select(.id == "FINISHED_INVALID") | .message' |
    grep -q "does not authenticate and decrypt" || fail "forged CBC: $(json "$T/forged.json" .calls[0].findings)"
note "a CBC call under another call's secret: FINISHED_INVALID (MAC)"
