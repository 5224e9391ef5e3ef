import MoteHAL

/// Plantower PMS5003 particulate matter sensor on a UART at 9600 8N1 (datasheet PMS5003 series
/// V2.3, appendix I "transport protocol" and appendix II "host protocol").
///
/// The part sends 32-byte frames: 0x42 0x4D, a big-endian frame length of 28 (2 × 13 data words
/// + the check word), 13 big-endian data words, and a check word that is the sum of all bytes
/// before it. In active mode it streams a frame every second or so; in passive mode it sends one
/// when asked. `read` returns the atmospheric-environment values (data words 4 to 6).
///
/// `clock` is the timeline of the port's `waitReadable` deadlines (`LinuxSerialPort.clock` on a
/// board, the `VirtualClock` in simulation), so it is given once here, not per read.
public struct PMS5003<Port: SerialPort, C: Clock> {
    public enum Mode: Equatable, Sendable { case active, passive }

    public let mode: Mode
    /// How long a read waits for a frame to begin (active mode: the datasheet's stable-mode
    /// interval is 2.3 s).
    public var frameTimeout: TimeSpan
    /// How long a started frame may pause between bytes (a character is 1.04 ms at 9600 baud).
    public var interByteTimeout: TimeSpan
    /// Concentrations above this are refused as out of range: the datasheet's maximum range is
    /// "≥ 1000 µg/m³".
    public var maximumConcentration: UInt16
    /// Frames refused and reads failed, by reason, since the driver was made.
    public private(set) var counters = PMS5003Counters()
    /// The last frame accepted.
    public private(set) var lastFrame: PMS5003Frame?

    private var reader: FramedReader<Port, C>
    private let portName: String

    public init(port: Port, clock: C, mode: Mode = .passive, frameTimeout: TimeSpan = .seconds(3),
                interByteTimeout: TimeSpan = .milliseconds(20), maximumConcentration: UInt16 = 1000) {
        self.mode = mode
        self.frameTimeout = frameTimeout
        self.interByteTimeout = interByteTimeout
        self.maximumConcentration = maximumConcentration
        portName = port.name
        reader = FramedReader(port: port, clock: clock)
    }

    public var port: Port { reader.port }

    /// Puts the part in the driver's mode (appendix II: command 0xE1, data 0 passive, 1 active).
    /// The part's 8-byte answer is skipped by the next read.
    public mutating func start() throws(PMS5003Error) {
        try send(PMS5003Protocol.command(PMS5003Protocol.changeMode, data: mode == .passive ? 0 : 1))
    }

    /// One frame: in passive mode the answer to a read request (command 0xE2), in active mode the
    /// newest frame the part has sent (older ones waiting in the buffers are skipped).
    public mutating func measure() throws(PMS5003Error) -> PMS5003Frame {
        if mode == .passive {
            // A late answer to an earlier request must not pass for this one's.
            skipWaiting()
            try send(PMS5003Protocol.command(PMS5003Protocol.readPassive, data: 0))
        }
        var frame = try nextFrame(timeout: frameTimeout)
        if mode == .active {
            while let newer = try? nextFrame(timeout: .zero) { frame = newer }
        }
        lastFrame = frame
        return frame
    }

    /// Reads frames until a data frame is in; acknowledgements of commands are passed over.
    private mutating func nextFrame(timeout: TimeSpan) throws(PMS5003Error) -> PMS5003Frame {
        while true {
            let bytes: [UInt8]
            do {
                bytes = try reader.readFrame(start: PMS5003Protocol.start, timeout: timeout, interByte: interByteTimeout,
                                             maximumLength: PMS5003Protocol.frameSize) { frame in
                    frame.count >= 4 ? 4 + (Int(frame[2]) << 8 | Int(frame[3])) : nil
                }
            } catch {
                switch error {
                case .bus(let bus):
                    counters.bus += 1
                    throw .bus(bus)
                case .timeout(let partial):
                    // A zero timeout is a look at what is waiting, not a failed read.
                    if timeout != .zero { counters.timeouts += 1 }
                    throw .timeout(partial: partial.count)
                case .badLength(let total):
                    counters.length += 1
                    throw .length(total - 4)
                }
            }
            let length = bytes.count - 4
            if length == PMS5003Protocol.ackLength { continue }
            guard length == PMS5003Protocol.dataLength else {
                counters.length += 1
                throw .length(length)
            }
            var sum: UInt16 = 0
            for byte in bytes[0..<30] { sum &+= UInt16(byte) }
            let found = UInt16(bytes[30]) << 8 | UInt16(bytes[31])
            guard sum == found else {
                counters.checksum += 1
                throw .checksum(expected: sum, found: found)
            }
            let frame = PMS5003Frame(words: (0..<13).map { UInt16(bytes[4 + 2 * $0]) << 8 | UInt16(bytes[5 + 2 * $0]) })
            let highest = max(frame.atmospheric.pm1_0, frame.atmospheric.pm2_5, frame.atmospheric.pm10)
            guard highest <= maximumConcentration else {
                counters.outOfRange += 1
                throw .outOfRange(highest)
            }
            counters.frames += 1
            return frame
        }
    }

    /// Drops whole frames already waiting, without counting them as refused.
    private mutating func skipWaiting() {
        let saved = counters
        while (try? nextFrame(timeout: .zero)) != nil {}
        counters = saved
    }

