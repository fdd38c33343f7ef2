# Bad input to callaudit: a one-line reason on stderr and exit 2, never a
# crash or a pass; a file cut mid-packet is CAPTURE_TRUNCATED with the
# packets before the cut still audited. Captures here are built by hand.
. "$(dirname "$0")/lib.sh"

# pcap_file FILE LINKTYPE [RECORD-HEX...]: a little-endian pcap file.
le32() { printf '%02x%02x%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
pcap_file() {
    local file=$1 dlt=$2; shift 2
    { echo -n "d4c3b2a1""02000400""00000000""00000000""ffff0000$(le32 "$dlt")"
      local t=1000
      for rec in "$@"; do
          local n=$((${#rec} / 2))
          echo -n "$(le32 $t)00000000$(le32 $n)$(le32 $n)$rec"
          t=$((t + 1))
      done; } | xxd -r -p >"$file"
}
# An Ethernet frame with plain RTP: 192.0.2.1:1234 -> 198.51.100.1:5678, SSRC 0xdeadbeef.
rtp_frame() {
    echo -n "020000000002""020000000001""0800"
    echo -n "4500003c00004000401100000c000201c6336401" | sed 's/0c000201/c0000201/'
    echo -n "04d2162e00280000"
    printf '8000%04x0000a000deadbeef' "$1"
    echo -n "d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5"
}
# The same transport carrying a STUN Binding request (RFC 5389 6), no attributes.
stun_frame() {
    echo -n "020000000002""020000000001""0800"
    echo -n "4500003000004000401100000c000201c6336401" | sed 's/0c000201/c0000201/'
    echo -n "04d2162e001c0000"
    echo -n "000100002112a442""777777777777777777777777"
}

expect_status() { # WANT NAME PATTERN CMD...
    local want=$1 name=$2 pattern=$3; shift 3
    "$@" >"$T/$name.out" 2>"$T/$name.err"
    local rc=$?
    [ $rc -eq "$want" ] || fail "$name: exit $rc, wanted $want: $(cat "$T/$name.err")"
    if [ "$want" -eq 2 ]; then
        [ "$(wc -l <"$T/$name.err")" -eq 1 ] || fail "$name: stderr not one line: $(cat "$T/$name.err")"
    fi
    [ -z "$pattern" ] || grep -Eq -e "$pattern" "$T/$name.err" "$T/$name.out" ||
        fail "$name: output lacks /$pattern/: $(cat "$T/$name.err" "$T/$name.out")"
    note "$name: exit $rc $(head -c 150 "$T/$name.err")"
}

echo "hello, not a capture" >"$T/text.pcap"
expect_status 2 not_capture "unknown file format|bad dump file format" "$CALLAUDIT" analyze "$T/text.pcap"
expect_status 2 missing "No such file" "$CALLAUDIT" analyze "$T/does-not-exist.pcap"
expect_status 2 no_file "at least one capture" "$CALLAUDIT" analyze
expect_status 2 empty_file "" "$CALLAUDIT" analyze /dev/null
pcap_file "$T/usb.pcap" 220 "00"
expect_status 2 linktype "unsupported link type" "$CALLAUDIT" analyze "$T/usb.pcap"
# (four packets in sequence: fewer would not show RTP's structure, and
# would not be media at all)
pcap_file "$T/rtp.pcap" 1 "$(rtp_frame 1)" "$(rtp_frame 2)" "$(rtp_frame 3)" "$(rtp_frame 4)"
expect_status 2 bad_filter "bad filter" "$CALLAUDIT" analyze -f 'udp and and' "$T/rtp.pcap"
expect_status 2 keylog "no TLS secrets" "$CALLAUDIT" analyze --keylog /dev/null "$T/rtp.pcap"
echo "GET / HTTP/1.1" >"$T/not.keys"
expect_status 2 keylog_garbage "not a key log" "$CALLAUDIT" analyze --keylog "$T/not.keys" "$T/rtp.pcap"
expect_status 2 format "--format" "$CALLAUDIT" analyze --format xml "$T/rtp.pcap"
expect_status 2 expect "--expect-code" "$CALLAUDIT" analyze --expect-code 123 "$T/rtp.pcap"
echo "v=1" >"$T/bad.sdp"
expect_status 2 bad_sdp "not a usable SDP" "$CALLAUDIT" analyze --sdp "$T/bad.sdp" "$T/rtp.pcap"
expect_status 2 unknown_cmd "unknown command" "$CALLAUDIT" frobnicate
expect_status 2 code_args "two certificate" "$CALLAUDIT" code "$FIXTURES/vectors/caller.pem"
expect_status 2 code_garbage "not a PEM or DER" "$CALLAUDIT" code "$T/text.pcap" "$T/text.pcap"

# Plain RTP with no DTLS: a capture that starts with it may have joined the
# call after its handshake, so NO_DTLS is inconclusive; after an ICE check on
# the same transport the capture saw the call begin, and the call fails.
expect_status 3 plain_rtp "NO_DTLS" "$CALLAUDIT" analyze "$T/rtp.pcap"
tr -s ' \n' ' ' <"$T/plain_rtp.out" | grep -q "the call may have begun before it" || fail "plain_rtp: $(cat "$T/plain_rtp.out")"
pcap_file "$T/stun-rtp.pcap" 1 "$(stun_frame)" "$(rtp_frame 1)" "$(rtp_frame 2)" "$(rtp_frame 3)" \
    "$(rtp_frame 4)" "$(rtp_frame 5)"
expect_status 1 stun_then_rtp "NO_DTLS" "$CALLAUDIT" analyze "$T/stun-rtp.pcap"
# An empty capture: no call at all is a failure, not a pass.
pcap_file "$T/empty.pcap" 1
expect_status 1 no_call "NO_CALL" "$CALLAUDIT" analyze "$T/empty.pcap"
# Cut in the middle of the fifth packet: the first four are audited, the cut reported.
head -c $(($(stat -c %s "$T/stun-rtp.pcap") - 10)) "$T/stun-rtp.pcap" >"$T/cut.pcap"
expect_status 1 truncated "CAPTURE_TRUNCATED" "$CALLAUDIT" analyze --format json "$T/cut.pcap"
[ "$(json "$T/truncated.out" '.calls[0].media.streams[0].packets')" = 4 ] || fail "cut: 4 packets"
[ "$(json "$T/truncated.out" '[.findings[].id] | index("CAPTURE_TRUNCATED") != null')" = true ] ||
    fail "cut: run-level CAPTURE_TRUNCATED"
# Snaplen: a frame captured shorter than it was is counted; with no call
# found, the cut makes NO_CALL inconclusive.
rec=$(rtp_frame 1)
{ xxd -r -p <<<"d4c3b2a1020004000000000000000000ffff000001000000"
  xxd -r -p <<<"e803000000000000$(le32 40)$(le32 74)${rec:0:80}"; } >"$T/snap.pcap"
expect_status 3 snaplen "" "$CALLAUDIT" analyze --format json "$T/snap.pcap"
[ "$(json "$T/snaplen.out" .summary.truncated_frames)" = 1 ] || fail "snaplen not counted"
[ "$(json "$T/snaplen.out" '.summary.undecoded.ip_truncated')" = 1 ] || fail "ip_truncated"
# JUnit for a failing capture.
"$CALLAUDIT" analyze --format junit "$T/stun-rtp.pcap" >"$T/junit.xml"
grep -q '<failure type="NO_DTLS"' "$T/junit.xml" || fail "junit failure: $(cat "$T/junit.xml")"
