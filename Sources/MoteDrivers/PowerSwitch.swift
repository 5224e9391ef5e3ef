import MoteHAL

/// Powers a sensor only around its measurement, the usual low-power pattern: a GPIO output (a
/// load switch or a MOSFET) on, the part's warm-up, set-up and reading, power off again. The
/// part is set up on every reading, since it forgets everything when unpowered.
public struct PowerSwitched<Driver: SensorDriver, Pin: GPIOPin>: SensorDriver {
    public static var part: String { "power-switch" }
    public var driver: Driver
    public let power: Pin
    /// From power on to a part ready for its first command (datasheet start-up time).
    public let warmUp: TimeSpan

    public init(_ driver: Driver, power: Pin, warmUp: TimeSpan) {
        self.driver = driver
        self.power = power
        self.warmUp = warmUp
    }

    public var channels: [ChannelSpec] { driver.channels }
    public var location: String { driver.location }
    public var wakeSource: WakeSource { driver.wakeSource }

    public mutating func setUp(clock: some Clock) throws(SensorError) {
        do { try power.set(false) } catch { throw SensorError(.bus, "power switch: " + error.description) }
    }

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        do { try power.set(true) } catch { throw SensorError(.bus, "power switch: " + error.description) }
        defer { try? power.set(false) }
        clock.sleep(for: warmUp)
        try driver.setUp(clock: clock)
        return try driver.read(clock: clock)
    }
}
