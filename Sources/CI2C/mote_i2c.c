// CI2C: see include/mote_i2c.h.
#include "mote_i2c.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include <i2c/smbus.h>

static int32_t result(long value) {
    return value < 0 ? -errno : (int32_t)value;
}

int32_t mote_i2c_open(int32_t adapter, const char *path) {
    char name[32];
    if (path == NULL) {
        snprintf(name, sizeof name, "/dev/i2c-%d", (int)adapter);
        path = name;
    }
    return result(open(path, O_RDWR | O_CLOEXEC));
}

int32_t mote_i2c_close(int32_t fd) {
    return result(close(fd));
}

int32_t mote_i2c_functionality(int32_t fd, uint64_t *funcs) {
    unsigned long value = 0;
    int rc = ioctl(fd, I2C_FUNCS, &value);
    if (rc < 0) return -errno;
    *funcs = value;
    return 0;
}

int32_t mote_i2c_transfer(int32_t fd, mote_i2c_message *messages, uint32_t count) {
    if (count == 0 || count > I2C_RDWR_IOCTL_MAX_MSGS) return -EINVAL;
    struct i2c_msg msgs[I2C_RDWR_IOCTL_MAX_MSGS];
    for (uint32_t i = 0; i < count; i++) {
        msgs[i].addr = messages[i].address;
        msgs[i].flags = messages[i].read ? I2C_M_RD : 0;
        msgs[i].len = messages[i].length;
        msgs[i].buf = messages[i].buffer;
    }
    struct i2c_rdwr_ioctl_data set = { .msgs = msgs, .nmsgs = count };
    return result(ioctl(fd, I2C_RDWR, &set));
}

int32_t mote_i2c_set_address(int32_t fd, uint16_t address, bool force) {
    return result(ioctl(fd, force ? I2C_SLAVE_FORCE : I2C_SLAVE, (unsigned long)address));
}

int32_t mote_i2c_smbus_quick(int32_t fd, bool read) {
    return result(i2c_smbus_write_quick(fd, read ? I2C_SMBUS_READ : I2C_SMBUS_WRITE));
}

int32_t mote_i2c_smbus_read_byte(int32_t fd) {
    return result(i2c_smbus_read_byte(fd));
}

int32_t mote_i2c_smbus_write_byte(int32_t fd, uint8_t value) {
    return result(i2c_smbus_write_byte(fd, value));
}

int32_t mote_i2c_smbus_read_byte_data(int32_t fd, uint8_t command) {
    return result(i2c_smbus_read_byte_data(fd, command));
}

int32_t mote_i2c_smbus_write_byte_data(int32_t fd, uint8_t command, uint8_t value) {
    return result(i2c_smbus_write_byte_data(fd, command, value));
}

int32_t mote_i2c_smbus_read_word_data(int32_t fd, uint8_t command) {
    return result(i2c_smbus_read_word_data(fd, command));
}

int32_t mote_i2c_smbus_write_word_data(int32_t fd, uint8_t command, uint16_t value) {
    return result(i2c_smbus_write_word_data(fd, command, value));
}

int32_t mote_i2c_smbus_read_i2c_block(int32_t fd, uint8_t command, uint8_t length, uint8_t *values) {
    if (length == 0 || length > I2C_SMBUS_BLOCK_MAX) return -EINVAL;
    return result(i2c_smbus_read_i2c_block_data(fd, command, length, values));
}

int32_t mote_i2c_smbus_write_i2c_block(int32_t fd, uint8_t command, uint8_t length, const uint8_t *values) {
    if (length == 0 || length > I2C_SMBUS_BLOCK_MAX) return -EINVAL;
    return result(i2c_smbus_write_i2c_block_data(fd, command, length, values));
}
