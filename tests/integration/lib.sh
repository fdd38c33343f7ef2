# lib.sh - helpers for integration scripts (sourced, not run).
#
# $BIN holds the binaries under test (build/ or build/asan/). Each script
# gets a scratch directory $T, removed on exit, and a port range of its own
# so scripts never collide. Exit 0 passes, 77 skips (say why first), any
# other status fails.

set -u
export LC_ALL=C
BIN=${BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}
FIXTURES=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../fixtures" && pwd)
CALLSTACK="$BIN/callstack"
CALLAUDIT="$BIN/callaudit"
T=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

# A port base per script run: 20000-59999, stepping 10.
PORT=$((20000 + (RANDOM * 7 + $$) % 4000 * 10))
# A loopback address of this run's own (all of 127/8 is loopback): captures
# filtered on it see this run's calls only, even with other tests running.
LO=127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
note() { echo "-- $*"; }

# Run a command in the background, remembering its pid in $! and PIDS.
bg() { "$@" & PIDS+=($!); }

# json FILE FILTER: a jq query on a report.
json() { jq -r "$2" "$1"; }

# Wait for a background pid and return its exit status, bounded by SECONDS.
wait_for() {
    local pid=$1 limit=$2 i=0
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.1; i=$((i + 1))
        [ $i -ge $((limit * 10)) ] && { kill "$pid"; echo "timeout after ${limit}s" >&2; return 124; }
    done
    wait "$pid"
}

# Wait until a TCP port listens (the answerer is up). It must not connect:
# an answerer takes the first connection as its call.
wait_listen() {
    local port=$1 i=0
    until ss -Hltn "sport = :$port" | grep -q .; do
        sleep 0.05; i=$((i + 1)); [ $i -ge 100 ] && fail "nothing listens on port $port"
    done
}

# send_raw PORT PRINTF-FORMAT [HOLD]: once something listens on PORT, connect,
# send the bytes, and hold the connection HOLD seconds (default 0.5).
send_raw() {
    local port=$1 fmt=$2 hold=${3:-0.5} i=0
    until ss -Hltn "sport = :$port" | grep -q .; do
        sleep 0.05; i=$((i + 1)); [ $i -ge 100 ] && return 1
    done
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf "$fmt" "${@:4}" >&3
    sleep "$hold"
    exec 3>&-
}

# send_sdp PORT SDP [HOLD]: the same, framed as a signaling message.
send_sdp() {
    local body
    body=$(printf "$2"; printf x); body=${body%x}
    send_raw "$1" "Content-Length: ${#body}\r\n\r\n%s" "${3:-0.5}" "$body"
}

# assert_call_ok FILE: a callstack --json report of a working call.
assert_call_ok() {
    local f=$1
    [ "$(json "$f" .ok)" = true ] || fail "$f: call not ok: $(json "$f" .error)"
    [ "$(json "$f" '.security_code | test("^[0-9]{5} [0-9]{5} [0-9]{5} [0-9]{5}$")')" = true ] ||
        fail "$f: no security code"
    [ "$(json "$f" '.rtp.authenticated > 0 and .rtp.rejected == 0')" = true ] ||
        fail "$f: RTP not authenticated: $(json "$f" .rtp)"
    [ "$(json "$f" '.rtp.tone_frames * 10 >= .rtp.authenticated * 9')" = true ] ||
        fail "$f: the tone did not come through"
    [ "$(json "$f" '.rtcp.authenticated > 0 and .rtcp.bye_received')" = true ] ||
        fail "$f: SRTCP / BYE missing: $(json "$f" .rtcp)"
    [ "$(json "$f" .srtp_profile)" = SRTP_AEAD_AES_128_GCM ] || fail "$f: unexpected SRTP profile"
    case "$(json "$f" .cipher_suite)" in TLS_ECDHE_*) ;; *) fail "$f: not an ECDHE suite" ;; esac
}

# start_capture FILE [FILTER...]: tcpdump on lo into FILE (skips without root).
# stop_capture: stop it and flush (immediate mode: nothing left in the ring).
start_capture() {
    local file=$1; shift
    [ "$(id -u)" = 0 ] || skip "capturing on lo needs root"
    command -v tcpdump >/dev/null || skip "tcpdump missing"
    : >"$T/tcpdump.err" # before tcpdump's own redirect: the wait below reads it at once
    tcpdump -i lo -B 16384 --immediate-mode -U -n -w "$file" "(${*:-udp}) and host $LO" \
        2>"$T/tcpdump.err" &
    CAPTURE_PID=$!
    PIDS+=($CAPTURE_PID)
    for _ in $(seq 50); do
        # "listening" is printed before the socket is bound everywhere: give it a moment
        grep -q "listening on" "$T/tcpdump.err" && { sleep 0.3; return; }
        sleep 0.1
    done
    skip "tcpdump cannot capture here: $(cat "$T/tcpdump.err")"
}
stop_capture() {
    sleep 0.3
    kill -INT "$CAPTURE_PID" 2>/dev/null
    wait "$CAPTURE_PID" 2>/dev/null
}

