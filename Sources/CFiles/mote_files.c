// CFiles: see include/mote_files.h.
#include "mote_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

// fsync of the directory holding `path` (the directory part, "." without one).
static int32_t sync_parent(const char *path) {
    char directory[4096];
    size_t length = strlen(path);
    if (length >= sizeof directory) return -ENAMETOOLONG;
    memcpy(directory, path, length + 1);
    char *slash = strrchr(directory, '/');
    if (slash == directory) slash[1] = 0; else if (slash != NULL) *slash = 0; else strcpy(directory, ".");
    int dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return -errno;
    int32_t rc = fsync(dfd) == 0 ? 0 : -errno;
    close(dfd);
    return rc;
}

int32_t mote_files_write_atomic(const char *path, const uint8_t *bytes, size_t size) {
    char temporary[4096];
    size_t length = strlen(path);
    if (length == 0 || length + 5 > sizeof temporary) return -ENAMETOOLONG;
    memcpy(temporary, path, length);
    memcpy(temporary + length, ".tmp", 5);
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return -errno;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, bytes + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { int e = errno; close(fd); unlink(temporary); return -e; }
        done += (size_t)n;
    }
    if (fsync(fd) != 0) { int e = errno; close(fd); unlink(temporary); return -e; }
    if (close(fd) != 0) { int e = errno; unlink(temporary); return -e; }
    if (rename(temporary, path) != 0) { int e = errno; unlink(temporary); return -e; }
    // The rename is durable only once the directory is.
    return sync_parent(path);
}

int32_t mote_files_make_directories(const char *path) {
    char buffer[4096];
    size_t length = strlen(path);
    if (length == 0 || length >= sizeof buffer) return -ENAMETOOLONG;
    memcpy(buffer, path, length + 1);
    for (size_t i = 1; i <= length; i++) {
        if (buffer[i] != '/' && buffer[i] != 0) continue;
        char saved = buffer[i];
        buffer[i] = 0;
        if (mkdir(buffer, 0750) == 0) {
            // A new directory's name is durable only once its parent is: without this a power
            // cut can take the state directory, and the frame counter in it, away again.
            int32_t rc = sync_parent(buffer);
            if (rc != 0) return rc;
        } else if (errno != EEXIST) {
            return -errno;
        }
        buffer[i] = saved;
    }
    return 0;
}

int32_t mote_files_append(const char *path, const uint8_t *bytes, size_t size) {
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return -errno;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, bytes + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { int e = errno; close(fd); return -e; }
        done += (size_t)n;
    }
    if (fsync(fd) != 0) { int e = errno; close(fd); return -e; }
    return close(fd) == 0 ? 0 : -errno;
}

int32_t mote_files_truncate(const char *path, int64_t length) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    if (ftruncate(fd, (off_t)length) != 0 || fsync(fd) != 0) { int e = errno; close(fd); return -e; }
    return close(fd) == 0 ? 0 : -errno;
}

int64_t mote_files_size(const char *path) {
    struct stat status;
    if (stat(path, &status) != 0) return -errno;
    return (int64_t)status.st_size;
}

int64_t mote_files_read_bytes(const char *path, uint8_t *buffer, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    size_t used = 0;
    while (used < size) {
        ssize_t n = read(fd, buffer + used, size - used);
        if (n < 0) { if (errno == EINTR) continue; int error = errno; close(fd); return -error; }
        if (n == 0) break;
        used += (size_t)n;
    }
    close(fd);
    return (int64_t)used;
}

int32_t mote_files_open_read(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);  // advice only: a failure changes nothing
    return fd;
}

int64_t mote_files_read_next(int32_t fd, uint8_t *buffer, size_t size) {
    while (1) {
        ssize_t n = read(fd, buffer, size);
        if (n >= 0) return (int64_t)n;
        if (errno != EINTR) return -errno;
    }
}

int32_t mote_files_close(int32_t fd) { return close(fd) == 0 ? 0 : -errno; }

