// CSerial: serial ports through termios (raw mode, rates, framing, RTS/CTS, exclusive open,
// RS-485 direction control) and pseudo-terminal pairs for device models. Exists because the
// Embedded build cannot reach termios or ioctl; it stays while Mote talks to /dev/tty*.
// Fixed-width types only: imported by the bare Embedded target.
#ifndef MOTE_SERIAL_H
#define MOTE_SERIAL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

// Every call returns >= 0 on success and -errno on failure.

// Opens read-write, non-blocking, without becoming the controlling terminal; with `exclusive`,
// TIOCEXCL keeps other openers (but root) out. Returns the descriptor.
int32_t mote_serial_open(const char *path, bool exclusive);
int32_t mote_serial_close(int32_t fd);

typedef struct {
    uint32_t baud;       // a standard rate 50...4000000; -EINVAL otherwise
    uint8_t data_bits;   // 5...8
    uint8_t parity;      // 0 none, 1 odd, 2 even
    uint8_t stop_bits;   // 1 or 2
    bool rts_cts;        // hardware flow control
} mote_serial_config;

// Raw mode (no echo, no line discipline, no translation), VMIN = VTIME = 0: timing is Mote's.
int32_t mote_serial_configure(int32_t fd, const mote_serial_config *config);
// Reads the settings back as the driver took them.
int32_t mote_serial_get_config(int32_t fd, mote_serial_config *config);

// Up to `count` bytes; -EAGAIN when nothing is waiting.
int32_t mote_serial_read(int32_t fd, uint8_t *bytes, size_t count);
// Up to `count` bytes; returns how many were taken.
int32_t mote_serial_write(int32_t fd, const uint8_t *bytes, size_t count);
// Waits until everything written has left the UART (tcdrain).
int32_t mote_serial_drain(int32_t fd);
// Drops unread input (tcflush TCIFLUSH).
int32_t mote_serial_flush_input(int32_t fd);

// RS-485 half-duplex direction control by the driver (TIOCSRS485); -ENOTTY or -EINVAL where the
// driver has none.
int32_t mote_serial_set_rs485(int32_t fd, bool enabled, bool rts_on_send, uint32_t delay_before_ms, uint32_t delay_after_ms);

// A pseudo-terminal pair: the master descriptor (non-blocking), and the slave's path in
// `path` (at most `size` bytes), which mote_serial_open opens like a port.
int32_t mote_serial_open_pty(char *path, size_t size);

#ifdef __cplusplus
}
#endif
#endif
