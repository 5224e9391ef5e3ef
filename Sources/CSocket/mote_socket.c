// CSocket: see include/mote_socket.h.
#define _GNU_SOURCE
#include "mote_socket.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int32_t result(long value) { return value < 0 ? -errno : (int32_t)value; }

const char *mote_socket_resolve_error(int32_t code) {
    if (code > -MOTE_SOCKET_RESOLVE_BASE) return NULL;
    return gai_strerror(-(-code - MOTE_SOCKET_RESOLVE_BASE));
}

// Resolves host:port and hands each address to `use` until one succeeds.
static int32_t each_address(const char *host, uint16_t port, int passive, int (*use)(int, const struct addrinfo *)) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_protocol = IPPROTO_UDP;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo *list = NULL;
    int status = getaddrinfo(host, service, &hints, &list);
    if (status != 0) {
        if (status == EAI_SYSTEM) return -errno;
        return -(MOTE_SOCKET_RESOLVE_BASE + (status < 0 ? -status : status));
    }
    int32_t last = -EADDRNOTAVAIL;
    for (struct addrinfo *a = list; a != NULL; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) { last = -errno; continue; }
        if (use(fd, a) == 0) { freeaddrinfo(list); return fd; }
        last = -errno;
        close(fd);
    }
    freeaddrinfo(list);
    return last;
}

static int connect_to(int fd, const struct addrinfo *a) { return connect(fd, a->ai_addr, a->ai_addrlen); }
static int bind_to(int fd, const struct addrinfo *a) { return bind(fd, a->ai_addr, a->ai_addrlen); }

int32_t mote_socket_udp_connect(const char *host, uint16_t port) { return each_address(host, port, 0, connect_to); }
int32_t mote_socket_udp_bind(const char *host, uint16_t port) { return each_address(host, port, 1, bind_to); }

int32_t mote_socket_local_port(int32_t fd) {
    struct sockaddr_storage address;
    socklen_t size = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &size) < 0) return -errno;
    if (address.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&address)->sin_port);
    if (address.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
    return -EAFNOSUPPORT;
}

int32_t mote_socket_send(int32_t fd, const uint8_t *bytes, size_t count) {
    return result(send(fd, bytes, count, MSG_NOSIGNAL));
}

static int32_t wait_readable(int32_t fd, int32_t timeout_ms) {
    struct pollfd polled = { .fd = fd, .events = POLLIN };
    int n = poll(&polled, 1, timeout_ms);
    if (n < 0) return -errno;
    if (n == 0) return -ETIMEDOUT;
    return 0;  // readable, or an error the read below reports
}

int32_t mote_socket_receive(int32_t fd, uint8_t *bytes, size_t count, int32_t timeout_ms) {
    int32_t ready = wait_readable(fd, timeout_ms);
    if (ready < 0) return ready;
    return result(recv(fd, bytes, count, 0));
}

int32_t mote_socket_receive_from(int32_t fd, uint8_t *bytes, size_t count, int32_t timeout_ms,
                                 uint8_t *address, uint32_t *address_size) {
    int32_t ready = wait_readable(fd, timeout_ms);
    if (ready < 0) return ready;
    socklen_t size = *address_size;
    ssize_t n = recvfrom(fd, bytes, count, 0, (struct sockaddr *)address, &size);
    if (n < 0) return -errno;
    *address_size = (uint32_t)size;
    return (int32_t)n;
}

int32_t mote_socket_send_to(int32_t fd, const uint8_t *bytes, size_t count,
                            const uint8_t *address, uint32_t address_size) {
    return result(sendto(fd, bytes, count, MSG_NOSIGNAL, (const struct sockaddr *)address, (socklen_t)address_size));
}

int32_t mote_socket_close(int32_t fd) { return result(close(fd)); }
