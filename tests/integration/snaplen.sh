# A capture cut by its snaplen (tcpdump -s N, common when only headers may
# be kept) hides the certificates but not the call: the headers that fit
# are read, as tcpdump does, and the verdict is inconclusive, with the
# snaplen named, never a pass and never a failure blamed on the endpoints.
# On a real call (pcaps/call-plain.pcap) cut with editcap -s:
# - 300 bytes: the handshake's big datagrams cut; the call, its suite and
#   its four streams found; inconclusive, CAPTURE_TRUNCATED names 300 bytes;
#   the closing encrypted alert not called "before the handshake completed";
# - 80 bytes: RTP headers only; the call and its streams still found;
# - 44 bytes: two bytes of UDP payload; no call can show: NO_CALL is
#   inconclusive, not a failure.
. "$(dirname "$0")/lib.sh"
command -v editcap >/dev/null || skip "editcap missing"
P=$(cd "$(dirname "$0")/../../pcaps" && pwd)/call-plain.pcap

for s in 300 80; do
    editcap -s $s "$P" "$T/cut$s.pcap" 2>/dev/null || fail "editcap -s $s"
    "$CALLAUDIT" analyze --format json "$T/cut$s.pcap" >"$T/cut$s.json"
    rc=$?
    r=$T/cut$s.json
    [ $rc = 3 ] || fail "-s $s: exit $rc, wanted 3: $(json "$r" '[.calls[].findings, .findings]')"
    [ "$(json "$r" '.summary.calls')" = 1 ] || fail "-s $s: $(json "$r" .summary)"
    [ "$(json "$r" '[.calls[0].findings[] | select(.severity == "fail")] | length')" = 0 ] ||
        fail "-s $s: a failure blamed on the endpoints: $(json "$r" .calls[0].findings)"
    json "$r" '.calls[0].findings[] | select(.id == "CAPTURE_TRUNCATED") | .message' |
        grep -q "snaplen of $s bytes" || fail "-s $s: the snaplen is not named: $(json "$r" .calls[0].findings)"
    json "$r" '.calls[0].findings[] | select(.id == "HANDSHAKE_NOT_SEEN") | .message' |
        grep -q "cut by the snaplen" || fail "-s $s: HANDSHAKE_NOT_SEEN: $(json "$r" .calls[0].findings)"
    [ "$(json "$r" '.calls[0].media.streams | length')" = 4 ] ||
        fail "-s $s: streams $(json "$r" '[.calls[0].media.streams[] | [.ssrc, .kind, .packets]]')"
    [ "$(json "$r" '.calls[0].security_code')" = null ] || fail "-s $s: a code from cut certificates"
    [ "$(json "$r" '.summary.undecoded.payload_cut // 0')" -gt 0 ] &&
        [ "$(json "$r" '[.summary.undecoded | to_entries[] | select(.key | test("malformed"))] | length')" = 0 ] ||
        fail "-s $s: cut messages counted as malformed: $(json "$r" .summary.undecoded)"
    note "-s $s: 1 call, 4 streams, inconclusive; $(json "$r" '.calls[0].findings[] | select(.id == "CAPTURE_TRUNCATED") | .message')"
done
[ "$(json "$T/cut300.json" '.calls[0].dtls.cipher_suite')" = TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 ] ||
    fail "-s 300: the suite in the ServerHello was not read"
json "$T/cut300.json" '.calls[0].findings[] | select(.id == "HANDSHAKE_ALERT") | .severity' | grep -qx inconclusive ||
    fail "-s 300: the closing alert: $(json "$T/cut300.json" .calls[0].findings)"

editcap -s 44 "$P" "$T/cut44.pcap" 2>/dev/null || fail "editcap -s 44"
"$CALLAUDIT" analyze --format json "$T/cut44.pcap" >"$T/cut44.json"
rc=$?
[ $rc = 3 ] && [ "$(json "$T/cut44.json" '.findings[0].id + " " + .findings[0].severity')" = "NO_CALL inconclusive" ] ||
    fail "-s 44: exit $rc, $(json "$T/cut44.json" .findings)"
note "-s 44: $(json "$T/cut44.json" .findings[0].message)"
