#!/usr/bin/env bash
# fixtures.sh - `make fixtures`: regenerate the stored captures of pcaps/
# from real callstack calls captured on loopback (and in namespaces), with
# the certificates pinned from fixtures/vectors/ so that thumbprints and
# codes are stable; then check each against its expectation
# fixtures/NAME.json (callaudit --expect). A capture without one gets it
# written, to be read and committed. Needs root (tcpdump, namespaces).
# Usage: tests/fixtures.sh BUILD_DIR [OUT_DIR]
set -u
BIN=$(cd "${1:-build}" && pwd)
OUT=$(mkdir -p "${2:-pcaps}" && cd "${2:-pcaps}" && pwd)
export BIN
. "$(dirname "$0")/integration/lib.sh"
[ "$(id -u)" = 0 ] || { echo "fixtures: capturing needs root" >&2; exit 2; }
V=$FIXTURES/vectors
CALLER="--cert $V/caller.pem --key $V/caller.key"
CALLEE="--cert $V/callee.pem --key $V/callee.key"
RSA="--cert $V/rsa.pem --key $V/rsa.key"
made=()

# keep NAME: the capture in $T/NAME.pcap goes to OUT (small: a few seconds each)
keep() {
    cp "$T/$1.${2:-pcap}" "$OUT/$1.${2:-pcap}"
    made+=("$1.${2:-pcap}")
    echo "fixtures: $1.${2:-pcap} ($(stat -c %s "$OUT/$1.${2:-pcap}") bytes)"
}
next_port() { PORT=$((PORT + 10)); }

# A call whose caller may fail (attack and fault cases): both ends, bounded.
call_anyway() { # PORT DURATION CALLEE_OPTS -- CALLER_OPTS
    local port=$1 duration=$2 copts=$3
    shift 3
    # shellcheck disable=SC2086
    "$CALLSTACK" answer --listen $LO:$port --bind $LO --duration "$duration" --timeout 5 \
        $copts >/dev/null 2>&1 &
    local callee=$!
    wait_listen $port
    "$CALLSTACK" call --connect $LO:$port --bind $LO --duration "$duration" --timeout 5 "$@" \
        >/dev/null 2>&1
    wait_for $callee 20 >/dev/null 2>&1
    return 0
}

# --- good calls ---------------------------------------------------------------------------
start_capture "$T/call-plain.pcap"
CALLEE_OPTS=$CALLEE callstack_call $PORT 2 $CALLER
stop_capture
keep call-plain
editcap -F pcapng "$T/call-plain.pcap" "$T/call-plain-ng.pcapng" && keep call-plain-ng pcapng
tcprewrite --enet-vlan=add --enet-vlan-tag=100 --enet-vlan-cfi=0 --enet-vlan-pri=0 \
    -i "$T/call-plain.pcap" -o "$T/call-vlan.pcap" && keep call-vlan
# cut in the middle of a packet: CAPTURE_TRUNCATED
size=$(stat -c %s "$T/call-plain.pcap")
head -c $((size * 2 / 3)) "$T/call-plain.pcap" >"$T/call-truncated.pcap" && keep call-truncated

next_port
tcpdump -i any -y LINUX_SLL2 -B 16384 --immediate-mode -U -n -w "$T/call-any-sll2.pcap" \
    "udp and host $LO" 2>"$T/any.err" &
any=$!
sleep 1
CALLEE_OPTS=$CALLEE callstack_call $PORT 2 $CALLER
sleep 0.3
kill -INT $any
wait $any
keep call-any-sll2

next_port
start_capture "$T/call-rsa-mtu300.pcap"
CALLEE_OPTS="$RSA --mtu 300" callstack_call $PORT 2 $CALLER --mtu 300
stop_capture
keep call-rsa-mtu300

next_port
start_capture "$T/call-ice-tcp.pcap" tcp
CALLEE_OPTS="$CALLEE --ice-tcp" callstack_call $PORT 2 $CALLER --ice-tcp
stop_capture
keep call-ice-tcp

next_port
start_capture "$T/two-calls.pcap"
CALLEE_OPTS=$CALLEE callstack_call $PORT 2 $CALLER
next_port
CALLEE_OPTS=$CALLEE callstack_call $PORT 2 $CALLER
stop_capture
keep two-calls

# TURN: the caller relays through coturn; the capture holds the caller-server
# segment only (ChannelBind, Send indications, ChannelData)
next_port
start_turn
tcpdump -i lo -B 16384 --immediate-mode -U -n -w "$T/call-turn.pcap" "udp port $TURN_PORT" \
    2>"$T/turn.err" &
turn_cap=$!
sleep 1
CALLEE_OPTS=$CALLEE callstack_call $PORT 2 $CALLER --turn "$TURN"
sleep 0.3
kill -INT $turn_cap
wait $turn_cap
keep call-turn

# TURN over TCP (RFC 6062's client leg, what a browser behind a UDP-blocking
# firewall uses): STUN and padded ChannelData framed on one connection,
# captured between caller and server; and an SDES call relayed the same way
# (the corpus's TURN/TCP calls are SDES: the keys are the signaling's)
turn_tcp_capture() { # NAME CALLEE_OPTS -- CALLER_OPTS
    local name=$1 copts=$2
    shift 2
    next_port
    tcpdump -i lo -B 16384 --immediate-mode -U -n -w "$T/$name.pcap" "tcp port $TURN_PORT" \
        2>"$T/turn.err" &
    turn_cap=$!
    sleep 1
    CALLEE_OPTS=$copts callstack_call $PORT 2 "$@" --turn "$TURN/tcp"
    sleep 0.3
    kill -INT $turn_cap
    wait $turn_cap
    keep "$name"
}
turn_tcp_capture call-turn-tcp "$CALLEE" $CALLER
turn_tcp_capture sdes-turn-tcp "$CALLEE --sdes" $CALLER --sdes

