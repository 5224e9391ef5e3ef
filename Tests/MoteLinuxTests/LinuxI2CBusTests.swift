import Testing
import MoteHAL
import MoteLinux

@Suite struct LinuxI2CBusTests {
    @Test func aMissingAdapterIsNamedWithItsErrno() {
        #expect(throws: BusError(.unavailable, operation: "open", bus: "/dev/i2c-250", errno: .ENOENT)) {
            _ = try LinuxI2CBus(path: "/dev/i2c-250")
        }
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
