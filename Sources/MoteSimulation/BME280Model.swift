import MoteHAL

/// A register-level Bosch BME280 (datasheet BST-BME280-DS002) on the simulated I2C bus.
///
/// Implements the I2C protocol of datasheet 6.2 (register-address/data pairs on write,
/// auto-increment on read), chip id, soft reset with its NVM copy, ctrl_hum/ctrl_meas/config,
/// status bits, forced-mode conversions that take the datasheet's typical time on the clock, and
/// data registers latched at the end of each conversion. Raw values drift deterministically.
/// Register constants are its own, not the driver's, so a wrong driver constant fails a test.
public final class BME280Model: I2CDeviceModel {
    public enum Fault: Equatable, Sendable {
        /// The part does not acknowledge its address (unplugged, wrong address, dead).
        case nakAddress
        /// The chip-id register reads this value (a BMP280 reads 0x58).
        case wrongChipID(UInt8)
        /// Conversions complete but the data registers never change.
        case stuck
    }

    public let address: UInt8
    private let clock: any Clock
    private var registers: [UInt8] = Array(repeating: 0, count: 256)
    private var pointer: UInt8 = 0
    private var expectingRegister = true
    private var conversionDoneAt: Instant?
    private var nvmCopyDoneAt: Instant?
    private var faults = FaultSchedule<Fault>()
    private var drift = Drift()
    /// Completed conversions: the position on the drift curve.
    public private(set) var conversions: Int64 = 0

    /// Datasheet register addresses.
    private static let chipIDRegister = 0xD0
    private static let resetRegister = 0xE0
    private static let ctrlHum = 0xF2
    private static let status = 0xF3
    private static let ctrlMeas = 0xF4
    private static let config = 0xF5
    private static let data = 0xF7

    /// The trimming values of the datasheet's worked example (BMP280 datasheet 3.12), and
    /// humidity values of a typical part.
    public static let exampleCalibration: [(register: Int, value: Int, size: Int)] = [
        (0x88, 27504, 2), (0x8A, 26435, 2), (0x8C, -1000, 2),
        (0x8E, 36477, 2), (0x90, -10685, 2), (0x92, 3024, 2), (0x94, 2855, 2), (0x96, 140, 2),
        (0x98, -7, 2), (0x9A, 15500, 2), (0x9C, -14600, 2), (0x9E, 6000, 2),
        (0xA1, 75, 1), (0xE1, 362, 2), (0xE3, 0, 1), (0xE7, 30, 1),
    ]
    public static let exampleH4: Int = 324
    public static let exampleH5: Int = 50

    /// Raw values at the start of the drift curve: the datasheet example's adc_T and adc_P.
    public static let baseTemperature: Int32 = 519888
    public static let basePressure: Int32 = 415148
    public static let baseHumidity: Int32 = 30000

    public init(address: UInt8 = 0x76, clock: any Clock) {
        self.address = address
        self.clock = clock
        powerOn()
    }

    /// Applies `fault` from `from` until `until` (forever when nil) on the model's clock.
    public func inject(_ fault: Fault, from: Instant = .zero, until: Instant? = nil) {
        faults.add(fault, from: from, until: until)
    }

    public func clearFaults() {
        faults.removeAll()
    }

    private func active(_ predicate: (Fault) -> Bool) -> Fault? {
        // No clock read on the per-transaction path when nothing is scheduled.
        faults.isEmpty ? nil : faults.active(at: clock.now(), predicate)
    }

    private func powerOn() {
        for index in registers.indices { registers[index] = 0 }
        registers[Self.chipIDRegister] = 0x60
        for (register, value, size) in Self.exampleCalibration {
            registers[register] = UInt8(truncatingIfNeeded: value)
            if size == 2 { registers[register + 1] = UInt8(truncatingIfNeeded: value >> 8) }
        }
        // dig_H4 and dig_H5 share 0xE5 (datasheet table 16).
        registers[0xE4] = UInt8(truncatingIfNeeded: Self.exampleH4 >> 4)
        registers[0xE5] = UInt8(Self.exampleH4 & 0x0F) | UInt8((Self.exampleH5 & 0x0F) << 4)
        registers[0xE6] = UInt8(truncatingIfNeeded: Self.exampleH5 >> 4)
        // Data registers read their reset values until the first conversion (datasheet 5.3).
        registers[0xF7] = 0x80; registers[0xFA] = 0x80; registers[0xFD] = 0x80
    }

    // MARK: I2CDeviceModel

