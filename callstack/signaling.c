/* signaling.c - SDP offer/answer over TCP with bounded waits; see signaling.h. */
#include "signaling.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "HOST:PORT" or "[V6]:PORT" */
static int resolve(const char *addr_port, int passive, struct addrinfo **res, char *err,
                   size_t err_size)
{
    char host[256];
    const char *colon = strrchr(addr_port, ':');
    if (!colon || colon == addr_port || colon[1] == '\0') {
        snprintf(err, err_size, "address '%s' is not HOST:PORT", addr_port);
        return -1;
    }
    size_t hlen = (size_t)(colon - addr_port);
    if (addr_port[0] == '[' && hlen >= 2 && addr_port[hlen - 1] == ']') {
        addr_port++;
        hlen -= 2;
    }
    if (hlen >= sizeof host) {
        snprintf(err, err_size, "address '%s' is too long", addr_port);
        return -1;
    }
    memcpy(host, addr_port, hlen);
    host[hlen] = '\0';
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    int rc = getaddrinfo(host, colon + 1, &hints, res);
    if (rc != 0) {
        snprintf(err, err_size, "cannot resolve '%s': %s", addr_port, gai_strerror(rc));
        return -1;
    }
    return 0;
}

int cs_sig_listen(const char *addr_port, char *err, size_t err_size)
{
    struct addrinfo *res;
    if (resolve(addr_port, 1, &res, err, err_size) != 0)
        return -1;
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 4) != 0) {
        snprintf(err, err_size, "cannot listen on %s: %s", addr_port, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int cs_sig_accept(int listen_fd, unsigned timeout_ms, char *err, size_t err_size)
{
    struct pollfd p = {.fd = listen_fd, .events = POLLIN};
    int rc = poll(&p, 1, (int)timeout_ms);
    if (rc <= 0) {
        snprintf(err, err_size, "no call arrived within %u s", timeout_ms / 1000);
        return -1;
    }
    int fd = accept(listen_fd, NULL, NULL);
    if (fd < 0)
        snprintf(err, err_size, "accept failed: %s", strerror(errno));
    return fd;
}

int cs_sig_connect(const char *addr_port, unsigned timeout_ms, char *err, size_t err_size)
{
    struct addrinfo *res;
    if (resolve(addr_port, 0, &res, err, err_size) != 0)
        return -1;
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, err_size, "socket: %s", strerror(errno));
        freeaddrinfo(res);
        return -1;
    }
    int rc = connect(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc != 0 && errno == EINPROGRESS) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int so_error = 0;
        socklen_t slen = sizeof so_error;
        rc = poll(&p, 1, (int)timeout_ms);
        if (rc == 0) {
            snprintf(err, err_size, "cannot reach %s: no answer within %u s", addr_port,
                     timeout_ms / 1000);
            close(fd);
            return -1;
        }
        if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &slen) != 0)
            so_error = errno;
        errno = so_error;
        rc = so_error ? -1 : 0;
    }
    if (rc != 0) {
        snprintf(err, err_size, "cannot connect to %s: %s", addr_port, strerror(errno));
        close(fd);
        return -1;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        snprintf(err, err_size, "fcntl: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int cs_sig_send(int fd, const char *body, size_t len, char *err, size_t err_size)
{
    char header[64];
    int hlen = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", len);
    if (len > CS_SIG_MAX_BODY || write_all(fd, header, (size_t)hlen) != 0 ||
        write_all(fd, body, len) != 0) {
        snprintf(err, err_size, "cannot send SDP: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Read exactly LEN bytes before DEADLINE (monotonic ms). */
static int read_exact(int fd, char *buf, size_t len, long long deadline, char *err, size_t err_size)
{
    while (len > 0) {
        long long left = deadline - now_ms();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
            snprintf(err, err_size, "no SDP from the peer in time");
            return -1;
        }
        ssize_t n = recv(fd, buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, err_size, "the peer closed the signaling connection");
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int cs_sig_recv(int fd, unsigned timeout_ms, char **body, size_t *len, char *err, size_t err_size)
{
    static const char prefix[] = "Content-Length: ";
    char header[64];
    size_t used = 0;
    long long deadline = now_ms() + timeout_ms;
    *body = NULL;
    /* The header is short: read it a byte at a time up to the blank line. */
    while (used < 4 || memcmp(header + used - 4, "\r\n\r\n", 4) != 0) {
        if (used + 1 >= sizeof header) {
            snprintf(err, err_size, "malformed signaling message: header too long");
            return -1;
        }
        if (read_exact(fd, header + used, 1, deadline, err, err_size) != 0)
            return -1;
        used++;
    }
    header[used] = '\0';
    char *end = NULL;
    errno = 0;
    unsigned long n = 0;
    if (strncmp(header, prefix, sizeof prefix - 1) == 0)
        n = strtoul(header + sizeof prefix - 1, &end, 10);
    if (!end || errno != 0 || strcmp(end, "\r\n\r\n") != 0 || n == 0 || n > CS_SIG_MAX_BODY) {
        snprintf(err, err_size, "malformed signaling message: bad Content-Length");
        return -1;
    }
    *body = malloc(n + 1);
    if (!*body) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    if (read_exact(fd, *body, n, deadline, err, err_size) != 0) {
        free(*body);
        *body = NULL;
        return -1;
    }
    (*body)[n] = '\0';
    *len = n;
    return 0;
}

int cs_sig_local_addr(int fd, char *addr, size_t addr_size)
{
    struct sockaddr_storage ss;
    socklen_t slen = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &slen) != 0)
        return -1;
    return getnameinfo((struct sockaddr *)&ss, slen, addr, (socklen_t)addr_size, NULL, 0,
                       NI_NUMERICHOST) == 0
               ? 0
               : -1;
}

int cs_sig_wait_close(int fd, unsigned timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    char buf[256];
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return -1;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            return 0;
    }
}
