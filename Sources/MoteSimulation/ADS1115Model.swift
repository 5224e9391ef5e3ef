import MoteHAL

/// A register-level TI ADS1115 (datasheet SBAS444) on the simulated I2C bus.
///
/// Pointer byte, then 16-bit registers most significant byte first (datasheet 9.5.3): 0x00
/// conversion, 0x01 config (reset value 0x8583), 0x02/0x03 thresholds. Writing config with OS = 1
/// in single-shot mode starts a conversion of 1/DR on the model's clock; OS reads 0 until it is
/// done, and the conversion register keeps the previous result meanwhile. Inputs are voltages set
/// by the test or board, drifting slightly; codes clip at 0x7FFF/0x8000 beyond the full scale.
/// Continuous mode and the comparator are not modelled.
public final class ADS1115Model: I2CDeviceModel {
    public enum Fault: Equatable, Sendable {
        /// The part does not acknowledge its address.
        case nakAddress
        /// Conversions complete but the conversion register keeps its value.
        case stuck
        /// Conversions read 0x7FFF, as for an input beyond the full scale.
        case outOfRange
        /// Conversions never finish: OS stays 0.
        case neverReady
    }

    public let address: UInt8
    /// AIN0...AIN3 in microvolts, before drift.
    public var inputMicrovolts: [Int64] = [1_650_000, 1_200_000, 500_000, 100_000]
    private let clock: any Clock
    private var faults = FaultSchedule<Fault>()
    private var drift = Drift(seed: 0x4144_5331)
    private var registers: [UInt16] = [0x0000, 0x8583, 0x8000, 0x7FFF]
    private var pointer = 0
    private var written: [UInt8] = []
    private var readIndex = 0
    private var conversionDoneAt: Instant?
    /// Completed conversions: the position on the drift curve.
    public private(set) var conversions: Int64 = 0

    /// 0x48...0x4B by ADDR.
    public init(address: UInt8 = 0x48, clock: any Clock) {
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

    // MARK: I2CDeviceModel

    public func start(read: Bool) -> Bool {
        guard !active(.nakAddress) else { return false }
        advance()
        if read { readIndex = 0 } else { written = [] }
        return true
    }

    public func write(_ byte: UInt8) -> Bool {
        written.append(byte)
        if written.count == 1 {
            guard byte < 4 else { return false }  // datasheet 9.6.1: pointer bits 7:2 are 0
            pointer = Int(byte)
        } else if written.count == 3 {
            writeRegister(pointer, UInt16(written[1]) << 8 | UInt16(written[2]))
        }
        return true
    }

    public func read() -> UInt8 {
        defer { readIndex += 1 }
        var value = registers[pointer]
        if pointer == 1 && conversionDoneAt != nil { value &= ~0x8000 }  // OS = 0: converting
        switch readIndex {
        case 0: return UInt8(value >> 8)
        case 1: return UInt8(value & 0xFF)
        default: return 0xFF
        }
    }

    public func stop() {}

    private func writeRegister(_ register: Int, _ value: UInt16) {
        guard register != 0 else { return }  // the conversion register is read-only
        guard register == 1 else {
            registers[register] = value
            return
        }
        let startsConversion = value & 0x8000 != 0 && value & 0x0100 != 0 && conversionDoneAt == nil
        registers[1] = value | 0x8000  // OS reads back 1 when idle
        if startsConversion {
            let rates: [Int64] = [8, 16, 32, 64, 128, 250, 475, 860]
            let rate = rates[Int(value >> 5 & 0x07)]
            conversionDoneAt = clock.now() + TimeSpan(nanoseconds: 1_000_000_000 / rate)
        }
    }

    private func advance() {
        guard let done = conversionDoneAt, clock.now() >= done, !active(.neverReady) else { return }
        conversionDoneAt = nil
        if active(.outOfRange) {
            registers[0] = 0x7FFF
        } else if !active(.stuck) || conversions == 0 {
            registers[0] = UInt16(bitPattern: convert())
        }
        conversions += 1
    }

    /// The input MUX selects (datasheet 9.6.3), then the code of that voltage at the PGA's full scale.
    private func convert() -> Int16 {
        let config = registers[1]
        let pairs: [(Int, Int?)] = [(0, 1), (0, 3), (1, 3), (2, 3), (0, nil), (1, nil), (2, nil), (3, nil)]
        let (positive, negative) = pairs[Int(config >> 12 & 0x07)]
        let n = conversions
        func input(_ index: Int) -> Int64 {
            inputMicrovolts[index] + Drift.triangle(n + Int64(index) * 97, period: 600, amplitude: 20_000)
        }
        let microvolts = input(positive) - (negative.map(input) ?? 0) + drift.noise(100)
        let fullScales: [Int64] = [6_144_000, 4_096_000, 2_048_000, 1_024_000, 512_000, 256_000, 256_000, 256_000]
        let code = microvolts * 32768 / fullScales[Int(config >> 9 & 0x07)]
        return Int16(min(max(code, -32768), 32767))
    }
}
