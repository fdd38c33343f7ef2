#!/usr/bin/env bash
# demo.sh - `make demo`: a real end-to-end encrypted call between two callstack
# endpoints on loopback, then the same call through a man in the middle, with
# the security codes each end shows. Usage: tests/demo.sh BUILD_DIR
set -euo pipefail
BIN=${1:-build}
T=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"' EXIT
PORT=$((30000 + RANDOM % 20000))

call() { # LABEL CALLER_TARGET [relay args...]
    local label=$1 target=$2
    "$BIN/callstack" answer --listen 127.0.0.1:$PORT --duration 3 --cert-out "$T/callee.pem" \
        >"$T/callee.txt" 2>"$T/callee.err" &
    local callee=$!
    sleep 0.3
    if [ "$target" != $PORT ]; then
        "$BIN/callstack" relay --listen 127.0.0.1:$target --connect 127.0.0.1:$PORT --mitm \
            >"$T/relay.txt" 2>"$T/relay.err" &
        sleep 0.3
    fi
    "$BIN/callstack" call --connect 127.0.0.1:$target --duration 3 --cert-out "$T/caller.pem" \
        >"$T/caller.txt" 2>"$T/caller.err" || { cat "$T/caller.err"; exit 1; }
    wait $callee || { cat "$T/callee.err"; exit 1; }
    wait
    echo "=== $label"
    cat "$T/caller.txt" "$T/callee.txt"
    local a b
    a=$(sed -n 's/^  security code: *//p' "$T/caller.txt")
    b=$(sed -n 's/^  security code: *//p' "$T/callee.txt")
    echo
    echo "    caller reads out:  $a"
    echo "    callee reads out:  $b"
    echo "    callaudit code over the two certificates actually used:"
    echo "                       $("$BIN/callaudit" code "$T/caller.pem" "$T/callee.pem")"
    if [ "$a" = "$b" ]; then
        echo "    -> the codes match: nobody sits between them"
    else
        echo "    -> the codes DIFFER: a man in the middle holds the keys"
    fi
    echo
    PORT=$((PORT + 10))
}

call "a direct call (ICE + DTLS 1.2 + SRTP, fresh certificates)" $PORT
call "the same call through 'callstack relay --mitm'" $((PORT + 1))
