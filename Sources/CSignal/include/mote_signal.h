// CSignal: SIGTERM, SIGINT and SIGHUP as a readable descriptor (signalfd), so the node loop
// hears systemd's stop request in the same ppoll() as its sensors instead of in a handler.
// Exists because the Embedded build cannot reach sigprocmask or signalfd; it stays with the loop.
#ifndef MOTE_SIGNAL_H
#define MOTE_SIGNAL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Linux's numbers, the same on x86_64, arm and arm64 (the .c checks them against <signal.h>).
enum { MOTE_SIGNAL_HUP = 1, MOTE_SIGNAL_INT = 2, MOTE_SIGNAL_TERM = 15 };

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread's mask (threads created later inherit
// it) and returns a non-blocking, close-on-exec signalfd for them, or -errno. Call it before any
// other thread starts, or a process-directed signal may go to a thread that does not block it.
int32_t mote_signal_open(void);

// The number of one pending signal (MOTE_SIGNAL_*), 0 when none is pending, or -errno.
int32_t mote_signal_read(int32_t fd);

int32_t mote_signal_close(int32_t fd);
// Unblocks the three signals again, so a second SIGINT or SIGTERM during shutdown ends the
// process the default way. Returns 0 or -errno.
int32_t mote_signal_release(void);

#ifdef __cplusplus
}
#endif
#endif
