// CNotify: systemd's sd_notify protocol (one datagram to the AF_UNIX socket named by
// $NOTIFY_SOCKET) without libsystemd, which the board may not have, and the environment reads
// that go with it. Exists because the Embedded build has no libc module; it could go if the board
// image always shipped libsystemd and its header.
#ifndef MOTE_NOTIFY_H
#define MOTE_NOTIFY_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Sends `length` bytes of `message` as one datagram to `socket_path`: a file-system path, or a
// Linux abstract-namespace name when it starts with '@'. Returns 0 or -errno (-EINVAL for an
// empty or too long address; -EAFNOSUPPORT for addresses that are not AF_UNIX, e.g. vsock:).
int32_t mote_notify_send(const char *socket_path, const char *message, size_t length);

// The environment variable's value, or NULL when it is not set. Valid until the environment
// changes; Mote never changes it.
const char *mote_notify_getenv(const char *name);

// This process's id, to compare with $WATCHDOG_PID.
int32_t mote_notify_pid(void);

#ifdef __cplusplus
}
#endif
#endif
