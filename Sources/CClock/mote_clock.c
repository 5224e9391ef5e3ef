// CClock: see include/mote_clock.h.
#include "mote_clock.h"

#include <errno.h>
#include <time.h>

static int64_t read_clock(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t mote_clock_monotonic_ns(void) { return read_clock(CLOCK_MONOTONIC); }
int64_t mote_clock_realtime_ns(void) { return read_clock(CLOCK_REALTIME); }
int64_t mote_clock_boottime_ns(void) { return read_clock(CLOCK_BOOTTIME); }

int32_t mote_clock_sleep_until_ns(int64_t deadline_ns) {
    struct timespec ts = { .tv_sec = deadline_ns / 1000000000, .tv_nsec = deadline_ns % 1000000000 };
    int rc;
    // clock_nanosleep returns the error number itself, not -1/errno.
    while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)) == EINTR) {}
    return -rc;
}
