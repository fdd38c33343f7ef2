/* dtls_reasm.h - DTLS handshake message reassembly (RFC 6347 4.2.3).
 *
 * One reassembler per direction of a DTLS session. Fragments may arrive in
 * any order, overlap (retransmissions re-fragment with a smaller MTU) and
 * repeat; messages are released in message_seq order, each exactly once, so
 * a retransmitted message is never seen twice. Bounded: a message may be at
 * most CA_DTLS_MAX_MESSAGE bytes, at most CA_DTLS_INFLIGHT messages are
 * reassembled at once, each from at most CA_DTLS_MAX_RANGES pieces.
 */
#ifndef CA_DTLS_REASM_H
#define CA_DTLS_REASM_H

#include <stdbool.h>
#include <stdint.h>

#include "dtls.h"

#define CA_DTLS_MAX_MESSAGE (64 * 1024)
#define CA_DTLS_INFLIGHT    6
#define CA_DTLS_MAX_RANGES  32

typedef struct {
    bool used;
    uint8_t msg_type;
    uint16_t message_seq;
    uint32_t length;
    uint64_t frame;        /* the frame whose fragment completed the message */
    uint8_t *buf;          /* owned: LENGTH bytes, then the range list */
    uint32_t (*ranges)[2]; /* CA_DTLS_MAX_RANGES, in BUF's allocation: a slot not in use
                              costs no room for them (a session holds 12 slots) */
    size_t n_ranges;
} ca_dtls_inflight_t;

typedef struct {
    uint16_t next_seq; /* the next message_seq to release */
    ca_dtls_inflight_t inflight[CA_DTLS_INFLIGHT];
    uint64_t retransmitted;         /* fragments of messages already released */
    uint64_t last_retransmit_frame; /* the frame of the last of them */
    uint64_t conflicting;           /* overlapping fragments whose bytes differ */
    uint64_t dropped;               /* over a bound: too large, too many pieces or messages */
    uint64_t skipped;               /* message_seq values never seen, passed over by a flush */
    uint8_t *released;              /* owned: the body of the last message handed out */
} ca_dtls_reasm_t;

/* A message ready for the tracker: valid until the next call on the reassembler. */
typedef struct {
    uint8_t msg_type;
    uint16_t message_seq;
    uint64_t frame; /* the frame that completed it */
    ca_cursor_t body;
} ca_dtls_message_t;

void ca_dtls_reasm_init(ca_dtls_reasm_t *r);
void ca_dtls_reasm_free(ca_dtls_reasm_t *r);

/* Add one fragment; CA_ERR_MALFORMED when it contradicts earlier fragments
 * of the same message (type or length), CA_ERR_LIMIT over a bound. */
CA_MUST_CHECK ca_err_t ca_dtls_reasm_add(ca_dtls_reasm_t *r, const ca_dtls_hs_t *hs,
                                         uint64_t frame);

/* Release the next complete message in sequence order; false if none. */
bool ca_dtls_reasm_next(ca_dtls_reasm_t *r, ca_dtls_message_t *msg);

/* Release the lowest complete message even though earlier ones never came
 * (the capture missed them); their count is added to SKIPPED, and later
 * fragments of them count as retransmitted. */
bool ca_dtls_reasm_flush(ca_dtls_reasm_t *r, ca_dtls_message_t *msg);

/* After the flushes: give up the incomplete messages still held too (their
 * count added to SKIPPED). */
void ca_dtls_reasm_abandon(ca_dtls_reasm_t *r);

#endif