# IPv6 loopback
next_port
tcpdump -i lo -B 16384 --immediate-mode -U -n -w "$T/call-ipv6.pcap" "udp and host ::1" \
    2>"$T/v6.err" &
v6=$!
sleep 1
# shellcheck disable=SC2086
"$CALLSTACK" answer --listen "[::1]:$PORT" --bind ::1 --duration 2 $CALLEE >/dev/null 2>&1 &
callee=$!
wait_listen $PORT
# shellcheck disable=SC2086
"$CALLSTACK" call --connect "[::1]:$PORT" --bind ::1 --duration 2 $CALLER >/dev/null ||
    echo "fixtures: the IPv6 call failed" >&2
wait_for $callee 20 >/dev/null
sleep 0.3
kill -INT $v6
wait $v6
keep call-ipv6

# --- broken calls ---------------------------------------------------------------------------
next_port
start_capture "$T/sdes.pcap"
call_anyway $PORT 2 "$CALLEE --sdes" $CALLER --sdes
stop_capture
keep sdes

next_port
start_capture "$T/null-cipher.pcap"
call_anyway $PORT 2 "$CALLEE --srtp-profile SRTP_AES128_CM_SHA1_80" $CALLER \
    --srtp-profile SRTP_AES128_CM_SHA1_80 --fault null-cipher
stop_capture
keep null-cipher

next_port
start_capture "$T/early-media.pcap"
call_anyway $PORT 2 "$CALLEE" $CALLER --fault early-media
stop_capture
keep early-media

next_port
start_capture "$T/fingerprint-mismatch.pcap"
call_anyway $PORT 2 "$CALLEE" $CALLER --fault wrong-fingerprint
stop_capture
keep fingerprint-mismatch

next_port
start_capture "$T/header-ext.pcap"
CALLEE_OPTS="$CALLEE --audio-level" callstack_call $PORT 2 $CALLER --audio-level
stop_capture
keep header-ext

# the caller's pinned certificate in two calls with different callees
next_port
start_capture "$T/cert-reused.pcap"
CALLEE_OPTS=$CALLEE callstack_call $PORT 2 $CALLER
next_port
CALLEE_OPTS=$RSA callstack_call $PORT 2 $CALLER
stop_capture
keep cert-reused

next_port
start_capture "$T/mitm.pcap"
# shellcheck disable=SC2086
"$CALLSTACK" answer --listen $LO:$PORT --bind $LO --duration 2 $CALLEE >/dev/null 2>&1 &
callee=$!
wait_listen $PORT
"$CALLSTACK" relay --listen $LO:$((PORT + 1)) --connect $LO:$PORT --mitm >/dev/null 2>&1 &
relay=$!
wait_listen $((PORT + 1))
# shellcheck disable=SC2086
"$CALLSTACK" call --connect $LO:$((PORT + 1)) --bind $LO --duration 2 $CALLER >/dev/null 2>&1
wait_for $callee 20 >/dev/null
wait_for $relay 20 >/dev/null
stop_capture
keep mitm

# --- loss: two hosts in namespaces, 10% of UDP dropped each way ------------------------------
two_hosts
for ns in $A $B; do
    ip netns exec $ns nft add table inet loss &&
        ip netns exec $ns nft add chain inet loss out '{ type filter hook output priority 0; }' &&
        ip netns exec $ns nft add rule inet loss out meta l4proto udp numgen random mod 10 0 drop
done
CALLEE_OPTS=$CALLEE DURATION=3 run_call call-loss $CALLER ||
    CALLEE_OPTS=$CALLEE DURATION=3 run_call call-loss $CALLER ||
    echo "fixtures: the call under loss failed twice" >&2
keep call-loss

# --- check every capture against its expectation ----------------------------------------------
# What is not stable from one regeneration to the next is left out of a new
# expectation: the relay's fresh certificates (and so the legs' codes), and
# which goodbye alerts survive 10% loss.
unstable() {
    case "$1" in
    mitm) echo 'del(.calls[].security_code, .calls[].client_sha256, .calls[].server_sha256)' ;;
    call-loss) echo 'del(.calls[].handshake)' ;;
    *) echo '.' ;;
    esac
}
status=0 new=0
for f in "${made[@]}"; do
    name=${f%.*}
    exp=$FIXTURES/$name.json
    if [ ! -f "$exp" ]; then
        "$CALLAUDIT" analyze --write-expect "$T/new.json" "$OUT/$f" >/dev/null
        jq "$(unstable "$name")" "$T/new.json" >"$exp"
        echo "fixtures: NEW expectation $exp: read it before committing"
        new=$((new + 1))
        continue
    fi
    if ! "$CALLAUDIT" analyze --expect "$exp" "$OUT/$f" >"$T/expect.out"; then
        echo "fixtures: $f differs from $exp:" >&2
        grep -A20 "^expect" "$T/expect.out" >&2
        status=1
    fi
done
[ $status = 0 ] && echo "fixtures: ${#made[@]} captures regenerated; $((${#made[@]} - new)) expectations hold, $new new"
exit $status
