/// Line settings of a serial port.
public struct SerialConfiguration: Equatable, Sendable {
    public enum Parity: Equatable, Sendable { case none, odd, even }

    public var baud: Int
    public var dataBits: Int
    public var parity: Parity
    public var stopBits: Int
    /// Hardware flow control.
    public var rtsCts: Bool

    /// The rates termios knows on Linux, 1200 to 4000000 being the ones sensors use.
    public static let standardRates = [
        50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600,
        115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000,
        2500000, 3000000, 3500000, 4000000,
    ]

    public init(baud: Int = 9600, dataBits: Int = 8, parity: Parity = .none, stopBits: Int = 1, rtsCts: Bool = false) {
        self.baud = baud
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
        self.rtsCts = rtsCts
    }

    /// What is wrong with the settings, or nil.
    public var problem: String? {
        if !Self.standardRates.contains(baud) { return "\(baud) is not a standard rate" }
        if dataBits < 5 || dataBits > 8 { return "data bits must be 5 to 8, not \(dataBits)" }
        if stopBits != 1 && stopBits != 2 { return "stop bits must be 1 or 2, not \(stopBits)" }
        return nil
    }

    /// Bits on the wire per character: start, data, parity, stop.
    public var bitsPerCharacter: Int { 1 + dataBits + (parity == .none ? 0 : 1) + stopBits }

    /// How long one character takes on the wire, rounded up to a microsecond.
    public var characterTime: TimeSpan {
        .microseconds((Int64(bitsPerCharacter) * 1_000_000 + Int64(baud) - 1) / Int64(baud))
    }

    /// "9600 8N1"
    public var summary: String {
        let p = parity == .none ? "N" : parity == .odd ? "O" : "E"
        return "\(baud) \(dataBits)\(p)\(stopBits)" + (rtsCts ? " RTS/CTS" : "")
    }
}

/// A byte stream with a deadline-aware wait: a UART, a pseudo-terminal, a model in a test.
public protocol SerialPort {
    var name: String { get }
    /// Reads what is waiting, up to `buffer.count` bytes, without blocking; 0 when nothing is.
    mutating func read(into buffer: inout [UInt8]) throws(BusError) -> Int
    /// Writes all of `bytes`, waiting for room as needed.
    mutating func write(_ bytes: [UInt8]) throws(BusError)
    /// Returns true once bytes are waiting, false if `deadline` passes first.
    mutating func waitReadable(until deadline: Instant) throws(BusError) -> Bool
}

/// Reads lines (ending in LF, CR LF tolerated) from a port with our own timeouts: a line must
/// start before the frame timeout and each byte must follow the previous within the inter-byte
/// timeout. Nothing is lost between calls: bytes after a line stay for the next one.
public struct LineReader<Port: SerialPort, C: Clock> {
    public var port: Port
    public let clock: C
    public var maximumLength: Int
    private var buffer: [UInt8] = []
    private var chunk: [UInt8] = Array(repeating: 0, count: 256)

    public init(port: Port, clock: C, maximumLength: Int = 256) {
        self.port = port
        self.clock = clock
        self.maximumLength = maximumLength
    }

    public enum Failure: Error, Equatable {
        case bus(BusError)
        /// Nothing arrived in time (`partial` holds what did, if anything).
        case timeout(partial: [UInt8])
        /// The line grew past `maximumLength` without an end; the bytes are dropped.
        case tooLong(length: Int)
    }

    /// The next line without its terminator.
    public mutating func readLine(timeout: TimeSpan, interByte: TimeSpan) throws(Failure) -> [UInt8] {
        // Bytes left over from the last call have started a line: they are on the inter-byte clock.
        var deadline = clock.now() + (buffer.isEmpty ? timeout : interByte)
        while true {
            if let end = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<end])
                buffer.removeFirst(end + 1)
                if line.last == 0x0D { line.removeLast() }
                return line
            }
            if buffer.count > maximumLength {
                let length = buffer.count
                buffer.removeAll()
                throw .tooLong(length: length)
            }
            let ready: Bool
            do { ready = try port.waitReadable(until: deadline) } catch { throw .bus(error) }
            guard ready else {
                let partial = buffer
                buffer.removeAll()
                throw .timeout(partial: partial)
            }
            let count: Int
            do { count = try port.read(into: &chunk) } catch { throw .bus(error) }
            buffer += chunk[0..<count]
            if count > 0 { deadline = clock.now() + interByte }
        }
    }
}

/// Reads frames that say their own length, as PMS5003 or Modbus replies do, after a start
/// pattern; with an inter-byte timeout, and the frame timeout for the first byte.
public struct FramedReader<Port: SerialPort, C: Clock> {
    public var port: Port
    public let clock: C
    private var buffer: [UInt8] = []
    private var chunk: [UInt8] = Array(repeating: 0, count: 256)

    public init(port: Port, clock: C) {
        self.port = port
        self.clock = clock
    }

    public enum Failure: Error, Equatable {
        case bus(BusError)
        case timeout(partial: [UInt8])
        /// The length the frame gave is outside what the caller accepts.
        case badLength(Int)
    }

    /// Skips bytes until `start`, then reads until `length(frameSoFar)` (nil: not known yet)
    /// bytes are in. Returns the frame including the start pattern.
    public mutating func readFrame(start: [UInt8], timeout: TimeSpan, interByte: TimeSpan,
                                   maximumLength: Int, length: ([UInt8]) -> Int?) throws(Failure) -> [UInt8] {
        var deadline = clock.now() + (buffer.isEmpty ? timeout : interByte)
        while true {
            // Drop what cannot begin a frame.
            while !buffer.isEmpty && !start.starts(with: buffer.prefix(start.count)) { buffer.removeFirst() }
            if buffer.count >= start.count, let total = length(buffer) {
                guard total >= start.count && total <= maximumLength else {
                    buffer.removeFirst()
                    throw .badLength(total)
                }
                if buffer.count >= total {
                    let frame = Array(buffer[0..<total])
                    buffer.removeFirst(total)
                    return frame
                }
            }
            let ready: Bool
            do { ready = try port.waitReadable(until: deadline) } catch { throw .bus(error) }
            guard ready else {
                let partial = buffer
                buffer.removeAll()
                throw .timeout(partial: partial)
            }
            let count: Int
            do { count = try port.read(into: &chunk) } catch { throw .bus(error) }
            buffer += chunk[0..<count]
            if count > 0 { deadline = clock.now() + interByte }
        }
    }
}
