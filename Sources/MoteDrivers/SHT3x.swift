import MoteHAL

/// Sensirion SHT30/31/35 humidity and temperature sensor on I2C (datasheet "SHT3x-DIS").
///
/// 16-bit commands, sent most significant byte first; replies are words each followed by a
/// Sensirion CRC-8 (datasheet 4.12). `measure` uses single shot, high repeatability, clock
/// stretching disabled (datasheet 4.3, table 9): the part NAKs the read header until the
/// conversion is done, so the driver waits the maximum duration first.
public struct SHT3x<Bus: I2CBus> {
    public var bus: Bus
    /// 0x44 with ADDR low, 0x45 with ADDR high (datasheet 3.1).
    public let address: UInt8

    public init(bus: Bus, address: UInt8 = 0x44) {
        self.bus = bus
        self.address = address
    }

    /// Soft-resets the part and checks in the status register that it did reset.
    public mutating func start(clock: some Clock) throws(SHT3xError) {
        try send(SHT3xCommand.softReset)
        clock.sleep(for: .microseconds(SHT3xCommand.softResetMicroseconds))
        try send(SHT3xCommand.readStatus)
        let status = try readWords(after: SHT3xCommand.readStatus, names: ["status"])[0]
        // Datasheet 4.11, table 17: bit 4 reports a reset since the last clear-status command;
        // a part that just took the soft reset and does not show it is not working.
        guard status & SHT3xCommand.statusResetDetected != 0 else {
            throw .resetNotDetected(status: status)
        }
    }

    /// One single-shot, high-repeatability measurement, checked against what the part can produce.
    public mutating func measure(clock: some Clock) throws(SHT3xError) -> SHT3xMeasurement {
        try send(SHT3xCommand.measureHighRepeatability)
        clock.sleep(for: .microseconds(SHT3xCommand.measureHighRepeatabilityMicroseconds))
        let words = try readWords(after: SHT3xCommand.measureHighRepeatability, names: ["temperature", "humidity"])
        let m = SHT3xMeasurement(rawTemperature: words[0], rawHumidity: words[1])
        guard SHT3xMeasurement.temperatureRange.contains(m.celsius) else {
            throw .temperatureOutOfRange(raw: m.rawTemperature)
        }
        return m
    }

    private mutating func send(_ command: UInt16) throws(SHT3xError) {
        do { try bus.write(address, [UInt8(command >> 8), UInt8(command & 0xFF)]) } catch { throw .bus(error, command: command) }
    }

    private mutating func readWords(after command: UInt16, names: [String]) throws(SHT3xError) -> [UInt16] {
        switch SensirionCRC.readWords(&bus, address, names: names) {
        case .success(let words): return words
        case .failure(.bus(let error)): throw .bus(error, command: command)
        case .failure(.checksum(let error, let word)): throw .checksum(error, command: command, word: word)
        }
    }
}

/// Commands, durations and status bits (datasheet 4.3, 4.9, 4.11; table 4 for the timings).
private enum SHT3xCommand {
    static let measureHighRepeatability: UInt16 = 0x2400  // single shot, no clock stretching
    static let softReset: UInt16 = 0x30A2
    static let readStatus: UInt16 = 0xF32D

    static let measureHighRepeatabilityMicroseconds: Int64 = 15000
    static let softResetMicroseconds: Int64 = 1500
    static let statusResetDetected: UInt16 = 0x0010
}

/// Raw signal words and their conversion (datasheet 4.13).
public struct SHT3xMeasurement: Equatable, Sendable {
    /// The specified operating range; the formula spans -45...130 °C.
    public static var temperatureRange: ClosedRange<Double> { -40...125 }

    public var rawTemperature: UInt16
    public var rawHumidity: UInt16

    public init(rawTemperature: UInt16, rawHumidity: UInt16) {
        self.rawTemperature = rawTemperature
        self.rawHumidity = rawHumidity
    }

    /// T = -45 + 175 · S_T / (2^16 - 1)
    public var celsius: Double { -45 + 175 * Double(rawTemperature) / 65535 }
    /// RH = 100 · S_RH / (2^16 - 1): always within 0...100.
    public var relativeHumidity: Double { 100 * Double(rawHumidity) / 65535 }
}

extension SHT3x: SensorDriver {
    public static var part: String { "SHT3x" }

    public var channels: [ChannelSpec] { ChannelSpec.sht3x }

    public var location: String { "sht3x@" + Hex.byte(address) }

    public mutating func setUp(clock: some Clock) throws(SensorError) {
        do { try start(clock: clock) } catch { throw error.sensorError }
    }

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        do {
            let m = try measure(clock: clock)
            return [m.celsius, m.relativeHumidity]
        } catch {
            throw error.sensorError
        }
    }
}

public enum SHT3xError: Error, Equatable, CustomStringConvertible {
    /// Sending `command`, or reading its reply, failed on the bus.
    case bus(BusError, command: UInt16)
    /// The reply to `command` failed its CRC in the named word.
    case checksum(SensirionCRCError, command: UInt16, word: String)
    /// After a soft reset the status register does not report one.
    case resetNotDetected(status: UInt16)
    /// A temperature outside the operating range.
    case temperatureOutOfRange(raw: UInt16)

    public var sensorError: SensorError {
        switch self {
        case .bus: return SensorError(.bus, description)
        case .checksum: return SensorError(.checksum, description)
        case .resetNotDetected: return SensorError(.device, description)
        case .temperatureOutOfRange: return SensorError(.outOfRange, description)
        }
    }

    public var description: String {
        switch self {
        case .bus(let error, let command):
            return "command \(Hex.word(command)): \(error.description)"
        case .checksum(let error, let command, let word):
            return "command \(Hex.word(command)): \(error.description)" + (word.isEmpty ? "" : " (\(word))")
        case .resetNotDetected(let status):
            return "status \(Hex.word(status)) after soft reset: reset not detected"
        case .temperatureOutOfRange(let raw):
            return "temperature raw \(Hex.word(raw)) is outside -40...125 °C"
        }
    }
}

extension ChannelSpec {
    /// The SHT3x's channels, also what configuration files are checked against.
    public static var sht3x: [ChannelSpec] {
        [ChannelSpec(name: "temperature", unit: "Cel", symbol: "°C", decimals: 2),
         ChannelSpec(name: "humidity", unit: "%RH", decimals: 2)]
    }
}
