# callaudit --keylog on a capture of a real callstack call (DTLS 1.2): both
# Finished decrypt and verify, every SRTP and SRTCP packet authenticates
# under the keys the handshake exported (libsrtp2), and --decrypt-out writes
# RTP that tshark decodes as PCMU carrying callstack's 440 Hz tone. Another
# call's key log gives KEYLOG_MISSING; this call's client random with
# another call's master secret gives FINISHED_INVALID and SRTP_AUTH_FAIL; a
# key log cut short names the missing label; none of them is a pass.
. "$(dirname "$0")/lib.sh"

start_capture "$T/first.pcap"
CALLEE_OPTS="--keylog $T/callee.keys" callstack_call $PORT 2 --keylog "$T/caller.keys"
stop_capture
code=$(json "$T/caller.json" .security_code)
PORT=$((PORT + 2))
start_capture "$T/second.pcap"
CALLEE_OPTS="--keylog $T/other.keys" callstack_call $PORT 1
stop_capture
mergecap -w "$T/call.pcap" "$T/first.pcap" "$T/second.pcap" || fail "mergecap"

"$CALLAUDIT" analyze --format json --keylog "$T/callee.keys" "$T/call.pcap" >"$T/r.json"
rc=$?
r=$T/r.json
first=$(json "$r" '[.calls[] | select(.security_code == "'"$code"'")][0]')
[ "$(echo "$first" | jq -r .verdict)" = pass ] || fail "the call with its key log: $(echo "$first" | jq -c '[.verdict, .findings]')"
[ "$(echo "$first" | jq -c .keylog)" = '{"state":"derived","finished":{"client":"valid","server":"valid"}}' ] ||
    fail "keylog: $(echo "$first" | jq -c .keylog)"
[ "$(echo "$first" | jq '[.media.streams[] | .keylog.authenticated == .packets and .keylog.failed == 0 and .keylog.unchecked == 0] | all')" = true ] ||
    fail "not every packet authenticated: $(echo "$first" | jq -c '[.media.streams[] | [.kind, .packets, .keylog]]')"
n=$(echo "$first" | jq '[.media.streams[].keylog.authenticated] | add')
[ "$n" -ge 200 ] || fail "only $n packets checked"
# the other call in the same capture has no secrets in this log: inconclusive, named
[ $rc = 3 ] || fail "exit $rc with one call missing from the key log, wanted 3"
json "$r" '.calls[] | select(.security_code != "'"$code"'") | .findings[].id' |
    grep -qx KEYLOG_MISSING || fail "the other call: no KEYLOG_MISSING"
note "with its key log: both Finished verify, $n of $n SRTP/SRTCP packets authenticate"

# both endpoints log the same session: either file does
"$CALLAUDIT" analyze --keylog "$T/caller.keys" "$T/first.pcap" >/dev/null ||
    fail "the caller's key log: exit $?"

# --- decrypted RTP ---------------------------------------------------------------------
"$CALLAUDIT" analyze --keylog "$T/callee.keys" --decrypt-out "$T/dec.pcapng" "$T/first.pcap" \
    >/dev/null 2>"$T/dec.err" || fail "--decrypt-out: exit $?"
