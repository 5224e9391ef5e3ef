import MoteHAL

/// A Modbus RTU server ("slave") on a serial line, as the port its master talks through
/// (Modbus Application Protocol V1.1b3; Modbus over Serial Line V1.02).
///
/// Answers functions 03, 04, 06 and 16 for its slave id from one bank of holding and one of
/// input registers; other functions get exception 1, addresses outside a bank exception 2,
/// counts outside the protocol's limits exception 3. Requests for other slaves and requests
/// with a bad CRC are ignored, as the spec says; broadcasts (slave 0) are carried out without a
/// reply. A reply arrives whole `turnaround` after the request's last character plus its own
/// transmission time. The CRC code is its own, not the driver's.
public final class ModbusSlaveModel: SerialPort {
    public enum Fault: Equatable, Sendable {
        /// No reply at all (unplugged, powered off, wrong baud rate).
        case silence
        /// Replies go out with their CRC's low byte inverted.
        case badCRC
        /// Every request is answered with this exception code.
        case exception(UInt8)
    }

    public enum RegisterType: Equatable, Sendable { case holding, input }

    public let name: String
    public let slave: UInt8
    public let configuration: SerialConfiguration
    /// Between the end of a request and the start of the reply.
    public var turnaround: TimeSpan
    public private(set) var requests = 0
    public private(set) var replies = 0
    /// The last frame received for this slave (or broadcast) with a good CRC, CRC included.
    public private(set) var lastRequest: [UInt8] = []

    private let clock: any Clock
    private var line = ModelTransmitter()
    private var faults = FaultSchedule<Fault>()
    private var holdingStart: UInt16, holding: [UInt16]
    private var inputStart: UInt16, input: [UInt16]
    private var received: [UInt8] = []
    private var lastReceivedAt: Instant?
    private var waves: [(address: UInt16, base: Int32, amplitude: Int32, period: TimeSpan)] = []

    public init(clock: any Clock, slave: UInt8 = 1, configuration: SerialConfiguration = SerialConfiguration(baud: 9600, parity: .even),
                holdingStart: UInt16 = 0, holding: [UInt16] = [], inputStart: UInt16 = 0, input: [UInt16] = [],
                turnaround: TimeSpan = .milliseconds(2), name: String = "sim-modbus") {
        self.clock = clock
        self.slave = slave
        self.configuration = configuration
        self.holdingStart = holdingStart
        self.holding = holding
        self.inputStart = inputStart
        self.input = input
        self.turnaround = turnaround
        self.name = name
    }

    public func inject(_ fault: Fault, from: Instant = .zero, until: Instant? = nil) {
        faults.add(fault, from: from, until: until)
    }

    public func clearFaults() { faults.removeAll() }

    /// The register at `address`, nil outside the bank.
    public func register(_ type: RegisterType, _ address: UInt16) -> UInt16? {
        let (start, values) = type == .holding ? (holdingStart, holding) : (inputStart, input)
        guard address >= start, Int(address - start) < values.count else { return nil }
        if type == .input, let wave = waves.first(where: { $0.address == address }) { return value(of: wave) }
        return values[Int(address - start)]
    }

    /// Sets a register inside its bank; returns false outside.
    @discardableResult
    public func set(_ type: RegisterType, _ address: UInt16, _ value: UInt16) -> Bool {
        let start = type == .holding ? holdingStart : inputStart
        let count = type == .holding ? holding.count : input.count
        guard address >= start, Int(address - start) < count else { return false }
        if type == .holding { holding[Int(address - start)] = value } else { input[Int(address - start)] = value }
        return true
    }

    /// Makes an input register follow a triangle wave on the clock: `base` at time zero, up to
    /// base + amplitude/2 at a quarter period, down to base - amplitude/2 at three quarters
    /// (as a signed 16-bit value, e.g. 0.1 °C).
    public func animate(input address: UInt16, base: Int32, amplitude: Int32, period: TimeSpan) {
        waves.append((address, base, amplitude, period))
    }

