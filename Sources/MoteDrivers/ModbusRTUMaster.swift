import MoteHAL

/// A Modbus RTU client ("master") on a serial line (Modbus Application Protocol V1.1b3; Modbus
/// over Serial Line V1.02).
///
/// Each request waits for the line to have been silent for 3.5 character times since the last
/// frame (serial line 2.5.1.1; 1.75 ms above 19200 baud), goes out with its CRC, and waits
/// `replyTimeout` past its own transmission time for the first byte of the reply. A reply is
/// read by the length its function code gives; a silence of 3.5 characters inside it ends it
/// short. Slave id, function, CRC and the echo of writes are checked.
///
/// `clock` is the timeline of the port's `waitReadable` deadlines (`LinuxSerialPort.clock`).
public struct ModbusRTUMaster<Port: SerialPort, C: Clock> {
    public let configuration: SerialConfiguration
    /// How long after the request has left a reply must begin.
    public var replyTimeout: TimeSpan
    /// The silence that ends a frame: 3.5 characters, 1.75 ms above 19200 baud. USB adapters
    /// that deliver in 1 ms or 16 ms batches need more; so it can be set.
    public var frameGap: TimeSpan
    public private(set) var counters = ModbusCounters()

    private var reader: FramedReader<Port, C>
    /// When the line last carried a frame (its end), for the gap before the next request.
    private var lineBusyUntil: Instant?
    private var chunk: [UInt8] = Array(repeating: 0, count: 64)

    public init(port: Port, clock: C, configuration: SerialConfiguration = SerialConfiguration(baud: 9600, parity: .even),
                replyTimeout: TimeSpan = .milliseconds(500)) {
        self.configuration = configuration
        self.replyTimeout = replyTimeout
        frameGap = Self.interFrameGap(configuration)
        reader = FramedReader(port: port, clock: clock)
    }

    public var port: Port { reader.port }
    public var clock: C { reader.clock }

    /// Serial line 2.5.1.1: t3.5 is 3.5 character times, fixed at 1.75 ms above 19200 baud.
    public static func interFrameGap(_ configuration: SerialConfiguration) -> TimeSpan {
        if configuration.baud > 19200 { return .microseconds(1750) }
        return TimeSpan(nanoseconds: configuration.characterTime.nanoseconds * 7 / 2)
    }

    // MARK: Functions (application protocol 6.3, 6.4, 6.6, 6.12)

    /// Function 03.
    public mutating func readHoldingRegisters(slave: UInt8, address: UInt16, count: Int) throws(ModbusError) -> [UInt16] {
        try readRegisters(function: ModbusFunction.readHolding, slave: slave, address: address, count: count)
    }

    /// Function 04.
    public mutating func readInputRegisters(slave: UInt8, address: UInt16, count: Int) throws(ModbusError) -> [UInt16] {
        try readRegisters(function: ModbusFunction.readInput, slave: slave, address: address, count: count)
    }

    /// Function 06; the reply echoes the request.
    public mutating func writeSingleRegister(slave: UInt8, address: UInt16, value: UInt16) throws(ModbusError) {
        let request = [slave, ModbusFunction.writeSingle] + Self.word(address) + Self.word(value)
        let reply = try transaction(request)
        guard reply.elementsEqual(request) else { throw .malformed("the reply to a write does not echo it") }
    }

    /// Function 16, up to 123 registers; the reply repeats the address and count.
    public mutating func writeMultipleRegisters(slave: UInt8, address: UInt16, values: [UInt16]) throws(ModbusError) {
        guard values.count >= 1 && values.count <= 123 else { throw .invalidRequest("write of \(values.count) registers, 1 to 123 allowed") }
        guard Int(address) + values.count <= 0x10000 else { throw .invalidRequest("registers beyond 65535") }
        var request = [slave, ModbusFunction.writeMultiple] + Self.word(address) + Self.word(UInt16(values.count))
        request.append(UInt8(values.count * 2))
        for value in values { request += Self.word(value) }
        let reply = try transaction(request)
        guard reply.elementsEqual(request.prefix(6)) else { throw .malformed("the reply to a write does not repeat its address and count") }
    }