# callstack_call PORT DURATION [caller options]: a direct call; JSON reports
# in $T/caller.json and $T/callee.json, certificates in $T/{caller,callee}.pem.
# $CALLEE_OPTS (words) go to the callee.
callstack_call() {
    local port=$1 duration=$2; shift 2
    # shellcheck disable=SC2086
    bg "$CALLSTACK" answer --listen $LO:$port --bind $LO --duration "$duration" --json \
        --cert-out "$T/callee.pem" --sdp-out "$T/callee.sdp" ${CALLEE_OPTS:-} >"$T/callee.json"
    local callee=$!
    wait_listen $port
    "$CALLSTACK" call --connect $LO:$port --bind $LO --duration "$duration" --json \
        --cert-out "$T/caller.pem" --sdp-out "$T/caller.sdp" "$@" >"$T/caller.json" ||
        fail "caller exited $?"
    wait_for $callee 20 || fail "callee exited $?"
}

# relay_call PORT [relay options]: callee on PORT, `callstack relay` on PORT+1
# (e.g. --mitm), caller through the relay; 2 s of media. Reports in
# $T/{caller,callee,relay}.json, certificates in $T/{caller,callee}.pem.
relay_call() {
    local port=$1
    shift
    bg "$CALLSTACK" answer --listen $LO:$port --bind $LO --duration 2 --json \
        --cert-out "$T/callee.pem" >"$T/callee.json"
    local callee=$!
    wait_listen $port
    bg "$CALLSTACK" relay --listen $LO:$((port + 1)) --connect $LO:$port --json "$@" \
        >"$T/relay.json"
    local relay=$!
    wait_listen $((port + 1))
    "$CALLSTACK" call --connect $LO:$((port + 1)) --bind $LO --duration 2 --json \
        --cert-out "$T/caller.pem" >"$T/caller.json" || fail "caller exited $?"
    wait_for $callee 20 || fail "callee exited $?"
    wait_for $relay 20 || fail "relay exited $?"
}

# two_hosts: namespaces $A (198.51.100.1 on $VA) and $B (198.51.100.2 on $VB)
# joined by a veth pair with a 1280-byte MTU, removed on exit. Skips without
# root or namespaces.
two_hosts() {
    [ "$(id -u)" = 0 ] || skip "network namespaces need root"
    A=ca-a-$$ B=ca-b-$$ VA=cva$$ VB=cvb$$
    ip netns add $A 2>/dev/null || skip "cannot create network namespaces"
    trap 'ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null; cleanup' EXIT
    ip netns add $B
    ip link add $VA type veth peer name $VB || skip "cannot create veth pairs"
    ip link set $VA netns $A
    ip link set $VB netns $B
    ip -n $A addr add 198.51.100.1/24 dev $VA
    ip -n $B addr add 198.51.100.2/24 dev $VB
    for ns in $A $B; do ip -n $ns link set lo up; done
    ip -n $A link set $VA mtu 1280 up
    ip -n $B link set $VB mtu 1280 up
}

