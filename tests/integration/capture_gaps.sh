# A link that loses a datagram and a capture that misses one look alike on
# the wire, and are not alike: the first is followed by the flight again,
# the second never is. On a real fragmented handshake
# (pcaps/call-rsa-mtu300.pcap: the server's flight and the client's
# Certificate span several datagrams), edited with editcap/mergecap:
# - a piece of the client's Certificate lost and its flight resent, one
#   second later, as a lossy link shows it: pass, with the same code, each
#   message listed once;
# - a piece of the server's Certificate the capture missed: inconclusive
#   (HANDSHAKE_NOT_SEEN), exit 3, and no order violation or bad signature
#   blamed on the endpoints, though the client's messages come after the
#   hole;
# - a piece of the client's Certificate the capture missed: the same.
. "$(dirname "$0")/lib.sh"
for t in editcap mergecap tshark; do command -v $t >/dev/null || skip "$t missing"; done
P=$(cd "$(dirname "$0")/../../pcaps" && pwd)/call-rsa-mtu300.pcap

"$CALLAUDIT" analyze --format json "$P" >"$T/orig.json" || fail "original: exit $?"
code=$(json "$T/orig.json" '.calls[0].security_code')
# the messages of the handshake, in a canonical order: the copy of a message
# that came again is listed where the tracker read it, after its Finished
messages() { json "$1" '[.calls[0].dtls.handshake[] | .dir + " " + .type] | sort | join(",")'; }
hs=$(messages "$T/orig.json")
sport=$(json "$T/orig.json" '.calls[0].server.addr' | sed 's/.*://')
cport=$(json "$T/orig.json" '.calls[0].client.addr' | sed 's/.*://')
frames=$(json "$T/orig.json" .summary.frames)
# frames of the capture that match a display filter
match() { tshark -r "$P" -Y "$1" -T fields -e frame.number 2>/dev/null; }
cert_piece() { # a datagram holding only a middle piece of PORT's Certificate
    match "udp.srcport == $1 && dtls.handshake.type == 11 && dtls.handshake.fragment_offset > 0 &&
           !(dtls.handshake.type != 11) && !dtls.change_cipher_spec" | head -1
}
server_piece=$(cert_piece "$sport")
client_piece=$(cert_piece "$cport")
flight_first=$(match "udp.srcport == $cport && dtls.handshake.type == 11" | head -1)
flight_last=$(match "udp.srcport == $cport && dtls.record.content_type == 20" | head -1)
[ -n "$server_piece" ] && [ -n "$client_piece" ] && [ -n "$flight_last" ] ||
    fail "the capture has no certificate fragments: $server_piece/$client_piece/$flight_last"

# verdict FILE: exit status, verdict and finding ids on one line
verdict() {
    local rc=0
    "$CALLAUDIT" analyze --format json "$1" >"$1.json" 2>"$1.err" || rc=$?
    echo "$rc $(jq -r '.calls[0] | .verdict + " " + ([.findings[].id] | join(","))' "$1.json")"
}

# --- lost on the link, the flight resent -----------------------------------------------
editcap -r "$P" "$T/a.pcap" "1-$((client_piece - 1))" "$((client_piece + 1))-$flight_last" 2>/dev/null
editcap -r -t 1 "$P" "$T/b.pcap" "$flight_first-$flight_last" 2>/dev/null
editcap -r -t 2 "$P" "$T/c.pcap" "$((flight_last + 1))-$frames" 2>/dev/null
mergecap -a -F pcap -w "$T/resent.pcap" "$T/a.pcap" "$T/b.pcap" "$T/c.pcap" || fail "mergecap"
got=$(verdict "$T/resent.pcap")
[ "$got" = "0 pass " ] || fail "resent flight: $got: $(cat "$T/resent.pcap.err")"
[ "$(json "$T/resent.pcap.json" '.calls[0].security_code')" = "$code" ] || fail "resent: code"
[ "$(messages "$T/resent.pcap.json")" = "$hs" ] ||
    fail "resent: handshake $(json "$T/resent.pcap.json" '.calls[0].dtls.handshake')"
note "client certificate piece (frame $client_piece) lost, flight resent: pass, code $code"

# --- missed by the capture ----------------------------------------------------------------
for side in server client; do
    eval piece=\$${side}_piece
    editcap "$P" "$T/$side.pcap" "$piece" 2>/dev/null
    got=$(verdict "$T/$side.pcap")
    case "$got" in
    "3 inconclusive HANDSHAKE_NOT_SEEN"*) ;;
    *) fail "$side piece missed: $got" ;;
    esac
    case "$got" in
    *HANDSHAKE_ORDER* | *SIGNATURE_INVALID*) fail "$side piece missed, blamed on the endpoints: $got" ;;
    esac
    [ "$(json "$T/$side.pcap.json" '.calls[0].findings[] | select(.id == "HANDSHAKE_NOT_SEEN") | .message' |
        grep -c '(1 message never seen)')" = 1 ] || fail "$side: $(json "$T/$side.pcap.json" .calls[0].findings)"
    note "$side certificate piece (frame $piece) missed by the capture: ${got#3 }"
done
