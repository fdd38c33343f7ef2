# The second engine: Wireshark's dissectors (callaudit-wireshark, libwireshark)
# read every stored capture the way the native parsers do. --engine both
# finds no disagreement on any of them; the known blind spots of this
# Wireshark version are reported as ENGINE_LIMITATION, each checked here;
# and captures crafted to be read two ways are caught.
. "$(dirname "$0")/lib.sh"
PCAPS=$(cd "$(dirname "$0")/../../pcaps" && pwd)
SRC=$(cd "$(dirname "$0")/../malformed" && pwd)
[ -x "$BIN/callaudit-wireshark" ] ||
    skip "callaudit-wireshark not built (libwireshark-dev 4.0 or later missing)"
ver=$("$BIN/callaudit-wireshark" "$PCAPS/call-plain.pcap" 2>/dev/null | sed -n '1s/^W //p')
note "Wireshark engine: libwireshark $ver"

limited=""
for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng; do
    name=$(basename "$f")
    "$CALLAUDIT" analyze --format json "$f" >"$T/native.json" 2>/dev/null
    native_rc=$?
    "$CALLAUDIT" analyze --engine both --format json "$f" >"$T/both.json" 2>"$T/both.err"
    both_rc=$?
    grep -q ": 0 disagreements$" "$T/both.err" || fail "$name: $(cat "$T/both.err")"
    [ "$(json "$T/both.json" '[.. | objects | select(.id? == "ENGINE_DISAGREEMENT")] | length')" = 0 ] ||
        fail "$name: ENGINE_DISAGREEMENT in the report"
    [ "$both_rc" = "$native_rc" ] || fail "$name: exit $both_rc with both engines, $native_rc native"
    [ "$(json "$T/both.json" '[.calls[].verdict] | join(",")')" = \
        "$(json "$T/native.json" '[.calls[].verdict] | join(",")')" ] || fail "$name: verdicts differ"
    if json "$T/both.json" '.calls[].findings[].id' | grep -qx ENGINE_LIMITATION; then
        limited="$limited $name"
        json "$T/both.json" '.calls[].findings[] | select(.id == "ENGINE_LIMITATION") | .message' \
            >"$T/$name.limits"
        grep -q "Wireshark $ver " "$T/$name.limits" || fail "$name: the limitation does not name $ver"
    fi
done
# Each documented limitation of Wireshark 4.0, on the capture that shows it:
[ "$limited" = " call-ice-tcp.pcap firefox-esr153-dtls13.pcap null-cipher.pcap sdes.pcap" ] ||
    fail "captures with engine limitations: $limited"
grep -q "RFC 4571 framing (ICE-TCP)" "$T/call-ice-tcp.pcap.limits" || fail "ICE-TCP limitation"
grep -q "DTLS 1.3 records with the unified header" "$T/firefox-esr153-dtls13.pcap.limits" ||
    fail "DTLS 1.3 limitation"
for n in null-cipher sdes; do
    grep -q "left 6 datagrams of this flow undecoded: RTCP stream" "$T/$n.pcap.limits" ||
        fail "$n: SRTCP limitation: $(cat "$T/$n.pcap.limits")"
done
note "$(ls "$PCAPS"/*.pcap* | wc -l) stored captures: 0 disagreements; limitations of Wireshark $ver on:$limited"

# Wireshark's engine alone gives the same facts as the native one
for name in call-rsa-mtu300 call-turn mitm early-media; do
    facts='[.calls[] | [.verdict, .security_code, [.dtls.handshake[]? | "\(.frame) \(.dir) \(.type)"],
        .client.certificate.sha256, .server.certificate.sha256,
        [.media.streams[] | "\(.ssrc) \(.dir) \(.kind) \(.packets)"], [.findings[].id]]]'
    "$CALLAUDIT" analyze --format json "$PCAPS/$name.pcap" | jq -c "$facts" >"$T/n.txt"
    "$CALLAUDIT" analyze --engine wireshark --format json "$PCAPS/$name.pcap" 2>/dev/null |
        jq -c "$facts" >"$T/w.txt"
    cmp -s "$T/n.txt" "$T/w.txt" || fail "$name: facts differ: $(diff "$T/n.txt" "$T/w.txt" | head -4)"
done
note "--engine wireshark alone: the same handshakes, certificates, streams and findings"

# Captures crafted to be read two ways
cc -O1 -o "$T/mkmalformed" "$SRC/mkmalformed.c" && mkdir "$T/m" && "$T/mkmalformed" "$T/m" ||
    fail "mkmalformed"
"$CALLAUDIT" analyze --engine both --format json "$T/m/dtls-overlap-differs.pcap" >"$T/o.json" 2>/dev/null
[ $? = 1 ] || fail "overlapping fragments: exit status"
ids=$(json "$T/o.json" '[.calls[].findings[].id] | join(" ")')
case "$ids" in *FRAGMENT_CONFLICT*ENGINE_DISAGREEMENT*) ;; *) fail "overlapping fragments: $ids" ;; esac
"$CALLAUDIT" analyze --engine both --format json "$T/m/udp-length-past-end.pcap" >"$T/u.json" 2>/dev/null
[ $? = 1 ] || fail "UDP length past the datagram: exit status"
json "$T/u.json" '.findings[].message' | grep -q "found a call on .* that the native engine did not" ||
    fail "UDP length past the datagram: $(json "$T/u.json" .findings)"
note "overlapping fragments with different bytes: FRAGMENT_CONFLICT and ENGINE_DISAGREEMENT;"\
    "a UDP length past the datagram (native: malformed; Wireshark: a call): ENGINE_DISAGREEMENT"

# Errors: one line, exit 2
CALLAUDIT_WIRESHARK=$T/nothing "$CALLAUDIT" analyze --engine wireshark "$PCAPS/call-plain.pcap" \
    >/dev/null 2>"$T/err"
[ $? = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q libwireshark-dev "$T/err" || fail "no engine: $(cat "$T/err")"
"$CALLAUDIT" analyze --engine nope "$PCAPS/call-plain.pcap" >/dev/null 2>&1
[ $? = 2 ] || fail "--engine nope"
"$CALLAUDIT" analyze --engine both - <"$PCAPS/call-plain.pcap" >/dev/null 2>&1
[ $? = 2 ] || fail "--engine both on stdin"
"$CALLAUDIT" analyze --engine wireshark "$T/missing.pcap" >/dev/null 2>"$T/err"
[ $? = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] || fail "a missing capture: $(cat "$T/err")"
