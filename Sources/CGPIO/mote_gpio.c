// CGPIO: see include/mote_gpio.h. Two implementations behind one header: libgpiod 1.6 (the
// default) and libgpiod 2.x (-DMOTE_LIBGPIOD_V2; scripts/test compile-checks it against the
// libgpiod 2 header that PyPI's gpiod package ships).
#include "mote_gpio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gpiod.h>

static int32_t fail(void) { return errno ? -errno : -EIO; }

#ifndef MOTE_LIBGPIOD_V2
// ---------------------------------------------------------------- libgpiod 1.6

struct mote_gpio_chip { struct gpiod_chip *chip; };
struct mote_gpio_line {
    struct gpiod_line *line;
    mote_gpio_config config;
    uint64_t sequence;
};

static int32_t wrap_chip(struct gpiod_chip *c, mote_gpio_chip **chip) {
    if (c == NULL) return fail();
    *chip = calloc(1, sizeof **chip);
    if (*chip == NULL) { gpiod_chip_close(c); return -ENOMEM; }
    (*chip)->chip = c;
    return 0;
}

int32_t mote_gpio_chip_open(const char *spec, mote_gpio_chip **chip) {
    errno = 0;
    struct gpiod_chip *c;
    if (spec[0] == '/') c = gpiod_chip_open(spec);
    else if (strncmp(spec, "gpiochip", 8) == 0) c = gpiod_chip_open_by_name(spec);
    else { c = gpiod_chip_open_by_label(spec); if (c == NULL && errno == 0) errno = ENOENT; }
    return wrap_chip(c, chip);
}

int32_t mote_gpio_chip_open_index(uint32_t index, mote_gpio_chip **chip) {
    errno = 0;
    return wrap_chip(gpiod_chip_open_by_number(index), chip);
}

void mote_gpio_chip_close(mote_gpio_chip *chip) {
    if (chip == NULL) return;
    gpiod_chip_close(chip->chip);
    free(chip);
}

const char *mote_gpio_chip_name(mote_gpio_chip *chip) { return gpiod_chip_name(chip->chip); }
const char *mote_gpio_chip_label(mote_gpio_chip *chip) { return gpiod_chip_label(chip->chip); }
uint32_t mote_gpio_chip_line_count(mote_gpio_chip *chip) { return gpiod_chip_num_lines(chip->chip); }

int32_t mote_gpio_chip_find_line(mote_gpio_chip *chip, const char *name) {
    errno = 0;
    struct gpiod_line *line = gpiod_chip_find_line(chip->chip, name);
    if (line == NULL) return errno && errno != ENOENT ? -errno : -ENOENT;
    return (int32_t)gpiod_line_offset(line);
}

static struct gpiod_line *updated_line(mote_gpio_chip *chip, uint32_t offset) {
    struct gpiod_line *line = gpiod_chip_get_line(chip->chip, offset);
    if (line != NULL && gpiod_line_update(line) < 0) return NULL;
    return line;
}

static int32_t bias_from_v1(int bias) {
    switch (bias) {
    case GPIOD_LINE_BIAS_DISABLE: return MOTE_GPIO_BIAS_DISABLED;
    case GPIOD_LINE_BIAS_PULL_UP: return MOTE_GPIO_BIAS_PULL_UP;
    case GPIOD_LINE_BIAS_PULL_DOWN: return MOTE_GPIO_BIAS_PULL_DOWN;
    case GPIOD_LINE_BIAS_AS_IS: return MOTE_GPIO_BIAS_AS_IS;
    default: return MOTE_GPIO_BIAS_UNKNOWN;
    }
}

int32_t mote_gpio_line_info_get(mote_gpio_chip *chip, uint32_t offset, mote_gpio_line_info *info) {
    errno = 0;
    struct gpiod_line *line = updated_line(chip, offset);
    if (line == NULL) return fail();
    info->output = gpiod_line_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT;
    info->used = gpiod_line_is_used(line);
    info->active_low = gpiod_line_active_state(line) == GPIOD_LINE_ACTIVE_STATE_LOW;
    info->bias = bias_from_v1(gpiod_line_bias(line));
    return 0;
}

