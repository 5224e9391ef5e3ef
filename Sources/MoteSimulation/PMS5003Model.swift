import MoteHAL

/// A Plantower PMS5003 (datasheet PMS5003 series V2.3) as the serial port its driver reads.
///
/// Powers on in active mode, sending a 32-byte frame every `period` from its creation; answers
/// the host commands of appendix II: 0xE1 mode (passive/active, acknowledged with an 8-byte
/// frame), 0xE2 read in passive mode, 0xE4 sleep/wake-up. Commands with a bad check word are
/// ignored. Frames flow at 9600 baud in 8-byte pieces. Concentrations
/// drift deterministically around `baseline` (or stay at `fixed`). Frame constants are its own,
/// not the driver's, so a wrong driver constant fails a test.
public final class PMS5003Model: SerialPort {
    public enum Mode: Equatable, Sendable { case active, passive }

    public enum Fault: Equatable, Sendable {
        /// Frames go out with a check word one too high.
        case checksum
        /// Five bytes of line noise (with a false 0x42 start) before each frame.
        case garbage
        /// Only the first 16 bytes of each frame, then nothing until the next.
        case partialFrame
        /// The frame length field says 20 (frames stay 32 bytes).
        case wrongLength
        /// The cable is off: nothing is sent or received. Ending the fault reconnects, with
        /// the mode and timing as they were.
        case silence
        /// The values freeze at the last ones sent before the fault began.
        case stuck
        /// Concentrations of 4000, 5000 and 6000 µg/m³, beyond the part's range.
        case outOfRange
    }

    public struct Values: Equatable, Sendable {
        /// Atmospheric PM1.0, PM2.5, PM10 in µg/m³.
        public var pm1_0: UInt16, pm2_5: UInt16, pm10: UInt16
        public init(pm1_0: UInt16, pm2_5: UInt16, pm10: UInt16) {
            self.pm1_0 = pm1_0
            self.pm2_5 = pm2_5
            self.pm10 = pm10
        }
    }

    public let name: String
    public let configuration = SerialConfiguration(baud: 9600)
    public private(set) var mode: Mode = .active
    public private(set) var sleeping = false
    /// Time between frames in active mode.
    public let period: TimeSpan
    /// PM2.5 at the middle of the drift curve; PM1.0 is 2/3 of PM2.5, PM10 4/3.
    public var baseline: UInt16
    /// Values sent instead of the drift curve, when set.
    public var fixed: Values?
    /// Data frames sent, and the values of the last.
    public private(set) var framesSent = 0
    public private(set) var lastValues: Values?
    /// Command codes received with a good check word, in order.
    public private(set) var commands: [UInt8] = []

    private let clock: any Clock
    private var line = ModelTransmitter()
    private var faults = FaultSchedule<Fault>()
    private var received: [UInt8] = []
    /// When the next active-mode frame starts to go out.
    private var nextFrameAt: Instant
    private var stuckValues: Values?

    public init(clock: any Clock, period: TimeSpan = .seconds(1), baseline: UInt16 = 12, name: String = "sim-pms5003") {
        self.clock = clock
        self.period = period
        self.baseline = baseline
        self.name = name
        nextFrameAt = clock.now() + period
    }

    /// Applies `fault` from `from` until `until` (forever when nil) on the model's clock.
    public func inject(_ fault: Fault, from: Instant = .zero, until: Instant? = nil) {
        faults.add(fault, from: from, until: until)
    }

    public func clearFaults() { faults.removeAll() }

    // MARK: SerialPort

    public func read(into buffer: inout [UInt8]) throws(BusError) -> Int {
        produce(until: clock.now())
        return line.read(into: &buffer, now: clock.now())
    }

    public func write(_ bytes: [UInt8]) throws(BusError) {
        produce(until: clock.now())
        guard !faults.includes(.silence, at: clock.now()) else { return }
        received += bytes
        // 42 4D, command, data high, data low, check word high, low.
        while received.count >= 7 {
            guard received[0] == 0x42 && received[1] == 0x4D else {
                received.removeFirst()
                continue
            }
            let command = Array(received[0..<7])
            received.removeFirst(7)
            var sum: UInt16 = 0
            for byte in command[0..<5] { sum &+= UInt16(byte) }
            guard sum == UInt16(command[5]) << 8 | UInt16(command[6]) else { continue }
            handle(command: command[2], data: command[4], arrivedAt: clock.now() + ModelTransmitter.duration(7, configuration))
        }
    }

