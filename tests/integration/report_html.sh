# The HTML report (--format html -o FILE): one self-contained page, drawn
# with inline SVG. Headless Chromium renders it; the screenshot is not blank
# and its handshake ladder has as many arrows, read from the pixels, as
# tshark sees datagrams with DTLS handshake, CCS or alert records, a
# retransmitted flight among them.
. "$(dirname "$0")/lib.sh"
PCAPS=$(cd "$(dirname "$0")/../../pcaps" && pwd)
HERE=$(cd "$(dirname "$0")/.." && pwd)
for t in tshark editcap mergecap jq; do command -v $t >/dev/null || skip "$t missing"; done

# call-plain with the server's first flight (frame 8) sent again 350 ms later
editcap -r "$PCAPS/call-plain.pcap" "$T/f8.pcap" 8 2>/dev/null
editcap -t 0.35 "$T/f8.pcap" "$T/f8-late.pcap" 2>/dev/null
mergecap -F pcap -w "$T/rtx.pcap" "$PCAPS/call-plain.pcap" "$T/f8-late.pcap"
"$CALLAUDIT" analyze --format html -o "$T/rtx.html" "$T/rtx.pcap" || fail "analyze exit $?"
want=$(tshark -r "$T/rtx.pcap" -Y 'dtls.record.content_type == 20 || dtls.record.content_type == 21 ||
    dtls.record.content_type == 22' 2>/dev/null | wc -l)
[ "$want" = 7 ] || fail "tshark sees $want handshake datagrams, expected 7"
arrows=$(grep -o '<g class="msg' "$T/rtx.html" | wc -l)
resent=$(grep -o '<g class="msg resent"' "$T/rtx.html" | wc -l)
[ "$arrows" = "$want" ] || fail "the ladder has $arrows arrows, tshark $want datagrams"
[ "$resent" = 1 ] || fail "$resent arrows marked as retransmissions, expected 1"
grep -q '<g class="msg resent" id="c1-f8">' "$T/rtx.html" && fail "the first copy marked resent"
grep -q '>15575 52626 68221 51895<' "$T/rtx.html" || fail "no security code in large type"
grep -q 'class="verdict pass"' "$T/rtx.html" || fail "no verdict"
# self-contained: nothing to fetch, nothing to run
grep -Eiq '<script|<link|<img|<iframe|src=|@import|url\(|https?:' "$T/rtx.html" &&
    fail "the page loads or runs something"
note "ladder: $arrows arrows ($resent retransmission) = tshark's $want datagrams"

# findings link to the frames of the ladder; each states its requirement
"$CALLAUDIT" analyze --format html -o "$T/fp.html" "$PCAPS/fingerprint-mismatch.pcap"
[ $? = 1 ] || fail "fingerprint-mismatch: exit status"
link=$(grep -o 'href="#c1-f[0-9]*"' "$T/fp.html" | head -1 | sed 's/href="#\(.*\)"/\1/')
[ -n "$link" ] || fail "no finding links to a frame"
grep -q "id=\"$link\"" "$T/fp.html" || fail "link #$link has no target"
grep -q 'RFC 5246 7.2.2' "$T/fp.html" || fail "HANDSHAKE_ALERT without its requirement"
# every finding id the analyzer can emit has its own requirement text
ids=$(grep -ohE 'ca_call_find\([a-z>-]+, "[A-Z0-9_]+"|"[A-Z][A-Z0-9_]+", CA_SEV_' "$HERE/../analyzer/"*.c |
    grep -oE '"[A-Z][A-Z0-9_]+"' | sort -u)
for id in $ids; do
    grep -q "{$id," "$HERE/../analyzer/findings.c" || fail "no requirement for $id"
done
note "findings: linked to frames, $(echo "$ids" | wc -w) ids each with a requirement"

# a MITM relay: each leg shows its code and the other leg's
"$CALLAUDIT" analyze --format html -o "$T/mitm.html" "$PCAPS/mitm.pcap"
[ "$(grep -c 'the code on the other leg' "$T/mitm.html")" = 2 ] || fail "MITM legs: codes not both shown"

# errors: one line, exit 2, nothing left behind
"$CALLAUDIT" analyze --format html -o "$T/no/such/dir/r.html" "$PCAPS/call-plain.pcap" 2>"$T/err"
[ $? = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] || fail "unwritable -o: $(cat "$T/err")"
"$CALLAUDIT" analyze --format html -o "$T/bad.html" "$T/does-not-exist.pcap" 2>/dev/null
[ $? = 2 ] && [ ! -e "$T/bad.html" ] || fail "a failed run left $T/bad.html"
"$CALLAUDIT" live -i lo --format html 2>"$T/err"
[ $? = 2 ] && grep -q 'not html' "$T/err" || fail "live --format html: $(cat "$T/err")"
# stdin works too, and -o with the other formats
"$CALLAUDIT" analyze --format html - <"$PCAPS/call-plain.pcap" | grep -q '</html>' ||
    fail "html from stdin"
"$CALLAUDIT" analyze --format json -o "$T/r.json" "$PCAPS/call-plain.pcap" >"$T/stdout"
[ "$(json "$T/r.json" .summary.pass)" = 1 ] && [ ! -s "$T/stdout" ] || fail "-o with json"

command -v chromium >/dev/null || skip "chromium missing (the checks above passed)"
render() { # render HTML PNG: a screenshot and the parsed DOM
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
        --user-data-dir="$T/chromium" --window-size=900,1600 "$@" 2>/dev/null
}
render --screenshot="$T/rtx.png" "file://$T/rtx.html" >/dev/null || fail "chromium screenshot"
render --dump-dom "file://$T/rtx.html" >"$T/dom.html" || fail "chromium dump-dom"
[ "$(grep -o '<g class="msg' "$T/dom.html" | wc -l)" = "$want" ] ||
    fail "the parsed page has a different ladder"
read -r ink colours drawn < <(python3 "$HERE/html/png_ladder.py" "$T/rtx.png") ||
    fail "cannot read the screenshot"
note "screenshot: ${ink} of the pixels drawn, $colours colours, $drawn arrows in the ladder"
awk -v i="$ink" 'BEGIN { exit !(i > 0.03) }' || fail "the screenshot is blank ($ink)"
[ "$colours" -gt 20 ] || fail "the screenshot has $colours colours"
[ "$drawn" = "$want" ] || fail "the screenshot shows $drawn arrows, tshark $want datagrams"
