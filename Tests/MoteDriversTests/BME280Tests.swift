import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// Register addresses and datasheet values, re-declared here so a wrong driver constant fails.
private enum Datasheet {
    static let address: UInt8 = 0x76
    static let chipID: UInt8 = 0xD0, reset: UInt8 = 0xE0, ctrlHum: UInt8 = 0xF2, status: UInt8 = 0xF3
    static let ctrlMeas: UInt8 = 0xF4, config: UInt8 = 0xF5, data: UInt8 = 0xF7
    static let calibration0: UInt8 = 0x88, calibration1: UInt8 = 0xE1

    /// 0x88...0xA1: dig_T1..T3, dig_P1..P9 of the worked example, 0xA0 unused, dig_H1 = 75.
    static let block0: [UInt8] = [
        0x70, 0x6B, 0x43, 0x67, 0x18, 0xFC,                   // T1 27504, T2 26435, T3 -1000
        0x7D, 0x8E, 0x43, 0xD6, 0xD0, 0x0B, 0x27, 0x0B,       // P1 36477, P2 -10685, P3 3024, P4 2855
        0x8C, 0x00, 0xF9, 0xFF, 0x8C, 0x3C, 0xF8, 0xC6,       // P5 140, P6 -7, P7 15500, P8 -14600
        0x70, 0x17, 0x00, 0x4B,                               // P9 6000, (0xA0), H1 75
    ]
    /// 0xE1...0xE7: H2 362, H3 0, H4 324 and H5 50 sharing 0xE5, H6 30.
    static let block1: [UInt8] = [0x6A, 0x01, 0x00, 0x14, 0x24, 0x03, 0x1E]

    static let calibration = BME280Calibration(
        t1: 27504, t2: 26435, t3: -1000,
        p1: 36477, p2: -10685, p3: 3024, p4: 2855, p5: 140, p6: -7, p7: 15500, p8: -14600, p9: 6000,
        h1: 75, h2: 362, h3: 0, h4: 324, h5: 50, h6: 30)

    /// adc_T = 519888 (0x7EED0), adc_P = 415148 (0x655AC), adc_H = 30000 (0x7530).
    static let dataRegisters: [UInt8] = [0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00, 0x75, 0x30]
}

/// The datasheet's floating-point humidity formula (section 8.1): an independent reference for
/// the integer one the driver uses.
private func referenceHumidity(adcH: Double, fine: Double, _ c: BME280Calibration) -> Double {
    var h = fine - 76800
    h = (adcH - (Double(c.h4) * 64 + Double(c.h5) / 16384 * h))
        * (Double(c.h2) / 65536 * (1 + Double(c.h6) / 67108864 * h * (1 + Double(c.h3) / 67108864 * h)))
    h = h * (1 - Double(c.h1) * h / 524288)
    return min(max(h, 0), 100)
}

@Suite struct BME280CompensationTests {
    @Test func temperatureMatchesTheDatasheetExample() {
        let fine = Datasheet.calibration.temperatureFine(519888)
        #expect(fine == 128422)
        let m = Datasheet.calibration.compensate(BME280Raw(pressure: 415148, temperature: 519888, humidity: 30000))
        #expect(m.temperature == 2508)  // 25.08 °C
    }

    @Test func pressureMatchesTheDatasheetExample() {
        let p = Datasheet.calibration.pressure(415148, fine: 128422)
        #expect(p >> 8 == 100653)        // whole pascals
        #expect(p == 25767233)           // 100653.25 Pa in Q24.8 (the 64-bit formula run in Python)
    }

    @Test func humidityAgreesWithTheFloatingPointFormula() {
        for adcH: Int32 in [20000, 26000, 30000, 34000] {
            let q = Datasheet.calibration.humidity(adcH, fine: 128422)
            let reference = referenceHumidity(adcH: Double(adcH), fine: 128422, Datasheet.calibration)
            #expect(abs(Double(q) / 1024 - reference) < 0.02, "adc_H \(adcH)")
        }
    }

    @Test func humidityIsClampedToTheDatasheetRange() {
        #expect(Datasheet.calibration.humidity(0, fine: 128422) == 0)
        #expect(Datasheet.calibration.humidity(65535, fine: 128422) == 419430400 >> 12)  // 100 %RH
    }

    @Test func garbageCalibrationGivesValuesNotATrap() {
        let zero = BME280Calibration(block0: Array(repeating: 0, count: 26), block1: Array(repeating: 0, count: 7))
        let m = zero.compensate(BME280Raw(pressure: 0xFFFFF, temperature: 0xFFFFF, humidity: 0xFFFF))
        #expect(m.pressure == 0)  // var1 == 0: the datasheet's division guard
        let ff = BME280Calibration(block0: Array(repeating: 0xFF, count: 26), block1: Array(repeating: 0xFF, count: 7))
        _ = ff.compensate(BME280Raw(pressure: 0, temperature: 0, humidity: 0))
    }

    @Test func calibrationIsDecodedFromTheRegisterBlocks() {
        #expect(BME280Calibration(block0: Datasheet.block0, block1: Datasheet.block1) == Datasheet.calibration)
    }