const char *mote_gpio_line_name(mote_gpio_chip *chip, uint32_t offset) {
    struct gpiod_line *line = gpiod_chip_get_line(chip->chip, offset);
    return line ? gpiod_line_name(line) : NULL;
}

const char *mote_gpio_line_consumer(mote_gpio_chip *chip, uint32_t offset) {
    struct gpiod_line *line = updated_line(chip, offset);
    return line ? gpiod_line_consumer(line) : NULL;
}

static int flags_v1(const mote_gpio_config *config) {
    int flags = 0;
    if (config->active_low) flags |= GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW;
    if (config->open_drain) flags |= GPIOD_LINE_REQUEST_FLAG_OPEN_DRAIN;
    switch (config->bias) {
    case MOTE_GPIO_BIAS_DISABLED: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE; break;
    case MOTE_GPIO_BIAS_PULL_UP: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP; break;
    case MOTE_GPIO_BIAS_PULL_DOWN: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN; break;
    default: break;
    }
    return flags;
}

static int request_type_v1(const mote_gpio_config *config) {
    if (config->output) return GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
    switch (config->edge) {
    case MOTE_GPIO_EDGE_RISING: return GPIOD_LINE_REQUEST_EVENT_RISING_EDGE;
    case MOTE_GPIO_EDGE_FALLING: return GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE;
    case MOTE_GPIO_EDGE_BOTH: return GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES;
    default: return GPIOD_LINE_REQUEST_DIRECTION_INPUT;
    }
}

static int request_v1(struct gpiod_line *line, const mote_gpio_config *config) {
    struct gpiod_line_request_config request = {
        .consumer = config->consumer ? config->consumer : "mote",
        .request_type = request_type_v1(config),
        .flags = flags_v1(config),
    };
    return gpiod_line_request(line, &request, config->initial_value);
}

int32_t mote_gpio_request(mote_gpio_chip *chip, uint32_t offset, const mote_gpio_config *config, mote_gpio_line **out) {
    if (config->debounce_us != 0) return -EOPNOTSUPP;
    errno = 0;
    struct gpiod_line *line = gpiod_chip_get_line(chip->chip, offset);
    if (line == NULL) return fail();
    if (request_v1(line, config) < 0) return fail();
    mote_gpio_line *handle = calloc(1, sizeof *handle);
    if (handle == NULL) { gpiod_line_release(line); return -ENOMEM; }
    handle->line = line;
    handle->config = *config;
    *out = handle;
    return 0;
}

int32_t mote_gpio_reconfigure(mote_gpio_line *line, const mote_gpio_config *config) {
    if (config->debounce_us != 0) return -EOPNOTSUPP;
    errno = 0;
    bool events_before = !line->config.output && line->config.edge != MOTE_GPIO_EDGE_NONE;
    bool events_after = !config->output && config->edge != MOTE_GPIO_EDGE_NONE;
    if (events_before || events_after) {
        // The 1.6 API cannot change edge detection of a held request: request again.
        gpiod_line_release(line->line);
        if (request_v1(line->line, config) < 0) return fail();
        line->sequence = 0;
    } else {
        int direction = config->output ? GPIOD_LINE_REQUEST_DIRECTION_OUTPUT : GPIOD_LINE_REQUEST_DIRECTION_INPUT;
        if (gpiod_line_set_config(line->line, direction, flags_v1(config), config->initial_value) < 0) return fail();
    }
    line->config = *config;
    return 0;
}

void mote_gpio_release(mote_gpio_line *line) {
    if (line == NULL) return;
    gpiod_line_release(line->line);
    free(line);
}

