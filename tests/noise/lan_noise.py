#!/usr/bin/env python3
"""lan_noise.py - the traffic a LAN carries beside a call, for the tests.

Runs, on one loopback address, a DNS server and client (RFC 1035 A
queries), an NTP server and client (RFC 5905 mode 3/4: the first byte 0x23
reads as a DTLS 1.3 header), SSDP M-SEARCH and its answer (UPnP 1.1), mDNS
and LLMNR queries (RFC 6762, RFC 4795) and NBNS name queries (RFC 1002),
each in its real wire format, until the given number of seconds has
passed. Usage: lan_noise.py ADDR BASE_PORT SECONDS. Each server takes its
well-known port on ADDR (53, 123, 1900, 5353, 5355, 137) or, where that is
taken, BASE_PORT + 0..5. Prints the rounds sent and the ports used.
"""
import random
import socket
import struct
import sys
import threading
import time

addr, base, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
stop = time.time() + seconds


def bind(port, i):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((addr, port))
    except OSError:
        s.bind((addr, base + i))
    s.settimeout(0.2)
    return s


socks = [bind(p, i) for i, p in enumerate((53, 123, 1900, 5353, 5355, 137))]
DNS, NTP, SSDP, MDNS, LLMNR, NBNS = (s.getsockname()[1] for s in socks)


def qname(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


def dns_query(qid, name, qtype=1):
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname(name) + struct.pack("!HH", qtype, 1)


def dns_answer(query):
    qid = struct.unpack("!H", query[:2])[0]
    question = query[12:]
    rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + socket.inet_aton("192.0.2.80")
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + question + rr


def ntp_request():
    return bytes([0x23]) + bytes(39) + struct.pack("!II", int(time.time()) + 2208988800, 0)


def ntp_reply(req):
    now = int(time.time()) + 2208988800
    return bytes([0x24, 2, 6, 0xEC]) + bytes(8) + b"GPS\0" + struct.pack("!II", now, 0) + req[40:48] + struct.pack("!IIII", now, 1, now, 2)


def nbns_query(qid):
    name = b"".join(bytes([0x41 + (c >> 4), 0x41 + (c & 15)]) for c in b"WORKSTATION    \0")
    return struct.pack("!HHHHHH", qid, 0x0110, 1, 0, 0, 0) + b"\x20" + name + b"\0" + struct.pack("!HH", 0x20, 1)


def server(s, answer):
    while time.time() < stop:
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            continue
        reply = answer(data)
        if reply:
            s.sendto(reply, peer)


ssdp_reply = (b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: http://192.0.2.80:49152/desc.xml\r\n"
              b"SERVER: Linux/6.1 UPnP/1.1 test/1.0\r\nST: upnp:rootdevice\r\nUSN: uuid:2fac1234-31f8-11b4-a222-08002b34c003::upnp:rootdevice\r\n\r\n")
answers = [dns_answer, ntp_reply, lambda d: ssdp_reply if d.startswith(b"M-SEARCH") else None,
           dns_answer, dns_answer, lambda d: None]
servers = list(zip(socks, answers))
threads = [threading.Thread(target=server, args=s, daemon=True) for s in servers]
for t in threads:
    t.start()
time.sleep(0.2)
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.bind((addr, 0))
c.settimeout(0.05)
names = ["teams.microsoft.com", "ocsp.digicert.com", "time.example", "printer.local", "wpad"]
n = 0
while time.time() < stop:
    qid = random.randrange(65536)
    for msg, port in ((dns_query(qid, names[n % 5]), DNS), (ntp_request(), NTP),
                      (b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: upnp:rootdevice\r\n\r\n", SSDP),
                      (dns_query(0, "_googlecast._tcp.local", 12), MDNS), (dns_query(qid, "wpad"), LLMNR),
                      (nbns_query(qid), NBNS)):
        c.sendto(msg, (addr, port))
        try:
            c.recvfrom(2048)
        except socket.timeout:
            pass
    n += 1
    time.sleep(0.1)
print(n, DNS, NTP, SSDP, MDNS, LLMNR, NBNS)
