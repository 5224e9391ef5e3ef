import MoteHAL

/// Texas Instruments ADS1115 16-bit ADC on I2C (datasheet SBAS444).
///
/// Single-shot conversions of single-ended inputs, one per configured channel: write the config
/// register with OS = 1, wait one conversion period plus the oscillator's tolerance, poll OS until
/// it reads 1 (idle), then read the conversion register. Registers are 16-bit, most significant
/// byte first, behind a pointer byte (datasheet 9.5.3, 9.6).
public struct ADS1115<Bus: I2CBus> {
    public var bus: Bus
    /// 0x48...0x4B, by what ADDR is tied to (datasheet 9.5.1.1, table 4).
    public let address: UInt8
    /// What to convert, in the order `read` returns them.
    public let inputs: [ADS1115Channel]
    public var dataRate: ADS1115DataRate

    public init(bus: Bus, address: UInt8 = 0x48,
                inputs: [ADS1115Channel] = [ADS1115Channel(name: "ain0_v", input: .ain0, fullScale: .volts4_096)],
                dataRate: ADS1115DataRate = .sps128) {
        self.bus = bus
        self.address = address
        self.inputs = inputs
        self.dataRate = dataRate
    }

    /// Checks the part answers: reads the config register.
    public mutating func start(clock: some Clock) throws(ADS1115Error) {
        _ = try readRegister(ADS1115Register.config)
    }

    /// One single-shot conversion of `channel`, as a signed count of the channel's full scale.
    public mutating func convert(_ channel: ADS1115Channel, clock: some Clock) throws(ADS1115Error) -> Int16 {
        try writeRegister(ADS1115Register.config, channel.configuration(dataRate: dataRate))
        clock.sleep(for: .microseconds(dataRate.conversionMicroseconds))
        var polls = 0
        while try readRegister(ADS1115Register.config) & ADS1115Register.osIdle == 0 {
            polls += 1
            if polls > ADS1115Register.maximumPolls { throw .timeout(register: ADS1115Register.config) }
            clock.sleep(for: .microseconds(ADS1115Register.pollMicroseconds))
        }
        let raw = Int16(bitPattern: try readRegister(ADS1115Register.conversion))
        // Datasheet 9.3.3: codes clip at 0x7FFF and 0x8000 beyond the full scale, so neither is
        // a measurement.
        guard raw != Int16.max && raw != Int16.min else { throw .clipped(channel: channel.name, raw: raw) }
        return raw
    }

    private mutating func readRegister(_ register: UInt8) throws(ADS1115Error) -> UInt16 {
        var reply: [UInt8] = [0, 0]
        do { try bus.writeRead(address, [register], into: &reply) } catch { throw .bus(error, register: register) }
        return UInt16(reply[0]) << 8 | UInt16(reply[1])
    }

    private mutating func writeRegister(_ register: UInt8, _ value: UInt16) throws(ADS1115Error) {
        do { try bus.write(address, [register, UInt8(value >> 8), UInt8(value & 0xFF)]) } catch { throw .bus(error, register: register) }
    }
}

/// Register pointers and bits (datasheet 9.6).
private enum ADS1115Register {
    static let conversion: UInt8 = 0x00
    static let config: UInt8 = 0x01

    static let osIdle: UInt16 = 0x8000
    /// After the full conversion period: ten polls 1 ms apart before giving up.
    static let maximumPolls = 10
    static let pollMicroseconds: Int64 = 1000
}

/// A single-ended input (MUX 0b100...0b111, datasheet 9.6.3).
public enum ADS1115Input: UInt8, Sendable {
    case ain0 = 0, ain1, ain2, ain3
}

/// The programmable gain amplifier's full scale (PGA bits 11:9). The input must still stay
/// within the supply: the full scale is where the codes end, not what the pins tolerate.
public enum ADS1115FullScale: UInt8, Sendable {
    case volts6_144 = 0, volts4_096, volts2_048, volts1_024, volts0_512, volts0_256

