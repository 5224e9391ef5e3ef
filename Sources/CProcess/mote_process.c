// CProcess: see include/mote_process.h.
#define _GNU_SOURCE
#include "mote_process.h"

#include <errno.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>

extern char **environ;

int32_t mote_process_run(const char *const argv[], int32_t *status) {
    pid_t pid;
    int error = posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ);
    if (error != 0) return -error;
    int raw;
    pid_t waited;
    do {
        waited = waitpid(pid, &raw, 0);
    } while (waited < 0 && errno == EINTR);
    if (waited < 0) return -errno;
    *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : WIFSIGNALED(raw) ? 128 + WTERMSIG(raw) : 255;
    return 0;
}