int32_t mote_gpio_get(mote_gpio_line *line) {
    errno = 0;
    int value = gpiod_line_get_value(line->line);
    return value < 0 ? fail() : value;
}

int32_t mote_gpio_set(mote_gpio_line *line, int32_t value) {
    errno = 0;
    return gpiod_line_set_value(line->line, value ? 1 : 0) < 0 ? fail() : 0;
}

bool mote_gpio_kernel_debounce(void) { return false; }

int32_t mote_gpio_event_fd(mote_gpio_line *line) {
    errno = 0;
    int fd = gpiod_line_event_get_fd(line->line);
    return fd < 0 ? fail() : fd;
}

int32_t mote_gpio_read_event(mote_gpio_line *line, mote_gpio_event *event) {
    errno = 0;
    struct gpiod_line_event raw;
    if (gpiod_line_event_read(line->line, &raw) < 0) return fail();
    event->timestamp_ns = (int64_t)raw.ts.tv_sec * 1000000000 + raw.ts.tv_nsec;
    event->rising = raw.event_type == GPIOD_LINE_EVENT_RISING_EDGE;
    event->sequence = ++line->sequence;
    return 0;
}

#else
// ---------------------------------------------------------------- libgpiod 2.x


struct mote_gpio_chip {
    struct gpiod_chip *chip;
    struct gpiod_chip_info *info;
    struct gpiod_line_info *line_info;  // backs the strings mote_gpio_line_name returns
};
struct mote_gpio_line {
    struct gpiod_line_request *request;
    struct gpiod_edge_event_buffer *events;
    unsigned int offset;
    mote_gpio_config config;
};

static int32_t wrap_chip(struct gpiod_chip *c, mote_gpio_chip **chip) {
    if (c == NULL) return fail();
    struct gpiod_chip_info *info = gpiod_chip_get_info(c);
    if (info == NULL) { int32_t rc = fail(); gpiod_chip_close(c); return rc; }
    *chip = calloc(1, sizeof **chip);
    if (*chip == NULL) { gpiod_chip_info_free(info); gpiod_chip_close(c); return -ENOMEM; }
    (*chip)->chip = c;
    (*chip)->info = info;
    return 0;
}

int32_t mote_gpio_chip_open_index(uint32_t index, mote_gpio_chip **chip) {
    char path[32];
    snprintf(path, sizeof path, "/dev/gpiochip%u", index);
    errno = 0;
    return wrap_chip(gpiod_chip_open(path), chip);
}

int32_t mote_gpio_chip_open(const char *spec, mote_gpio_chip **chip) {
    errno = 0;
    if (spec[0] == '/') return wrap_chip(gpiod_chip_open(spec), chip);
    if (strncmp(spec, "gpiochip", 8) == 0) {
        char path[64];
        snprintf(path, sizeof path, "/dev/%s", spec);
        return wrap_chip(gpiod_chip_open(path), chip);
    }
    // A label: 2.x has no lookup of its own, so try each chip.
    for (uint32_t index = 0; index < 1024; index++) {
        mote_gpio_chip *candidate;
        int32_t rc = mote_gpio_chip_open_index(index, &candidate);
        if (rc == -ENOENT) break;
        if (rc < 0) continue;
        if (strcmp(gpiod_chip_info_get_label(candidate->info), spec) == 0) { *chip = candidate; return 0; }
        mote_gpio_chip_close(candidate);
    }
    return -ENOENT;
}

void mote_gpio_chip_close(mote_gpio_chip *chip) {
    if (chip == NULL) return;
    if (chip->line_info) gpiod_line_info_free(chip->line_info);
    gpiod_chip_info_free(chip->info);
    gpiod_chip_close(chip->chip);
    free(chip);
}

const char *mote_gpio_chip_name(mote_gpio_chip *chip) { return gpiod_chip_info_get_name(chip->info); }
const char *mote_gpio_chip_label(mote_gpio_chip *chip) { return gpiod_chip_info_get_label(chip->info); }
uint32_t mote_gpio_chip_line_count(mote_gpio_chip *chip) { return (uint32_t)gpiod_chip_info_get_num_lines(chip->info); }

