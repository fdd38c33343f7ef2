# Wireshark and callaudit read the same capture the same way: the same
# handshake messages in the same frames, and the same certificate bytes.
. "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null || skip "tshark missing"

start_capture "$T/call.pcap"
# An RSA-2048 certificate and a small MTU fragment the server's flight.
callstack_call $PORT 2 --cert "$FIXTURES/vectors/rsa.pem" --key "$FIXTURES/vectors/rsa.key" \
    --mtu 400
stop_capture

"$CALLAUDIT" analyze --format json "$T/call.pcap" >"$T/report.json" || fail "analyze exit $?"
r=$T/report.json
# callaudit: frame and type of every plaintext handshake message, in order.
json "$r" '.calls[0].dtls.handshake[] | select(.type | test("^(client|server)_|certificate|hello")) |
    "\(.frame) \(.type)"' | sort -k1,1n -k2,2 >"$T/ours.txt"
# tshark: every fragment's header; a message counts in the frame of its last
# fragment (where Wireshark reassembles it), keyed by sender and message_seq.
tshark -r "$T/call.pcap" -Y 'dtls.handshake.type' -T fields -e frame.number -e udp.srcport \
    -e dtls.handshake.type -e dtls.handshake.message_seq 2>/dev/null |
    awk -F'\t' '{
        n = split($3, types, ","); split($4, seqs, ",")
        for (i = 1; i <= n; i++) last[$2 " " seqs[i] " " types[i]] = $1
    } END { for (k in last) { split(k, p, " "); print last[k], p[3] } }' |
    while read -r frame t; do
        case $t in
        1) n=client_hello ;; 2) n=server_hello ;; 3) n=hello_verify_request ;;
        11) n=certificate ;; 12) n=server_key_exchange ;; 13) n=certificate_request ;;
        14) n=server_hello_done ;; 15) n=certificate_verify ;; 16) n=client_key_exchange ;;
        *) continue ;;
        esac
        echo "$frame $n"
    done | sort -k1,1n -k2,2 >"$T/theirs.txt"
diff "$T/ours.txt" "$T/theirs.txt" || fail "handshake messages differ (ours < > tshark)"
frags=$(tshark -r "$T/call.pcap" -Y 'dtls.handshake.fragment_length < dtls.handshake.length' \
    2>/dev/null | wc -l)
[ "$frags" -gt 0 ] || fail "the MTU did not fragment the handshake; the test proves less"

# Certificate bytes: tshark's hex of each certificate vs the thumbprints we report.
tshark -r "$T/call.pcap" -Y 'dtls.handshake.type == 11' -T fields -e dtls.handshake.certificate \
    2>/dev/null | tr ',' '\n' | grep -v '^$' | sort -u >"$T/certs.hex"
[ "$(wc -l <"$T/certs.hex")" = 2 ] || fail "tshark saw $(wc -l <"$T/certs.hex") certificates"
while read -r hex; do
    echo "$hex" | xxd -r -p | openssl dgst -sha256 -r | cut -d' ' -f1 | tr a-f A-F |
        sed 's/../&:/g; s/:$//'
done <"$T/certs.hex" | sort >"$T/tshark-fp.txt"
json "$r" '.calls[0].client.certificate.sha256, .calls[0].server.certificate.sha256' | sort \
    >"$T/our-fp.txt"
diff "$T/our-fp.txt" "$T/tshark-fp.txt" || fail "certificate bytes differ"
# RSA-2048 on the server: its ServerKeyExchange is RSA-PSS, checked like ECDSA.
[ "$(json "$r" '.calls[0].server.signature.status')" = valid ] || fail "RSA-PSS ServerKeyExchange"
note "tshark agrees: $(wc -l <"$T/ours.txt") handshake messages ($frags fragmented frames), 2 certificates"
