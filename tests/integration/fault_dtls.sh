# DTLS faults end both sides with a reason within a bounded time: a
# fingerprint that does not match the certificate (fatal alert), a peer that
# never speaks DTLS (handshake timeout), ICE with no working candidate.
. "$(dirname "$0")/lib.sh"

# 1. The callee advertises a fingerprint that is not its certificate's. The
#    caller, DTLS server, checks the client certificate against it.
bg "$CALLSTACK" answer --listen 127.0.0.1:$PORT --timeout 5 --fault wrong-fingerprint \
    >"$T/fp-callee.out" 2>"$T/fp-callee.err"
callee=$!
wait_listen $PORT
start=$SECONDS
"$CALLSTACK" call --connect 127.0.0.1:$PORT --timeout 5 >"$T/fp-caller.out" 2>"$T/fp-caller.err"
rc=$?
wait_for $callee 10; crc=$?
[ $rc -eq 1 ] && [ $crc -eq 1 ] || fail "fingerprint mismatch: exit $rc / $crc"
[ $((SECONDS - start)) -le 7 ] || fail "fingerprint mismatch took $((SECONDS - start)) s"
grep -q "fingerprint mismatch: peer certificate is sha-256 .*, its SDP said" "$T/fp-caller.err" ||
    fail "caller: $(cat "$T/fp-caller.err")"
grep -Eq "DTLS handshake failed: .*(alert|certificate)" "$T/fp-callee.err" ||
    fail "callee: $(cat "$T/fp-callee.err")"
note "caller: $(tail -n1 "$T/fp-caller.err")"
note "callee: $(tail -n1 "$T/fp-callee.err")"

# 2. The callee never answers DTLS: the caller gives up after --timeout.
p=$((PORT + 1))
bg "$CALLSTACK" answer --listen 127.0.0.1:$p --timeout 3 --fault silent-dtls \
    >/dev/null 2>"$T/silent-callee.err"
callee=$!
wait_listen $p
start=$SECONDS
"$CALLSTACK" call --connect 127.0.0.1:$p --timeout 3 >/dev/null 2>"$T/silent-caller.err"
rc=$?
wait_for $callee 10; crc=$?
[ $rc -eq 1 ] && [ $crc -eq 1 ] || fail "silent DTLS: exit $rc / $crc"
[ $((SECONDS - start)) -le 6 ] || fail "silent DTLS took $((SECONDS - start)) s"
grep -q "the DTLS handshake did not complete within 3 s" "$T/silent-caller.err" ||
    fail "caller: $(cat "$T/silent-caller.err")"
note "silent peer: $(cat "$T/silent-caller.err")"

# 3. The offer's only candidate is a port where nothing listens: ICE fails
#    (or the setup bound fires first) and the callee says so.
p=$((PORT + 2))
fp=C5:08:0B:AC:51:20:28:F7:63:B4:3D:A1:67:BB:61:14:2A:C9:10:83:C4:E4:1D:20:5D:D4:00:90:12:A8:35:B9
sdp="v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio $((PORT + 9)) UDP/TLS/RTP/SAVPF 0\r\n"
sdp+="a=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\na=setup:actpass\r\n"
sdp+="a=fingerprint:sha-256 $fp\r\na=rtcp-mux\r\n"
sdp+="a=candidate:1 1 UDP 2015363327 127.0.0.1 $((PORT + 9)) typ host\r\n"
bg send_sdp $p "$sdp" 8
start=$SECONDS
"$CALLSTACK" answer --listen 127.0.0.1:$p --timeout 3 --wait 5 >/dev/null 2>"$T/ice.err" &
ans=$!
wait_for $ans 10; rc=$?
[ $rc -eq 1 ] || fail "unreachable candidate: exit $rc: $(cat "$T/ice.err")"
grep -Eq "ICE connectivity checks failed|ICE found no working candidate pair within 3 s" "$T/ice.err" ||
    fail "ice: $(cat "$T/ice.err")"
note "unreachable candidate: $(cat "$T/ice.err")"
