import MoteHAL

/// A command-level Sensirion SHT3x-DIS on the simulated I2C bus.
///
/// 16-bit commands, most significant byte first: 0x2400 single shot high repeatability without
/// clock stretching (typical 12.5 ms on the model's clock, during which a read header is NAKed,
/// datasheet 4.3), 0x30A2 soft reset (busy 1 ms), 0xF32D read status, 0x3041 clear status.
/// Status bits per datasheet table 17: alert pending (15) and reset detected (4) after power-on
/// and reset, command status (1) after an unknown command, which the part NAKs.
public final class SHT3xModel: I2CDeviceModel {
    public enum Fault: Equatable, Sendable {
        /// The part does not acknowledge its address.
        case nakAddress
        /// Replies carry a wrong CRC on this word (0 = temperature or status, 1 = humidity).
        case crcError(word: Int)
        /// Measurements complete but repeat the last value.
        case stuck
        /// Measurements read 0xFFFF (130 °C, 100 %RH): no working part reports the temperature.
        case outOfRange
    }

    public let address: UInt8
    private let clock: any Clock
    private var faults = FaultSchedule<Fault>()
    private var drift = Drift(seed: 0x5348_5433)
    private var reply = SensirionReply()
    private var busyUntil: Instant = .zero
    private var command: [UInt8] = []
    private var last: (temperature: UInt16, humidity: UInt16)?
    /// The status register (datasheet 4.11).
    public private(set) var status: UInt16 = SHT3xModel.resetStatus
    /// Completed measurements: the position on the drift curve.
    public private(set) var measurements: Int64 = 0

    /// 22 °C: S_T = (22 + 45) · 65535 / 175.
    public static let baseTemperature: Int64 = 25090
    /// 50 %RH: S_RH = 0.5 · 65535.
    public static let baseHumidity: Int64 = 32768

    private static let resetStatus: UInt16 = 0x8010
    private static let measureNanoseconds: Int64 = 12_500_000
    private static let resetNanoseconds: Int64 = 1_000_000

    /// 0x44 (ADDR low) or 0x45 (ADDR high).
    public init(address: UInt8 = 0x44, clock: any Clock) {
        self.address = address
        self.clock = clock
    }

    /// Applies `fault` from `from` until `until` (forever when nil) on the model's clock.
    public func inject(_ fault: Fault, from: Instant = .zero, until: Instant? = nil) {
        faults.add(fault, from: from, until: until)
    }

    public func clearFaults() {
        faults.removeAll()
    }

    private func active(_ matches: (Fault) -> Bool) -> Fault? {
        faults.active(at: clock.now(), matches)
    }

    private var corruptWord: Int? {
        if case .crcError(let word) = active({ if case .crcError = $0 { return true } else { return false } }) { return word }
        return nil
    }

    // MARK: I2CDeviceModel

    public func start(read: Bool) -> Bool {
        let now = clock.now()
        guard active({ $0 == .nakAddress }) == nil, now >= busyUntil || read else { return false }
        command = []
        return read ? reply.startRead(at: now) : true
    }

    public func write(_ byte: UInt8) -> Bool {
        command.append(byte)
        guard command.count == 2 else { return command.count < 2 }
        let now = clock.now()
        switch UInt16(command[0]) << 8 | UInt16(command[1]) {
        case 0x2400:
            let sample = measure()
            reply.set(SensirionFrame.reply([sample.temperature, sample.humidity], corrupt: corruptWord),
                      readyAt: now + TimeSpan(nanoseconds: Self.measureNanoseconds))
            busyUntil = now + TimeSpan(nanoseconds: Self.measureNanoseconds)
        case 0x30A2:
            reply.clear()
            status = Self.resetStatus
            busyUntil = now + TimeSpan(nanoseconds: Self.resetNanoseconds)
        case 0xF32D:
            reply.set(SensirionFrame.reply([status], corrupt: corruptWord), readyAt: now)
        case 0x3041:
            status &= ~0x8C10  // alert pending, RH and T tracking alerts, reset detected
        default:
            status |= 0x0002   // command status: last command not processed
            return false
        }
        status &= ~0x0002
        return true
    }

    public func read() -> UInt8 {
        reply.next()
    }

    public func stop() {
        reply.stop()
    }

    private func measure() -> (temperature: UInt16, humidity: UInt16) {
        if active({ $0 == .outOfRange }) != nil { return (0xFFFF, 0xFFFF) }
        if active({ $0 == .stuck }) != nil, let last { return last }
        let n = measurements
        measurements += 1
        let sample = (drift.sample16(base: Self.baseTemperature, n, period: 3600, amplitude: 1500, noise: 8),
                      drift.sample16(base: Self.baseHumidity, n, period: 2700, amplitude: 5000, noise: 16))
        last = sample
        return sample
    }
}