int32_t mote_gpio_chip_find_line(mote_gpio_chip *chip, const char *name) {
    errno = 0;
    int offset = gpiod_chip_get_line_offset_from_name(chip->chip, name);
    if (offset < 0) return errno && errno != ENOENT ? -errno : -ENOENT;
    return offset;
}

static struct gpiod_line_info *fresh_info(mote_gpio_chip *chip, uint32_t offset) {
    if (chip->line_info) gpiod_line_info_free(chip->line_info);
    chip->line_info = gpiod_chip_get_line_info(chip->chip, offset);
    return chip->line_info;
}

static int32_t bias_from_v2(enum gpiod_line_bias bias) {
    switch (bias) {
    case GPIOD_LINE_BIAS_DISABLED: return MOTE_GPIO_BIAS_DISABLED;
    case GPIOD_LINE_BIAS_PULL_UP: return MOTE_GPIO_BIAS_PULL_UP;
    case GPIOD_LINE_BIAS_PULL_DOWN: return MOTE_GPIO_BIAS_PULL_DOWN;
    case GPIOD_LINE_BIAS_AS_IS: return MOTE_GPIO_BIAS_AS_IS;
    default: return MOTE_GPIO_BIAS_UNKNOWN;
    }
}

int32_t mote_gpio_line_info_get(mote_gpio_chip *chip, uint32_t offset, mote_gpio_line_info *info) {
    errno = 0;
    struct gpiod_line_info *line = fresh_info(chip, offset);
    if (line == NULL) return fail();
    info->output = gpiod_line_info_get_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT;
    info->used = gpiod_line_info_is_used(line);
    info->active_low = gpiod_line_info_is_active_low(line);
    info->bias = bias_from_v2(gpiod_line_info_get_bias(line));
    return 0;
}

const char *mote_gpio_line_name(mote_gpio_chip *chip, uint32_t offset) {
    struct gpiod_line_info *line = fresh_info(chip, offset);
    return line ? gpiod_line_info_get_name(line) : NULL;
}

const char *mote_gpio_line_consumer(mote_gpio_chip *chip, uint32_t offset) {
    struct gpiod_line_info *line = fresh_info(chip, offset);
    return line ? gpiod_line_info_get_consumer(line) : NULL;
}

