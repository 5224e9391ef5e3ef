// CPoll: the node loop's one wait, ppoll() over GPIO event and serial descriptors with a
// deadline. Exists because the Embedded build cannot call ppoll; it stays with the node loop.
#ifndef MOTE_POLL_H
#define MOTE_POLL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { MOTE_POLL_READABLE = 1, MOTE_POLL_WRITABLE = 2, MOTE_POLL_ERROR = 4, MOTE_POLL_HANGUP = 8 };

typedef struct {
    int32_t fd;
    uint32_t events;    // MOTE_POLL_READABLE | MOTE_POLL_WRITABLE
    uint32_t revents;   // what happened, including MOTE_POLL_ERROR and MOTE_POLL_HANGUP
} mote_poll_fd;

// Waits until a descriptor is ready or `timeout_ns` passes (negative: no timeout). Returns how
// many are ready (0 on timeout) or -errno; a signal ends the wait early with -EINTR.
int32_t mote_poll_wait(mote_poll_fd *fds, uint32_t count, int64_t timeout_ns);

#ifdef __cplusplus
}
#endif
#endif
