#!/usr/bin/env bash
# demo.sh - `make demo`: a real end-to-end encrypted call between two callstack
# endpoints, audited live by callaudit as a third party on the network, then
# the same call through a man in the middle. As root the endpoints are hosts
# of a LAN made of network namespaces (TEST-NET-2 addresses, a bridge that
# callaudit listens on); otherwise they call over loopback, which callaudit
# can only watch with capture rights. Usage: tests/demo.sh BUILD_DIR
set -euo pipefail
BIN=${1:-build}
T=$(mktemp -d)
NS=()
cleanup() {
    kill $(jobs -p) 2>/dev/null || true
    wait 2>/dev/null || true
    for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT

# Where each party runs: "ip netns exec NS" prefixes, or nothing on loopback.
CALLER="" CALLEE="" RELAY="" AUDITOR=""
CALLEE_ADDR=127.0.0.1 RELAY_ADDR=127.0.0.1 IFACE=lo FILTER="host 127.0.0.1"
make_lan() {
    local lan=demo-lan-$$ i h
    ip netns add $lan 2>/dev/null || return 1
    NS+=($lan)
    ip -n $lan link add br0 type bridge 2>/dev/null || return 1
    ip -n $lan link set br0 up
    for i in 1 2 3; do
        h=demo-h$i-$$
        ip netns add $h && NS+=($h)
        ip -n $h link set lo up
        ip link add dp$i-$$ type veth peer name de$i-$$ 2>/dev/null || return 1
        ip link set dp$i-$$ netns $lan
        ip link set de$i-$$ netns $h
        ip -n $lan link set dp$i-$$ master br0 up
        ip -n $h addr add 198.51.100.1$i/24 dev de$i-$$
        ip -n $h link set de$i-$$ up
    done
    CALLER="ip netns exec demo-h1-$$" CALLEE="ip netns exec demo-h2-$$"
    RELAY="ip netns exec demo-h3-$$" AUDITOR="ip netns exec $lan"
    CALLEE_ADDR=198.51.100.12 RELAY_ADDR=198.51.100.13 IFACE=br0 FILTER=""
}
if [ "$(id -u)" = 0 ] && make_lan; then
    echo "A LAN of network namespaces: caller 198.51.100.11, callee 198.51.100.12,"
    echo "relay 198.51.100.13, on a bridge where callaudit listens (promiscuous)."
    LIVE=yes
elif [ "$(id -u)" = 0 ]; then
    echo "No network namespaces here: the call runs on loopback, callaudit listens on lo."
    LIVE=yes
else
    echo "Not root: callaudit cannot capture, so the calls run without the live audit."
    echo "(Run as root, or give build/callaudit CAP_NET_RAW and CAP_NET_ADMIN.)"
    LIVE=no
fi
echo
PORT=$((30000 + RANDOM % 20000))

# wait_line FILE TEXT: until FILE holds TEXT (at most 10 s).
wait_line() {
    for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    return 1
}

REPORTS=$BIN/demo
mkdir -p "$REPORTS"
call() { # LABEL NAME CALLS_EXPECTED [relay]
    local label=$1 name=$2 calls=$3 via=${4:-} target=$CALLEE_ADDR:$PORT
    if [ $LIVE = yes ]; then
        $AUDITOR "$BIN/callaudit" live -i $IFACE ${FILTER:+-f "$FILTER"} --calls "$calls" \
            --duration 60 -w "$REPORTS/$name.pcap" >"$T/audit.txt" 2>"$T/audit.err" &
        local auditor=$!
        wait_line "$T/audit.err" "listening on" || { cat "$T/audit.err"; exit 1; }
    fi
    $CALLEE "$BIN/callstack" answer --listen $CALLEE_ADDR:$PORT --duration 3 \
        --cert-out "$T/callee.pem" >"$T/callee.txt" 2>"$T/callee.err" &
    local callee=$!
    sleep 0.3
    if [ -n "$via" ]; then
        target=$RELAY_ADDR:$((PORT + 1))
        $RELAY "$BIN/callstack" relay --listen $target --connect $CALLEE_ADDR:$PORT --mitm \
            >"$T/relay.txt" 2>"$T/relay.err" &
        sleep 0.3
    fi
    $CALLER "$BIN/callstack" call --connect $target --duration 3 --cert-out "$T/caller.pem" \
        >"$T/caller.txt" 2>"$T/caller.err" || { cat "$T/caller.err"; exit 1; }
    wait $callee || { cat "$T/callee.err"; exit 1; }
    local rc=0
    if [ $LIVE = yes ]; then
        wait $auditor || rc=$?
    fi
    wait
    echo "=== $label"
    cat "$T/caller.txt" "$T/callee.txt"
    if [ $LIVE = yes ]; then
        echo "--- callaudit live -i $IFACE (exit $rc), as calls ended:"
        sed 's/^/  | /' "$T/audit.txt"
    fi
    local a b
    a=$(sed -n 's/^  security code: *//p' "$T/caller.txt")
    b=$(sed -n 's/^  security code: *//p' "$T/callee.txt")
    echo
    echo "    caller reads out:  $a"
    echo "    callee reads out:  $b"
    if [ $LIVE = yes ]; then
        echo "    callaudit, from the packets on the wire:"
        sed -n 's/^  security code: *//p' "$T/audit.txt" | sed 's/^/                       /'
    fi
    echo "    callaudit code over the two certificates actually used:"
    echo "                       $("$BIN/callaudit" code "$T/caller.pem" "$T/callee.pem")"
    if [ "$a" = "$b" ]; then
        echo "    -> the codes match: nobody sits between them"
    else
        echo "    -> the codes DIFFER: a man in the middle holds the keys"
    fi
    if [ $LIVE = yes ]; then
        "$BIN/callaudit" analyze --format html -o "$REPORTS/$name.html" \
            --annotate "$REPORTS/$name.pcapng" "$REPORTS/$name.pcap" 2>/dev/null || true
        echo "    the capture, its HTML report (ladder, plots) and the capture with the"
        echo "    findings as packet comments (Wireshark): $REPORTS/$name.{pcap,html,pcapng}"
    fi
    echo
    PORT=$((PORT + 10))
}

call "a direct call (ICE + DTLS 1.2 + SRTP, fresh certificates)" direct 1
call "the same call through 'callstack relay --mitm'" mitm 2 relay
