# Bad signaling ends a call with a one-line reason and a non-zero exit, fast:
# a refused connection, malformed framing, malformed SDP in either direction.
. "$(dirname "$0")/lib.sh"

# expect_failure NAME SECONDS PATTERN CMD...: CMD exits 1 within SECONDS and
# its stderr is one line matching PATTERN.
expect_failure() {
    local name=$1 limit=$2 pattern=$3; shift 3
    local start=$SECONDS
    "$@" >"$T/$name.out" 2>"$T/$name.err"
    local rc=$?
    [ $rc -eq 1 ] || fail "$name: exit status $rc, wanted 1: $(cat "$T/$name.err")"
    [ $((SECONDS - start)) -le "$limit" ] || fail "$name: took $((SECONDS - start)) s"
    [ "$(wc -l <"$T/$name.err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$T/$name.err")"
    grep -Eq "$pattern" "$T/$name.err" || fail "$name: stderr '$(cat "$T/$name.err")' !~ $pattern"
    note "$name: $(cat "$T/$name.err")"
}

# Nobody listens.
expect_failure refused 5 "cannot connect to 127.0.0.1:$PORT: Connection refused" \
    "$CALLSTACK" call --connect 127.0.0.1:$PORT --timeout 3

# The callee gets garbage instead of an offer, in three shapes.
p=$((PORT + 1))
bg send_sdp $p 'hello'
expect_failure bad_sdp 5 "malformed SDP from the peer: line 1: " \
    "$CALLSTACK" answer --listen 127.0.0.1:$p --timeout 3 --wait 5
p=$((PORT + 2))
bg send_raw $p 'INVITE sip:bob SIP/2.0\r\n\r\n'
expect_failure bad_framing 5 "malformed signaling message" \
    "$CALLSTACK" answer --listen 127.0.0.1:$p --timeout 3 --wait 5
p=$((PORT + 3))
bg send_raw $p 'Content-Length: 99999999\r\n\r\n'
expect_failure huge_length 5 "bad Content-Length" \
    "$CALLSTACK" answer --listen 127.0.0.1:$p --timeout 3 --wait 5
p=$((PORT + 4))
bg send_raw $p 'Content-Length: 100\r\n\r\nv=0\r\n'
expect_failure short_body 6 "no SDP from the peer in time|closed the signaling" \
    "$CALLSTACK" answer --listen 127.0.0.1:$p --timeout 2 --wait 5

# The caller gets a malformed answer from a fake callee.
p=$((PORT + 5))
cat >"$T/fake-callee.sh" <<'FAKE'
head -c 1 >/dev/null
printf 'Content-Length: 24\r\n\r\nv=0\r\nm=audio x RTP/AVP 0\r\n'
sleep 1
FAKE
bg socat TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr EXEC:"bash $T/fake-callee.sh"
wait_listen $p
expect_failure bad_answer 5 "malformed SDP from the peer: line 2: bad media line" \
    "$CALLSTACK" call --connect 127.0.0.1:$p --timeout 3

# A valid SDP without a fingerprint cannot be a DTLS-SRTP call.
p=$((PORT + 6))
bg send_sdp $p 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\na=setup:actpass\r\na=candidate:1 1 UDP 1 127.0.0.1 9 typ host\r\n'
expect_failure no_fingerprint 5 "no a=fingerprint:sha-256" \
    "$CALLSTACK" answer --listen 127.0.0.1:$p --timeout 3 --wait 5

# Nobody calls.
expect_failure no_call 4 "no call arrived within 1 s" \
    "$CALLSTACK" answer --listen 127.0.0.1:$((PORT + 7)) --wait 1

# Usage errors are status 2.
"$CALLSTACK" call --duration banana --connect 127.0.0.1:1 2>/dev/null; [ $? -eq 2 ] || fail "usage: 2"
"$CALLSTACK" call 2>/dev/null; [ $? -eq 2 ] || fail "call without --connect: 2"
"$CALLSTACK" call --connect 127.0.0.1:1 --cert x 2>/dev/null; [ $? -eq 2 ] || fail "--cert alone: 2"
"$CALLSTACK" call --connect 127.0.0.1:1 --cert /nonexistent --key /nonexistent 2>"$T/nocert.err"
[ $? -eq 1 ] && grep -q "cannot open certificate /nonexistent" "$T/nocert.err" || fail "missing cert"
