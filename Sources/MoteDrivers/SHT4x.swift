import MoteHAL

/// Sensirion SHT40/41/45 humidity and temperature sensor on I2C (datasheet "SHT4x").
///
/// Single-byte commands; every reply is 16-bit words each followed by a Sensirion CRC-8
/// (datasheet 4.4). `measure` sends the high-precision command, waits the maximum duration and
/// reads both words. The part NAKs its address while it measures, so an early read is a bus
/// error, never stale data.
public struct SHT4x<Bus: I2CBus> {
    public var bus: Bus
    public let address: UInt8
    /// When set, `start` refuses a part with another serial number: a swapped sensor shows up as
    /// an identity error instead of a silent jump in the readings.
    public var expectedSerialNumber: UInt32?
    /// Read at `start()`; nil before.
    public private(set) var serialNumber: UInt32?

    /// 0x44 is the SHT4x-A parts (SHT40-AD1B and most breakouts); the -B parts answer at 0x45.
    public init(bus: Bus, address: UInt8 = 0x44, expectedSerialNumber: UInt32? = nil) {
        self.bus = bus
        self.address = address
        self.expectedSerialNumber = expectedSerialNumber
    }

    /// Soft-resets the part and reads its serial number.
    public mutating func start(clock: some Clock) throws(SHT4xError) {
        serialNumber = nil
        try send(SHT4xCommand.softReset)
        clock.sleep(for: .microseconds(SHT4xCommand.softResetMicroseconds))
        try send(SHT4xCommand.serialNumber)
        clock.sleep(for: .microseconds(SHT4xCommand.serialNumberMicroseconds))
        let words = try readWords(after: SHT4xCommand.serialNumber, names: ["serial number high", "serial number low"])
        let serial = UInt32(words[0]) << 16 | UInt32(words[1])
        if let expected = expectedSerialNumber, expected != serial {
            throw .wrongSerialNumber(expected: expected, found: serial)
        }
        serialNumber = serial
    }

    /// One high-precision measurement, checked against what the part can produce.
    public mutating func measure(clock: some Clock) throws(SHT4xError) -> SHT4xMeasurement {
        try send(SHT4xCommand.measureHighPrecision)
        clock.sleep(for: .microseconds(SHT4xCommand.measureHighPrecisionMicroseconds))
        let words = try readWords(after: SHT4xCommand.measureHighPrecision, names: ["temperature", "humidity"])
        let m = SHT4xMeasurement(rawTemperature: words[0], rawHumidity: words[1])
        guard SHT4xMeasurement.temperatureRange.contains(m.celsius) else {
            throw .temperatureOutOfRange(raw: m.rawTemperature)
        }
        let tolerance = SHT4xMeasurement.humidityClampTolerance
        guard m.unclampedRelativeHumidity >= -tolerance && m.unclampedRelativeHumidity <= 100 + tolerance else {
            throw .humidityOutOfRange(raw: m.rawHumidity)
        }
        return m
    }

    private mutating func send(_ command: UInt8) throws(SHT4xError) {
        do { try bus.write(address, [command]) } catch { throw .bus(error, command: command) }
    }

    private mutating func readWords(after command: UInt8, names: [String]) throws(SHT4xError) -> [UInt16] {
        switch SensirionCRC.readWords(&bus, address, names: names) {
        case .success(let words): return words
        case .failure(.bus(let error)): throw .bus(error, command: command)
        case .failure(.checksum(let error, let word)): throw .checksum(error, command: command, word: word)
        }
    }
}

/// Commands and their maximum durations (datasheet 4.3 command table, 4.2 timing).
private enum SHT4xCommand {
    static let measureHighPrecision: UInt8 = 0xFD
    static let serialNumber: UInt8 = 0x89
    static let softReset: UInt8 = 0x94

    static let measureHighPrecisionMicroseconds: Int64 = 8200
    static let softResetMicroseconds: Int64 = 1000
    /// Not specified by the datasheet; Sensirion's reference driver waits this long and more.
    static let serialNumberMicroseconds: Int64 = 1000
}

/// Raw signal words and their conversion (datasheet 4.5).
public struct SHT4xMeasurement: Equatable, Sendable {
    /// The specified operating range; the formula spans -45...130 °C.
    public static var temperatureRange: ClosedRange<Double> { -40...125 }
    /// The formula spans -6...119 %RH; the datasheet says to crop to 0...100, which covers a part
    /// reading a little past either end. Further out than this is not a humidity.
    public static var humidityClampTolerance: Double { 5 }

    public var rawTemperature: UInt16
    public var rawHumidity: UInt16

    public init(rawTemperature: UInt16, rawHumidity: UInt16) {
        self.rawTemperature = rawTemperature
        self.rawHumidity = rawHumidity
    }

    /// T = -45 + 175 · S_T / (2^16 - 1)
    public var celsius: Double { -45 + 175 * Double(rawTemperature) / 65535 }
    /// RH = -6 + 125 · S_RH / (2^16 - 1), before cropping.
    public var unclampedRelativeHumidity: Double { -6 + 125 * Double(rawHumidity) / 65535 }
    /// Cropped to 0...100 %RH as datasheet 4.5 says.
    public var relativeHumidity: Double { min(max(unclampedRelativeHumidity, 0), 100) }
}

extension SHT4x: SensorDriver {
    public static var part: String { "SHT4x" }

    public var channels: [ChannelSpec] { ChannelSpec.sht4x }

    public var location: String { "sht4x@" + Hex.byte(address) }

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

public enum SHT4xError: Error, Equatable, CustomStringConvertible {
    /// Sending `command`, or reading its reply, failed on the bus.
    case bus(BusError, command: UInt8)
    /// The reply to `command` failed its CRC in the named word.
    case checksum(SensirionCRCError, command: UInt8, word: String)
    /// The serial number is not the one configured.
    case wrongSerialNumber(expected: UInt32, found: UInt32)
    /// A temperature outside the operating range.
    case temperatureOutOfRange(raw: UInt16)
    /// A humidity further outside 0...100 %RH than cropping covers.
    case humidityOutOfRange(raw: UInt16)

    public var sensorError: SensorError {
        switch self {
        case .bus: return SensorError(.bus, description)
        case .checksum: return SensorError(.checksum, description)
        case .wrongSerialNumber: return SensorError(.identity, description)
        case .temperatureOutOfRange, .humidityOutOfRange: return SensorError(.outOfRange, description)
        }
    }

    public var description: String {
        switch self {
        case .bus(let error, let command):
            return "command \(Hex.byte(command)): \(error.description)"
        case .checksum(let error, let command, let word):
            return "command \(Hex.byte(command)): \(error.description)" + (word.isEmpty ? "" : " (\(word))")
        case .wrongSerialNumber(let expected, let found):
            return "wrong serial number: expected \(Hex.number(UInt64(expected), bytes: 4)), found \(Hex.number(UInt64(found), bytes: 4))"
        case .temperatureOutOfRange(let raw):
            return "temperature raw \(Hex.word(raw)) is outside -40...125 °C"
        case .humidityOutOfRange(let raw):
            return "humidity raw \(Hex.word(raw)) is outside 0...100 %RH by more than 5 %RH"
        }
    }
}

extension ChannelSpec {
    /// The SHT4x's channels, also what configuration files are checked against.
    public static var sht4x: [ChannelSpec] {
        [ChannelSpec(name: "temperature", unit: "Cel", symbol: "°C", decimals: 2),
         ChannelSpec(name: "humidity", unit: "%RH", decimals: 2)]
    }
}