# run_call TAG [caller options]: a call of $DURATION s (default 3) from A (caller) to B (callee),
# captured on A's link into $T/TAG.pcap; reports in $T/TAG-{caller,callee}.json.
# Both ends must have authenticated media and the same code; returns 1 (with
# the reason on stderr) if the call itself failed.
run_call() {
    local tag=$1
    shift
    ip netns exec $A tcpdump -i $VA -B 16384 --immediate-mode -U -n -w "$T/$tag.pcap" \
        2>"$T/$tag.tcpdump" &
    local td=$!
    PIDS+=($td)
    for _ in $(seq 50); do grep -q "listening on" "$T/$tag.tcpdump" && break; sleep 0.1; done
    sleep 0.3
    # shellcheck disable=SC2086
    ip netns exec $B "$CALLSTACK" answer --listen 198.51.100.2:5000 --duration "${DURATION:-3}" --json \
        --timeout 30 ${CALLEE_OPTS:-} >"$T/$tag-callee.json" 2>"$T/$tag-callee.err" &
    local callee=$!
    PIDS+=($callee)
    sleep 0.5
    local status=0
    ip netns exec $A "$CALLSTACK" call --connect 198.51.100.2:5000 --duration "${DURATION:-3}" --json \
        --timeout 30 "$@" >"$T/$tag-caller.json" 2>"$T/$tag-caller.err" || status=1
    wait_for $callee 40 || status=1
    sleep 0.3
    kill -INT $td
    wait $td 2>/dev/null
    if [ $status -ne 0 ]; then
        echo "$tag: call failed: $(cat "$T/$tag-caller.err" "$T/$tag-callee.err")" >&2
        return 1
    fi
    for side in caller callee; do
        [ "$(json "$T/$tag-$side.json" '.rtp.authenticated > 0 and .rtp.rejected == 0')" = true ] ||
            fail "$tag $side: $(json "$T/$tag-$side.json" .rtp)"
    done
    [ "$(json "$T/$tag-caller.json" .security_code)" = "$(json "$T/$tag-callee.json" .security_code)" ] ||
        fail "$tag: codes differ"
}

# live_start TAG [callaudit live options]: `callaudit live` (in namespace
# $LIVE_NS when set) writing JSON Lines to $T/TAG.jsonl, stderr to
# $T/TAG.live.err; returns once it listens, with its pid in $LIVE_PID.
live_start() {
    local tag=$1
    shift
    [ "$(id -u)" = 0 ] || skip "live capture needs root"
    ${LIVE_NS:+ip netns exec $LIVE_NS} "$CALLAUDIT" live --format json "$@" \
        >"$T/$tag.jsonl" 2>"$T/$tag.live.err" &
    LIVE_PID=$!
    PIDS+=($LIVE_PID)
    for _ in $(seq 100); do
        grep -q "listening on" "$T/$tag.live.err" && return
        kill -0 $LIVE_PID 2>/dev/null || fail "callaudit live exited: $(cat "$T/$tag.live.err")"
        sleep 0.1
    done
    fail "callaudit live did not start: $(cat "$T/$tag.live.err")"
}

# live_calls TAG: the live verdicts, the last event of each call, as one
# canonical JSON line per call sorted by code: what a replay must reproduce.
live_calls() {
    jq -cs '[.[] | select(.event == "call")] | group_by(.id) | map(.[-1]) |
        map({code: .security_code, verdict, findings: ([.findings[].id] | sort)}) |
        sort_by(.code) | .[]' "$T/$1.jsonl"
}

# replay_calls PCAP: the same view of `callaudit analyze` over PCAP.
replay_calls() {
    "$CALLAUDIT" analyze --format json "$1" | jq -c '.calls |
        map({code: .security_code, verdict, findings: ([.findings[].id] | sort)}) |
        sort_by(.code) | .[]'
}

# lan_hosts: a LAN of network namespaces: $LAN holds the bridge br0, and
# hosts $H1, $H2, $H3 have 198.51.100.1N/24 and 2001:db8::1N/64 on their
# eth0, each a port of br0 (N = 1, 2, 3). Removed on exit; skips without
# root or namespaces.
lan_hosts() {
    [ "$(id -u)" = 0 ] || skip "network namespaces need root"
    LAN=ca-lan-$$ H1=ca-h1-$$ H2=ca-h2-$$ H3=ca-h3-$$
    ip netns add $LAN 2>/dev/null || skip "cannot create network namespaces"
    trap 'for n in $LAN $H1 $H2 $H3; do ip netns del $n 2>/dev/null; done; cleanup' EXIT
    ip -n $LAN link set lo up
    ip -n $LAN link add br0 type bridge 2>/dev/null || skip "cannot create a bridge"
    ip -n $LAN link set br0 up
    local i h
    for i in 1 2 3; do
        h=ca-h$i-$$
        ip netns add $h
        ip -n $h link set lo up
        ip link add cp$i-$$ type veth peer name ce$i-$$ || skip "cannot create veth pairs"
        ip link set cp$i-$$ netns $LAN
        ip link set ce$i-$$ netns $h
        ip -n $LAN link set cp$i-$$ master br0 up
        ip -n $h link set ce$i-$$ name eth0
        ip -n $h addr add 198.51.100.1$i/24 dev eth0
        ip -n $h addr add 2001:db8::1$i/64 dev eth0 nodad
        ip -n $h link set eth0 up
    done
}

