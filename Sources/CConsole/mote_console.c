// CConsole: see include/mote_console.h.
#include "mote_console.h"

#include <errno.h>
#include <stdio.h>

static FILE *stream_file(int32_t stream) {
    return stream == 2 ? stderr : stdout;
}

int32_t mote_console_write(int32_t stream, const uint8_t *bytes, size_t count) {
    if (count == 0) return 0;
    return fwrite(bytes, 1, count, stream_file(stream)) == count ? 0 : -errno;
}

int32_t mote_console_flush(int32_t stream) {
    return fflush(stream_file(stream)) == 0 ? 0 : -errno;
}
