// CClock: CLOCK_MONOTONIC and CLOCK_REALTIME readings and an absolute-deadline sleep.
// Exists because the Embedded board build has no Glibc module to call clock_gettime through;
// it can go when Swift's Embedded stdlib offers a monotonic clock on Linux.
#ifndef MOTE_CLOCK_H
#define MOTE_CLOCK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Nanoseconds since an unspecified start (CLOCK_MONOTONIC). Never goes back.
int64_t mote_clock_monotonic_ns(void);
// Nanoseconds since 1970-01-01 UTC (CLOCK_REALTIME).
int64_t mote_clock_realtime_ns(void);

// CLOCK_BOOTTIME in nanoseconds: time since this boot, suspend included; never set, never
// jumps (the update watch times a trial by it, whatever NTP does to the wall clock).
int64_t mote_clock_boottime_ns(void);
// Sleeps until CLOCK_MONOTONIC reaches `deadline_ns`, resuming after signals. Returns 0 or -errno.
int32_t mote_clock_sleep_until_ns(int64_t deadline_ns);

#ifdef __cplusplus
}
#endif
#endif
