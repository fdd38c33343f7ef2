# Stored captures of plain RTP made with GStreamer (pcaps/README.md): Opus
# (compressed, high-entropy, yet its TOC byte repeats) and VP8 (payload
# descriptors). Both are readable media with no DTLS; Opus at a variable
# bit rate also leaks its lengths, while video is never held to that.
. "$(dirname "$0")/lib.sh"
P=$(cd "$(dirname "$0")/../../pcaps" && pwd)

"$CALLAUDIT" analyze --format json "$P/gstreamer-opus-clear.pcap" >"$T/opus.json"
[ $? -eq 1 ] || fail "clear Opus must fail"
[ "$(json "$T/opus.json" '[.calls[0].findings[].id] | sort | join(",")')" = LENGTH_LEAK,MEDIA_PLAINTEXT,NO_DTLS ] ||
    fail "opus findings: $(json "$T/opus.json" '[.calls[0].findings[].id]')"
[ "$(json "$T/opus.json" '.calls[0].media.streams[0].opaque')" = false ] || fail "opus opaque"

"$CALLAUDIT" analyze --format json "$P/gstreamer-vp8-clear.pcap" >"$T/vp8.json"
[ $? -eq 1 ] || fail "clear VP8 must fail"
[ "$(json "$T/vp8.json" '[.calls[0].findings[].id] | sort | join(",")')" = MEDIA_PLAINTEXT,NO_DTLS ] ||
    fail "vp8 findings: $(json "$T/vp8.json" '[.calls[0].findings[].id]')"

# Only the first 64 packets (the least the test decides on) still suffice.
command -v editcap >/dev/null || skip "editcap missing for the short-stream half"
editcap -r "$P/gstreamer-opus-clear.pcap" "$T/short.pcap" 1-64 2>/dev/null
"$CALLAUDIT" analyze --format json "$T/short.pcap" >"$T/short.json"
[ "$(json "$T/short.json" '.calls[0].media.streams[0].opaque')" = false ] ||
    fail "64 packets of clear Opus not judged readable: $(json "$T/short.json" .calls[0].media)"
editcap -r "$P/gstreamer-opus-clear.pcap" "$T/tiny.pcap" 1-40 2>/dev/null
"$CALLAUDIT" analyze --format json "$T/tiny.pcap" >"$T/tiny.json"
[ "$(json "$T/tiny.json" '.calls[0].media.streams[0].opaque')" = null ] ||
    fail "40 packets must stay undecided"
note "clear Opus and VP8: MEDIA_PLAINTEXT; 64 packets decide, 40 stay undecided"
