import MoteHAL

/// Sensirion SCD40/41 CO2, temperature and humidity sensor on I2C (datasheet "SCD4x").
///
/// Periodic measurement: `start` stops any running measurement, reads the serial number (only
/// allowed while idle, datasheet 3.6) and starts periodic measurement, which delivers a new
/// value every 5 s. `measure` polls get_data_ready_status every `pollInterval` for at most
/// `readyTimeout` (one period and a half by default, so a reading right after `start` still
/// makes it) and reads the measurement when one is there.
public struct SCD4x<Bus: I2CBus> {
    public var bus: Bus
    public let address: UInt8
    /// When set, `start` refuses a part with another serial number.
    public var expectedSerialNumber: UInt64?
    /// The 48-bit serial number read at `start()`; nil before.
    public private(set) var serialNumber: UInt64?
    /// How long `measure` waits for data ready before `.timeout`.
    public var readyTimeout: TimeSpan = .milliseconds(7500)
    /// How often `measure` asks whether data is ready.
    public var pollInterval: TimeSpan = .milliseconds(250)

    private var periodic = false

    /// The SCD4x answers at 0x62 only.
    public init(bus: Bus, address: UInt8 = 0x62, expectedSerialNumber: UInt64? = nil) {
        self.bus = bus
        self.address = address
        self.expectedSerialNumber = expectedSerialNumber
    }

    public mutating func start(clock: some Clock) throws(SCD4xError) {
        periodic = false
        serialNumber = nil
        try send(SCD4xCommand.stopPeriodicMeasurement)
        clock.sleep(for: .milliseconds(SCD4xCommand.stopPeriodicMeasurementMilliseconds))
        let words = try query(SCD4xCommand.getSerialNumber, names: ["serial number word 0", "serial number word 1", "serial number word 2"], clock: clock)
        let serial = UInt64(words[0]) << 32 | UInt64(words[1]) << 16 | UInt64(words[2])
        if let expected = expectedSerialNumber, expected != serial {
            throw .wrongSerialNumber(expected: expected, found: serial)
        }
        serialNumber = serial
        try send(SCD4xCommand.startPeriodicMeasurement)
        periodic = true
    }

    /// The latest periodic measurement, once the part says one is ready.
    public mutating func measure(clock: some Clock) throws(SCD4xError) -> SCD4xMeasurement {
        guard periodic else { throw .notStarted }
        let deadline = clock.now() + readyTimeout
        while try query(SCD4xCommand.getDataReadyStatus, names: ["data ready status"], clock: clock)[0] & SCD4xCommand.dataReadyMask == 0 {
            guard clock.now() + pollInterval <= deadline else { throw .timeout(command: SCD4xCommand.getDataReadyStatus) }
            clock.sleep(for: pollInterval)
        }
        let words = try query(SCD4xCommand.readMeasurement, names: ["co2", "temperature", "humidity"], clock: clock)
        let m = SCD4xMeasurement(co2: words[0], rawTemperature: words[1], rawHumidity: words[2])
        guard m.co2 <= SCD4xMeasurement.maximumCO2 else { throw .co2OutOfRange(ppm: m.co2) }
        guard SCD4xMeasurement.temperatureRange.contains(m.celsius) else { throw .temperatureOutOfRange(raw: m.rawTemperature) }
        return m
    }

    private mutating func send(_ command: UInt16) throws(SCD4xError) {
        do { try bus.write(address, [UInt8(command >> 8), UInt8(command & 0xFF)]) } catch { throw .bus(error, command: command) }
    }

    /// A read command: send it, wait its execution time (1 ms for all of them, datasheet table 9),
    /// read the words.
    private mutating func query(_ command: UInt16, names: [String], clock: some Clock) throws(SCD4xError) -> [UInt16] {
        try send(command)
        clock.sleep(for: .milliseconds(SCD4xCommand.readExecutionMilliseconds))
        switch SensirionCRC.readWords(&bus, address, names: names) {
        case .success(let words): return words
        case .failure(.bus(let error)): throw .bus(error, command: command)
        case .failure(.checksum(let error, let word)): throw .checksum(error, command: command, word: word)
        }
    }
}

/// Commands and execution times (datasheet 3.5 to 3.9, table 9).
private enum SCD4xCommand {
    static let startPeriodicMeasurement: UInt16 = 0x21B1
    static let readMeasurement: UInt16 = 0xEC05
    static let stopPeriodicMeasurement: UInt16 = 0x3F86
    static let getDataReadyStatus: UInt16 = 0xE4B8
    static let getSerialNumber: UInt16 = 0x3682

