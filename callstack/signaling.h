/* signaling.h - the signaling channel: SDP offer/answer (RFC 3264) over TCP.
 *
 * Each message is framed like a SIP body: "Content-Length: N" CRLF CRLF, then
 * N bytes of SDP. The first message from the caller is the offer, the reply
 * the answer. Every wait is bounded by a timeout so nothing hangs. The
 * channel is untrusted by design: its only job is to carry the SDP that the
 * security code later lets the users check.
 */
#ifndef CS_SIGNALING_H
#define CS_SIGNALING_H

#include <stddef.h>

#define CS_SIG_MAX_BODY 65536

int cs_sig_listen(const char *addr_port, char *err, size_t err_size);
int cs_sig_accept(int listen_fd, unsigned timeout_ms, char *err, size_t err_size);
int cs_sig_connect(const char *addr_port, unsigned timeout_ms, char *err, size_t err_size);
int cs_sig_send(int fd, const char *body, size_t len, char *err, size_t err_size);
/* Receive one message into a malloc'ed NUL-terminated *BODY. */
int cs_sig_recv(int fd, unsigned timeout_ms, char **body, size_t *len, char *err, size_t err_size);
/* The numeric local address of a connected socket: the address that reaches the peer. */
int cs_sig_local_addr(int fd, char *addr, size_t addr_size);
/* Wait until the peer closes the connection or TIMEOUT_MS passes; 0 if it closed. */
int cs_sig_wait_close(int fd, unsigned timeout_ms);

#endif
