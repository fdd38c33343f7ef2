# The malformed-capture suite: captures that lie at every layer (built by
# tests/malformed/mkmalformed.c): bad magic and link type, a record past the
# end of the file, zero- and maximum-length records, headers cut at every
# layer, snaplen cuts, IP/UDP lengths past the end, RTP CSRC counts and
# extension lengths past the end, DTLS records and fragments past their
# bounds, a 2^24-byte handshake message, overlapping fragments with
# different bytes, an absurd certificate length, a STUN attribute past the
# end. Each gives a clear finding, a counted undecodable frame or a one-line
# error with exit 2; never a crash, never a pass. Under the ASan+UBSan build
# by the suite, and under valgrind here when it is installed.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../malformed" && pwd)
cc -O1 -o "$T/mkmalformed" "$SRC/mkmalformed.c" || fail "cannot build mkmalformed"
mkdir -p "$T/cases"
"$T/mkmalformed" "$T/cases" || fail "mkmalformed"

# check CASE STATUS JQ-CONDITION: exit STATUS (and for a report, the condition holds)
check() {
    local name=$1 want=$2 cond=${3:-true}
    timeout 20 "$CALLAUDIT" analyze --format json "$T/cases/$name.pcap" >"$T/$name.json" 2>"$T/$name.err"
    local rc=$?
    [ $rc = "$want" ] || fail "$name: exit $rc, wanted $want: $(cat "$T/$name.err")"
    if [ "$want" = 2 ]; then
        [ "$(wc -l <"$T/$name.err")" = 1 ] || fail "$name: stderr is not one line"
    else
        [ "$(jq "$cond" "$T/$name.json")" = true ] ||
            fail "$name: $cond does not hold: $(jq -c '[.summary.undecoded, .summary.flows, [.calls[].findings[].id]]' "$T/$name.json")"
        [ "$(jq '.summary.pass' "$T/$name.json")" = 0 ] || fail "$name: a pass"
    fi
    note "$name: exit $rc $(head -c 90 "$T/$name.err")$(jq -c '[.summary.undecoded, [.calls[].findings[].id]]' "$T/$name.json" 2>/dev/null)"
}
check bad-magic 2
check bad-linktype 2
# (one RTP-like packet is not media: no call, and the cut is reported)
check record-past-end 1 '([.findings[].id] | index("CAPTURE_TRUNCATED") != null) and .summary.flows.not_media == 1'
check zero-and-max-length 1 '.summary.undecoded.link_malformed == 1 and .summary.frames == 2'
check cut-every-layer 1 '.summary.undecoded.link_malformed == 2 and .summary.undecoded.ip_malformed == 8'
# cut inside the IP or UDP header: unreadable; past it: the payload's cut counted, and
# no call found in a cut capture is inconclusive (the cut may hide it), not a failure
check snaplen-cut 3 '.summary.truncated_frames == 10 and .summary.undecoded.ip_truncated == 6 and .summary.undecoded.payload_cut == 2 and .findings[0].severity == "inconclusive"'
check ip-length-past-end 1 '.summary.undecoded.ip_malformed == 1'
check udp-length-past-end 1 '.summary.undecoded.udp_malformed == 5'
check rtp-csrc-past-end 1 '.summary.undecoded.rtp_malformed == 1'
check rtp-extension-past-end 1 '.summary.undecoded.rtp_malformed == 1'
check stun-attribute-past-end 1 '.summary.undecoded.stun_malformed == 1'
check dtls-record-past-end 1 '.summary.undecoded.dtls_malformed == 1'
check dtls-fragment-beyond-message 1 '.summary.undecoded.dtls_malformed == 1'
check dtls-2p24-message 1 '.summary.flows.stray_dtls == 1'
check dtls-overlap-differs 1 '[.calls[0].findings[].id] | index("FRAGMENT_CONFLICT") != null'
check dtls-absurd-certificate 1 '[.calls[0].findings[] | select(.id == "CERT_MISSING") | .message] | .[0] | test("malformed")'

if command -v valgrind >/dev/null && [ -z "${ASAN_OPTIONS:-}" ] && ! ldd "$CALLAUDIT" | grep -q asan; then
    for f in "$T"/cases/*.pcap; do
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            "$CALLAUDIT" analyze "$f" >/dev/null 2>"$T/vg.err"
        [ $? != 99 ] || fail "valgrind on $(basename "$f"): $(head -20 "$T/vg.err")"
    done
    note "valgrind: no errors, no definite leaks on $(ls "$T"/cases/*.pcap | wc -l) cases"
else
    note "valgrind: not run (missing, or the ASan build)"
fi
