# A real call amid the traffic a LAN carries, all on this run's loopback
# address and captured together: DNS, NTP (whose first byte 0x23 reads as a
# DTLS 1.3 header), SSDP, mDNS, LLMNR and NBNS on their well-known ports
# (tests/noise/lan_noise.py: servers and clients in the real wire formats),
# and HTTPS (openssl s_server and s_client, TLS on TCP 443). Exactly one
# call is found, it passes with the endpoints' code, and none of the noise
# becomes a call; what looked like media or DTLS is counted by reason, and
# none of it as malformed STUN.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 missing"
command -v openssl >/dev/null || skip "openssl missing"

start_capture "$T/noise.pcap" "udp or tcp"
bg python3 "$(dirname "$0")/../noise/lan_noise.py" $LO $((PORT + 5)) 5 >"$T/noise.out"
noise=$!
bg openssl s_server -quiet -www -accept $LO:443 -cert "$FIXTURES/vectors/caller.pem" \
    -key "$FIXTURES/vectors/caller.key"
https=$!
sleep 0.5
for _ in $(seq 6); do
    printf 'GET / HTTP/1.0\r\n\r\n' | timeout 5 openssl s_client -quiet -connect $LO:443 >/dev/null 2>&1
done &
PIDS+=($!)
callstack_call $PORT 3
wait_for $noise 20 || fail "lan_noise.py exited $?"
kill $https 2>/dev/null
stop_capture
read -r rounds ports <"$T/noise.out"
[ "${rounds:-0}" -ge 10 ] || fail "only ${rounds:-0} rounds of noise"
tls=$(tshark -r "$T/noise.pcap" -Y 'tls.handshake.type == 1' 2>/dev/null | wc -l)
ntp=$(tshark -r "$T/noise.pcap" -Y ntp 2>/dev/null | wc -l)
dns=$(tshark -r "$T/noise.pcap" -Y 'dns or mdns or llmnr or nbns' 2>/dev/null | wc -l)
[ "$tls" -ge 1 ] && [ "$ntp" -ge 10 ] && [ "$dns" -ge 40 ] ||
    fail "the noise is not what tshark sees: $tls TLS ClientHellos, $ntp NTP, $dns DNS-family"

"$CALLAUDIT" analyze --format json "$T/noise.pcap" >"$T/r.json"
rc=$?
r=$T/r.json
code=$(json "$T/caller.json" .security_code)
[ $rc = 0 ] && [ "$(json "$r" .summary.calls)" = 1 ] &&
    [ "$(json "$r" '.calls[0].verdict + " " + .calls[0].security_code')" = "pass $code" ] ||
    fail "exit $rc: $(json "$r" '[.summary.calls, [.calls[] | [.verdict, .client.addr, .server.addr, [.findings[].id]]]]')"
# the noise is named for what it is not, never STUN gone wrong: SSDP's 'M'
# falls in TURN ChannelData's first-byte range, mDNS's id 0 in STUN's
[ "$(json "$r" '.summary.undecoded.stun_malformed // 0')" = 0 ] ||
    fail "noise counted as malformed STUN: $(jq -c .summary.undecoded "$r")"
note "1 call, pass, code $code, amid $rounds rounds of DNS/NTP/SSDP/mDNS/LLMNR/NBNS (ports $ports) and $tls HTTPS sessions"
note "not calls: $(jq -c '.summary.flows | {not_media, not_media_packets, stray_dtls, dtls_without_srtp}' "$r") undecoded $(jq -c .summary.undecoded "$r")"
