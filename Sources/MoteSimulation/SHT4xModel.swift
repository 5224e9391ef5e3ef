import MoteHAL

/// A command-level Sensirion SHT4x (datasheet "SHT4x") on the simulated I2C bus.
///
/// Single-byte commands: 0xFD measure high precision, 0x89 serial number, 0x94 soft reset.
/// Replies are words with CRC-8, read out once. While measuring (the typical 6.9 ms on the
/// model's clock) or resetting (1 ms) the part NAKs its address, as the real one does; a read
/// with no reply pending NAKs too. Unknown commands NAK. Raw values drift deterministically.
public final class SHT4xModel: I2CDeviceModel {
    public enum Fault: Equatable, Sendable {
        /// The part does not acknowledge its address.
        case nakAddress
        /// Replies carry a wrong CRC on this word (0 = temperature or serial high, 1 = humidity
        /// or serial low).
        case crcError(word: Int)
        /// Measurements complete but repeat the last value.
        case stuck
        /// Measurements read 0xFFFF in both words: 130 °C and 119 %RH, which no working part reports.
        case outOfRange
        /// The serial-number command answers this serial number.
        case wrongSerialNumber(UInt32)
    }

    public let address: UInt8
    /// The serial number the part reports.
    public let serialNumber: UInt32
    private let clock: any Clock
    private var faults = FaultSchedule<Fault>()
    private var drift = Drift(seed: 0x5448_3430)
    private var reply = SensirionReply()
    private var busyUntil: Instant = .zero
    private var last: (temperature: UInt16, humidity: UInt16)?
    /// Completed measurements: the position on the drift curve.
    public private(set) var measurements: Int64 = 0

    /// 25 °C: S_T = (25 + 45) · 65535 / 175.
    public static let baseTemperature: Int64 = 26214
    /// 45 %RH: S_RH = (45 + 6) · 65535 / 125.
    public static let baseHumidity: Int64 = 26738

    /// Typical durations (datasheet 4.2): the driver waits the maxima.
    private static let measureNanoseconds: Int64 = 6_900_000
    private static let resetNanoseconds: Int64 = 1_000_000

    public init(address: UInt8 = 0x44, clock: any Clock, serialNumber: UInt32 = 0x0F1E_2D3C) {
        self.address = address
        self.clock = clock
        self.serialNumber = serialNumber
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
        guard active({ $0 == .nakAddress }) == nil, now >= busyUntil else { return false }
        return read ? reply.startRead(at: now) : true
    }

    public func write(_ byte: UInt8) -> Bool {
        let now = clock.now()
        switch byte {
        case 0xFD:
            busyUntil = now + TimeSpan(nanoseconds: Self.measureNanoseconds)
            let sample = measure()
            reply.set(SensirionFrame.reply([sample.temperature, sample.humidity], corrupt: corruptWord), readyAt: busyUntil)
        case 0x89:
            var serial = serialNumber
            if case .wrongSerialNumber(let other) = active({ if case .wrongSerialNumber = $0 { return true } else { return false } }) {
                serial = other
            }
            reply.set(SensirionFrame.reply([UInt16(serial >> 16), UInt16(serial & 0xFFFF)], corrupt: corruptWord), readyAt: now)
        case 0x94:
            reply.clear()
            busyUntil = now + TimeSpan(nanoseconds: Self.resetNanoseconds)
        default:
            return false
        }
        return true
    }

    public func read() -> UInt8 {
        reply.next()
    }

    public func stop() {
        reply.stop()
    }

    /// The sample the measurement started now will deliver.
    private func measure() -> (temperature: UInt16, humidity: UInt16) {
        if active({ $0 == .outOfRange }) != nil { return (0xFFFF, 0xFFFF) }
        if active({ $0 == .stuck }) != nil, let last { return last }
        let n = measurements
        measurements += 1
        let sample = (drift.sample16(base: Self.baseTemperature, n, period: 3600, amplitude: 1500, noise: 8),
                      drift.sample16(base: Self.baseHumidity, n, period: 2700, amplitude: 4000, noise: 16))
        last = sample
        return sample
    }
}
