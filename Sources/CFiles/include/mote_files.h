// CFiles: directory listings and small text-file reads, for what Linux says through /dev,
// /sys and /proc (which adapters, chips and ports exist; the board's device-tree model), and
// the durable writes of the node's state and uplink queue (append, truncate, replace; each
// fsync'd), and the A/B update slots (copy, rename, symlink switches, directory fsyncs). Exists because the Embedded build has no libc module; it stays with those lookups.
#ifndef MOTE_FILES_H
#define MOTE_FILES_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// The names in `directory` that start with `prefix`, sorted, each followed by '\n', into
// `buffer` (at most `size` bytes, NUL-terminated). Returns the bytes written or -errno.
int32_t mote_files_list(const char *directory, const char *prefix, char *buffer, size_t size);

// Up to `size` - 1 bytes of the file, NUL-terminated. Returns the bytes read or -errno.
int32_t mote_files_read(const char *path, char *buffer, size_t size);

// Replaces `path` with `size` bytes so that a crash or power cut leaves the old file or the
// new one, never a torn one: written to `path`.tmp, fsync'd, renamed over, directory fsync'd.
// Returns 0 or -errno.
int32_t mote_files_write_atomic(const char *path, const uint8_t *bytes, size_t size);
// Appends `size` bytes to the existing file `path` (never creates it) and fsyncs it before
// returning. Returns 0 or -errno.
int32_t mote_files_append(const char *path, const uint8_t *bytes, size_t size);
// Cuts the file to `length` bytes and fsyncs it. Returns 0 or -errno.
int32_t mote_files_truncate(const char *path, int64_t length);
// The file's size in bytes, or -errno.
int64_t mote_files_size(const char *path);
// Up to `size` bytes of the file from its start, binary. Returns the bytes read or -errno.
int64_t mote_files_read_bytes(const char *path, uint8_t *buffer, size_t size);
// Streaming reads of a file of any size: open, read the next chunk until 0, close.
// The descriptor (close-on-exec, read-ahead advised sequential), or -errno.
int32_t mote_files_open_read(const char *path);
// Up to `size` bytes from where the last read ended; 0 at the end. Returns the bytes read or -errno.
int64_t mote_files_read_next(int32_t fd, uint8_t *buffer, size_t size);
int32_t mote_files_close(int32_t fd);
// Creates `path` and its parents (mode 0750) where missing, each new one made durable in its
// parent (fsync). Returns 0 or -errno.
int32_t mote_files_make_directories(const char *path);
// 0 when `path` exists, else -errno.
int32_t mote_files_exists(const char *path);

// The update slots' steps, each durable before it returns (the directory holding a changed
// name is fsync'd), so that a power cut after a step never undoes it.
// Copies `from` to `to` (created with `mode`, replaced if there), fsyncs it. 0 or -errno.
int32_t mote_files_copy(const char *from, const char *to, uint32_t mode);
// rename(2), then fsync of the directories of both names. 0 or -errno.
int32_t mote_files_rename(const char *from, const char *to);
// fsync of a file or a directory. 0 or -errno.
int32_t mote_files_sync(const char *path);
// Points the symbolic link `path` at `target`, atomically: a new link `path`.new is renamed
// over it, directory fsync'd. A reader sees the old target or the new, never none. 0 or -errno.
int32_t mote_files_symlink_atomic(const char *target, const char *path);
// The target of the symbolic link, NUL-terminated, into `buffer`. The length or -errno.
int32_t mote_files_readlink(const char *path, char *buffer, size_t size);
// One directory with `mode` (its parent must exist), parent fsync'd; -EEXIST when there. 0 or -errno.
int32_t mote_files_make_directory(const char *path, uint32_t mode);
// Removes a file or an empty directory, parent fsync'd. 0 or -errno.
int32_t mote_files_remove(const char *path);
// Removes a directory and everything under it (not following links), parent fsync'd; 0 when it
// was not there. 0 or -errno.
int32_t mote_files_remove_tree(const char *path);
// chmod(2). 0 or -errno.
int32_t mote_files_chmod(const char *path, uint32_t mode);
// 1 for a directory, 2 for a regular file, 3 for a symbolic link (not followed), 4 other; -errno.
int32_t mote_files_kind(const char *path);

#ifdef __cplusplus
}
#endif
#endif
