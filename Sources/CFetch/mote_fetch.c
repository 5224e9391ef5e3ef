// CFetch: see include/mote_fetch.h.
#define _GNU_SOURCE
#include "mote_fetch.h"

// Only for the types, constants and prototypes: libcurl itself (and what it pulls in: libssl,
// libnghttp2, libssh2, libldap, Kerberos...) is loaded on the first transfer, so the node loop,
// which never fetches, does not carry it in memory. CURL_DISABLE_TYPECHECK: curl's checking macros
// named curl_easy_setopt and curl_easy_getinfo would also expand in the table's calls
// (lib.curl_easy_setopt(...)).
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(sizeof(((mote_fetch_result *)0)->message) >= CURL_ERROR_SIZE, "the message holds libcurl's error buffer");

// The board's libcurl (Debian 12, Raspberry Pi OS 12: the OpenSSL flavour) and its package.
#define MOTE_FETCH_LIBRARY "libcurl.so.4"
#define MOTE_FETCH_PACKAGE "libcurl4"
// Test-only: names another library to load instead (e.g. one that does not exist, for the
// error a board without libcurl gets). Ignored in a setuid or setgid process.
#define MOTE_FETCH_LIBRARY_VARIABLE "MOTE_TEST_LIBCURL"

// Every libcurl function the shim calls, resolved once, with the prototype its header gives.
#define MOTE_FETCH_FUNCTIONS(F) \
    F(curl_global_init) F(curl_easy_strerror) \
    F(curl_easy_init) F(curl_easy_setopt) F(curl_easy_perform) F(curl_easy_getinfo) F(curl_easy_cleanup) \
    F(curl_url) F(curl_url_set) F(curl_url_get) F(curl_url_cleanup) F(curl_free)

static struct {
#define MOTE_FIELD(name) __typeof__(&name) name;
    MOTE_FETCH_FUNCTIONS(MOTE_FIELD)
#undef MOTE_FIELD
} lib;

// Loading, and curl_global_init (not thread-safe before 7.84, and to run once), on first use.
static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static char load_error[256];  // empty once every function resolved
static CURLcode global_status = CURLE_FAILED_INIT;

static void global_init(void) {
    const char *name = secure_getenv(MOTE_FETCH_LIBRARY_VARIABLE);
    if (name == NULL || name[0] == 0) name = MOTE_FETCH_LIBRARY;
    void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "%s cannot be loaded: %s (install %s)", name,
                 why != NULL ? why : "no reason given", MOTE_FETCH_PACKAGE);
        return;
    }
#define MOTE_RESOLVE(symbol) \
    if ((*(void **)&lib.symbol = dlsym(handle, #symbol)) == NULL) { \
        snprintf(load_error, sizeof load_error, "%s has no %s (install %s)", name, #symbol, MOTE_FETCH_PACKAGE); \
        return; \
    }
    MOTE_FETCH_FUNCTIONS(MOTE_RESOLVE)
#undef MOTE_RESOLVE
    // Kept loaded for the life of the process: never dlclosed.
    global_status = lib.curl_global_init(CURL_GLOBAL_DEFAULT);
}

// Where the body goes, and what has gone there.
typedef struct {
    int64_t max_bytes;
    int64_t received;
    bool too_large;
    // Memory sink (fd < 0): a buffer grown as the body comes, never beyond max_bytes.
    uint8_t *buffer;
    size_t capacity;
    bool out_of_memory;
    // Descriptor sink.
    int fd;
    int sink_errno;
    // The response whose headers are coming: its status and declared Content-Length (-1: none).
    long status;
    int64_t declared;
    bool resuming;
} sink;

// Refuses a declared length above the limit before any body byte. Checked here rather than
// with CURLOPT_MAXFILESIZE, which libcurl applies to every response: a 404 page or a redirect's
// body longer than the limit would then pass for an endless body.
static size_t header(char *data, size_t size, size_t count, void *context) {
    sink *s = context;
    size_t n = size * count;
    if (n > 5 && strncmp(data, "HTTP/", 5) == 0) {
        const char *space = memchr(data, ' ', n);
        s->status = space != NULL ? strtol(space + 1, NULL, 10) : 0;
        s->declared = -1;
    } else if (n > 15 && strncasecmp(data, "content-length:", 15) == 0) {
        char text[32];
        size_t length = n - 15 < sizeof text - 1 ? n - 15 : sizeof text - 1;
        memcpy(text, data + 15, length);
        text[length] = 0;
        s->declared = strtoll(text, NULL, 10);
    } else if (n <= 2 && (data[0] == '\r' || data[0] == '\n')) {
        // The end of a response's headers. A 200 to a Range request is libcurl's to refuse
        // (CURLE_RANGE_ERROR): it is not this body that is too long, the server cannot resume.
        bool body = s->status >= 200 && s->status < 300 && !(s->resuming && s->status == 200);
        if (body && s->declared > s->max_bytes) {
            s->too_large = true;
            return 0;
        }
    }
    return n;
}

static size_t deliver(char *data, size_t size, size_t count, void *context) {
    sink *s = context;
    size_t n = size * count;
    if (n == 0) return 0;
    // Endless data: not one byte past the limit reaches the sink.
    if ((uint64_t)s->received + n > (uint64_t)s->max_bytes) {
        s->too_large = true;
        return 0;
    }
    if (s->fd < 0) {
        size_t needed = (size_t)s->received + n;
        if (needed > s->capacity) {
            size_t grown = s->capacity < 16384 ? 16384 : s->capacity * 2;
            if (grown < needed) grown = needed;
            if ((int64_t)grown > s->max_bytes) grown = (size_t)s->max_bytes;
            uint8_t *bigger = realloc(s->buffer, grown);
            if (bigger == NULL) { s->out_of_memory = true; return 0; }
            s->buffer = bigger;
            s->capacity = grown;
        }
        memcpy(s->buffer + s->received, data, n);
    } else {
        size_t done = 0;
        while (done < n) {
            ssize_t w = write(s->fd, data + done, n - done);
            if (w < 0) {
                if (errno == EINTR) continue;
                s->sink_errno = errno;
                return 0;
            }
            done += (size_t)w;
        }
    }
    s->received += (int64_t)n;
    return n;
}

static bool has_scheme(const char *url, const char *scheme) {
    size_t length = strlen(scheme);
    return strncasecmp(url, scheme, length) == 0 && url[length] == ':';
}

// Why a file:// URL could not be read: the errno of opening its path (0 when it opens).
static int32_t source_errno(const char *url) {
    CURLU *parsed = lib.curl_url();
    if (parsed == NULL) return 0;
    char *path = NULL;
    int32_t error = 0;
    if (lib.curl_url_set(parsed, CURLUPART_URL, url, 0) == CURLUE_OK
        && lib.curl_url_get(parsed, CURLUPART_PATH, &path, CURLU_URLDECODE) == CURLUE_OK) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) error = errno; else close(fd);
    }
    lib.curl_free(path);
    lib.curl_url_cleanup(parsed);
    return error;
}

