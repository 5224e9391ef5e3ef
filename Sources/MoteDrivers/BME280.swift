import MoteHAL

/// Bosch BME280 humidity, pressure and temperature sensor on I2C (datasheet BST-BME280-DS002).
///
/// Forced mode: each `measure` triggers one conversion, waits the datasheet's maximum measurement
/// time, polls the status register and reads the 8 data registers in one burst. Compensation uses
/// the datasheet's integer formulas (section 4.2.3 and 8.2), so every build gives identical values.
public struct BME280<Bus: I2CBus> {
    public static var expectedChipID: UInt8 { 0x60 }

    public var bus: Bus
    public let address: UInt8
    public var oversampling: Oversampling
    /// Read at `start()`; nil before.
    public private(set) var calibration: BME280Calibration?

    private var data: [UInt8] = Array(repeating: 0, count: 8)

    /// Oversampling settings (datasheet 5.4.3 and 5.4.5): 1 = x1 ... 5 = x16, 0 = skipped.
    public struct Oversampling: Equatable, Sendable {
        public var temperature: UInt8
        public var pressure: UInt8
        public var humidity: UInt8
        public init(temperature: UInt8 = 1, pressure: UInt8 = 1, humidity: UInt8 = 1) {
            self.temperature = temperature
            self.pressure = pressure
            self.humidity = humidity
        }

        /// Datasheet 9.1: t_measure,max = 1.25 + 2.3·T + (2.3·P + 0.575) + (2.3·H + 0.575) ms,
        /// with T, P, H the oversampling factors (skipped terms drop out). In microseconds.
        public var maximumMeasurementMicroseconds: Int64 {
            func factor(_ setting: UInt8) -> Int64 { setting == 0 ? 0 : Int64(1) << Int64(min(setting, 5) - 1) }
            var total: Int64 = 1250 + 2300 * factor(temperature)
            if pressure != 0 { total += 2300 * factor(pressure) + 575 }
            if humidity != 0 { total += 2300 * factor(humidity) + 575 }
            return total
        }
    }

    public init(bus: Bus, address: UInt8 = 0x76, oversampling: Oversampling = Oversampling()) {
        self.bus = bus
        self.address = address
        self.oversampling = oversampling
    }

    /// Checks the chip id, soft-resets, reads the calibration and configures oversampling.
    public mutating func start(clock: some Clock) throws(BME280Error) {
        calibration = nil
        let id = try readRegister(BME280Register.chipID)
        guard id == Self.expectedChipID else {
            throw .wrongChipID(expected: Self.expectedChipID, found: id)
        }
        try writeRegister(BME280Register.reset, BME280Register.resetCommand)
        // Datasheet 1.1: start-up time 2 ms; then NVM data are copied while im_update is set.
        clock.sleep(for: .milliseconds(2))
        var polls = 0
        while try readRegister(BME280Register.status) & BME280Register.statusImUpdate != 0 {
            polls += 1
            if polls > 10 { throw .timeout(register: BME280Register.status) }
            clock.sleep(for: .milliseconds(1))
        }

        var block0: [UInt8] = Array(repeating: 0, count: 26)
        var block1: [UInt8] = Array(repeating: 0, count: 7)
        try readRegisters(BME280Register.calibration0, into: &block0)
        try readRegisters(BME280Register.calibration1, into: &block1)
        calibration = BME280Calibration(block0: block0, block1: block1)

        // Datasheet 5.4.3: ctrl_hum takes effect only after the next ctrl_meas write, which every
        // measurement does. Filter off, so forced readings are independent.
        try writeRegister(BME280Register.ctrlHum, oversampling.humidity & 0x07)
        try writeRegister(BME280Register.config, 0x00)
    }

    /// One forced-mode measurement.
    public mutating func measure(clock: some Clock) throws(BME280Error) -> BME280Measurement {
        guard let calibration else { throw .notStarted }
        let ctrlMeas = (oversampling.temperature & 0x07) << 5 | (oversampling.pressure & 0x07) << 2 | BME280Register.modeForced
        try writeRegister(BME280Register.ctrlMeas, ctrlMeas)
        clock.sleep(for: .microseconds(oversampling.maximumMeasurementMicroseconds))
        var polls = 0
        while try readRegister(BME280Register.status) & BME280Register.statusMeasuring != 0 {
            polls += 1
            if polls > 10 { throw .timeout(register: BME280Register.status) }
            clock.sleep(for: .milliseconds(1))
        }
        var data = self.data  // keeps the buffer's storage: no allocation per measurement
        self.data = []
        defer { self.data = data }
        try readRegisters(BME280Register.pressMSB, into: &data)
        let raw = BME280Raw(
            pressure: Int32(data[0]) << 12 | Int32(data[1]) << 4 | Int32(data[2]) >> 4,
            temperature: Int32(data[3]) << 12 | Int32(data[4]) << 4 | Int32(data[5]) >> 4,
            humidity: Int32(data[6]) << 8 | Int32(data[7])
        )
        return calibration.compensate(raw)
    }

