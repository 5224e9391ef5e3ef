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
