// CSocket: connected UDP sockets to a collector (name resolution, send, receive with a
// timeout), and a bound socket for the collector end in tests. Exists because the Embedded
// build cannot reach socket(2), getaddrinfo(3) or poll(2); it stays while Mote sends over IP.
// Fixed-width types only: imported by the bare Embedded target.
#ifndef MOTE_SOCKET_H
#define MOTE_SOCKET_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Every call returns >= 0 on success and -errno on failure. A failed name lookup returns
// -(MOTE_SOCKET_RESOLVE_BASE + n) for getaddrinfo's error n (negated), above any errno.
enum { MOTE_SOCKET_RESOLVE_BASE = 4096 };

// The text of a failed lookup's code (as returned above), or NULL when it is not one.
const char *mote_socket_resolve_error(int32_t code);

// A UDP socket connected to host:port (an IPv4 or IPv6 literal, or a name through
// getaddrinfo; each address is tried in turn), non-blocking, close-on-exec. Returns the descriptor.
int32_t mote_socket_udp_connect(const char *host, uint16_t port);

// A UDP socket bound to host:port (port 0: any free port), for the collector end.
int32_t mote_socket_udp_bind(const char *host, uint16_t port);
// The local port a socket is bound to.
int32_t mote_socket_local_port(int32_t fd);

// One datagram; returns the bytes sent. Errors of earlier datagrams (ECONNREFUSED after an
// ICMP port unreachable) surface here on a connected socket.
int32_t mote_socket_send(int32_t fd, const uint8_t *bytes, size_t count);
// Waits up to `timeout_ms` (negative: for ever) for one datagram and reads it, at most
// `count` bytes; -ETIMEDOUT when none came.
int32_t mote_socket_receive(int32_t fd, uint8_t *bytes, size_t count, int32_t timeout_ms);

// The same for an unconnected socket: the sender's address goes to `address` (at most
// `*address_size` bytes, the size written back), to answer with mote_socket_send_to.
int32_t mote_socket_receive_from(int32_t fd, uint8_t *bytes, size_t count, int32_t timeout_ms,
                                 uint8_t *address, uint32_t *address_size);
int32_t mote_socket_send_to(int32_t fd, const uint8_t *bytes, size_t count,
                            const uint8_t *address, uint32_t address_size);

int32_t mote_socket_close(int32_t fd);

#ifdef __cplusplus
}
#endif
#endif