    private mutating func send(_ bytes: [UInt8]) throws(PMS5003Error) {
        do { try reader.port.write(bytes) } catch {
            counters.bus += 1
            throw .bus(error)
        }
    }
}

/// Frames the driver refused and reads that failed, by reason.
public struct PMS5003Counters: Equatable, Sendable {
    /// Data frames accepted.
    public var frames = 0
    public var checksum = 0
    /// A frame length other than 28 (or an 8-byte acknowledgement's 4).
    public var length = 0
    public var outOfRange = 0
    /// Reads that saw no whole frame in time.
    public var timeouts = 0
    public var bus = 0
    public init() {}

    /// Frames refused for their content: checksum, length, range.
    public var rejected: Int { checksum + length + outOfRange }
}

/// The 13 data words of a frame (appendix I), µg/m³ and particles per 0.1 L of air.
public struct PMS5003Frame: Equatable, Sendable {
    public struct Concentrations: Equatable, Sendable {
        public var pm1_0: UInt16
        public var pm2_5: UInt16
        public var pm10: UInt16
        public init(pm1_0: UInt16, pm2_5: UInt16, pm10: UInt16) {
            self.pm1_0 = pm1_0
            self.pm2_5 = pm2_5
            self.pm10 = pm10
        }
    }

    public var words: [UInt16]

    public init(words: [UInt16]) { self.words = words }

    /// Data 1-3: "CF=1, standard particle", for factory calibration.
    public var standard: Concentrations { Concentrations(pm1_0: words[0], pm2_5: words[1], pm10: words[2]) }
    /// Data 4-6: "under atmospheric environment", what a user wants.
    public var atmospheric: Concentrations { Concentrations(pm1_0: words[3], pm2_5: words[4], pm10: words[5]) }
    /// Data 7-12: particles beyond 0.3, 0.5, 1.0, 2.5, 5.0 and 10 µm in 0.1 L.
    public var counts: [UInt16] { Array(words[6..<12]) }
}

/// Frame layout and host commands (appendix I and II).
private enum PMS5003Protocol {
    static let start: [UInt8] = [0x42, 0x4D]
    static let frameSize = 32
    static let dataLength = 28
    /// The answer to a command: 42 4D 00 04, command, data, check word.
    static let ackLength = 4
    static let readPassive: UInt8 = 0xE2
    static let changeMode: UInt8 = 0xE1

    /// 42 4D, command, data high, data low, check word: "42 4D E2 00 00 01 71" asks for a frame.
    static func command(_ command: UInt8, data: UInt16) -> [UInt8] {
        let body: [UInt8] = start + [command, UInt8(data >> 8), UInt8(data & 0xFF)]
        var sum: UInt16 = 0
        for byte in body { sum &+= UInt16(byte) }
        return body + [UInt8(sum >> 8), UInt8(sum & 0xFF)]
    }
}

extension PMS5003: SensorDriver {
    public static var part: String { "PMS5003" }

    public var channels: [ChannelSpec] { ChannelSpec.pms5003 }

    public var location: String { "pms5003@" + portName }

    public mutating func setUp(clock: some Clock) throws(SensorError) {
        do { try start() } catch { throw error.sensorError }
    }

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        do {
            let values = try measure().atmospheric
            return [Double(values.pm1_0), Double(values.pm2_5), Double(values.pm10)]
        } catch {
            throw error.sensorError
        }
    }
}

public enum PMS5003Error: Error, Equatable, CustomStringConvertible {
    case bus(BusError)
    /// No whole frame in time; `partial` bytes of one had come.
    case timeout(partial: Int)
    /// The frame length field said this, not 28.
    case length(Int)
    /// The check word did not match the sum of the bytes before it.
    case checksum(expected: UInt16, found: UInt16)
    /// A concentration above the part's range (µg/m³).
    case outOfRange(UInt16)

    public var sensorError: SensorError {
        switch self {
        case .bus(let error): return SensorError(error)
        case .timeout: return SensorError(.timeout, description)
        case .length: return SensorError(.malformed, description)
        case .checksum: return SensorError(.checksum, description)
        case .outOfRange: return SensorError(.outOfRange, description)
        }
    }

    public var description: String {
        switch self {
        case .bus(let error): return error.description
        case .timeout(let partial):
            return partial == 0 ? "no frame in time" : "frame cut off after \(partial) bytes"
        case .length(let length): return "frame length \(length), expected 28"
        case .checksum(let expected, let found):
            return "check word mismatch: expected 0x" + Hex.encode([UInt8(expected >> 8), UInt8(expected & 0xFF)])
                + ", found 0x" + Hex.encode([UInt8(found >> 8), UInt8(found & 0xFF)])
        case .outOfRange(let value): return "\(value) µg/m³ is beyond the part's range"
        }
    }
}

extension ChannelSpec {
    /// The PMS5003's channels, also what configuration files are checked against.
    public static var pms5003: [ChannelSpec] {
        [ChannelSpec(name: "pm1_0", unit: "ug/m3", symbol: "µg/m³", decimals: 0),
         ChannelSpec(name: "pm2_5", unit: "ug/m3", symbol: "µg/m³", decimals: 0),
         ChannelSpec(name: "pm10", unit: "ug/m3", symbol: "µg/m³", decimals: 0)]
    }
}
