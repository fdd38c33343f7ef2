# callaudit live as the third party on a LAN: namespaces $H1 (caller), $H2
# (callee) and $H3 (relay) on a bridge, callaudit capturing on the bridge in
# promiscuous mode. A plain call and an IPv6 call pass with the endpoints'
# code; a call over a link with 10% loss, duplication and reordering passes
# with each retransmitted handshake message listed once; a call through
# `callstack relay --mitm` on $H3 is MITM_SUSPECTED on both legs, whose codes
# are the caller's and the callee's and differ. Replaying each -w capture
# with analyze reproduces the live verdicts.
. "$(dirname "$0")/lib.sh"
lan_hosts
LIVE_NS=$LAN

# check_live TAG STATUS CALLS: live exited STATUS with CALLS calls, and the
# replay of its capture agrees.
check_live() {
    local tag=$1 want=$2 calls=$3 rc
    wait_for $LIVE_PID 60
    rc=$?
    [ $rc = "$want" ] || fail "$tag: live exit $rc, wanted $want: $(cat "$T/$tag.live.err";
        jq -c 'select(.event == "call") | [.verdict, [.findings[] | .id + ": " + .message]]' "$T/$tag.jsonl")"
    [ "$(live_calls "$tag" | wc -l)" = "$calls" ] || fail "$tag: $(live_calls "$tag")"
    [ "$(replay_calls "$T/$tag.pcap")" = "$(live_calls "$tag")" ] ||
        fail "$tag: replay differs: $(replay_calls "$T/$tag.pcap") vs $(live_calls "$tag")"
}

# --- a plain call over IPv4 -------------------------------------------------------------
live_start v4 -i br0 -w "$T/v4.pcap" --calls 1
lan_call v4 198.51.100.12:5000 || fail "the call failed"
check_live v4 0 1
code=$(json "$T/v4-caller.json" .security_code)
[ "$code" = "$(json "$T/v4-callee.json" .security_code)" ] || fail "v4: endpoints differ"
[ "$(live_calls v4 | jq -r .code)" = "$code" ] || fail "v4: code $(live_calls v4)"
jq -se 'map(select(.event == "call"))[0].client.addr | startswith("198.51.100.")' "$T/v4.jsonl" \
    >/dev/null || fail "v4: addresses"
note "IPv4: pass, code $code, as both endpoints say; replay agrees"

# --- IPv6 ---------------------------------------------------------------------------------
live_start v6 -i br0 -w "$T/v6.pcap" --calls 1
lan_call v6 "[2001:db8::12]:5000" || fail "the IPv6 call failed"
check_live v6 0 1
code=$(json "$T/v6-caller.json" .security_code)
[ "$(live_calls v6 | jq -r .code)" = "$code" ] || fail "v6: code"
jq -se 'map(select(.event == "call"))[0].server.addr | startswith("[2001:db8::")' "$T/v6.jsonl" \
    >/dev/null || fail "v6: addresses $(jq -c 'select(.event == "call") | .server.addr' "$T/v6.jsonl")"
note "IPv6: pass, code $code; replay agrees"

# --- a man in the middle on the LAN -----------------------------------------------------------
ip netns exec $H3 "$CALLSTACK" relay --listen 198.51.100.13:5001 --connect 198.51.100.12:5000 \
    --mitm --json >"$T/relay.json" 2>"$T/relay.err" &
relay=$!
PIDS+=($relay)
ns_wait_listen $H3 5001
live_start mitm -i br0 -w "$T/mitm.pcap" --calls 2
lan_call mitm 198.51.100.13:5001 || fail "the relayed call failed"
wait_for $relay 30 || fail "relay exited $?: $(cat "$T/relay.err")"
check_live mitm 1 2
caller=$(json "$T/mitm-caller.json" .security_code)
callee=$(json "$T/mitm-callee.json" .security_code)
[ "$caller" != "$callee" ] || fail "mitm: the endpoints' codes are equal"
codes=$(live_calls mitm | jq -r .code | sort | tr '\n' ' ')
[ "$codes" = "$(printf '%s\n' "$caller" "$callee" | sort | tr '\n' ' ')" ] ||
    fail "mitm: leg codes $codes are not the endpoints' ($caller / $callee)"
[ "$(live_calls mitm | jq -r '.verdict + " " + (.findings | index("MITM_SUSPECTED") | tostring)' |
    grep -c '^fail [0-9]')" = 2 ] || fail "mitm: $(live_calls mitm)"
note "MITM: both legs fail MITM_SUSPECTED; caller reads $caller, callee $callee"

# --- loss, duplication, reordering (last: the impairment stays on the hosts) -------------------
impair $H1 eth0 198.51.100.12 2001:db8::12
impair $H2 eth0 198.51.100.11 2001:db8::11
# Under 10% loss the call itself fails now and then (about 1 run in 15 on
# the 2-core VM), in callstack before callaudit has anything to judge:
# mostly libnice's ICE stalling after the first check (no check from the
# controlling side at all for 30 s, not only lost ones). Up to three tries,
# each said out loud; the auditor's verdict is checked on the call that ran.
attempt() {
    # (both goodbyes may be lost too: then the idle timeout ends the call)
    live_start lossy -i br0 -w "$T/lossy.pcap" --calls 1 --idle-timeout 8
    DURATION=6 lan_call lossy 198.51.100.12:5000
}
for try in 1 2 3; do
    attempt && break
    kill $LIVE_PID 2>/dev/null
    wait $LIVE_PID 2>/dev/null
    [ $try = 3 ] && fail "the call failed three times under loss"
    note "the call failed under loss (try $try); trying again"
    # packets of the failed call still queued in the 8 kbit/s class would
    # open the next capture as media of a call it joined
    sleep 3
done
check_live lossy 0 1
call=$(jq -sc 'map(select(.event == "call"))[0]' "$T/lossy.jsonl")
dups=$(echo "$call" | jq '[.dtls.handshake[] | select(.type != "alert") | .dir + .type] |
    group_by(.) | map(select(length > 1)) | length')
[ "$dups" = 0 ] || fail "lossy: a handshake message listed twice"
[ "$(echo "$call" | jq -r .security_code)" = "$(json "$T/lossy-caller.json" .security_code)" ] ||
    fail "lossy: code"
seen=$(echo "$call" | jq '[.media.streams[] | select(.kind == "srtp") | .sequence] |
    {gaps: (map(.gaps) | add), dup: (map(.duplicates) | add), reordered: (map(.reordered) | add)}')
[ "$(echo "$seen" | jq '.dup > 0 and .gaps > 0')" = true ] || fail "lossy: impairment not seen: $seen"
retrans=$(tshark -r "$T/lossy.pcap" -Y 'dtls.handshake' 2>/dev/null | wc -l)
note "impaired: pass; on the wire $retrans handshake datagrams, each message listed once; media $(echo "$seen" | jq -c .)"