    /// ±6144 mV ... ±256 mV.
    public var millivolts: Int {
        switch self {
        case .volts6_144: return 6144
        case .volts4_096: return 4096
        case .volts2_048: return 2048
        case .volts1_024: return 1024
        case .volts0_512: return 512
        case .volts0_256: return 256
        }
    }

    /// volts = raw · FS / 32768 (datasheet 9.3.3, table 3).
    public func volts(_ raw: Int16) -> Double {
        Double(raw) * Double(millivolts) / 32768 / 1000
    }
}

/// Samples per second (DR bits 7:5).
public enum ADS1115DataRate: UInt8, Sendable {
    case sps8 = 0, sps16, sps32, sps64, sps128, sps250, sps475, sps860

    public var samplesPerSecond: Int64 {
        switch self {
        case .sps8: return 8
        case .sps16: return 16
        case .sps32: return 32
        case .sps64: return 64
        case .sps128: return 128
        case .sps250: return 250
        case .sps475: return 475
        case .sps860: return 860
        }
    }

    /// One conversion period, plus 10 % for the internal oscillator (datasheet 7.5: data rate
    /// variation ±10 %), plus 100 µs for the wake-up from power-down.
    public var conversionMicroseconds: Int64 {
        let period = 1_000_000 / samplesPerSecond
        return period + period / 10 + 100
    }
}

/// One voltage the node reports: which input, at what full scale, under what name.
public struct ADS1115Channel: Equatable, Sendable {
    /// The channel name in readings: "soil_moisture_v", "loop_v".
    public var name: String
    public var input: ADS1115Input
    public var fullScale: ADS1115FullScale

    public init(name: String, input: ADS1115Input, fullScale: ADS1115FullScale = .volts4_096) {
        self.name = name
        self.input = input
        self.fullScale = fullScale
    }

    /// The config register for one single-shot conversion: OS = 1, MUX = AINx vs GND, PGA,
    /// MODE = 1, DR, comparator disabled (COMP_QUE = 0b11).
    public func configuration(dataRate: ADS1115DataRate) -> UInt16 {
        let os: UInt16 = 1 << 15
        let mux = UInt16(0b100 | input.rawValue) << 12
        let pga = UInt16(fullScale.rawValue) << 9
        let singleShot: UInt16 = 1 << 8
        let dr = UInt16(dataRate.rawValue) << 5
        let comparatorDisabled: UInt16 = 0b11
        return os | mux | pga | singleShot | dr | comparatorDisabled
    }
}

extension ADS1115: SensorDriver {
    public static var part: String { "ADS1115" }

    public var channels: [ChannelSpec] {
        inputs.map { ChannelSpec(name: $0.name, unit: "V", decimals: 4) }
    }

    public var location: String { "ads1115@" + Hex.byte(address) }

    public mutating func setUp(clock: some Clock) throws(SensorError) {
        do { try start(clock: clock) } catch { throw error.sensorError }
    }

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        var values: [Double?] = []
        values.reserveCapacity(inputs.count)
        for channel in inputs {
            do {
                values.append(channel.fullScale.volts(try convert(channel, clock: clock)))
            } catch {
                throw error.sensorError
            }
        }
        return values
    }
}

public enum ADS1115Error: Error, Equatable, CustomStringConvertible {
    /// A transfer touching `register` failed.
    case bus(BusError, register: UInt8)
    /// OS did not return to 1 (idle) in time.
    case timeout(register: UInt8)
    /// The input is beyond the channel's full scale: the code clipped.
    case clipped(channel: String, raw: Int16)

    public var sensorError: SensorError {
        switch self {
        case .bus: return SensorError(.bus, description)
        case .timeout: return SensorError(.timeout, description)
        case .clipped: return SensorError(.outOfRange, description)
        }
    }

    public var description: String {
        switch self {
        case .bus(let error, let register):
            return "register \(Hex.byte(register)): \(error.description)"
        case .timeout(let register):
            return "register \(Hex.byte(register)): conversion did not finish in time"
        case .clipped(let channel, let raw):
            return "\(channel): code \(Hex.word(UInt16(bitPattern: raw))) clipped at the full scale"
        }
    }
}