rtp=$(tshark -r "$T/dec.pcapng" --enable-heuristic rtp_udp -Y 'rtp.p_type == 0' 2>/dev/null | wc -l)
[ "$rtp" -ge 190 ] || fail "tshark decodes $rtp PCMU RTP packets in the decrypted file"
marked=$(tshark -r "$T/dec.pcapng" -Y 'frame.comment contains "DECRYPTED"' 2>/dev/null | wc -l)
all=$(tshark -r "$T/dec.pcapng" 2>/dev/null | wc -l)
[ "$marked" = "$all" ] || fail "$marked of $all packets marked decrypted"
capinfos "$T/dec.pcapng" 2>/dev/null | grep -q "Not what was on the wire" || fail "no section comment"
# G.711 mu-law (ITU-T G.711) decoded, then Goertzel at 440 Hz against 1 kHz, per 20 ms frame.
tone=$(tshark -r "$T/dec.pcapng" --enable-heuristic rtp_udp -Y 'rtp.p_type == 0' -T fields \
    -e rtp.payload 2>/dev/null | tr -d ':' | awk '
    function power(f,   k, w, c, s0, s1, s2, i) {
        w = 2 * 3.14159265 * f / 8000; c = 2 * cos(w); s1 = 0; s2 = 0
        for (i = 0; i < n; i++) { s0 = x[i] + c * s1 - s2; s2 = s1; s1 = s0 }
        return s1 * s1 + s2 * s2 - c * s1 * s2
    }
    BEGIN { hex = "0123456789abcdef" }
    {
        n = 0
        for (i = 1; i < length($0); i += 2) {
            u = 255 - ((index(hex, substr($0, i, 1)) - 1) * 16 + index(hex, substr($0, i + 1, 1)) - 1)
            e = int(u / 16) % 8; m = u % 16
            v = ((m * 8 + 132) * 2 ^ e) - 132
            x[n++] = (u >= 128) ? -v : v
        }
        frames++
        if (power(440) > 100 * power(1000)) toned++
    }
    END { printf "%d %d", toned, frames }')
set -- $tone
[ "${2:-0}" -gt 0 ] && [ $(($1 * 10)) -ge $(($2 * 9)) ] || fail "440 Hz in $1 of $2 decrypted frames"
note "--decrypt-out: $rtp PCMU packets, all marked; the 440 Hz tone in $1 of $2 frames"

# --- wrong keys ----------------------------------------------------------------------------
"$CALLAUDIT" analyze --format json --keylog "$T/other.keys" "$T/first.pcap" >"$T/o.json"
rc=$?
[ $rc = 3 ] || fail "another call's key log: exit $rc, wanted 3"
json "$T/o.json" '.calls[0].findings[] | select(.id == "KEYLOG_MISSING") | .message' |
    grep -q "no CLIENT_RANDOM line" || fail "KEYLOG_MISSING does not name the label"
# this call's client random, the other call's master secret
random=$(awk '{print $2}' "$T/callee.keys")
secret=$(awk '{print $3}' "$T/other.keys")
echo "CLIENT_RANDOM $random $secret" >"$T/forged.keys"
"$CALLAUDIT" analyze --format json --keylog "$T/forged.keys" "$T/first.pcap" >"$T/f.json"
rc=$?
[ $rc = 1 ] || fail "a wrong master secret: exit $rc, wanted 1"
ids=$(json "$T/f.json" '[.calls[0].findings[].id] | unique | join(" ")')
case "$ids" in *FINISHED_INVALID*SRTP_AUTH_FAIL*) ;; *) fail "wrong secret: $ids" ;; esac
[ "$(json "$T/f.json" '[.calls[0].media.streams[] | .keylog.authenticated] | add')" = 0 ] ||
    fail "packets authenticated under a wrong secret"
note "another call's key log: KEYLOG_MISSING; a wrong secret: $ids"
# cut short in the middle of the secret
head -c 100 "$T/callee.keys" >"$T/cut.keys"
"$CALLAUDIT" analyze --format json --keylog "$T/cut.keys" "$T/first.pcap" >"$T/c.json"
rc=$?
[ $rc = 3 ] || fail "a truncated key log: exit $rc, wanted 3"
json "$T/c.json" '.calls[0].findings[] | select(.id == "KEYLOG_MISSING") | .message' |
    grep -q CLIENT_RANDOM || fail "truncated: the missing label is not named"
json "$T/c.json" '.findings[].id' | grep -qx KEYLOG_MALFORMED || fail "truncated: no KEYLOG_MALFORMED"

# --- bad input -----------------------------------------------------------------------------
head -c 3000 /dev/urandom >"$T/garbage.keys"
"$CALLAUDIT" analyze --keylog "$T/garbage.keys" "$T/first.pcap" >/dev/null 2>"$T/err"
[ $? = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] || fail "garbage key log: $(cat "$T/err")"
"$CALLAUDIT" analyze --keylog "$T/nonexistent.keys" "$T/first.pcap" >/dev/null 2>"$T/err"
[ $? = 2 ] || fail "missing key log"
"$CALLAUDIT" analyze --decrypt-out "$T/x.pcapng" "$T/first.pcap" >/dev/null 2>"$T/err"
[ $? = 2 ] || fail "--decrypt-out without --keylog"
note "garbage key log: $(cat "$T/err")"
