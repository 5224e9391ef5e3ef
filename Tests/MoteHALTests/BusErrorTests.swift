import Testing
import MoteHAL

@Suite struct BusErrorTests {
    /// Documentation/i2c/fault-codes.rst, plus the ENODEV of SMBus emulation (i2c-stub, seen
    /// on the emulated board) and the EREMOTEIO that i2c-bcm2835 reports for every NAK.
    @Test(arguments: [
        (Int32(6), BusErrorKind.noAcknowledge(.address)),   // ENXIO
        (19, .noAcknowledge(.unknown)),                      // ENODEV
        (121, .noAcknowledge(.unknown)),                     // EREMOTEIO
        (11, .arbitrationLoss),                              // EAGAIN
        (110, .timeout),                                     // ETIMEDOUT
        (75, .overrun),                                      // EOVERFLOW
        (5, .bus), (16, .bus), (71, .bus), (74, .bus),       // EIO, EBUSY, EPROTO, EBADMSG
        (95, .unsupported),                                  // EOPNOTSUPP
        (22, .other), (12, .other),                          // EINVAL, ENOMEM
    ])
    func errnoMapsToKind(errno: Int32, kind: BusErrorKind) {
        #expect(BusErrorKind.from(errno: Errno(errno)) == kind)
    }

    @Test func descriptionNamesBusAddressKindAndErrno() {
        let error = BusError(errno: Errno(6), operation: "I2C_RDWR", bus: "/dev/i2c-1", address: 0x76)
        #expect(error.kind == .noAcknowledge(.address))
        #expect(error.description == "I2C_RDWR on /dev/i2c-1 at 0x76: no acknowledge (address) (ENXIO)")
        var open = BusError(.unavailable, operation: "open", bus: "/dev/i2c-9", errno: .ENOENT)
        open.existing = ["/dev/i2c-1", "/dev/i2c-20"]
        #expect(open.description == "open on /dev/i2c-9: not available (ENOENT); present: /dev/i2c-1, /dev/i2c-20")
        let denied = BusError(.unavailable, operation: "open", bus: "/dev/i2c-1", errno: .EACCES)
        #expect(denied.description == "open on /dev/i2c-1: not available (EACCES); the user needs the i2c group")
        let tty = BusError(errno: .EACCES, operation: "open", bus: "/dev/ttyAMA0")
        #expect(tty.description == "open on /dev/ttyAMA0: failed (EACCES); the user needs the dialout group")
    }

    @Test func unknownErrnoIsNamedByNumber() {
        #expect(Errno(200).name == "errno 200")
        #expect(Errno.EREMOTEIO.name == "EREMOTEIO")
    }

    @Test func hexIsLowerCaseTwoDigitsPerByte() {
        #expect(Hex.encode([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(Hex.byte(0x76) == "0x76")
        #expect(Hex.encode([]) == "")
    }

    @Test func instantsAndSpansAdd() {
        let t = Instant.zero + .seconds(2) + .milliseconds(3)
        #expect(t.nanoseconds == 2_003_000_000)
        #expect(t.milliseconds == 2003)
        #expect(t - Instant(nanoseconds: 3_000_000) == .seconds(2))
        #expect(TimeSpan.microseconds(5) * 3 == TimeSpan(nanoseconds: 15_000))
    }
}

@Suite struct GPIOErrorTests {
    @Test func whatDoesNotExistIsNamedWithWhatDoes() {
        let chip = GPIOError(.noSuchChip, operation: "open", chip: "pinctrl-rp1", errno: .ENOENT,
                             existing: ["gpiochip0 [pinctrl-bcm2711]", "gpiochip1 [raspberrypi-exp-gpio]"])
        #expect(chip.description == "no GPIO chip 'pinctrl-rp1'; chips: gpiochip0 [pinctrl-bcm2711], gpiochip1 [raspberrypi-exp-gpio]")
        let none = GPIOError(.noSuchChip, operation: "open", chip: "x")
        #expect(none.description == "no GPIO chip 'x'; chips: none")
        let line = GPIOError(.noSuchLine, operation: "find line", chip: "gpiochip1 [mote-sim]", line: "NOPE", existing: ["0 LED", "1"])
        #expect(line.description == "no line 'NOPE' on gpiochip1 [mote-sim]; lines: 0 LED, 1")
    }

    @Test func errnoKinds() {
        #expect(GPIOError(errno: .EACCES, operation: "open", chip: "/dev/gpiochip0").kind == .permissionDenied)
        #expect(GPIOError(errno: Errno(1), operation: "request", chip: "c").kind == .permissionDenied)
        #expect(GPIOError(errno: .EBUSY, operation: "request", chip: "gpiochip0 [x]", line: "17").description
                == "request of line 17 on gpiochip0 [x]: busy, another consumer holds it (EBUSY)")
        #expect(GPIOError(errno: .EACCES, operation: "open", chip: "/dev/gpiochip0").description
                == "open on /dev/gpiochip0: permission denied (EACCES); the user needs the gpio group")
    }
}
