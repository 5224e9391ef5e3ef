// CProcess: runs another program and waits for it (posix_spawnp and waitpid), for the few
// things the update commands ask of the system: `systemctl restart mote.service` after an
// install or a revert. Exists because the Embedded build has no libc module.
#ifndef MOTE_PROCESS_H
#define MOTE_PROCESS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Runs argv[0] (looked up on PATH when it has no '/') with the arguments argv[1...] (argv ends
// with NULL) and this process's environment, and waits for it. Returns 0 and sets *status to its
// exit status, or to 128 + the signal that ended it; returns -errno when it could not be started
// (-ENOENT: no such program) or waited for.
int32_t mote_process_run(const char *const argv[], int32_t *status);

#ifdef __cplusplus
}
#endif
#endif
