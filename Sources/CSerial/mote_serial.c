// CSerial: see include/mote_serial.h.
#define _GNU_SOURCE
#include "mote_serial.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <linux/serial.h>

static int32_t result(long value) { return value < 0 ? -errno : (int32_t)value; }

int32_t mote_serial_open(const char *path, bool exclusive) {
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -errno;
    if (exclusive && ioctl(fd, TIOCEXCL) < 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

int32_t mote_serial_close(int32_t fd) { return result(close(fd)); }

static const struct { uint32_t baud; speed_t speed; } rates[] = {
    {50, B50}, {75, B75}, {110, B110}, {134, B134}, {150, B150}, {200, B200}, {300, B300},
    {600, B600}, {1200, B1200}, {1800, B1800}, {2400, B2400}, {4800, B4800}, {9600, B9600},
    {19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200}, {230400, B230400},
    {460800, B460800}, {500000, B500000}, {576000, B576000}, {921600, B921600},
    {1000000, B1000000}, {1152000, B1152000}, {1500000, B1500000}, {2000000, B2000000},
    {2500000, B2500000}, {3000000, B3000000}, {3500000, B3500000}, {4000000, B4000000},
};

int32_t mote_serial_configure(int32_t fd, const mote_serial_config *config) {
    speed_t speed = 0;
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        if (rates[i].baud == config->baud) speed = rates[i].speed;
    if (speed == 0 || config->data_bits < 5 || config->data_bits > 8 || config->parity > 2
        || (config->stop_bits != 1 && config->stop_bits != 2)) return -EINVAL;
    struct termios tio;
    if (tcgetattr(fd, &tio) < 0) return -errno;
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
    static const tcflag_t sizes[] = {CS5, CS6, CS7, CS8};
    tio.c_cflag |= sizes[config->data_bits - 5];
    if (config->parity != 0) tio.c_cflag |= PARENB | (config->parity == 1 ? PARODD : 0);
    if (config->parity != 0) tio.c_iflag |= INPCK;
    if (config->stop_bits == 2) tio.c_cflag |= CSTOPB;
    if (config->rts_cts) tio.c_cflag |= CRTSCTS;
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    if (cfsetispeed(&tio, speed) < 0 || cfsetospeed(&tio, speed) < 0) return -errno;
    return result(tcsetattr(fd, TCSANOW, &tio));
}

int32_t mote_serial_get_config(int32_t fd, mote_serial_config *config) {
    struct termios tio;
    if (tcgetattr(fd, &tio) < 0) return -errno;
    speed_t speed = cfgetospeed(&tio);
    config->baud = 0;
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        if (rates[i].speed == speed) config->baud = rates[i].baud;
    switch (tio.c_cflag & CSIZE) {
    case CS5: config->data_bits = 5; break;
    case CS6: config->data_bits = 6; break;
    case CS7: config->data_bits = 7; break;
    default: config->data_bits = 8; break;
    }
    config->parity = (tio.c_cflag & PARENB) ? ((tio.c_cflag & PARODD) ? 1 : 2) : 0;
    config->stop_bits = (tio.c_cflag & CSTOPB) ? 2 : 1;
    config->rts_cts = (tio.c_cflag & CRTSCTS) != 0;
    return 0;
}

int32_t mote_serial_read(int32_t fd, uint8_t *bytes, size_t count) {
    ssize_t n = read(fd, bytes, count);
    if (n < 0 && errno == EWOULDBLOCK) return -EAGAIN;
    return result(n);
}

int32_t mote_serial_write(int32_t fd, const uint8_t *bytes, size_t count) {
    ssize_t n = write(fd, bytes, count);
    if (n < 0 && errno == EWOULDBLOCK) return -EAGAIN;
    return result(n);
}

int32_t mote_serial_drain(int32_t fd) { return result(tcdrain(fd)); }
int32_t mote_serial_flush_input(int32_t fd) { return result(tcflush(fd, TCIFLUSH)); }

int32_t mote_serial_set_rs485(int32_t fd, bool enabled, bool rts_on_send, uint32_t delay_before_ms, uint32_t delay_after_ms) {
    struct serial_rs485 rs485;
    memset(&rs485, 0, sizeof rs485);
    if (enabled) {
        rs485.flags = SER_RS485_ENABLED | (rts_on_send ? SER_RS485_RTS_ON_SEND : SER_RS485_RTS_AFTER_SEND);
        rs485.delay_rts_before_send = delay_before_ms;
        rs485.delay_rts_after_send = delay_after_ms;
    }
    return result(ioctl(fd, TIOCSRS485, &rs485));
}

int32_t mote_serial_open_pty(char *path, size_t size) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -errno;
    if (grantpt(fd) < 0 || unlockpt(fd) < 0 || ptsname_r(fd, path, size) != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    // The master side in raw mode too, so bytes cross unchanged in both directions.
    struct termios tio;
    if (tcgetattr(fd, &tio) == 0) { cfmakeraw(&tio); tcsetattr(fd, TCSANOW, &tio); }
    return fd;
}
