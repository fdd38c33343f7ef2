# --annotate FILE.pcapng: the capture written back frame for frame, with a
# comment on each frame a handshake message, certificate, stream or finding
# refers to, read back with tshark (frame.comment) and compared with the
# JSON report of the same run; packets and times unchanged (tcpdump -xx).
. "$(dirname "$0")/lib.sh"
PCAPS=$(cd "$(dirname "$0")/../../pcaps" && pwd)
for t in tshark tcpdump jq; do command -v $t >/dev/null || skip "$t missing"; done
comments() { tshark -r "$1" -Y frame.comment -T fields -e frame.number -e frame.comment 2>/dev/null; }
dump() { tcpdump -r "$1" -nn -xx 2>/dev/null; }

"$CALLAUDIT" analyze --format json --annotate "$T/em.pcapng" "$PCAPS/early-media.pcap" \
    >"$T/em.json" 2>"$T/err"
[ $? = 1 ] || fail "early-media: exit status ($(cat "$T/err"))"
grep -q "frames, .* with comments" "$T/err" || fail "no summary line on stderr"
dump "$PCAPS/early-media.pcap" >"$T/orig.txt"
dump "$T/em.pcapng" >"$T/copy.txt"
cmp -s "$T/orig.txt" "$T/copy.txt" || fail "packets or times changed"
comments "$T/em.pcapng" >"$T/em.txt"
# the finding, on the frame the report gives
f=$(json "$T/em.json" '.calls[0].findings[] | select(.id == "MEDIA_BEFORE_HANDSHAKE") | .frame')
grep -q "^$f	.*callaudit: call 1: fail MEDIA_BEFORE_HANDSHAKE: " "$T/em.txt" ||
    fail "MEDIA_BEFORE_HANDSHAKE not on frame $f"
# each certificate, with its thumbprint, on its frame
for side in client server; do
    cf=$(json "$T/em.json" ".calls[0].$side.certificate.frame")
    fp=$(json "$T/em.json" ".calls[0].$side.certificate.sha256")
    grep -q "^$cf	.*certificate of $side, SHA-256 $fp" "$T/em.txt" ||
        fail "the $side certificate is not on frame $cf"
done
# every handshake message's frame has a comment naming it
json "$T/em.json" '.calls[0].dtls.handshake[] | "\(.frame) \(.type)"' | while read -r fr ty; do
    grep -q "^$fr	.*$ty" "$T/em.txt" || fail "frame $fr: no comment for $ty"
done || exit 1
# and nothing else is annotated: comments only where the report points
n=$(wc -l <"$T/em.txt")
[ "$n" -lt 20 ] || fail "$n frames commented"
note "early-media: $n frames commented; finding on frame $f, certificates, every handshake message"

# two captures of different link types: one pcapng, two interfaces, frames
# numbered on across files as in the report
"$CALLAUDIT" analyze --format json --annotate "$T/two.pcapng" "$PCAPS/call-plain.pcap" \
    "$PCAPS/call-any-sll2.pcap" >"$T/two.json" 2>/dev/null
[ $? = 0 ] || fail "two captures: exit status"
tot=$(($(tcpdump -r "$PCAPS/call-plain.pcap" 2>/dev/null | wc -l) +
    $(tcpdump -r "$PCAPS/call-any-sll2.pcap" 2>/dev/null | wc -l)))
[ "$(tshark -r "$T/two.pcapng" 2>/dev/null | wc -l)" = "$tot" ] || fail "frames lost"
[ "$(tshark -r "$T/two.pcapng" -T fields -e frame.interface_id 2>/dev/null | sort -u | wc -l)" = 2 ] ||
    fail "not two interfaces"
ch=$(json "$T/two.json" '.calls[1].dtls.handshake[0].frame')
comments "$T/two.pcapng" | grep -q "^$ch	callaudit: call 2: .*client_hello" ||
    fail "the second file's ClientHello (frame $ch) is not annotated"
note "two captures, EN10MB and SLL2: $tot frames, 2 interfaces, second call's hello on frame $ch"

# with a filter: still every frame, so frame numbers stay those of the file
"$CALLAUDIT" analyze -f 'not udp port 3478' --annotate "$T/f.pcapng" "$PCAPS/early-media.pcap" \
    >/dev/null 2>&1
dump "$T/f.pcapng" | cmp -s - "$T/orig.txt" || fail "a filter changed the annotated copy's frames"

# a capture with nothing to note (no call: frames of nothing callaudit
# reads) is copied whole, comments on none (the sanitizer build once
# aborted here, sorting no notes)
editcap -r "$PCAPS/call-plain.pcap" "$T/one.pcap" 1 2>/dev/null || fail "editcap"
"$CALLAUDIT" analyze --annotate "$T/none.pcapng" "$T/one.pcap" >/dev/null 2>"$T/err"
[ $? = 1 ] || fail "nothing to note: $(cat "$T/err")"
[ "$(tcpdump -r "$T/none.pcapng" -nn 2>/dev/null | wc -l)" = 1 ] || fail "nothing to note: not one frame"

"$CALLAUDIT" analyze --annotate "$T/s.pcapng" - <"$PCAPS/call-plain.pcap" >/dev/null 2>"$T/err"
[ $? = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && [ ! -e "$T/s.pcapng" ] || fail "stdin: $(cat "$T/err")"
"$CALLAUDIT" analyze --annotate "$T/no/dir/a.pcapng" "$PCAPS/call-plain.pcap" >/dev/null 2>"$T/err"
[ $? = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] || fail "unwritable: $(cat "$T/err")"
