// CSignal: see include/mote_signal.h.
#define _GNU_SOURCE
#include "mote_signal.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

_Static_assert(MOTE_SIGNAL_HUP == SIGHUP && MOTE_SIGNAL_INT == SIGINT && MOTE_SIGNAL_TERM == SIGTERM,
               "signal numbers differ from Linux's generic ones");

int32_t mote_signal_open(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    // sigprocmask is the calling thread's mask in a threaded process (glibc: pthread_sigmask),
    // and needs no -lpthread on older glibc.
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) return -errno;
    int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int32_t mote_signal_read(int32_t fd) {
    struct signalfd_siginfo info;
    ssize_t n = read(fd, &info, sizeof info);
    if (n < 0) return errno == EAGAIN ? 0 : -errno;
    if ((size_t)n != sizeof info) return -EIO;
    return (int32_t)info.ssi_signo;
}

int32_t mote_signal_close(int32_t fd) { return close(fd) < 0 ? -errno : 0; }

int32_t mote_signal_release(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    return sigprocmask(SIG_UNBLOCK, &set, NULL) < 0 ? -errno : 0;
}