    private mutating func readRegisters(function: UInt8, slave: UInt8, address: UInt16, count: Int) throws(ModbusError) -> [UInt16] {
        guard count >= 1 && count <= 125 else { throw .invalidRequest("read of \(count) registers, 1 to 125 allowed") }
        guard Int(address) + count <= 0x10000 else { throw .invalidRequest("registers beyond 65535") }
        let reply = try transaction([slave, function] + Self.word(address) + Self.word(UInt16(count)))
        guard reply.count == 3 + 2 * count, Int(reply[2]) == 2 * count else {
            throw .malformed("\(reply.count > 2 ? Int(reply[2]) : 0) data bytes for \(count) registers")
        }
        return (0..<count).map { UInt16(reply[3 + 2 * $0]) << 8 | UInt16(reply[4 + 2 * $0]) }
    }

    // MARK: The wire

    /// Sends `request` (slave id, function, data) and returns the reply without its CRC.
    public mutating func transaction(_ request: [UInt8]) throws(ModbusError) -> ArraySlice<UInt8> {
        guard request.count >= 2 else { throw .invalidRequest("a request needs a slave id and a function") }
        let slave = request[0], function = request[1]
        // 0 is broadcast, which has no reply; 248-255 are reserved (serial line 2.2).
        guard slave >= 1 && slave <= 247 else { throw .invalidRequest("slave id \(slave), 1 to 247 allowed") }
        counters.requests += 1

        if let busy = lineBusyUntil { reader.clock.sleep(until: busy + frameGap) }
        discardInput()
        let frame = ModbusCRC.frame(request)
        do { try reader.port.write(frame) } catch {
            counters.bus += 1
            throw .bus(error)
        }
        let sent = TimeSpan(nanoseconds: configuration.characterTime.nanoseconds * Int64(frame.count))
        lineBusyUntil = reader.clock.now() + sent

        let reply: [UInt8]
        do {
            reply = try reader.readFrame(start: [], timeout: sent + replyTimeout, interByte: frameGap, maximumLength: 256) { bytes in
                guard bytes.count >= 2 else { return nil }
                if bytes[1] == function | 0x80 { return 5 }
                guard bytes[1] == function else { return Int.max }
                switch function {
                case ModbusFunction.readHolding, ModbusFunction.readInput: return bytes.count >= 3 ? 5 + Int(bytes[2]) : nil
                default: return 8
                }
            }
        } catch {
            lineBusyUntil = reader.clock.now()
            switch error {
            case .bus(let bus):
                counters.bus += 1
                throw .bus(bus)
            case .timeout(let partial):
                counters.timeouts += 1
                if partial.isEmpty { throw .timeout(slave: slave, function: function) }
                throw .incomplete(slave: slave, function: function, received: partial)
            case .badLength:
                counters.malformed += 1
                discardInput()
                throw .malformed("reply with function \(Hex.byte(function)) expected, another came")
            }
        }
        lineBusyUntil = reader.clock.now()
        if let (expected, found) = ModbusCRC.check(reply), expected != found {
            counters.crc += 1
            throw .crc(expected: expected, found: found)
        }
        guard reply[0] == slave else {
            counters.malformed += 1
            throw .wrongSlave(expected: slave, found: reply[0])
        }
        if reply[1] & 0x80 != 0 {
            counters.exceptions += 1
            throw .exception(slave: slave, function: function, code: ModbusExceptionCode(rawValue: reply[2]))
        }
        counters.replies += 1
        return reply.dropLast(2)
    }

    /// Drops what is waiting, in the reader and in the port: bytes of a late reply or noise.
    private mutating func discardInput() {
        reader = FramedReader(port: reader.port, clock: reader.clock)
        while let count = try? reader.port.read(into: &chunk), count > 0 {}
    }

