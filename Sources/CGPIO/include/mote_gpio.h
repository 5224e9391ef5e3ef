// CGPIO: GPIO lines through libgpiod (the 1.6 API of Debian 12 and Raspberry Pi OS 12 by
// default; build with -DMOTE_LIBGPIOD_V2 for libgpiod 2.x). Exists because libgpiod's API is C
// and differs between its major versions; it stays while Mote talks to /dev/gpiochipN.
// Fixed-width types and opaque handles only: imported by the bare Embedded target.
#ifndef MOTE_GPIO_H
#define MOTE_GPIO_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mote_gpio_chip mote_gpio_chip;
typedef struct mote_gpio_line mote_gpio_line;

// Every int32_t call returns >= 0 on success and -errno on failure.

// Opens a chip by path (/dev/gpiochip4), name (gpiochip4) or label (pinctrl-rp1).
int32_t mote_gpio_chip_open(const char *spec, mote_gpio_chip **chip);
// Opens the chip at /dev/gpiochip<index>; -ENOENT past the last one.
int32_t mote_gpio_chip_open_index(uint32_t index, mote_gpio_chip **chip);
void mote_gpio_chip_close(mote_gpio_chip *chip);
const char *mote_gpio_chip_name(mote_gpio_chip *chip);
const char *mote_gpio_chip_label(mote_gpio_chip *chip);
uint32_t mote_gpio_chip_line_count(mote_gpio_chip *chip);

// The offset of the line called `name`, or -ENOENT.
int32_t mote_gpio_chip_find_line(mote_gpio_chip *chip, const char *name);

// What the kernel says about a line, requested by anyone or not.
typedef struct {
    bool output;
    bool used;
    bool active_low;
    int32_t bias;           // MOTE_GPIO_BIAS_*
} mote_gpio_line_info;
int32_t mote_gpio_line_info_get(mote_gpio_chip *chip, uint32_t offset, mote_gpio_line_info *info);
// The line's name and consumer, or NULL. Valid until the chip is closed or the next call.
const char *mote_gpio_line_name(mote_gpio_chip *chip, uint32_t offset);
const char *mote_gpio_line_consumer(mote_gpio_chip *chip, uint32_t offset);

enum { MOTE_GPIO_BIAS_AS_IS = 0, MOTE_GPIO_BIAS_DISABLED = 1, MOTE_GPIO_BIAS_PULL_UP = 2, MOTE_GPIO_BIAS_PULL_DOWN = 3, MOTE_GPIO_BIAS_UNKNOWN = 4 };
enum { MOTE_GPIO_EDGE_NONE = 0, MOTE_GPIO_EDGE_RISING = 1, MOTE_GPIO_EDGE_FALLING = 2, MOTE_GPIO_EDGE_BOTH = 3 };

typedef struct {
    bool output;
    bool active_low;
    bool open_drain;
    int32_t bias;           // MOTE_GPIO_BIAS_*
    int32_t edge;           // MOTE_GPIO_EDGE_*, inputs only
    int32_t initial_value;  // outputs: logical value at request time
    uint32_t debounce_us;   // libgpiod 2.x only; -EOPNOTSUPP on 1.6 when non-zero
    const char *consumer;
} mote_gpio_config;

// Requests the line; the request lasts until mote_gpio_release.
int32_t mote_gpio_request(mote_gpio_chip *chip, uint32_t offset, const mote_gpio_config *config, mote_gpio_line **line);
// Changes a held request in place (direction, flags, value); a change of edge detection needs
// a new kernel request, which this does without letting another consumer take the line on 2.x.
int32_t mote_gpio_reconfigure(mote_gpio_line *line, const mote_gpio_config *config);
void mote_gpio_release(mote_gpio_line *line);
// Logical values (active-low applied).
int32_t mote_gpio_get(mote_gpio_line *line);
int32_t mote_gpio_set(mote_gpio_line *line, int32_t value);
// True when the kernel debounces (libgpiod 2.x); 1.6 leaves it to Mote.
bool mote_gpio_kernel_debounce(void);

// The descriptor that becomes readable when an edge event is queued (for poll).
int32_t mote_gpio_event_fd(mote_gpio_line *line);
typedef struct {
    int64_t timestamp_ns;   // the kernel's, CLOCK_MONOTONIC
    bool rising;
    uint64_t sequence;      // per line, from 1: the kernel's on 2.x, counted here on 1.6
} mote_gpio_event;
// Reads one queued event; blocks if none is queued, so poll the fd first.
int32_t mote_gpio_read_event(mote_gpio_line *line, mote_gpio_event *event);

#ifdef __cplusplus
}
#endif
#endif
