import MoteHAL

/// ROHM BH1750FVI ambient light sensor on I2C (datasheet "BH1750FVI", rev. D).
///
/// One-byte instructions, no registers. `measure` starts a one-time H-resolution measurement
/// (1 lx resolution), waits the maximum duration and reads the 2-byte result. The part powers
/// itself down after a one-time measurement, so nothing runs between readings.
public struct BH1750<Bus: I2CBus> {
    public var bus: Bus
    /// 0x23 with ADDR low, 0x5C with ADDR high.
    public let address: UInt8

    public init(bus: Bus, address: UInt8 = 0x23) {
        self.bus = bus
        self.address = address
    }

    /// Powers the part on and resets its data register (reset is refused in power-down, so
    /// power on first: datasheet, instruction set architecture).
    public mutating func start(clock: some Clock) throws(BH1750Error) {
        try send(BH1750Instruction.powerOn)
        try send(BH1750Instruction.reset)
    }

    /// One one-time H-resolution measurement. A saturated count is not a reading.
    public mutating func measure(clock: some Clock) throws(BH1750Error) -> BH1750Measurement {
        try send(BH1750Instruction.oneTimeHighResolution)
        clock.sleep(for: .milliseconds(BH1750Instruction.highResolutionMilliseconds))
        var reply: [UInt8] = [0, 0]
        do { try bus.read(address, into: &reply) } catch { throw .bus(error, instruction: BH1750Instruction.oneTimeHighResolution) }
        let m = BH1750Measurement(raw: UInt16(reply[0]) << 8 | UInt16(reply[1]))
        guard m.raw != 0xFFFF else { throw .saturated }
        return m
    }

    private mutating func send(_ instruction: UInt8) throws(BH1750Error) {
        do { try bus.write(address, [instruction]) } catch { throw .bus(error, instruction: instruction) }
    }
}

/// Instruction set and timing (datasheet: instruction set architecture, electrical
/// characteristics: H-resolution measurement time typ. 120 ms, max. 180 ms).
private enum BH1750Instruction {
    static let powerOn: UInt8 = 0x01
    static let reset: UInt8 = 0x07
    static let oneTimeHighResolution: UInt8 = 0x20

    static let highResolutionMilliseconds: Int64 = 180
}

/// A 16-bit count at the default measurement time (MTreg = 69).
public struct BH1750Measurement: Equatable, Sendable {
    public var raw: UInt16

    public init(raw: UInt16) {
        self.raw = raw
    }

    /// lx = count / 1.2 (datasheet, measurement sequence example: 0x8390 = 33680 → 28067 lx).
    public var lux: Double { Double(raw) / 1.2 }
}

extension BH1750: SensorDriver {
    public static var part: String { "BH1750" }

    public var channels: [ChannelSpec] { ChannelSpec.bh1750 }

    public var location: String { "bh1750@" + Hex.byte(address) }

    public mutating func setUp(clock: some Clock) throws(SensorError) {
        do { try start(clock: clock) } catch { throw error.sensorError }
    }

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        do { return [try measure(clock: clock).lux] } catch { throw error.sensorError }
    }
}

public enum BH1750Error: Error, Equatable, CustomStringConvertible {
    /// Sending `instruction`, or reading its result, failed on the bus.
    case bus(BusError, instruction: UInt8)
    /// The count is 0xFFFF: the light is at or beyond the top of the range (about 54612 lx).
    case saturated

    public var sensorError: SensorError {
        switch self {
        case .bus: return SensorError(.bus, description)
        case .saturated: return SensorError(.outOfRange, description)
        }
    }

    public var description: String {
        switch self {
        case .bus(let error, let instruction): return "instruction \(Hex.byte(instruction)): \(error.description)"
        case .saturated: return "count 0xffff: saturated, beyond the measurable range"
        }
    }
}

extension ChannelSpec {
    /// The BH1750's channels, also what configuration files are checked against.
    public static var bh1750: [ChannelSpec] {
        [ChannelSpec(name: "illuminance", unit: "lx", decimals: 1)]
    }
}
