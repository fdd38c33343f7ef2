# Other projects' captures (../shared/corpus, see its README for origins)
# as regression: each has an expectation fixtures/corpus/DIR__NAME.json,
# judged from the packets (fixtures/corpus/README.md says why, one line a
# capture), and `--expect` must hold for it. A capture listed as pending
# in that README is one whose verdict is known to be wrong still: it is
# named, never counted as holding. A capture with neither fails the test.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPUS=$ROOT/../shared/corpus
[ -d "$CORPUS" ] || skip "no ../shared/corpus next to the repository"
README=$FIXTURES/corpus/README.md
n=0 pending=0
for f in "$CORPUS"/*/*.pcap "$CORPUS"/*/*.pcapng; do
    [ -e "$f" ] || continue
    rel=${f#"$CORPUS"/}
    base=$(basename "$rel")
    name="${rel%%/*}__${base%.*}"
    exp=$FIXTURES/corpus/$name.json
    if [ ! -f "$exp" ]; then
        grep -q "^| $rel | pending" "$README" || fail "$rel has no expectation ($exp) and is not listed as pending"
        pending=$((pending + 1))
        note "pending: $rel ($(grep "^| $rel | pending" "$README" | cut -d'|' -f4 | sed 's/^ *//' | cut -c1-100))"
        continue
    fi
    grep -q "^| $rel |" "$README" || fail "$rel: no line in $README"
    timeout 60 "$CALLAUDIT" analyze --expect "$exp" "$f" >"$T/out" 2>&1 ||
        fail "$rel: $(grep -A20 '^expect' "$T/out" | head -20)"
    n=$((n + 1))
done
[ $n -ge 50 ] || fail "only $n captures of ../shared/corpus checked"
note "$n captures of other projects hold their expectations; $pending pending"
