// CI2C: the Linux i2c-dev interface (open, I2C_RDWR, I2C_FUNCS) and libi2c's SMBus calls.
// Exists because Swift cannot call ioctl() with the kernel's structs from Embedded builds; it
// stays as long as Mote talks to /dev/i2c-N. Fixed-width types only: this header is imported by
// the bare -none- Embedded target, which has no libc headers.
#ifndef MOTE_I2C_H
#define MOTE_I2C_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

// Every call returns >= 0 on success and -errno on failure.

// Opens /dev/i2c-<adapter> (or `path` when it is not NULL) read-write, close-on-exec.
// Returns the file descriptor.
int32_t mote_i2c_open(int32_t adapter, const char *path);
int32_t mote_i2c_close(int32_t fd);

// I2C_FUNCS: the adapter's functionality bits (I2C_FUNC_* of <linux/i2c.h>) into *funcs.
int32_t mote_i2c_functionality(int32_t fd, uint64_t *funcs);

// One message of a combined transaction.
typedef struct {
    uint16_t address;   // 7-bit address
    bool read;          // true: read `length` bytes into `buffer`; false: write them
    uint16_t length;
    uint8_t *buffer;
} mote_i2c_message;

// I2C_RDWR: all messages in one transaction, repeated START between them, one STOP at the end.
int32_t mote_i2c_transfer(int32_t fd, mote_i2c_message *messages, uint32_t count);

// I2C_SLAVE (or I2C_SLAVE_FORCE when `force`): the address the SMBus calls below talk to.
int32_t mote_i2c_set_address(int32_t fd, uint16_t address, bool force);

// SMBus transfers through libi2c. Results are returned (>= 0) or -errno.
int32_t mote_i2c_smbus_quick(int32_t fd, bool read);
int32_t mote_i2c_smbus_read_byte(int32_t fd);
int32_t mote_i2c_smbus_write_byte(int32_t fd, uint8_t value);
int32_t mote_i2c_smbus_read_byte_data(int32_t fd, uint8_t command);
int32_t mote_i2c_smbus_write_byte_data(int32_t fd, uint8_t command, uint8_t value);
int32_t mote_i2c_smbus_read_word_data(int32_t fd, uint8_t command);
int32_t mote_i2c_smbus_write_word_data(int32_t fd, uint8_t command, uint16_t value);
// I2C block read of `length` (1..32) bytes starting at `command`; returns the count read.
int32_t mote_i2c_smbus_read_i2c_block(int32_t fd, uint8_t command, uint8_t length, uint8_t *values);
int32_t mote_i2c_smbus_write_i2c_block(int32_t fd, uint8_t command, uint8_t length, const uint8_t *values);

#ifdef __cplusplus
}
#endif
#endif
