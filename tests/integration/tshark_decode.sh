# Wireshark, an independent decoder, sees in a capture of a callstack call a
# DTLS 1.2 handshake ClientHello ... Finished (and, with the call's key log,
# decrypts both Finished messages), then only SRTP and SRTCP (E flag set),
# and close_notify alerts at the end.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "capturing on lo needs root"
command -v tshark >/dev/null && command -v tcpdump >/dev/null || skip "tshark/tcpdump missing"

tcpdump -i lo -B 16384 --immediate-mode -U -n -w "$T/call.pcap" "udp and host $LO" 2>"$T/tcpdump.err" &
td=$!
PIDS+=($td)
for _ in $(seq 50); do grep -q "listening on" "$T/tcpdump.err" && break; sleep 0.1; done
grep -q "listening on" "$T/tcpdump.err" || skip "tcpdump cannot capture here: $(cat "$T/tcpdump.err")"

bg "$CALLSTACK" answer --listen $LO:$PORT --bind $LO --duration 2 --json >"$T/callee.json"
callee=$!
wait_listen $PORT
# AES-CM with HMAC-SHA1-80: Wireshark 4.0 assumes that tag layout for every
# SRTCP packet, and misreads the E flag and index of AEAD-GCM ones (RFC 7714).
"$CALLSTACK" call --connect $LO:$PORT --bind $LO --duration 2 --json --keylog "$T/keys.log" \
    --srtp-profile SRTP_AES128_CM_SHA1_80 \
    >"$T/caller.json" || fail "caller exited $?"
wait_for $callee 15 || fail "callee exited $?"
sleep 0.5
kill -INT $td; wait $td 2>/dev/null

ts() { tshark -r "$T/call.pcap" --enable-heuristic rtp_udp "$@" 2>/dev/null; }

# Handshake records in order, one line per datagram: content types and handshake types.
ts -Y dtls -T fields -e dtls.record.content_type -e dtls.handshake.type -e dtls.record.version \
    >"$T/dtls.txt"
cat "$T/dtls.txt"
seq=$(cut -f2 "$T/dtls.txt" | tr '\n' ' ' | sed 's/  */ /g; s/ $//')
# ClientHello | ServerHello Certificate ServerKeyExchange CertificateRequest ServerHelloDone |
# Certificate ClientKeyExchange CertificateVerify (CCS, encrypted Finished) | (CCS, encrypted Finished)
[ "$seq" = "1 2,11,12,13,14 11,16,15" ] || fail "handshake sequence: '$seq'"
grep -q $'^22,22,22,20,22\t' "$T/dtls.txt" || fail "client flight lacks ChangeCipherSpec + Finished"
grep -q $'^20,22\t' "$T/dtls.txt" || fail "server lacks ChangeCipherSpec + Finished"
# OpenSSL's first ClientHello record says DTLS 1.0 (0xfeff) for compatibility,
# as RFC 6347 4.1 allows; the ServerHello and every later record say 1.2.
tail -n +2 "$T/dtls.txt" | cut -f3 | tr ',' '\n' | grep -v '^$' | grep -vxq 0xfefd &&
    fail "a record after the ClientHello is not DTLS 1.2"
[ "$(ts -Y 'dtls.handshake.type == 2' -T fields -e dtls.handshake.version)" = 0xfefd ] ||
    fail "ServerHello does not choose DTLS 1.2"
[ "$(grep -c $'^21\t' "$T/dtls.txt")" -ge 1 ] || fail "no close_notify alert at the end"


# With the key log Wireshark decrypts and finds both Finished messages.
fin=$(ts -o "tls.keylog_file:$T/keys.log" -Y 'dtls.handshake.type == 20' -T fields -e frame.number |
      wc -l)
[ "$fin" -eq 2 ] || fail "Wireshark decrypted $fin Finished messages with the key log, wanted 2"

# After the handshake: RTP (as SRTP: payload unreadable to Wireshark) and SRTCP.
last_hs=$(ts -Y 'dtls.record.content_type == 22' -T fields -e frame.number | tail -n1)
rtp=$(ts -Y "rtp && frame.number > $last_hs" -T fields -e rtp.ssrc | sort | uniq -c)
echo "$rtp"
[ "$(echo "$rtp" | wc -l)" -eq 2 ] || fail "expected two RTP streams"
echo "$rtp" | awk '$1 < 90 { exit 1 }' || fail "streams too short"
early=$(ts -Y "rtp && frame.number < $last_hs" | wc -l)
[ "$early" -eq 0 ] || fail "$early RTP packets before the handshake"
[ "$(json "$T/caller.json" .srtp_profile)" = SRTP_AES128_CM_SHA1_80 ] || fail "profile"
# RTCP shares the port with RTP (rtcp-mux), where Wireshark's RTCP heuristic
# (odd ports only) is blind; pick RTCP by packet type 200-204 (RFC 5761 4) and
# read the E flag where RFC 3711 3.4 puts it for an 80-bit tag: 14 bytes from the end.
rtcp='udp.payload[1] >= c8 && udp.payload[1] <= cc'
srtcp=$(ts -Y "$rtcp" -T fields -e frame.number | wc -l)
encrypted=$(ts -Y "$rtcp && udp.payload[-14:1] & 80" -T fields -e frame.number | wc -l)
[ "$srtcp" -ge 4 ] || fail "only $srtcp RTCP packets"
[ "$encrypted" -eq "$srtcp" ] || fail "$((srtcp - encrypted)) of $srtcp RTCP packets have E=0"
note "tshark: handshake '$seq', 2 Finished decrypted, 2 RTP streams, $srtcp SRTCP all with E=1"
