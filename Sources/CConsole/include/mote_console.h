// CConsole: buffered writes to standard output and standard error through stdio.
// Exists because Embedded Swift's print() goes byte by byte through putchar and cannot reach
// stderr; it stays while the board binary has no other way to write to its streams.
#ifndef MOTE_CONSOLE_H
#define MOTE_CONSOLE_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// stream: 1 = standard output, 2 = standard error. Returns 0 or -errno.
int32_t mote_console_write(int32_t stream, const uint8_t *bytes, size_t count);
int32_t mote_console_flush(int32_t stream);

#ifdef __cplusplus
}
#endif
#endif