    public func start(read: Bool) -> Bool {
        guard active({ $0 == .nakAddress }) == nil else { return false }
        advance()
        if !read { expectingRegister = true }
        return true
    }

    public func write(_ byte: UInt8) -> Bool {
        if expectingRegister {
            pointer = byte
        } else {
            writeRegister(Int(pointer), byte)
        }
        expectingRegister.toggle()
        return true
    }

    public func read() -> UInt8 {
        let register = Int(pointer)
        pointer &+= 1
        switch register {
        case Self.chipIDRegister:
            if case .wrongChipID(let id) = active({ if case .wrongChipID = $0 { return true } else { return false } }) {
                return id
            }
            return registers[register]
        case Self.status:
            let measuring: UInt8 = conversionDoneAt != nil ? 0x08 : 0
            let copying: UInt8 = nvmCopyDoneAt != nil ? 0x01 : 0
            return measuring | copying
        default:
            return registers[register]
        }
    }

    public func stop() {}

    // MARK: Registers

    private func writeRegister(_ register: Int, _ value: UInt8) {
        switch register {
        case Self.resetRegister where value == 0xB6:
            powerOn()
            conversionDoneAt = nil
            nvmCopyDoneAt = clock.now() + .milliseconds(3)
        case Self.ctrlHum:
            registers[register] = value & 0x07
        case Self.ctrlMeas:
            registers[register] = value
            let mode = value & 0x03
            if mode == 0x01 || mode == 0x02 {
                conversionDoneAt = clock.now() + .microseconds(typicalMeasurementMicroseconds())
            }
        case Self.config:
            registers[register] = value
        default:
            break  // read-only or reserved: writes are ignored
        }
    }

    /// Datasheet 9.1: t_measure,typ = 1 + 2·T + (2·P + 0.5) + (2·H + 0.5) ms.
    private func typicalMeasurementMicroseconds() -> Int64 {
        func factor(_ setting: UInt8) -> Int64 { setting == 0 ? 0 : Int64(1) << Int64(min(setting, 5) - 1) }
        let t = factor(registers[Self.ctrlMeas] >> 5), p = factor((registers[Self.ctrlMeas] >> 2) & 0x07)
        let h = factor(registers[Self.ctrlHum] & 0x07)
        return 1000 + 2000 * t + (p > 0 ? 2000 * p + 500 : 0) + (h > 0 ? 2000 * h + 500 : 0)
    }

    /// Finishes what the clock says is finished.
    private func advance() {
        let now = clock.now()
        if let done = nvmCopyDoneAt, now >= done { nvmCopyDoneAt = nil }
        if let done = conversionDoneAt, now >= done {
            conversionDoneAt = nil
            registers[Self.ctrlMeas] &= ~0x03  // back to sleep mode
            if active({ $0 == .stuck }) == nil || conversions == 0 { latchConversion() }
        }
    }

    private func latchConversion() {
        let n = conversions
        conversions += 1
        let skipped20: Int32 = 0x80000, skipped16: Int32 = 0x8000
        let osrsT = registers[Self.ctrlMeas] >> 5, osrsP = (registers[Self.ctrlMeas] >> 2) & 0x07
        let osrsH = registers[Self.ctrlHum] & 0x07
        let t = osrsT == 0 ? skipped20 : Self.baseTemperature + wave(n, period: 3600, amplitude: 8000)
        let p = osrsP == 0 ? skipped20 : Self.basePressure + wave(n, period: 5400, amplitude: 3000)
        let h = osrsH == 0 ? skipped16 : Self.baseHumidity + wave(n, period: 2700, amplitude: 1500)
        registers[0xF7] = UInt8(truncatingIfNeeded: p >> 12)
        registers[0xF8] = UInt8(truncatingIfNeeded: p >> 4)
        registers[0xF9] = UInt8(truncatingIfNeeded: p << 4)
        registers[0xFA] = UInt8(truncatingIfNeeded: t >> 12)
        registers[0xFB] = UInt8(truncatingIfNeeded: t >> 4)
        registers[0xFC] = UInt8(truncatingIfNeeded: t << 4)
        registers[0xFD] = UInt8(truncatingIfNeeded: h >> 8)
        registers[0xFE] = UInt8(truncatingIfNeeded: h)
    }

    /// The shared triangle drift plus ±16 counts of noise, one raw sample.
    private func wave(_ n: Int64, period: Int64, amplitude: Int64) -> Int32 {
        Int32(Drift.triangle(n, period: period, amplitude: amplitude) + drift.noise(16))
    }
}
