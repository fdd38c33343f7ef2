#!/usr/bin/env bash
# record_template.sh - records the template of the long-call benchmark,
# tests/bench/call-30s.pcap: one real callstack call of 30 s of media on
# loopback (ECDSA P-256, DTLS 1.2, SRTP AEAD, ~100 packets/s: 50 audio packets
# each way), with the pinned certificates of fixtures/vectors/. The stored
# file was made with it; run again only to change the template. Needs root.
# Usage: tests/bench/record_template.sh BUILD_DIR
BIN=$(cd "${1:-build}" && pwd)
export BIN
. "$(dirname "$0")/../integration/lib.sh"
V=$FIXTURES/vectors
SECONDS_OF_MEDIA=${SECONDS_OF_MEDIA:-30}
OUT=${OUT:-$(cd "$(dirname "$0")" && pwd)/call-30s.pcap}
start_capture "$T/call.pcap"
CALLEE_OPTS="--cert $V/callee.pem --key $V/callee.key" \
    callstack_call $PORT "$SECONDS_OF_MEDIA" --cert "$V/caller.pem" --key "$V/caller.key"
stop_capture
"$CALLAUDIT" analyze "$T/call.pcap" >/dev/null || fail "the template call does not pass"
cp "$T/call.pcap" "$OUT"
echo "record_template: $OUT ($(stat -c %s "$OUT") bytes)"
