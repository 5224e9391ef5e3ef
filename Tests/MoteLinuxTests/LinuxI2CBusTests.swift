import Testing
import MoteHAL
import MoteLinux

@Suite struct LinuxI2CBusTests {
    @Test func aMissingAdapterIsNamedWithItsErrno() {
        var expected = BusError(.unavailable, operation: "open", bus: "/dev/i2c-250", errno: .ENOENT)
        expected.existing = LinuxI2CBus.adapters()
        #expect(throws: expected) { _ = try LinuxI2CBus(path: "/dev/i2c-250") }
        #expect(expected.description.hasPrefix("open on /dev/i2c-250: not available (ENOENT); present: "))
    }

    @Test func aFileThatIsNoAdapterFailsOnI2CFuncs() {
        // /dev/null opens, but the I2C_FUNCS ioctl is not for it (ENOTTY).
        #expect(throws: BusError(errno: .ENOTTY, operation: "I2C_FUNCS", bus: "/dev/null")) {
            _ = try LinuxI2CBus(path: "/dev/null")
        }
    }

    @Test func theMonotonicClockStartsNearZeroAndSleepsUntilTheDeadline() {
        let clock = MonotonicClock()
        let start = clock.now()
        #expect(start.nanoseconds >= 0 && start < Instant.zero + .seconds(1))
        clock.sleep(until: start + .milliseconds(20))
        #expect(clock.now() >= start + .milliseconds(20))
    }
}