    static let stopPeriodicMeasurementMilliseconds: Int64 = 500
    static let readExecutionMilliseconds: Int64 = 1
    /// Datasheet 3.8.2: data is ready when the least significant 11 bits are not all 0.
    static let dataReadyMask: UInt16 = 0x07FF
}

/// One read_measurement reply (datasheet 3.5.2).
public struct SCD4xMeasurement: Equatable, Sendable {
    /// The output range of datasheet table 1 ends here.
    public static var maximumCO2: UInt16 { 40000 }
    /// The specified operating range; the formula spans -45...130 °C.
    public static var temperatureRange: ClosedRange<Double> { -10...60 }

    /// ppm, as is.
    public var co2: UInt16
    public var rawTemperature: UInt16
    public var rawHumidity: UInt16

    public init(co2: UInt16, rawTemperature: UInt16, rawHumidity: UInt16) {
        self.co2 = co2
        self.rawTemperature = rawTemperature
        self.rawHumidity = rawHumidity
    }

    /// T = -45 + 175 · word / (2^16 - 1)
    public var celsius: Double { -45 + 175 * Double(rawTemperature) / 65535 }
    /// RH = 100 · word / (2^16 - 1)
    public var relativeHumidity: Double { 100 * Double(rawHumidity) / 65535 }
}

extension SCD4x: SensorDriver {
    public static var part: String { "SCD4x" }

    public var channels: [ChannelSpec] { ChannelSpec.scd4x }

    public var location: String { "scd4x@" + Hex.byte(address) }

    /// Periodic measurement delivers its first value 5 s after it starts (datasheet 3.5.1).
    public var firstReadingAfter: TimeSpan { .seconds(5) }

    public mutating func setUp(clock: some Clock) throws(SensorError) {
        do { try start(clock: clock) } catch { throw error.sensorError }
    }

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        do {
            let m = try measure(clock: clock)
            return [Double(m.co2), m.celsius, m.relativeHumidity]
        } catch {
            throw error.sensorError
        }
    }
}

public enum SCD4xError: Error, Equatable, CustomStringConvertible {
    /// Sending `command`, or reading its reply, failed on the bus.
    case bus(BusError, command: UInt16)
    /// The reply to `command` failed its CRC in the named word.
    case checksum(SensirionCRCError, command: UInt16, word: String)
    /// The serial number is not the one configured.
    case wrongSerialNumber(expected: UInt64, found: UInt64)
    /// No data ready within `readyTimeout`.
    case timeout(command: UInt16)
    case co2OutOfRange(ppm: UInt16)
    case temperatureOutOfRange(raw: UInt16)
    /// `measure` before a successful `start`.
    case notStarted

    public var sensorError: SensorError {
        switch self {
        case .bus: return SensorError(.bus, description)
        case .checksum: return SensorError(.checksum, description)
        case .wrongSerialNumber: return SensorError(.identity, description)
        case .timeout: return SensorError(.timeout, description)
        case .co2OutOfRange, .temperatureOutOfRange: return SensorError(.outOfRange, description)
        case .notStarted: return SensorError(.device, description)
        }
    }

    public var description: String {
        switch self {
        case .bus(let error, let command):
            return "command \(Hex.word(command)): \(error.description)"
        case .checksum(let error, let command, let word):
            return "command \(Hex.word(command)): \(error.description)" + (word.isEmpty ? "" : " (\(word))")
        case .wrongSerialNumber(let expected, let found):
            return "wrong serial number: expected \(Hex.number(expected, bytes: 6)), found \(Hex.number(found, bytes: 6))"
        case .timeout(let command):
            return "command \(Hex.word(command)): no data ready in time"
        case .co2OutOfRange(let ppm):
            return "co2 \(ppm) ppm is above 40000 ppm"
        case .temperatureOutOfRange(let raw):
            return "temperature raw \(Hex.word(raw)) is outside -10...60 °C"
        case .notStarted:
            return "not started"
        }
    }
}

extension ChannelSpec {
    /// The SCD4x's channels, also what configuration files are checked against.
    public static var scd4x: [ChannelSpec] {
        [ChannelSpec(name: "co2", unit: "ppm", decimals: 0),
         ChannelSpec(name: "temperature", unit: "Cel", symbol: "°C", decimals: 2),
         ChannelSpec(name: "humidity", unit: "%RH", decimals: 2)]
    }
}
