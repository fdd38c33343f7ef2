#!/usr/bin/env bash
# firefox_capture.sh OUT_PREFIX - remake the Firefox DTLS 1.3 capture:
# OUT_PREFIX.pcap, .offer.sdp, .answer.sdp, .keys (NSS key log).
# Needs root (tcpdump on lo) and Debian's firefox-esr; not part of make test.
# Two RTCPeerConnections in one headless page (fixtures/firefox/call.html)
# call each other over loopback with fake audio, both directions, ~4 s.
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")/.." && pwd)
command -v firefox-esr >/dev/null || { echo "firefox-esr missing (apt-get install firefox-esr)" >&2; exit 2; }
prof=$(mktemp -d)
cp "$here/fixtures/firefox/user.js" "$prof/"
rm -f "$out.keys"
tcpdump -i lo -B 16384 --immediate-mode -U -w "$out.pcap" udp 2>/dev/null &
td=$!
sleep 1
SSLKEYLOGFILE="$out.keys" timeout 30 firefox-esr --headless --no-remote --profile "$prof" \
    "file://$here/fixtures/firefox/call.html" >"$prof/console.log" 2>&1 &
ff=$!
for _ in $(seq 100); do grep -q "CALLAUDIT done" "$prof/console.log" && break; sleep 0.2; done
sleep 1
kill $ff 2>/dev/null || true
kill -INT $td
wait $td 2>/dev/null || true
# The page logs each SDP as a JSON string.
for which in offer answer; do
    sed -n "s/^console.log: \"CALLAUDIT $which //p" "$prof/console.log" | sed 's/"$//' |
        jq -r 'fromjson' >"$out.$which.sdp"
done
rm -rf "$prof"
echo "wrote $out.pcap $out.offer.sdp $out.answer.sdp $out.keys"
