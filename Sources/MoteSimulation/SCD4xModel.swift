import MoteHAL

/// A command-level Sensirion SCD40/41 (datasheet "SCD4x") on the simulated I2C bus.
///
/// 16-bit commands: start_periodic_measurement 0x21B1 (a new measurement every 5 s on the
/// model's clock), stop_periodic_measurement 0x3F86 (busy 500 ms, NAKing its address),
/// get_data_ready_status 0xE4B8, read_measurement 0xEC05 (NAKs the read header when no new data
/// is there, and empties the buffer), get_serial_number 0x3682 (idle only: in periodic mode the
/// part NAKs it, datasheet 3.6). Replies are ready 1 ms after the command, NAKed before.
public final class SCD4xModel: I2CDeviceModel {
    public enum Fault: Equatable, Sendable {
        /// The part does not acknowledge its address.
        case nakAddress
        /// Replies carry a wrong CRC on this word (0 = CO2 or the first word, 1, 2).
        case crcError(word: Int)
        /// New measurements repeat the last values.
        case stuck
        /// Measurements read CO2 0xFFFF (65535 ppm, beyond the 40000 ppm output range).
        case outOfRange
        /// The serial-number command answers this 48-bit serial number.
        case wrongSerialNumber(UInt64)
        /// Data ready never comes (a part stuck in a measurement).
        case neverReady
    }

    public let address: UInt8
    /// The 48-bit serial number: the datasheet's example by default.
    public let serialNumber: UInt64
    private let clock: any Clock
    private var faults = FaultSchedule<Fault>()
    private var drift = Drift(seed: 0x5343_4434)
    private var reply = SensirionReply()
    private var busyUntil: Instant = .zero
    private var command: [UInt8] = []
    private var periodicSince: Instant?
    private var periods: Int64 = 0
    private var latest: (co2: UInt16, temperature: UInt16, humidity: UInt16)?
    private var dataReady = false
    /// Completed measurements: the position on the drift curve.
    public private(set) var measurements: Int64 = 0

    public static let baseCO2: Int64 = 600
    /// 22 °C: word = (22 + 45) · 65535 / 175.
    public static let baseTemperature: Int64 = 25090
    /// 40 %RH: word = 0.4 · 65535.
    public static let baseHumidity: Int64 = 26214

    private static let periodNanoseconds: Int64 = 5_000_000_000
    private static let stopNanoseconds: Int64 = 500_000_000
    private static let executionNanoseconds: Int64 = 1_000_000

    public init(address: UInt8 = 0x62, clock: any Clock, serialNumber: UInt64 = 0xF896_9F07_3BBE) {
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

    /// True while periodic measurement runs.
    public var periodic: Bool { periodicSince != nil }

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
        advance()
        command = []
        return read ? reply.startRead(at: now) : true
    }

    public func write(_ byte: UInt8) -> Bool {
        command.append(byte)
        guard command.count == 2 else { return command.count < 2 }
        let now = clock.now()
        let ready = now + TimeSpan(nanoseconds: Self.executionNanoseconds)
        switch UInt16(command[0]) << 8 | UInt16(command[1]) {
        case 0x21B1 where periodicSince == nil:
            periodicSince = now
            periods = 0
            reply.clear()
        case 0x3F86:
            periodicSince = nil
            dataReady = false
            reply.clear()
            busyUntil = now + TimeSpan(nanoseconds: Self.stopNanoseconds)
        case 0xE4B8:
            let ready: UInt16 = dataReady ? 0x8006 : 0x8000  // low 11 bits: non-zero when ready
            reply.set(SensirionFrame.reply([ready], corrupt: corruptWord), readyAt: now + TimeSpan(nanoseconds: Self.executionNanoseconds))
        case 0xEC05:
            if dataReady, let latest {
                reply.set(SensirionFrame.reply([latest.co2, latest.temperature, latest.humidity], corrupt: corruptWord), readyAt: ready)
                dataReady = false
            } else {
                reply.clear()
            }
        case 0x3682 where periodicSince == nil:
            var serial = serialNumber
            if case .wrongSerialNumber(let other) = active({ if case .wrongSerialNumber = $0 { return true } else { return false } }) {
                serial = other
            }
            let words = [UInt16(truncatingIfNeeded: serial >> 32), UInt16(truncatingIfNeeded: serial >> 16), UInt16(truncatingIfNeeded: serial)]
            reply.set(SensirionFrame.reply(words, corrupt: corruptWord), readyAt: ready)
        default:
            return false  // unknown, or not allowed in the current mode
        }
        return true
    }

    public func read() -> UInt8 {
        reply.next()
    }

    public func stop() {
        reply.stop()
    }

    /// Latches the measurement of each 5 s period that has ended since the last look.
    private func advance() {
        guard let since = periodicSince else { return }
        let elapsed = (clock.now() - since).nanoseconds / Self.periodNanoseconds
        guard elapsed > periods else { return }
        periods = elapsed
        guard active({ $0 == .neverReady }) == nil else { return }
        if active({ $0 == .outOfRange }) != nil {
            latest = (0xFFFF, latest?.temperature ?? UInt16(Self.baseTemperature), latest?.humidity ?? UInt16(Self.baseHumidity))
        } else if active({ $0 == .stuck }) == nil || latest == nil {
            let n = measurements
            measurements += 1
            latest = (drift.sample16(base: Self.baseCO2, n, period: 720, amplitude: 400, noise: 5),
                      drift.sample16(base: Self.baseTemperature, n, period: 720, amplitude: 1500, noise: 8),
                      drift.sample16(base: Self.baseHumidity, n, period: 540, amplitude: 4000, noise: 16))
        }
        dataReady = true
    }
}