static int32_t transfer(const char *url, const mote_fetch_options *options, sink *s, mote_fetch_result *result) {
    memset(result, 0, sizeof *result);
    pthread_once(&global_once, global_init);
    if (load_error[0] != 0) {
        result->curl_code = MOTE_FETCH_UNAVAILABLE;
        snprintf(result->message, sizeof result->message, "%s", load_error);
        return result->curl_code;
    }
    if (global_status != CURLE_OK) {
        result->curl_code = (int32_t)global_status;
        snprintf(result->message, sizeof result->message, "curl_global_init: %s", lib.curl_easy_strerror(global_status));
        return result->curl_code;
    }
    CURL *curl = lib.curl_easy_init();
    if (curl == NULL) {
        result->curl_code = CURLE_FAILED_INIT;
        snprintf(result->message, sizeof result->message, "curl_easy_init failed");
        return result->curl_code;
    }
    s->max_bytes = options->max_bytes < 0 ? 0 : options->max_bytes;
    lib.curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, result->message);
    lib.curl_easy_setopt(curl, CURLOPT_URL, url);
    lib.curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,file");
    lib.curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    lib.curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    lib.curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, has_scheme(url, "https") ? "https" : "http,https");
    lib.curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
    lib.curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    lib.curl_easy_setopt(curl, CURLOPT_USERAGENT, "mote");
    // The bytes as served: what the metadata's lengths and hashes are about.
    lib.curl_easy_setopt(curl, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    lib.curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    lib.curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    lib.curl_easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (options->ca_file != NULL) {
        lib.curl_easy_setopt(curl, CURLOPT_CAINFO, options->ca_file);
        lib.curl_easy_setopt(curl, CURLOPT_CAPATH, NULL);
    }
    if (options->resume_from > 0) lib.curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)options->resume_from);
    if (options->connect_timeout_ms > 0) lib.curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)options->connect_timeout_ms);
    if (options->timeout_ms > 0) lib.curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)options->timeout_ms);
    if (options->low_speed_seconds > 0) {
        lib.curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, (long)options->low_speed_bytes);
        lib.curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, (long)options->low_speed_seconds);
    }
    lib.curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, deliver);
    lib.curl_easy_setopt(curl, CURLOPT_WRITEDATA, s);
    s->declared = -1;
    s->resuming = options->resume_from > 0;
    lib.curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, header);
    lib.curl_easy_setopt(curl, CURLOPT_HEADERDATA, s);

    CURLcode code = lib.curl_easy_perform(curl);
    long status = 0;
    lib.curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    lib.curl_easy_cleanup(curl);

    result->http_status = (int32_t)status;
    result->received = s->received;
    result->sink_errno = s->sink_errno;
    result->curl_code = (int32_t)code;
    result->too_large = s->too_large;
    if (s->too_large) {
        snprintf(result->message, sizeof result->message, "the body exceeds %lld bytes", (long long)s->max_bytes);
    } else if (s->out_of_memory) {
        snprintf(result->message, sizeof result->message, "out of memory for a body of %lld bytes", (long long)s->received);
    } else if (code == CURLE_FILE_COULDNT_READ_FILE && has_scheme(url, "file")) {
        result->source_errno = source_errno(url);
    }
    if (code != CURLE_OK && result->message[0] == 0) {
        snprintf(result->message, sizeof result->message, "%s", lib.curl_easy_strerror(code));
    }
    return result->curl_code;
}

int32_t mote_fetch_memory(const char *url, const mote_fetch_options *options, uint8_t **body,
                          mote_fetch_result *result) {
    sink s = { .fd = -1 };
    int32_t code = transfer(url, options, &s, result);
    *body = s.buffer;
    return code;
}

void mote_fetch_free(uint8_t *body) { free(body); }

int32_t mote_fetch_descriptor(const char *url, const mote_fetch_options *options, int32_t fd,
                              mote_fetch_result *result) {
    sink s = { .fd = fd };
    return transfer(url, options, &s, result);
}

int32_t mote_fetch_open_output(const char *path, bool resume, int64_t *existing) {
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (resume ? O_APPEND : O_TRUNC), 0644);
    if (fd < 0) return -errno;
    struct stat status;
    if (fstat(fd, &status) < 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    *existing = (int64_t)status.st_size;
    return fd;
}

int32_t mote_fetch_close_output(int32_t fd) {
    int error = fsync(fd) < 0 ? errno : 0;
    if (close(fd) < 0 && error == 0) error = errno;
    return -error;
}
