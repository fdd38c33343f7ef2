# Two hosts on TEST-NET-2 in namespaces of this test, over a 1280-byte link.
# The caller is the DTLS server; with an RSA-2048 certificate and --mtu 3000
# its first flight is one datagram of about 1.6 KB, which IP fragments. The
# call works, and callaudit, on a capture of the link, reassembles the
# fragments and passes the call with the endpoints' code.
. "$(dirname "$0")/lib.sh"
two_hosts
V=$FIXTURES/vectors
run_call fragments --mtu 3000 --cert "$V/rsa.pem" --key "$V/rsa.key" || fail "the call failed"
"$CALLAUDIT" analyze --format json "$T/fragments.pcap" >"$T/r.json" ||
    { "$CALLAUDIT" analyze "$T/fragments.pcap"; fail "exit $?"; }
[ "$(json "$T/r.json" '.summary.ip_fragments.reassembled > 0')" = true ] ||
    fail "no IP fragments reassembled: $(json "$T/r.json" .summary.ip_fragments)"
[ "$(json "$T/r.json" '.calls[0].security_code')" = "$(json "$T/fragments-caller.json" .security_code)" ] ||
    fail "code"
[ "$(json "$T/r.json" '.calls[0].server.certificate.key')" = "RSA 2048" ] || fail "server key"
note "$(json "$T/r.json" .summary.ip_fragments.reassembled) fragmented datagrams reassembled; pass"