int32_t mote_files_copy(const char *from, const char *to, uint32_t mode) {
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) return -errno;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
    if (out < 0) { int e = errno; close(in); return -e; }
    uint8_t *buffer = malloc(65536);
    if (buffer == NULL) { close(in); close(out); return -ENOMEM; }
    int32_t rc = 0;
    while (rc == 0) {
        ssize_t n = read(in, buffer, 65536);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { rc = -errno; break; }
        if (n == 0) break;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buffer + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) { rc = -errno; break; }
            done += w;
        }
    }
    free(buffer);
    close(in);
    // The mode again: open's was cut by the umask.
    if (rc == 0 && fchmod(out, (mode_t)mode) != 0) rc = -errno;
    if (rc == 0 && fsync(out) != 0) rc = -errno;
    if (close(out) != 0 && rc == 0) rc = -errno;
    return rc;
}

int32_t mote_files_sync(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    int32_t rc = fsync(fd) == 0 ? 0 : -errno;
    close(fd);
    return rc;
}

int32_t mote_files_rename(const char *from, const char *to) {
    if (rename(from, to) != 0) return -errno;
    int32_t rc = sync_parent(to);
    if (rc != 0) return rc;
    return sync_parent(from);
}

int32_t mote_files_symlink_atomic(const char *target, const char *path) {
    char temporary[4096];
    size_t length = strlen(path);
    if (length == 0 || length + 5 > sizeof temporary) return -ENAMETOOLONG;
    memcpy(temporary, path, length);
    memcpy(temporary + length, ".new", 5);
    // A link left by an interrupted switch is stale: this one replaces it.
    if (unlink(temporary) != 0 && errno != ENOENT) return -errno;
    if (symlink(target, temporary) != 0) return -errno;
    if (rename(temporary, path) != 0) { int e = errno; unlink(temporary); return -e; }
    return sync_parent(path);
}

int32_t mote_files_readlink(const char *path, char *buffer, size_t size) {
    if (size == 0) return -EINVAL;
    ssize_t n = readlink(path, buffer, size - 1);
    if (n < 0) return -errno;
    if ((size_t)n == size - 1) return -ENAMETOOLONG;
    buffer[n] = 0;
    return (int32_t)n;
}

int32_t mote_files_make_directory(const char *path, uint32_t mode) {
    if (mkdir(path, (mode_t)mode) != 0) return -errno;
    if (chmod(path, (mode_t)mode) != 0) return -errno;  // past the umask
    return sync_parent(path);
}

int32_t mote_files_remove(const char *path) {
    if (remove(path) != 0) return -errno;
    return sync_parent(path);
}

static int32_t remove_under(int dfd) {
    DIR *dir = fdopendir(dfd);
    if (dir == NULL) { int e = errno; close(dfd); return -e; }
    int32_t rc = 0;
    struct dirent *entry;
    while (rc == 0 && (entry = readdir(dir)) != NULL) {
        const char *name = entry->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
        struct stat status;
        if (fstatat(dirfd(dir), name, &status, AT_SYMLINK_NOFOLLOW) != 0) { rc = -errno; break; }
        if (S_ISDIR(status.st_mode)) {
            int child = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child < 0) { rc = -errno; break; }
            rc = remove_under(child);
            if (rc == 0 && unlinkat(dirfd(dir), name, AT_REMOVEDIR) != 0) rc = -errno;
        } else if (unlinkat(dirfd(dir), name, 0) != 0) {
            rc = -errno;
        }
    }
    closedir(dir);
    return rc;
}

int32_t mote_files_remove_tree(const char *path) {
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) return errno == ENOENT ? 0 : -errno;
    int32_t rc = remove_under(dfd);
    if (rc != 0) return rc;
    if (rmdir(path) != 0) return -errno;
    return sync_parent(path);
}

int32_t mote_files_chmod(const char *path, uint32_t mode) {
    return chmod(path, (mode_t)mode) == 0 ? 0 : -errno;
}

int32_t mote_files_kind(const char *path) {
    struct stat status;
    if (lstat(path, &status) != 0) return -errno;
    if (S_ISDIR(status.st_mode)) return 1;
    if (S_ISREG(status.st_mode)) return 2;
    if (S_ISLNK(status.st_mode)) return 3;
    return 4;
}