    public func waitReadable(until deadline: Instant) throws(BusError) -> Bool {
        produce(until: clock.now())
        // Only the next frame is made ahead: a command that comes before it can still change it.
        if line.nextArrival.map({ $0 > nextFrameAt }) ?? true { produceOne(until: deadline) }
        return line.waitReadable(until: deadline, clock: clock)
    }

    // MARK: The part

    private func handle(command: UInt8, data: UInt8, arrivedAt: Instant) {
        commands.append(command)
        // The datasheet gives no processing time; a few milliseconds is what parts show.
        let start = arrivedAt + .milliseconds(5)
        switch command {
        case 0xE1:
            mode = data == 0 ? .passive : .active
            sendAck(command: command, data: data, start: start)
            if mode == .active { nextFrameAt = start + period }
        case 0xE2 where mode == .passive && !sleeping:
            sendFrame(start: start)
        case 0xE4:
            sleeping = data == 0
            // Waking up starts the fan; the datasheet wants 30 s before data are stable.
            if !sleeping { nextFrameAt = start + period }
        default:
            break
        }
    }

    /// Generates the active-mode frames due by `deadline`.
    private func produce(until deadline: Instant) {
        while produceOne(until: deadline) {}
    }

    @discardableResult
    private func produceOne(until deadline: Instant) -> Bool {
        guard mode == .active && !sleeping && nextFrameAt <= deadline else { return false }
        let at = nextFrameAt
        nextFrameAt = at + period
        sendFrame(start: at)
        return true
    }

    private func sendAck(command: UInt8, data: UInt8, start: Instant) {
        guard !faults.includes(.silence, at: start) else { return }
        let ack = Self.checked([0x42, 0x4D, 0x00, 0x04, command, data])
        line.transmit(ack, from: start, configuration)
    }

    /// One data frame whose first byte leaves at `start`.
    private func sendFrame(start: Instant) {
        let values = nextValues(at: start)
        guard !faults.includes(.silence, at: start) else { return }
        framesSent += 1
        lastValues = values
        var words: [UInt16] = [values.pm1_0, values.pm2_5, values.pm10, values.pm1_0, values.pm2_5, values.pm10]
        // Particles per 0.1 L beyond 0.3, 0.5, 1.0, 2.5, 5.0, 10 µm: a typical urban spectrum.
        let pm = Int(values.pm2_5)
        words += [pm * 180, pm * 52, pm * 10, pm, pm / 3, pm / 10].map { UInt16(truncatingIfNeeded: $0) }
        words.append(0)  // data 13, reserved
        var body: [UInt8] = [0x42, 0x4D, 0x00, faults.includes(.wrongLength, at: start) ? 20 : 28]
        for word in words { body += [UInt8(word >> 8), UInt8(word & 0xFF)] }
        var frame = Self.checked(body)
        if faults.includes(.checksum, at: start) { frame[31] &+= 1 }
        if faults.includes(.partialFrame, at: start) { frame.removeLast(16) }
        if faults.includes(.garbage, at: start) {
            let noise: [UInt8] = [0x00, 0xFF, 0x42, 0x13, 0x55]
            frame = noise + frame
        }
        line.transmit(frame, from: start, configuration)
    }

    private func nextValues(at instant: Instant) -> Values {
        if faults.includes(.outOfRange, at: instant) { return Values(pm1_0: 4000, pm2_5: 5000, pm10: 6000) }
        if faults.includes(.stuck, at: instant) {
            if stuckValues == nil { stuckValues = lastValues ?? fresh() }
            return stuckValues!
        }
        stuckValues = nil
        return fresh()
    }

    private func fresh() -> Values {
        if let fixed { return fixed }
        // A triangle wave of ±50 % of the baseline over 600 frames.
        let n = Int64(framesSent)
        let phase = (n + 150) % 600
        let rising = phase < 300 ? phase : 600 - phase
        let pm25 = max(0, Int64(baseline) + (rising - 150) * Int64(baseline) / 300)
        return Values(pm1_0: UInt16(pm25 * 2 / 3), pm2_5: UInt16(pm25), pm10: UInt16(pm25 * 4 / 3))
    }

    /// `body` and its check word: the sum of every byte.
    private static func checked(_ body: [UInt8]) -> [UInt8] {
        var sum: UInt16 = 0
        for byte in body { sum &+= UInt16(byte) }
        return body + [UInt8(sum >> 8), UInt8(sum & 0xFF)]
    }
}
