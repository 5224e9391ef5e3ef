// CFiles: see include/mote_files.h.
#include "mote_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int compare(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int32_t mote_files_list(const char *directory, const char *prefix, char *buffer, size_t size) {
    if (size == 0) return -EINVAL;
    DIR *dir = opendir(directory);
    if (dir == NULL) return -errno;
    char *names[256];
    size_t count = 0, prefix_length = strlen(prefix);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && count < 256) {
        if (entry->d_name[0] == '.' || strncmp(entry->d_name, prefix, prefix_length) != 0) continue;
        names[count] = strdup(entry->d_name);
        if (names[count] != NULL) count++;
    }
    closedir(dir);
    qsort(names, count, sizeof names[0], compare);
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        size_t length = strlen(names[i]);
        if (used + length + 2 <= size) {
            memcpy(buffer + used, names[i], length);
            used += length;
            buffer[used++] = '\n';
        }
        free(names[i]);
    }
    buffer[used] = '\0';
    return (int32_t)used;
}

int32_t mote_files_read(const char *path, char *buffer, size_t size) {
    if (size == 0) return -EINVAL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    size_t used = 0;
    while (used + 1 < size) {
        ssize_t n = read(fd, buffer + used, size - 1 - used);
        if (n < 0) { if (errno == EINTR) continue; int error = errno; close(fd); return -error; }
        if (n == 0) break;
        used += (size_t)n;
    }
    close(fd);
    buffer[used] = '\0';
    return (int32_t)used;
}

int32_t mote_files_exists(const char *path) {
    return access(path, F_OK) == 0 ? 0 : -errno;
}
