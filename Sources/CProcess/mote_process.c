// CProcess: see include/mote_process.h.
#define _GNU_SOURCE
#include "mote_process.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>

extern char **environ;

int32_t mote_process_run(const char *const argv[], int32_t *status) {
    // The child starts with no signal blocked and every signal at its default: a caller that
    // blocks SIGTERM for its signalfd must not pass that on to systemctl.
    posix_spawnattr_t attributes;
    int error = posix_spawnattr_init(&attributes);
    if (error != 0) return -error;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    error = posix_spawnp(&pid, argv[0], NULL, &attributes, (char *const *)argv, environ);
    posix_spawnattr_destroy(&attributes);
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
