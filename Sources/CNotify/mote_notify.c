// CNotify: see include/mote_notify.h. The protocol is sd_notify(3)'s NOTES section: a single
// datagram carrying the state string. No SCM_CREDENTIALS are sent by hand: systemd sets
// SO_PASSCRED on its socket, so the kernel attaches our pid itself.
#define _GNU_SOURCE
#include "mote_notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int32_t mote_notify_send(const char *socket_path, const char *message, size_t length) {
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    size_t path_length = strlen(socket_path);
    if (path_length == 0) return -EINVAL;
    if (socket_path[0] != '/' && socket_path[0] != '@') return -EAFNOSUPPORT;
    // A path needs its terminating NUL inside sun_path; an abstract name does not.
    if (path_length >= sizeof address.sun_path + (socket_path[0] == '@')) return -EINVAL;
    memcpy(address.sun_path, socket_path, path_length);
    socklen_t address_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + path_length);
    if (socket_path[0] == '@') address.sun_path[0] = '\0';
    else address_length += 1;

    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    ssize_t sent;
    do {
        sent = sendto(fd, message, length, MSG_NOSIGNAL, (const struct sockaddr *)&address, address_length);
    } while (sent < 0 && errno == EINTR);
    int error = sent < 0 ? errno : 0;
    close(fd);
    if (error) return -error;
    return (size_t)sent == length ? 0 : -EMSGSIZE;
}

const char *mote_notify_getenv(const char *name) { return getenv(name); }

int32_t mote_notify_pid(void) { return (int32_t)getpid(); }
