// CPoll: see include/mote_poll.h.
#define _GNU_SOURCE
#include "mote_poll.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

int32_t mote_poll_wait(mote_poll_fd *fds, uint32_t count, int64_t timeout_ns) {
    struct pollfd polled[64];
    if (count > 64) return -EINVAL;
    for (uint32_t i = 0; i < count; i++) {
        polled[i].fd = fds[i].fd;
        polled[i].events = (short)(((fds[i].events & MOTE_POLL_READABLE) ? POLLIN | POLLPRI : 0)
                                   | ((fds[i].events & MOTE_POLL_WRITABLE) ? POLLOUT : 0));
        polled[i].revents = 0;
    }
    struct timespec timeout = { .tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000 };
    int n = ppoll(polled, count, timeout_ns < 0 ? NULL : &timeout, NULL);
    if (n < 0) return -errno;
    for (uint32_t i = 0; i < count; i++) {
        short r = polled[i].revents;
        fds[i].revents = ((r & (POLLIN | POLLPRI)) ? MOTE_POLL_READABLE : 0) | ((r & POLLOUT) ? MOTE_POLL_WRITABLE : 0)
                       | ((r & (POLLERR | POLLNVAL)) ? MOTE_POLL_ERROR : 0) | ((r & POLLHUP) ? MOTE_POLL_HANGUP : 0);
    }
    return n;
}