    private static func word(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
}

/// Function codes (application protocol 5.1).
private enum ModbusFunction {
    static let readHolding: UInt8 = 0x03
    static let readInput: UInt8 = 0x04
    static let writeSingle: UInt8 = 0x06
    static let writeMultiple: UInt8 = 0x10
}

public struct ModbusCounters: Equatable, Sendable {
    public var requests = 0
    public var replies = 0
    public var exceptions = 0
    public var timeouts = 0
    public var crc = 0
    /// Wrong slave, wrong function, wrong length or echo.
    public var malformed = 0
    public var bus = 0
    public init() {}
}

/// An exception code (application protocol 7).
public struct ModbusExceptionCode: RawRepresentable, Equatable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let illegalFunction = ModbusExceptionCode(rawValue: 1)
    public static let illegalDataAddress = ModbusExceptionCode(rawValue: 2)
    public static let illegalDataValue = ModbusExceptionCode(rawValue: 3)
    public static let serverDeviceFailure = ModbusExceptionCode(rawValue: 4)
    public static let acknowledge = ModbusExceptionCode(rawValue: 5)
    public static let serverDeviceBusy = ModbusExceptionCode(rawValue: 6)
    public static let memoryParityError = ModbusExceptionCode(rawValue: 8)
    public static let gatewayPathUnavailable = ModbusExceptionCode(rawValue: 10)
    public static let gatewayTargetFailed = ModbusExceptionCode(rawValue: 11)

    public var name: String {
        switch rawValue {
        case 1: return "illegal function"
        case 2: return "illegal data address"
        case 3: return "illegal data value"
        case 4: return "server device failure"
        case 5: return "acknowledge"
        case 6: return "server device busy"
        case 8: return "memory parity error"
        case 10: return "gateway path unavailable"
        case 11: return "gateway target device failed to respond"
        default: return "exception \(rawValue)"
        }
    }

    public var description: String { name }
}

public enum ModbusError: Error, Equatable, CustomStringConvertible {
    case bus(BusError)
    /// No reply began in time.
    case timeout(slave: UInt8, function: UInt8)
    /// A reply stopped short: a silence of 3.5 characters inside it.
    case incomplete(slave: UInt8, function: UInt8, received: [UInt8])
    case crc(expected: UInt16, found: UInt16)
    /// The slave answered with an exception.
    case exception(slave: UInt8, function: UInt8, code: ModbusExceptionCode)
    case wrongSlave(expected: UInt8, found: UInt8)
    case malformed(String)
    /// A request the protocol does not allow: caught before sending.
    case invalidRequest(String)

    public var sensorError: SensorError {
        switch self {
        case .bus(let error): return SensorError(error)
        case .timeout, .incomplete: return SensorError(.timeout, description)
        case .crc: return SensorError(.checksum, description)
        case .exception, .invalidRequest: return SensorError(.device, description)
        case .wrongSlave, .malformed: return SensorError(.malformed, description)
        }
    }

    public var description: String {
        switch self {
        case .bus(let error): return error.description
        case .timeout(let slave, let function): return "slave \(slave), function \(function): no reply in time"
        case .incomplete(let slave, let function, let received):
            return "slave \(slave), function \(function): reply cut off after \(received.count) bytes"
        case .crc(let expected, let found):
            return "CRC mismatch: expected 0x" + Hex.encode([UInt8(expected >> 8), UInt8(expected & 0xFF)])
                + ", found 0x" + Hex.encode([UInt8(found >> 8), UInt8(found & 0xFF)])
        case .exception(let slave, let function, let code):
            return "slave \(slave), function \(function): exception \(code.rawValue) (\(code.name))"
        case .wrongSlave(let expected, let found): return "reply from slave \(found), expected \(expected)"
        case .malformed(let why): return "malformed reply: " + why
        case .invalidRequest(let why): return "invalid request: " + why
        }
    }
}