static struct gpiod_line_config *line_config_v2(unsigned int offset, const mote_gpio_config *config) {
    struct gpiod_line_settings *settings = gpiod_line_settings_new();
    struct gpiod_line_config *line_config = gpiod_line_config_new();
    if (settings == NULL || line_config == NULL) goto failed;
    gpiod_line_settings_set_direction(settings, config->output ? GPIOD_LINE_DIRECTION_OUTPUT : GPIOD_LINE_DIRECTION_INPUT);
    gpiod_line_settings_set_active_low(settings, config->active_low);
    if (config->open_drain) gpiod_line_settings_set_drive(settings, GPIOD_LINE_DRIVE_OPEN_DRAIN);
    static const enum gpiod_line_bias biases[] = {
        GPIOD_LINE_BIAS_AS_IS, GPIOD_LINE_BIAS_DISABLED, GPIOD_LINE_BIAS_PULL_UP, GPIOD_LINE_BIAS_PULL_DOWN,
    };
    if (config->bias >= 0 && config->bias <= 3) gpiod_line_settings_set_bias(settings, biases[config->bias]);
    if (config->output) {
        gpiod_line_settings_set_output_value(settings, config->initial_value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
    } else {
        static const enum gpiod_line_edge edges[] = {
            GPIOD_LINE_EDGE_NONE, GPIOD_LINE_EDGE_RISING, GPIOD_LINE_EDGE_FALLING, GPIOD_LINE_EDGE_BOTH,
        };
        if (config->edge >= 0 && config->edge <= 3) gpiod_line_settings_set_edge_detection(settings, edges[config->edge]);
        gpiod_line_settings_set_debounce_period_us(settings, config->debounce_us);
    }
    if (gpiod_line_config_add_line_settings(line_config, &offset, 1, settings) < 0) goto failed;
    gpiod_line_settings_free(settings);
    return line_config;
failed:
    if (settings) gpiod_line_settings_free(settings);
    if (line_config) gpiod_line_config_free(line_config);
    return NULL;
}

int32_t mote_gpio_request(mote_gpio_chip *chip, uint32_t offset, const mote_gpio_config *config, mote_gpio_line **out) {
    errno = 0;
    struct gpiod_line_config *line_config = line_config_v2(offset, config);
    struct gpiod_request_config *request_config = gpiod_request_config_new();
    mote_gpio_line *handle = calloc(1, sizeof *handle);
    int32_t rc = 0;
    if (line_config == NULL || request_config == NULL || handle == NULL) { rc = -ENOMEM; goto done; }
    gpiod_request_config_set_consumer(request_config, config->consumer ? config->consumer : "mote");
    handle->request = gpiod_chip_request_lines(chip->chip, request_config, line_config);
    if (handle->request == NULL) { rc = fail(); goto done; }
    handle->events = gpiod_edge_event_buffer_new(1);
    if (handle->events == NULL) { gpiod_line_request_release(handle->request); rc = -ENOMEM; goto done; }
    handle->offset = offset;
    handle->config = *config;
    *out = handle;
    handle = NULL;
done:
    free(handle);
    if (line_config) gpiod_line_config_free(line_config);
    if (request_config) gpiod_request_config_free(request_config);
    return rc;
}

int32_t mote_gpio_reconfigure(mote_gpio_line *line, const mote_gpio_config *config) {
    errno = 0;
    struct gpiod_line_config *line_config = line_config_v2(line->offset, config);
    if (line_config == NULL) return -ENOMEM;
    int rc = gpiod_line_request_reconfigure_lines(line->request, line_config);
    gpiod_line_config_free(line_config);
    if (rc < 0) return fail();
    line->config = *config;
    return 0;
}

void mote_gpio_release(mote_gpio_line *line) {
    if (line == NULL) return;
    gpiod_edge_event_buffer_free(line->events);
    gpiod_line_request_release(line->request);
    free(line);
}

int32_t mote_gpio_get(mote_gpio_line *line) {
    errno = 0;
    enum gpiod_line_value value = gpiod_line_request_get_value(line->request, line->offset);
    return value == GPIOD_LINE_VALUE_ERROR ? fail() : (value == GPIOD_LINE_VALUE_ACTIVE);
}

int32_t mote_gpio_set(mote_gpio_line *line, int32_t value) {
    errno = 0;
    return gpiod_line_request_set_value(line->request, line->offset,
                                        value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE) < 0 ? fail() : 0;
}

bool mote_gpio_kernel_debounce(void) { return true; }

int32_t mote_gpio_event_fd(mote_gpio_line *line) {
    errno = 0;
    int fd = gpiod_line_request_get_fd(line->request);
    return fd < 0 ? fail() : fd;
}

int32_t mote_gpio_read_event(mote_gpio_line *line, mote_gpio_event *event) {
    errno = 0;
    if (gpiod_line_request_read_edge_events(line->request, line->events, 1) < 0) return fail();
    struct gpiod_edge_event *raw = gpiod_edge_event_buffer_get_event(line->events, 0);
    event->timestamp_ns = (int64_t)gpiod_edge_event_get_timestamp_ns(raw);
    event->rising = gpiod_edge_event_get_event_type(raw) == GPIOD_EDGE_EVENT_RISING_EDGE;
    event->sequence = gpiod_edge_event_get_line_seqno(raw);
    return 0;
}
#endif