# ns_wait_listen NS PORT: wait until a TCP port listens inside namespace NS.
ns_wait_listen() {
    local i=0
    until ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .; do
        sleep 0.05; i=$((i + 1)); [ $i -ge 200 ] && fail "nothing listens on port $2 in $1"
    done
}

# impair NS DEV PEER4 [PEER6]: on NS's outgoing UDP through DEV (media,
# DTLS, STUN; not the signaling): 1 in $IMPAIR_LOSS (10) packets lost, 1 in
# 20 duplicated, and 1 in $IMPAIR_SLOW (20) sent through a slow HTB class
# (8 kbit/s) that later packets overtake: delays of up to hundreds of ms,
# reordering. tc netem is not in every kernel, so: nftables drops and
# duplicates (numgen random, dup to the peer) and marks for the HTB class.
impair() {
    local ns=$1 dev=$2 peer4=$3 peer6=${4:-} loss=${IMPAIR_LOSS:-10} slow=${IMPAIR_SLOW:-20}
    command -v nft >/dev/null || skip "nft (nftables) missing"
    ip netns exec "$ns" tc qdisc add dev "$dev" root handle 1: htb default 10 2>/dev/null &&
        ip netns exec "$ns" tc class add dev "$dev" parent 1: classid 1:10 htb rate 1gbit 2>/dev/null &&
        ip netns exec "$ns" tc class add dev "$dev" parent 1: classid 1:20 htb rate 8kbit ceil 8kbit \
            burst 100 cburst 100 2>/dev/null || skip "no HTB queueing discipline here"
    local family peer
    for family in ip ip6; do
        peer=$peer4
        [ $family = ip6 ] && peer=$peer6
        [ -n "$peer" ] || continue
        ip netns exec "$ns" nft -f - <<NFT || skip "nftables cannot drop, duplicate or mark here"
table $family impair {
    chain out {
        type filter hook output priority 0;
        meta l4proto udp numgen random mod $loss 0 drop
        meta l4proto udp numgen random mod 20 0 dup to $peer device "$dev"
        meta l4proto udp numgen random mod $slow 0 meta priority set 1:20
    }
}
NFT
    done
}

# lan_call TAG CONNECT [caller options]: `callstack answer` in $H2 on port
# 5000, `callstack call` from $H1 to CONNECT (the callee, or a relay), each
# for $DURATION s (default 2); reports in $T/TAG-{caller,callee}.json.
# Returns 1 (reason on stderr) if the call failed.
lan_call() {
    local tag=$1 connect=$2 listen=198.51.100.12:5000
    shift 2
    case "$connect" in \[*) listen="[2001:db8::12]:5000" ;; esac
    ip netns exec $H2 "$CALLSTACK" answer --listen "$listen" --duration "${DURATION:-2}" --json \
        --timeout 30 >"$T/$tag-callee.json" 2>"$T/$tag-callee.err" &
    local callee=$! status=0
    PIDS+=($callee)
    ns_wait_listen $H2 5000
    ip netns exec $H1 "$CALLSTACK" call --connect "$connect" --duration "${DURATION:-2}" --json \
        --timeout 30 "$@" >"$T/$tag-caller.json" 2>"$T/$tag-caller.err" || status=1
    wait_for $callee 40 || status=1
    [ $status = 0 ] || echo "$tag: call failed: $(cat "$T/$tag-caller.err" "$T/$tag-callee.err")" >&2
    return $status
}

# start_turn: coturn (Debian's turnserver) on $LO:$TURN_PORT, long-term
# credentials callstack:secret, relaying to loopback peers; $TURN is the
# callstack --turn value. Skips without turnserver.
start_turn() {
    command -v turnserver >/dev/null || skip "turnserver (coturn) missing"
    TURN_PORT=$((PORT + 7))
    turnserver -n --listening-ip=$LO --listening-port=$TURN_PORT --relay-ip=$LO \
        --min-port=$((PORT + 100)) --max-port=$((PORT + 160)) --allow-loopback-peers \
        --no-cli --no-tls --no-dtls --lt-cred-mech --user=callstack:secret --realm=callaudit \
        --fingerprint --pidfile="$T/turnserver.pid" --log-file=stdout >"$T/turnserver.log" 2>&1 &
    PIDS+=($!)
    TURN=callstack:secret@$LO:$TURN_PORT
    for _ in $(seq 50); do
        ss -Hlun "sport = :$TURN_PORT" | grep -q . && return
        sleep 0.1
    done
    skip "turnserver does not start here: $(tail -3 "$T/turnserver.log")"
}
