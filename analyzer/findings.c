/* findings.c - what each finding id enforces and where the requirement comes
 * from, so a report can show the rule next to the evidence. The ids and
 * severities are DESIGN.md's and the README's; the rules themselves are in
 * audit.c, audit_cross.c and callaudit_live.c. */
#include <string.h>

#include "audit.h"

static const struct {
    const char *id, *requirement;
} requirements[] = {
    {"NO_CALL", "A capture to audit must hold a media session (DESIGN.md)."},
    {"NO_DTLS", "RFC 5763 5 / RFC 5764 4: E2EE media is keyed by a DTLS handshake between the "
                "endpoints, not by keys carried in signaling (SDES, RFC 4568)."},
    {"MEDIA_PLAINTEXT", "RFC 3711 3 / RFC 5764 4.1: media is SRTP with a cipher that encrypts; "
                        "payloads must be indistinguishable from random."},
    {"RTCP_PLAINTEXT", "RFC 3711 3.4: SRTCP is encrypted, its E flag set."},
    {"MEDIA_BEFORE_HANDSHAKE", "RFC 5764 4.1 / RFC 6347 4.2.4: an endpoint has SRTP keys only "
                               "after it verified its peer's Finished; media before is not "
                               "protected by this handshake."},
    {"HANDSHAKE_INCOMPLETE", "RFC 6347 4.2.4: a handshake is complete when both Finished "
                             "messages are exchanged."},
    {"HANDSHAKE_ORDER", "RFC 6347 4.2.4 / RFC 5246 7.3: handshake messages in the order the "
                        "protocol allows."},
    {"HANDSHAKE_ALERT", "RFC 5246 7.2.2: a fatal alert ends the handshake."},
    {"NO_USE_SRTP", "RFC 5764 4.1.1: the use_srtp extension, offered and chosen, so SRTP keys "
                    "come from the handshake."},
    {"CERT_MISSING", "RFC 5763 5: both endpoints present a certificate; the code is computed "
                     "from both."},
    {"SELF_REFLECTION", "RFC 5763 5: each endpoint has its own certificate."},
    {"FINGERPRINT_MISMATCH", "RFC 8122 5 / RFC 5763 5: the certificate on the wire matches the "
                             "SDP a=fingerprint."},
    {"CODE_MISMATCH", "The code the users compared equals the one computed from the "
                      "certificates (spec/security-code.md)."},
    {"MITM_SUSPECTED", "RFC 5763 5 / spec/security-code.md: one call, one pair of "
                       "certificates end to end; a relay that terminates DTLS shows two."},
    {"SIGNATURE_INVALID", "RFC 5246 7.4.3, 7.4.8: ServerKeyExchange and CertificateVerify "
                          "verify under the certificates that make the code."},
    {"WEAK_CIPHER", "RFC 7525 4.2 / RFC 8827 6.5: forward secrecy and authenticated "
                    "encryption, for DTLS and SRTP alike."},
    {"SRTP_KEYSTREAM_REUSE", "RFC 3711 9.1 / RFC 7714 8: a packet index is never encrypted "
                             "twice under one key."},
    {"SRTP_AUTH_FAIL", "RFC 3711 3.3 / RFC 5764 4.2: SRTP authenticates under the keys "
                       "exported from the handshake."},
    {"FINISHED_INVALID", "RFC 5246 7.4.9: Finished verifies over the handshake transcript."},
    {"DTLS13_OPAQUE", "RFC 9147: DTLS 1.3 encrypts the certificates; without a key log the code "
                      "cannot be verified from the wire."},
    {"SETUP_ROLE_MISMATCH", "RFC 5763 5 / RFC 4145 4: the DTLS roles follow the SDP a=setup "
                            "attributes."},
    {"CERT_REUSED", "RFC 8827 6.5: fresh certificates per call (a reused one links calls)."},
    {"HEADER_EXT_CLEAR", "RFC 6904 / RFC 9335: SRTP leaves header extensions and CSRCs in "
                         "clear unless they are encrypted."},
    {"LENGTH_LEAK", "RFC 6562 3: variable-bit-rate audio leaks speech through packet sizes."},
    {"CROSS_WINDOW", "Memory must not grow with the capture: rules across calls look back over "
                     "a window of calls, stated (callaudit's bound)."},
    {"CAPTURE_TRUNCATED", "A verdict rests on every packet: cut ones are reported (DESIGN.md)."},
    {"HANDSHAKE_NOT_SEEN", "A pass needs the whole handshake in the capture (DESIGN.md)."},
    {"NO_MEDIA", "A pass needs the media the handshake keyed (DESIGN.md)."},
    {"MEDIA_OPACITY_UNKNOWN", "At least 64 packets per stream to tell ciphertext from codec "
                              "frames (README: opacity)."},
    {"SIGNATURE_UNCHECKED", "Every signature must be checked before a pass (DESIGN.md)."},
    {"SRTP_FRAMING", "RFC 3711 3.1, 3.4: each SRTP packet carries the profile's tag; the SRTCP "
                     "index only grows (within the 64-packet replay window)."},
    {"SDP_UNMATCHED", "Each SDP given should describe a call in the capture."},
    {"FRAGMENT_CONFLICT", "RFC 6347 4.2.3: overlapping fragments of one message carry the same "
                          "bytes."},
    {"ONE_DIRECTION", "A verdict on a call rests on both directions of its transport: a capture "
                      "that saw one cannot see the peer's handshake or media."},
    {"PACKETS_DROPPED", "A verdict rests on every packet: the kernel dropped some (pcap_stats)."},
    {"CALL_IN_PROGRESS", "A verdict needs the end of the call."},
    {"KEYLOG_MISSING", "--keylog: every session is opened with its secrets."},
    {"KEYS_UNCHECKED", "--keylog: every Finished and packet is checked before a pass."},
    {"KEYLOG_MALFORMED", "NSS key log format: one label, client random and secret per line."},
    {"ENGINE_DISAGREEMENT", "--engine both: the native parsers and Wireshark's dissectors read "
                            "the same packets the same way; where they differ, one of them is "
                            "wrong, and an attack may hide in the difference."},
    {"ENGINE_LIMITATION", "--engine both: a known blind spot of this Wireshark version; the "
                          "verdict rests on the native engine alone there."},
};

const char *ca_finding_requirement(const char *id)
{
    for (size_t i = 0; i < sizeof requirements / sizeof requirements[0]; i++)
        if (strcmp(requirements[i].id, id) == 0)
            return requirements[i].requirement;
    return "See the README's table of findings.";
}
