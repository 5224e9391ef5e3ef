import MoteHAL

/// An instruction-level ROHM BH1750FVI on the simulated I2C bus.
///
/// Power down 0x00, power on 0x01, reset 0x07 (ignored in power-down, as the datasheet says;
/// clears the data register), one-time H-resolution 0x20: a measurement of the typical 120 ms on
/// the model's clock, after which the part powers down and holds the result. The model NAKs a
/// read while the measurement runs. Other instructions are acknowledged and ignored (continuous
/// modes and MTreg are not modelled).
public final class BH1750Model: I2CDeviceModel {
    public enum Fault: Equatable, Sendable {
        /// The part does not acknowledge its address.
        case nakAddress
        /// Measurements complete but repeat the last count.
        case stuck
        /// Measurements saturate at 0xFFFF.
        case outOfRange
    }

    public let address: UInt8
    private let clock: any Clock
    private var faults = FaultSchedule<Fault>()
    private var drift = Drift(seed: 0x4248_3137)
    private var poweredOn = false
    private var measuringUntil: Instant?
    private var pending: UInt16 = 0
    /// The data register: what a read returns.
    public private(set) var count: UInt16 = 0
    private var readIndex = 0
    /// Completed measurements: the position on the drift curve.
    public private(set) var measurements: Int64 = 0

    /// 500 lx at MTreg 69: count = lx · 1.2.
    public static let baseCount: Int64 = 600

    private static let measureNanoseconds: Int64 = 120_000_000

    /// 0x23 (ADDR low) or 0x5C (ADDR high).
    public init(address: UInt8 = 0x23, clock: any Clock) {
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

    private func active(_ fault: Fault) -> Bool {
        faults.active(at: clock.now(), { $0 == fault }) != nil
    }

    /// True while a measurement runs.
    public var measuring: Bool {
        advance()
        return measuringUntil != nil
    }

    // MARK: I2CDeviceModel

    public func start(read: Bool) -> Bool {
        guard !active(.nakAddress) else { return false }
        advance()
        if read {
            guard measuringUntil == nil else { return false }
            readIndex = 0
        }
        return true
    }

    public func write(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00:
            poweredOn = false
        case 0x01:
            poweredOn = true
        case 0x07:
            if poweredOn { count = 0 }
        case 0x20:
            poweredOn = true
            pending = sample()
            measuringUntil = clock.now() + TimeSpan(nanoseconds: Self.measureNanoseconds)
        default:
            break
        }
        return true
    }

    public func read() -> UInt8 {
        defer { readIndex += 1 }
        switch readIndex {
        case 0: return UInt8(count >> 8)
        case 1: return UInt8(count & 0xFF)
        default: return 0xFF
        }
    }

    public func stop() {}

    private func advance() {
        if let done = measuringUntil, clock.now() >= done {
            measuringUntil = nil
            count = pending
            poweredOn = false  // one-time modes power down when done
        }
    }

    private func sample() -> UInt16 {
        if active(.outOfRange) { return 0xFFFF }
        if active(.stuck) && measurements > 0 { return count }
        let n = measurements
        measurements += 1
        return drift.sample16(base: Self.baseCount, n, period: 1440, amplitude: 800, noise: 4)
    }
}
