# --sdp with descriptions as real stacks write them (fixtures/sdp: Chrome,
# Firefox, GStreamer, a SIP phone, Asterisk with SDES): every one is read,
# none is exit 2, and since none describes the stored call the run is
# inconclusive, never a pass. An SDP tied to the call by a=ssrc alone is
# matched and checked; one beyond the parser's limits is read, and what it
# left out is said.
. "$(dirname "$0")/lib.sh"

PCAP="$FIXTURES/../pcaps/call-plain.pcap"
for sdp in "$FIXTURES"/sdp/*.sdp; do
    name=$(basename "$sdp")
    "$CALLAUDIT" analyze --format json --sdp "$sdp" "$PCAP" >"$T/r.json" 2>"$T/err"
    rc=$?
    [ $rc -eq 3 ] || fail "$name: exit $rc, wanted 3 (inconclusive): $(cat "$T/err")"
    [ "$(json "$T/r.json" '.findings[0].id + "/" + .findings[0].severity')" = SDP_UNMATCHED/inconclusive ] ||
        fail "$name: $(json "$T/r.json" .findings)"
    [ "$(json "$T/r.json" '.findings[0].message | test("left out")')" = false ] ||
        fail "$name: the parse left something out: $(json "$T/r.json" .findings[0].message)"
done
note "$(ls "$FIXTURES"/sdp/*.sdp | wc -l) stack-shaped SDPs read; unmatched, each leaves the run inconclusive"

# a=ssrc ties an SDP to the endpoint that sends the source (RFC 5576): no
# ICE, no candidate, no matching fingerprint, yet it is the client's.
"$CALLAUDIT" analyze --format json "$PCAP" >"$T/plain.json" || fail "call-plain: exit $?"
ssrc=$(json "$T/plain.json" '[.calls[0].media.streams[] | select(.dir == "c2s" and .kind == "srtp")][0].ssrc')
forged="00:$(printf '11:%.0s' $(seq 30))11"
printf 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n%s\r\n%s\r\n' \
    "a=fingerprint:sha-256 $forged" "a=ssrc:$((ssrc)) cname:x" >"$T/ssrc.sdp"
"$CALLAUDIT" analyze --format json --sdp "$T/ssrc.sdp" "$PCAP" >"$T/ssrc.json"
[ $? -eq 1 ] || fail "an SDP tied by a=ssrc with another fingerprint must fail"
[ "$(json "$T/ssrc.json" '[.calls[0].findings[] | select(.id == "FINGERPRINT_MISMATCH") | .message | test("client")] | length')" = 1 ] ||
    fail "a=ssrc: $(json "$T/ssrc.json" '[.calls[0].findings, .findings]')"
[ "$(json "$T/ssrc.json" '.findings | length')" = 0 ] || fail "a=ssrc: $(json "$T/ssrc.json" .findings)"
note "a=ssrc:$((ssrc)) alone ties the SDP to the client: FINGERPRINT_MISMATCH"

# 20 media sections, the last 4 beyond the limit: read, and said.
{
    printf 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n'
    for i in $(seq 20); do printf 'm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:%d\r\n' "$i"; done
} >"$T/many.sdp"
"$CALLAUDIT" analyze --format json --sdp "$T/many.sdp" "$PCAP" >"$T/many.json"
[ $? -eq 3 ] || fail "20 media sections: exit $?"
[ "$(json "$T/many.json" '.findings[0].message | test("left out 4 media sections, from line 37")')" = true ] ||
    fail "20 media sections: $(json "$T/many.json" .findings)"
note "20 media sections: 16 read, 4 left out and said"
