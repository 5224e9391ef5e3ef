// CFetch: HTTP(S) and file:// downloads through the board's libcurl (easy API), with the limits
// a TUF client needs against endless-data and slow-retrieval attacks. Exists because the
// Embedded build has no networking library of its own; it stays while updates come over HTTP.
// libcurl.so.4 is loaded on the first transfer (dlopen), not at start-up.
// Fixed-width types only: imported by the bare Embedded target.
#ifndef MOTE_FETCH_H
#define MOTE_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// What a transfer may do. Zeroed fields take the default named.
typedef struct {
    // Body bytes this transfer may deliver. A Content-Length above it (of a 2xx response) is
    // refused before any body byte is read; a body that grows past it is aborted at once, the
    // excess undelivered.
    int64_t max_bytes;
    // 0: from the start. N: bytes N.. of the resource (an HTTP Range request, which the server
    // must answer with 206 and that range; a file:// read from offset N).
    int64_t resume_from;
    int32_t connect_timeout_ms;   // 0: libcurl's 300 s
    int32_t timeout_ms;           // the whole transfer; 0: none
    // Abort when fewer than low_speed_bytes arrive per second for low_speed_seconds (0: off).
    int32_t low_speed_bytes;
    int32_t low_speed_seconds;
    // PEM file of CA certificates to trust instead of the system bundle; NULL: the system's.
    const char *ca_file;
} mote_fetch_options;

// curl_code when libcurl cannot be loaded; message then says why, e.g.
// "libcurl.so.4 cannot be loaded: <dlerror> (install libcurl4)".
enum { MOTE_FETCH_UNAVAILABLE = -1 };

// How a transfer ended.
typedef struct {
    int32_t curl_code;      // CURLcode: 0 done; MOTE_FETCH_UNAVAILABLE
    int32_t http_status;    // the last response's status; 0 for file:// or without a response
    int64_t received;       // body bytes delivered to the sink
    bool too_large;         // stopped (or refused) because the body exceeds max_bytes
    int32_t sink_errno;     // a write to the descriptor failed with this errno
    int32_t source_errno;   // a file:// URL that could not be opened: why (e.g. ENOENT)
    char message[256];      // libcurl's text for curl_code, NUL-terminated
} mote_fetch_result;

// Fetches `url` into memory. On return `*body` holds `result->received` bytes (or NULL when
// none) and must be released with mote_fetch_free, whatever the outcome. Returns curl_code.
//
// Every transfer: only http, https and file URLs; TLS peers and host names verified; HTTP
// status >= 400 fails (CURLE_HTTP_RETURNED_ERROR) before any body is delivered; redirects are
// followed (at most 5) from http to http or https, from https only to https, never to file
// or another scheme.
int32_t mote_fetch_memory(const char *url, const mote_fetch_options *options, uint8_t **body,
                          mote_fetch_result *result);
void mote_fetch_free(uint8_t *body);

// The same, appending the body to the open descriptor `fd` (a target file).
int32_t mote_fetch_descriptor(const char *url, const mote_fetch_options *options, int32_t fd,
                              mote_fetch_result *result);

// Opens (creating with mode 0644) the file a target is written to, close-on-exec: for
// appending after what is there (`resume`) or emptied. `*existing` gets its length.
// Returns the descriptor or -errno.
int32_t mote_fetch_open_output(const char *path, bool resume, int64_t *existing);
// fsyncs and closes it: 0 or -errno.
int32_t mote_fetch_close_output(int32_t fd);

#ifdef __cplusplus
}
#endif
#endif
