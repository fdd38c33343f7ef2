# --version, `make install PREFIX=...` with both man pages (rendered by
# man(1) without warnings from groff), and colours in the text report only
# on a terminal and never with NO_COLOR set.
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
"$CALLAUDIT" --version | grep -Eq '^callaudit [0-9]+\.[0-9]+\.[0-9]+ \(OpenSSL 3' ||
    fail "callaudit --version: $("$CALLAUDIT" --version)"
"$CALLSTACK" --version | grep -Eq '^callstack [0-9]+\.[0-9]+\.[0-9]+ \(OpenSSL 3.*libsrtp2' ||
    fail "callstack --version: $("$CALLSTACK" --version)"
[ "$("$CALLAUDIT" --version | cut -d' ' -f2)" = "$("$CALLSTACK" --version | cut -d' ' -f2)" ] ||
    fail "the two programs disagree on the version"

env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$REPO" install PREFIX="$T/prefix" >"$T/install.log" 2>&1 ||
    fail "make install: $(tail -5 "$T/install.log")"
for p in callaudit callstack; do
    [ -x "$T/prefix/bin/$p" ] || fail "$p not installed"
    "$T/prefix/bin/$p" --version >/dev/null || fail "installed $p does not run"
    page=$T/prefix/share/man/man1/$p.1
    [ -f "$page" ] || fail "$p.1 not installed"
    if command -v groff >/dev/null; then
        groff -man -Tutf8 -ww -P-cbou "$page" 2>"$T/groff.err" >"$T/$p.txt"
        [ ! -s "$T/groff.err" ] || fail "$p.1: $(cat "$T/groff.err")"
        grep -q "^NAME" "$T/$p.txt" && grep -q "EXIT STATUS" "$T/$p.txt" || fail "$p.1 renders without its sections"
    fi
done
note "installed both programs and man pages under a PREFIX; --version: $("$CALLAUDIT" --version)"

PCAP=$REPO/pcaps/mitm.pcap
esc=$(printf '\033')
"$CALLAUDIT" analyze "$PCAP" >"$T/piped.txt"
grep -q "$esc" "$T/piped.txt" && fail "colours in a pipe"
if command -v script >/dev/null; then
    TERM=xterm script -qec "$CALLAUDIT analyze $PCAP" /dev/null >"$T/tty.txt"
    grep -q "${esc}\[1;31mFAIL" "$T/tty.txt" || fail "no red FAIL on a terminal: $(head -2 "$T/tty.txt" | cat -v)"
    NO_COLOR=1 TERM=xterm script -qec "$CALLAUDIT analyze $PCAP" /dev/null >"$T/nocolor.txt"
    grep -q "$esc" "$T/nocolor.txt" && fail "colours despite NO_COLOR"
    TERM=xterm script -qec "$CALLAUDIT analyze --format json $PCAP" /dev/null >"$T/json.txt"
    grep -q "$esc" "$T/json.txt" && fail "colours in JSON"
    note "colours: on a terminal only, never with NO_COLOR or in JSON"
fi

# --help: one screen per subcommand (24 lines of 80 columns at most)
for sub in "" analyze live; do
    "$CALLAUDIT" $sub --help >"$T/help.txt" || fail "callaudit $sub --help: exit $?"
    [ "$(wc -l <"$T/help.txt")" -le 24 ] || fail "callaudit $sub --help: $(wc -l <"$T/help.txt") lines"
    [ "$(awk 'length($0) > 80' "$T/help.txt" | wc -l)" = 0 ] || fail "callaudit $sub --help: over 80 columns"
done
"$CALLSTACK" --help >"$T/help.txt" || fail "callstack --help"
note "callaudit --help, analyze --help, live --help: each fits 24 lines of 80 columns"

# Progress on a long capture: a line on stderr when it is a terminal, nothing otherwise.
cc -O1 -o "$T/mkcapture" "$REPO/tests/bench/mkcapture.c" -lpcap || fail "mkcapture"
"$T/mkcapture" "$REPO/pcaps/call-plain.pcap" "$T/long.pcap" 40 200 >/dev/null
"$CALLAUDIT" analyze "$T/long.pcap" >/dev/null 2>"$T/progress.err"
[ ! -s "$T/progress.err" ] || fail "progress written to a non-terminal: $(head -c 200 "$T/progress.err")"
if command -v script >/dev/null; then
    TERM=xterm script -qec "$CALLAUDIT analyze $T/long.pcap" /dev/null | tr '\r' '\n' >"$T/tty.txt"
    grep -Eq '^callaudit: .*long.pcap +[0-9]+% of 40.0 MB, [0-9]+ frames' "$T/tty.txt" ||
        fail "no progress line on a terminal: $(head -3 "$T/tty.txt")"
    grep -q '^summary: ' "$T/tty.txt" || fail "the report after the progress line"
    note "progress: $(grep -c '% of' "$T/tty.txt") updates on a terminal, none in a pipe"
fi

# Text reports read at 80 columns: every stored capture's, every line
for f in "$REPO"/pcaps/*.pcap "$REPO"/pcaps/*.pcapng; do
    "$CALLAUDIT" analyze "$f" 2>/dev/null
done >"$T/all.txt"
wide=$(awk 'length($0) > 80' "$T/all.txt" | wc -l)
[ "$wide" = 0 ] || fail "$wide text report lines over 80 columns: $(awk 'length($0) > 80' "$T/all.txt" | head -2)"
note "text reports of $(ls "$REPO"/pcaps/*.pcap* | wc -l) stored captures: $(wc -l <"$T/all.txt") lines, none over 80 columns"
