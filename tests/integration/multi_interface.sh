# pcapng with several interfaces of different link types, snap lengths and
# timestamp resolutions, as `dumpcap -i a -i b` and mergecap write them:
# libpcap 1.10 refuses them, tshark reads them, and so does callaudit. Three
# stored calls merged onto three interfaces (Ethernet with nanosecond
# timestamps; Linux cooked v2; Ethernet cut at 300 bytes, over IPv6) give
# the three verdicts and codes each file gives alone; --annotate writes every
# frame again with the time, length and dissection tshark reads in the
# merged file; a filter is compiled for each interface's link type; a pipe
# gets a one-line reason; a file cut inside a block is CAPTURE_TRUNCATED.
. "$(dirname "$0")/lib.sh"
for t in editcap mergecap tshark; do command -v $t >/dev/null || skip "$t missing"; done
P=$(cd "$(dirname "$0")/../../pcaps" && pwd)

editcap -F nsecpcap "$P/call-plain.pcap" "$T/ns.pcap" &&
    editcap -F pcapng "$T/ns.pcap" "$T/a.pcapng" &&
    cp "$P/call-any-sll2.pcap" "$T/b.pcap" &&
    editcap -s 300 "$P/call-ipv6.pcap" "$T/c.pcap" &&
    mergecap -w "$T/multi.pcapng" "$T/a.pcapng" "$T/b.pcap" "$T/c.pcap" || fail "building the capture"
[ "$(tshark -r "$T/multi.pcapng" -T fields -e frame.interface_id 2>/dev/null | sort -u | wc -l)" = 3 ] ||
    fail "mergecap did not write three interfaces"

# what each file gives alone: verdict and code, in the order of the merge
: >"$T/alone"
for f in a.pcapng b.pcap c.pcap; do
    "$CALLAUDIT" analyze --format json "$T/$f" >"$T/$f.json"
    json "$T/$f.json" '.calls[] | .verdict + " " + (.security_code // "-") + " " + ([.media.streams[] | .kind + "/" + (.packets | tostring)] | sort | join(","))' >>"$T/alone"
done
"$CALLAUDIT" analyze --format json --annotate "$T/notes.pcapng" "$T/multi.pcapng" >"$T/multi.json" 2>"$T/err"
rc=$?
[ $rc = 3 ] || fail "merged: exit $rc, wanted 3 (one call cut by its snaplen): $(cat "$T/err")"
json "$T/multi.json" '.calls[] | .verdict + " " + (.security_code // "-") + " " + ([.media.streams[] | .kind + "/" + (.packets | tostring)] | sort | join(","))' >"$T/merged"
diff "$T/alone" "$T/merged" >"$T/diff" || fail "merged calls differ from each file's: $(cat "$T/diff")"
json "$T/multi.json" '.calls[2].findings[] | select(.id == "CAPTURE_TRUNCATED") | .message' | grep -q "300 bytes" ||
    fail "the cut interface: $(json "$T/multi.json" .calls[2].findings)"
[ "$(json "$T/multi.json" .summary.frames)" = "$(tshark -r "$T/multi.pcapng" 2>/dev/null | wc -l)" ] ||
    fail "frames: $(json "$T/multi.json" .summary.frames)"
note "3 interfaces (EN10MB ns, SLL2, EN10MB -s 300): $(tr '\n' ';' <"$T/merged" | cut -c1-160)"

fields() { tshark -r "$1" -T fields -e frame.time_epoch -e frame.len -e frame.cap_len -e frame.protocols 2>/dev/null; }
fields "$T/multi.pcapng" >"$T/in.fields"
fields "$T/notes.pcapng" >"$T/out.fields"
cmp -s "$T/in.fields" "$T/out.fields" ||
    fail "--annotate: frames differ from the merged file's: $(diff "$T/in.fields" "$T/out.fields" | head -4)"
note "--annotate: $(wc -l <"$T/in.fields") frames with the times, lengths and protocols tshark reads in the input"

# a filter per link type: IPv6 only keeps the third call
"$CALLAUDIT" analyze --format json -f ip6 "$T/multi.pcapng" >"$T/f.json"
[ "$(json "$T/f.json" .summary.calls)" = 1 ] &&
    [ "$(json "$T/f.json" '.calls[0].security_code')" = "$(json "$T/c.pcap.json" '.calls[0].security_code')" ] &&
    [ "$(json "$T/f.json" .summary.filtered_out)" -gt 400 ] || fail "-f ip6: $(json "$T/f.json" .summary)"
note "-f ip6: 1 call, $(json "$T/f.json" .summary.filtered_out) frames filtered out"

"$CALLAUDIT" analyze - <"$T/multi.pcapng" >/dev/null 2>"$T/err"
[ $? = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] || fail "stdin: $(cat "$T/err")"
note "stdin: $(cat "$T/err")"

# cut inside a block, after frames: read up to it, and said
size=$(stat -c %s "$T/multi.pcapng")
head -c $((size * 2 / 3 + 5)) "$T/multi.pcapng" >"$T/cut.pcapng"
"$CALLAUDIT" analyze --format json "$T/cut.pcapng" >"$T/cut.json" 2>"$T/err"
rc=$?
[ $rc = 1 ] || [ $rc = 3 ] || fail "cut file: exit $rc: $(cat "$T/err")"
json "$T/cut.json" '.findings[] | select(.id == "CAPTURE_TRUNCATED") | .message' | grep -q "inside a block" ||
    fail "cut file: $(json "$T/cut.json" .findings)"
note "cut inside a block: $(json "$T/cut.json" '.summary.frames') frames read, CAPTURE_TRUNCATED"
