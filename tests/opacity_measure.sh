#!/usr/bin/env bash
# opacity_measure.sh BUILD_DIR - measure the opacity test's false positives
# and false negatives on real captures, on short and long pieces of streams.
# Not part of make test (it needs root to capture two 20 s calls); its output
# is quoted in the notes. Encrypted: callstack PCMU over SRTP (AEAD-GCM and
# AES-CM), Firefox Opus over SRTP. Clear: callstack PCMU (--fault
# no-encrypt), GStreamer Opus and VP8.
set -euo pipefail
BIN=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
LO=127.66.6.6

call() { # NAME [caller/callee options]
    local name=$1 port=$((30000 + RANDOM % 20000))
    shift
    tcpdump -i lo -B 16384 --immediate-mode -U -n -w "$T/$name.pcap" "udp and host $LO" 2>/dev/null &
    local td=$!
    sleep 1
    "$BIN/callstack" answer --listen $LO:$port --bind $LO --duration 20 "$@" >/dev/null 2>&1 &
    local callee=$!
    sleep 0.3
    "$BIN/callstack" call --connect $LO:$port --bind $LO --duration 20 "$@" >/dev/null 2>&1 || true
    wait $callee || true
    sleep 0.3
    kill -INT $td 2>/dev/null || true
    wait $td 2>/dev/null || true
}
call pcmu-srtp-gcm
call pcmu-srtp-cm --srtp-profile SRTP_AES128_CM_SHA1_80
call pcmu-clear --fault no-encrypt
cp "$here/pcaps/firefox-esr153-dtls13.pcap" "$T/opus-srtp-firefox.pcap"
cp "$here/pcaps/gstreamer-opus-clear.pcap" "$T/opus-clear.pcap"
cp "$here/pcaps/gstreamer-vp8-clear.pcap" "$T/vp8-clear.pcap"

printf '%-22s %-9s %6s %8s %8s %9s\n' capture chunk streams opaque readable undecided
for f in pcmu-srtp-gcm pcmu-srtp-cm opus-srtp-firefox pcmu-clear opus-clear vp8-clear; do
    for chunk in 150 400 all; do
        rm -rf "$T/chunks"
        mkdir "$T/chunks"
        if [ $chunk = all ]; then
            cp "$T/$f.pcap" "$T/chunks/x.pcap"
        else
            editcap -c $chunk "$T/$f.pcap" "$T/chunks/x.pcap" >/dev/null 2>&1
        fi
        for c in "$T"/chunks/*; do
            "$BIN/callaudit" analyze --format json "$c" 2>/dev/null |
                jq -r '.calls[].media.streams[] | select(.kind == "srtp" or .kind == "rtp") |
                       (if .opaque == true then "opaque" elif .opaque == false then "readable"
                        else "undecided" end)' || true
        done | sort | uniq -c | awk -v f=$f -v c=$chunk '
            { n[$2] = $1; total += $1 }
            END { printf "%-22s %-9s %6d %8d %8d %9d\n", f, c, total, n["opaque"], n["readable"], n["undecided"] }'
    done
done