    @Test func negativeH4AndH5KeepTheirSign() {
        // dig_H4 = -255: 0xE4 = 0xF0, 0xE5[3:0] = 0x1; dig_H5 = -2047: 0xE6 = 0x80, 0xE5[7:4] = 0x1.
        let c = BME280Calibration(block0: Datasheet.block0, block1: [0x6A, 0x01, 0x00, 0xF0, 0x11, 0x80, 0x1E])
        #expect(c.h4 == -255)
        #expect(c.h5 == -2047)
    }

    @Test func measurementTimeFollowsSection9() {
        #expect(BME280<ScriptedI2CBus>.Oversampling().maximumMeasurementMicroseconds == 9300)
        #expect(BME280<ScriptedI2CBus>.Oversampling(temperature: 5, pressure: 0, humidity: 0).maximumMeasurementMicroseconds == 1250 + 2300 * 16)
    }
}

@Suite struct BME280BusTests {
    typealias Step = ScriptedI2CBus.Step
    let a = Datasheet.address

    var startSteps: [Step] {
        [
            .writeRead(a, [Datasheet.chipID], response: [0x60]),
            .write(a, [Datasheet.reset, 0xB6]),
            .writeRead(a, [Datasheet.status], response: [0x00]),
            .writeRead(a, [Datasheet.calibration0], response: Datasheet.block0),
            .writeRead(a, [Datasheet.calibration1], response: Datasheet.block1),
            .write(a, [Datasheet.ctrlHum, 0x01]),
            .write(a, [Datasheet.config, 0x00]),
        ]
    }

    @Test func startAndMeasureProduceTheDatasheetTransactions() throws {
        let bus = ScriptedI2CBus(startSteps + [
            .write(a, [Datasheet.ctrlMeas, 0x25]),  // osrs_t x1, osrs_p x1, forced
            .writeRead(a, [Datasheet.status], response: [0x08]),  // still measuring
            .writeRead(a, [Datasheet.status], response: [0x00]),
            .writeRead(a, [Datasheet.data], response: Datasheet.dataRegisters),
        ])
        let clock = VirtualClock()
        var sensor = BME280(bus: bus)
        try sensor.start(clock: clock)
        #expect(sensor.calibration == Datasheet.calibration)
        let m = try sensor.measure(clock: clock)
        #expect(m.temperature == 2508)
        #expect(m.pressure == 25767233)
        #expect(m.humidity == Datasheet.calibration.humidity(30000, fine: 128422))
        #expect(bus.done, "\(bus.report)")
        // 2 ms start-up, 9.3 ms measurement, one 1 ms status poll.
        #expect(clock.now() == Instant(nanoseconds: 12_300_000))
    }

    @Test func aMissingDeviceNamesTheBusAddressAndRegister() {
        let bus = ScriptedI2CBus([.fail(.writeRead(a, [Datasheet.chipID], response: [0]), .noAcknowledge(.address))])
        var sensor = BME280(bus: bus)
        let expected = BME280Error.bus(BusError(.noAcknowledge(.address), operation: "transaction", bus: "scripted-i2c", address: 0x76), register: 0xD0)
        #expect(throws: expected) { try sensor.start(clock: VirtualClock()) }
        #expect(expected.description == "register 0xd0: transaction on scripted-i2c at 0x76: no acknowledge (address)")
        #expect(bus.done, "\(bus.report)")
    }

    @Test func aWrongChipIDNamesExpectedAndFound() {
        let bus = ScriptedI2CBus([.writeRead(a, [Datasheet.chipID], response: [0x58])])
        var sensor = BME280(bus: bus)
        #expect(throws: BME280Error.wrongChipID(expected: 0x60, found: 0x58)) { try sensor.start(clock: VirtualClock()) }
        #expect(BME280Error.wrongChipID(expected: 0x60, found: 0x58).description == "wrong chip id: expected 0x60, found 0x58")
        #expect(sensor.calibration == nil)
        #expect(bus.done, "\(bus.report)")
    }

    @Test func aStatusThatNeverClearsTimesOut() throws {
        let polls = Array(repeating: Step.writeRead(a, [Datasheet.status], response: [0x08]), count: 11)
        let bus = ScriptedI2CBus(startSteps + [.write(a, [Datasheet.ctrlMeas, 0x25])] + polls)
        var sensor = BME280(bus: bus)
        let clock = VirtualClock()
        try sensor.start(clock: clock)
        #expect(throws: BME280Error.timeout(register: 0xF3)) { try sensor.measure(clock: clock) }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func measureBeforeStartIsRefused() {
        var sensor = BME280(bus: ScriptedI2CBus([]))
        #expect(throws: BME280Error.notStarted) { try sensor.measure(clock: VirtualClock()) }
    }

    @Test func theScriptedBusReportsAnUnexpectedTransaction() {
        let bus = ScriptedI2CBus([.writeRead(a, [Datasheet.chipID], response: [0x60])])
        var sensor = BME280(bus: bus, address: 0x77)
        #expect(throws: (any Error).self) { try sensor.start(clock: VirtualClock()) }
        #expect(!bus.done)
        #expect(bus.report == "transaction 1: expected 0x76 write [d0] read 1, got 0x77 write [d0] read 1\n")
    }
}