    private mutating func readRegister(_ register: UInt8) throws(BME280Error) -> UInt8 {
        do { return try bus.readRegister(address, register) } catch { throw .bus(error, register: register) }
    }

    private mutating func readRegisters(_ register: UInt8, into buffer: inout [UInt8]) throws(BME280Error) {
        do { try bus.readRegisters(address, from: register, into: &buffer) } catch { throw .bus(error, register: register) }
    }

    private mutating func writeRegister(_ register: UInt8, _ value: UInt8) throws(BME280Error) {
        do { try bus.writeRegister(address, register, value) } catch { throw .bus(error, register: register) }
    }
}

/// Register map and bits (datasheet 5.3, 5.4).
private enum BME280Register {
    static let calibration0: UInt8 = 0x88   // 0x88...0xA1, 26 bytes
    static let chipID: UInt8 = 0xD0
    static let reset: UInt8 = 0xE0
    static let calibration1: UInt8 = 0xE1   // 0xE1...0xE7, 7 bytes
    static let ctrlHum: UInt8 = 0xF2
    static let status: UInt8 = 0xF3
    static let ctrlMeas: UInt8 = 0xF4
    static let config: UInt8 = 0xF5
    static let pressMSB: UInt8 = 0xF7       // 0xF7...0xFE: press[3], temp[3], hum[2]

    static let resetCommand: UInt8 = 0xB6
    static let statusMeasuring: UInt8 = 0x08
    static let statusImUpdate: UInt8 = 0x01
    static let modeForced: UInt8 = 0x01
}

extension BME280: SensorDriver {
    public static var part: String { "BME280" }

    public var channels: [ChannelSpec] { ChannelSpec.bme280 }

    public var location: String { "bme280@" + Hex.byte(address) }

    public mutating func setUp(clock: some Clock) throws(SensorError) {
        do { try start(clock: clock) } catch { throw error.sensorError }
    }

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        do {
            let m = try measure(clock: clock)
            return [m.celsius, oversampling.humidity == 0 ? nil : m.relativeHumidity, oversampling.pressure == 0 ? nil : m.pascals]
        } catch {
            throw error.sensorError
        }
    }
}

public enum BME280Error: Error, Equatable, CustomStringConvertible {
    /// A bus transfer touching `register` failed.
    case bus(BusError, register: UInt8)
    /// The part at the address is not a BME280 (a BMP280 answers 0x56..0x58).
    case wrongChipID(expected: UInt8, found: UInt8)
    /// A status bit did not clear in time.
    case timeout(register: UInt8)
    /// `measure` before a successful `start`.
    case notStarted

    public var sensorError: SensorError {
        switch self {
        case .bus: return SensorError(.bus, description)
        case .wrongChipID: return SensorError(.identity, description)
        case .timeout: return SensorError(.timeout, description)
        case .notStarted: return SensorError(.device, description)
        }
    }

    public var description: String {
        switch self {
        case .bus(let error, let register): return "register \(Hex.byte(register)): \(error.description)"
        case .wrongChipID(let expected, let found): return "wrong chip id: expected \(Hex.byte(expected)), found \(Hex.byte(found))"
        case .timeout(let register): return "register \(Hex.byte(register)): status did not clear in time"
        case .notStarted: return "not started"
        }
    }
}

/// Uncompensated ADC values: 20-bit temperature and pressure, 16-bit humidity.
public struct BME280Raw: Equatable, Sendable {
    public var pressure: Int32
    public var temperature: Int32
    public var humidity: Int32
    public init(pressure: Int32, temperature: Int32, humidity: Int32) {
        self.pressure = pressure
        self.temperature = temperature
        self.humidity = humidity
    }
}

/// A compensated measurement in the datasheet's fixed-point units.
public struct BME280Measurement: Equatable, Sendable {
    /// 0.01 °C: 2508 = 25.08 °C.
    public var temperature: Int32
    /// Pa in Q24.8: 25767233 = 100653.25 Pa.
    public var pressure: UInt32
    /// %RH in Q22.10: 47445 = 46.333 %RH.
    public var humidity: UInt32

    public var celsius: Double { Double(temperature) / 100 }
    public var pascals: Double { Double(pressure) / 256 }
    public var relativeHumidity: Double { Double(humidity) / 1024 }
}

/// The trimming parameters of datasheet table 16.
public struct BME280Calibration: Equatable, Sendable {
    public var t1: UInt16, t2: Int16, t3: Int16
    public var p1: UInt16, p2: Int16, p3: Int16, p4: Int16, p5: Int16, p6: Int16, p7: Int16, p8: Int16, p9: Int16
    public var h1: UInt8, h2: Int16, h3: UInt8, h4: Int16, h5: Int16, h6: Int8

    public init(t1: UInt16, t2: Int16, t3: Int16,
                p1: UInt16, p2: Int16, p3: Int16, p4: Int16, p5: Int16, p6: Int16, p7: Int16, p8: Int16, p9: Int16,
                h1: UInt8, h2: Int16, h3: UInt8, h4: Int16, h5: Int16, h6: Int8) {
        self.t1 = t1; self.t2 = t2; self.t3 = t3
        self.p1 = p1; self.p2 = p2; self.p3 = p3; self.p4 = p4; self.p5 = p5
        self.p6 = p6; self.p7 = p7; self.p8 = p8; self.p9 = p9
        self.h1 = h1; self.h2 = h2; self.h3 = h3; self.h4 = h4; self.h5 = h5; self.h6 = h6
    }