    private func value(of wave: (address: UInt16, base: Int32, amplitude: Int32, period: TimeSpan)) -> UInt16 {
        let period = max(wave.period.nanoseconds, 1)
        let phase = (clock.now().nanoseconds + period / 4) % period
        let half = period / 2
        let rising = phase < half ? phase : period - phase
        let offset = Int64(wave.amplitude) * rising / half - Int64(wave.amplitude) / 2
        return UInt16(truncatingIfNeeded: Int64(wave.base) + offset)
    }

    // MARK: SerialPort

    public func read(into buffer: inout [UInt8]) throws(BusError) -> Int {
        line.read(into: &buffer, now: clock.now())
    }

    public func waitReadable(until deadline: Instant) throws(BusError) -> Bool {
        line.waitReadable(until: deadline, clock: clock)
    }

    /// Bytes from the master. A silence of 3.5 characters since the last byte starts a new
    /// frame (serial line 2.5.1.1); a frame is taken once its CRC checks.
    public func write(_ bytes: [UInt8]) throws(BusError) {
        let now = clock.now()
        let gap: TimeSpan = configuration.baud > 19200 ? .microseconds(1750) : TimeSpan(nanoseconds: configuration.characterTime.nanoseconds * 7 / 2)
        if let last = lastReceivedAt, now - last > gap { received.removeAll() }
        let end = now + ModelTransmitter.duration(bytes.count, configuration)
        lastReceivedAt = end
        received += bytes
        if received.count > 256 { received.removeAll() }
        guard received.count >= 4, Self.crc(received.dropLast(2)) == UInt16(received[received.count - 2]) | UInt16(received[received.count - 1]) << 8 else {
            return
        }
        let frame = received
        received.removeAll()
        guard frame[0] == slave || frame[0] == 0 else { return }
        guard !faults.includes(.silence, at: now) else { return }
        lastRequest = frame
        requests += 1
        guard let reply = answer(Array(frame.dropLast(2))), frame[0] != 0 else { return }
        var bytes = reply
        let crc = Self.crc(bytes)
        bytes += [UInt8(crc & 0xFF), UInt8(crc >> 8)]
        if faults.includes(.badCRC, at: now) { bytes[bytes.count - 2] ^= 0xFF }
        replies += 1
        line.send(bytes, at: end + turnaround + ModelTransmitter.duration(bytes.count, configuration))
    }

    /// The reply body (no CRC) to a request body.
    private func answer(_ request: [UInt8]) -> [UInt8]? {
        let function = request[1]
        func exception(_ code: UInt8) -> [UInt8] { [slave, function | 0x80, code] }
        if case .exception(let code) = faults.active(at: clock.now(), { if case .exception = $0 { return true } else { return false } }) {
            return exception(code)
        }
        func word(_ index: Int) -> UInt16 { UInt16(request[index]) << 8 | UInt16(request[index + 1]) }
        switch function {
        case 0x03, 0x04:
            guard request.count == 6 else { return exception(3) }
            let address = word(2), count = Int(word(4))
            guard count >= 1 && count <= 125 else { return exception(3) }
            let type: RegisterType = function == 0x03 ? .holding : .input
            var reply: [UInt8] = [slave, function, UInt8(count * 2)]
            for offset in 0..<count {
                guard Int(address) + offset <= 0xFFFF, let value = register(type, address + UInt16(offset)) else { return exception(2) }
                reply += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return reply
        case 0x06:
            guard request.count == 6 else { return exception(3) }
            guard set(.holding, word(2), word(4)) else { return exception(2) }
            return request
        case 0x10:
            guard request.count >= 7 else { return exception(3) }
            let address = word(2), count = Int(word(4))
            guard count >= 1 && count <= 123, Int(request[6]) == count * 2, request.count == 7 + count * 2 else { return exception(3) }
            guard Int(address) + count <= 0x10000, register(.holding, address) != nil,
                  register(.holding, address + UInt16(count - 1)) != nil else { return exception(2) }
            for offset in 0..<count { set(.holding, address + UInt16(offset), word(7 + 2 * offset)) }
            return Array(request.prefix(6))
        default:
            return exception(1)
        }
    }

    /// CRC-16/MODBUS (serial line 6.2.2).
    private static func crc(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0xFFFF
        for byte in bytes {
            crc ^= UInt16(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }
}