    /// From registers 0x88...0xA1 (`block0`, 26 bytes) and 0xE1...0xE7 (`block1`, 7 bytes).
    public init(block0 b: [UInt8], block1 e: [UInt8]) {
        func u16(_ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
        func s16(_ i: Int) -> Int16 { Int16(bitPattern: u16(i)) }
        self.init(
            t1: u16(0), t2: s16(2), t3: s16(4),
            p1: u16(6), p2: s16(8), p3: s16(10), p4: s16(12), p5: s16(14),
            p6: s16(16), p7: s16(18), p8: s16(20), p9: s16(22),
            h1: b[25],
            h2: Int16(bitPattern: UInt16(e[0]) | UInt16(e[1]) << 8),
            h3: e[2],
            // dig_H4 = 0xE4[11:4] | 0xE5[3:0]; dig_H5 = 0xE6[11:4] | 0xE5[7:4]; both signed 12-bit.
            h4: Int16(Int8(bitPattern: e[3])) << 4 | Int16(e[4] & 0x0F),
            h5: Int16(Int8(bitPattern: e[5])) << 4 | Int16(e[4] >> 4),
            h6: Int8(bitPattern: e[6])
        )
    }

    /// The datasheet's integer compensation. Wrapping arithmetic as in the reference C code, so
    /// garbage from a failing part gives garbage values, never a trap.
    public func compensate(_ raw: BME280Raw) -> BME280Measurement {
        let fine = temperatureFine(raw.temperature)
        return BME280Measurement(
            temperature: (fine &* 5 &+ 128) >> 8,
            pressure: pressure(raw.pressure, fine: fine),
            humidity: humidity(raw.humidity, fine: fine)
        )
    }

    /// t_fine, the temperature in the resolution the other two formulas use.
    public func temperatureFine(_ adcT: Int32) -> Int32 {
        let t1 = Int32(self.t1), t2 = Int32(self.t2), t3 = Int32(self.t3)
        let var1 = (((adcT >> 3) &- (t1 << 1)) &* t2) >> 11
        let d = (adcT >> 4) &- t1
        let var2 = (((d &* d) >> 12) &* t3) >> 14
        return var1 &+ var2
    }

    /// Pressure in Pa, Q24.8 (datasheet 8.2, 64-bit version).
    public func pressure(_ adcP: Int32, fine: Int32) -> UInt32 {
        var var1 = Int64(fine) - 128000
        var var2 = var1 &* var1 &* Int64(p6)
        var2 = var2 &+ ((var1 &* Int64(p5)) << 17)
        var2 = var2 &+ (Int64(p4) << 35)
        var1 = ((var1 &* var1 &* Int64(p3)) >> 8) &+ ((var1 &* Int64(p2)) << 12)
        var1 = (((Int64(1) << 47) &+ var1) &* Int64(p1)) >> 33  // Swift binds >> tighter than *: keep the parentheses
        if var1 == 0 { return 0 }  // the datasheet's guard against division by zero
        var p = 1048576 - Int64(adcP)
        p = (((p << 31) &- var2) &* 3125).dividedReportingOverflow(by: var1).partialValue
        var1 = (Int64(p9) &* (p >> 13) &* (p >> 13)) >> 25
        var2 = (Int64(p8) &* p) >> 19
        p = ((p &+ var1 &+ var2) >> 8) &+ (Int64(p7) << 4)
        return UInt32(truncatingIfNeeded: p)
    }

    /// Relative humidity in %, Q22.10 (datasheet 4.2.3).
    public func humidity(_ adcH: Int32, fine: Int32) -> UInt32 {
        let h1 = Int32(self.h1), h2 = Int32(self.h2), h3 = Int32(self.h3)
        let h4 = Int32(self.h4), h5 = Int32(self.h5), h6 = Int32(self.h6)
        var x = fine &- 76800
        let a = ((adcH << 14) &- (h4 << 20) &- (h5 &* x) &+ 16384) >> 15
        let b = ((((((x &* h6) >> 10) &* (((x &* h3) >> 11) &+ 32768)) >> 10) &+ 2097152) &* h2 &+ 8192) >> 14
        x = a &* b
        x = x &- (((((x >> 15) &* (x >> 15)) >> 7) &* h1) >> 4)
        x = min(max(x, 0), 419430400)
        return UInt32(x >> 12)
    }
}

extension ChannelSpec {
    /// The BME280's channels, also what configuration files are checked against.
    public static var bme280: [ChannelSpec] {
        [ChannelSpec(name: "temperature", unit: "Cel", symbol: "°C", decimals: 2),
         ChannelSpec(name: "humidity", unit: "%RH", decimals: 3),
         ChannelSpec(name: "pressure", unit: "Pa", decimals: 2)]
    }
}
