import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// Commands and timings of the SCD4x datasheet, re-declared so a wrong driver constant fails.
private enum Datasheet {
    static let address: UInt8 = 0x62
    static let startPeriodic: [UInt8] = [0x21, 0xB1], stopPeriodic: [UInt8] = [0x3F, 0x86]
    static let dataReady: [UInt8] = [0xE4, 0xB8], readMeasurement: [UInt8] = [0xEC, 0x05]
    static let serialNumber: [UInt8] = [0x36, 0x82]

    /// Datasheet 3.9.2 example: 0xf896 0x9f07 0x3bbe = 273325796834238.
    static let serialReply: [UInt8] = [0xF8, 0x96, 0x31, 0x9F, 0x07, 0xC2, 0x3B, 0xBE, 0x89]
    /// Datasheet 3.5.2 example: 500 ppm, 0x6667 = 25 °C, 0x5eb9 = 37 %RH.
    static let measurementReply: [UInt8] = [0x01, 0xF4, 0x33, 0x66, 0x67, 0xA2, 0x5E, 0xB9, 0x3C]
    static let ready: [UInt8] = [0x80, 0x06, 0x04]
    static let notReady: [UInt8] = [0x80, 0x00, 0xA2]
}

@Suite struct SCD4xConversionTests {
    @Test func theDatasheetExample() {
        let m = SCD4xMeasurement(co2: 0x01F4, rawTemperature: 0x6667, rawHumidity: 0x5EB9)
        #expect(m.co2 == 500)
        #expect(abs(m.celsius - 25.0) < 0.003)
        #expect(abs(m.relativeHumidity - 37.0) < 0.002)
    }
}

@Suite struct SCD4xBusTests {
    typealias Step = ScriptedI2CBus.Step
    let a = Datasheet.address
    var startSteps: [Step] {
        [.write(a, Datasheet.stopPeriodic), .write(a, Datasheet.serialNumber), .read(a, response: Datasheet.serialReply),
         .write(a, Datasheet.startPeriodic)]
    }

    @Test func startPollsAndReadsLikeTheDatasheet() throws {
        let bus = ScriptedI2CBus(startSteps + [
            .write(a, Datasheet.dataReady), .read(a, response: Datasheet.notReady),
            .write(a, Datasheet.dataReady), .read(a, response: Datasheet.ready),
            .write(a, Datasheet.readMeasurement), .read(a, response: Datasheet.measurementReply),
        ])
        let clock = VirtualClock()
        var sensor = SCD4x(bus: bus)
        try sensor.setUp(clock: clock)
        #expect(sensor.serialNumber == 273325796834238)
        #expect(clock.now() == Instant(nanoseconds: 501_000_000))  // 500 ms stop, 1 ms serial
        let values = try sensor.read(clock: clock)
        #expect(values[0] == 500)
        #expect(abs(values[1]! - 25.0) < 0.003)
        #expect(abs(values[2]! - 37.0) < 0.002)
        // Two status queries of 1 ms, one 250 ms poll interval, the 1 ms read.
        #expect(clock.now() == Instant(nanoseconds: 501_000_000 + 253_000_000))
        #expect(bus.done, "\(bus.report)")
    }

    @Test func describesItself() {
        let sensor = SCD4x(bus: ScriptedI2CBus([]))
        #expect(sensor.location == "scd4x@0x62")
        #expect(SCD4x<ScriptedI2CBus>.part == "SCD4x")
        #expect(sensor.channels.map(\.name) == ["co2", "temperature", "humidity"])
        #expect(sensor.channels.map(\.unit) == ["ppm", "Cel", "%RH"])
        #expect(sensor.channels.map(\.decimals) == [0, 2, 2])
    }

    @Test func noDataWithinTheBoundTimesOut() throws {
        // 7.5 s at 251 ms per poll: 30 polls, the last one past the deadline's last interval.
        let polls = (0..<30).flatMap { _ in [Step.write(a, Datasheet.dataReady), .read(a, response: Datasheet.notReady)] }
        let bus = ScriptedI2CBus(startSteps + polls)
        let clock = VirtualClock()
        var sensor = SCD4x(bus: bus)
        try sensor.start(clock: clock)
        #expect(throws: SensorError(.timeout, "command 0xe4b8: no data ready in time")) { try sensor.read(clock: clock) }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func measureBeforeStartIsRefused() {
        var sensor = SCD4x(bus: ScriptedI2CBus([]))
        #expect(throws: SCD4xError.notStarted) { try sensor.measure(clock: VirtualClock()) }
    }

    @Test func anotherSerialNumberIsAnIdentityError() {
        let bus = ScriptedI2CBus(Array(startSteps.prefix(3)))
        var sensor = SCD4x(bus: bus, expectedSerialNumber: 0x0000_1234_5678)
        #expect(throws: SensorError(.identity, "wrong serial number: expected 0x000012345678, found 0xf8969f073bbe")) {
            try sensor.setUp(clock: VirtualClock())
        }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func aBadCRCNamesTheWord() throws {
        let bad: [UInt8] = [0x01, 0xF4, 0x33, 0x66, 0x67, 0xA2, 0x5E, 0xB9, 0x3D]
        let bus = ScriptedI2CBus(startSteps + [.write(a, Datasheet.dataReady), .read(a, response: Datasheet.ready),
                                               .write(a, Datasheet.readMeasurement), .read(a, response: bad)])
        let clock = VirtualClock()
        var sensor = SCD4x(bus: bus)
        try sensor.start(clock: clock)
        #expect(throws: SensorError(.checksum, "command 0xec05: CRC mismatch in word 2: expected 0x3c, found 0x3d (humidity)")) {
            try sensor.read(clock: clock)
        }
    }

    @Test func aNAKNamesTheCommand() {
        let bus = ScriptedI2CBus([.fail(.write(a, Datasheet.stopPeriodic), .noAcknowledge(.address))])
        var sensor = SCD4x(bus: bus)
        #expect(throws: SensorError(.bus, "command 0x3f86: transaction on scripted-i2c at 0x62: no acknowledge (address)")) {
            try sensor.setUp(clock: VirtualClock())
        }
    }

    @Test func co2BeyondTheOutputRangeIsRejected() throws {
        let high: [UInt8] = [0x9C, 0x41, 0x74, 0x66, 0x67, 0xA2, 0x5E, 0xB9, 0x3C]  // 40001 ppm
        let bus = ScriptedI2CBus(startSteps + [.write(a, Datasheet.dataReady), .read(a, response: Datasheet.ready),
                                               .write(a, Datasheet.readMeasurement), .read(a, response: high)])
        let clock = VirtualClock()
        var sensor = SCD4x(bus: bus)
        try sensor.start(clock: clock)
        #expect(throws: SensorError(.outOfRange, "co2 40001 ppm is above 40000 ppm")) { try sensor.read(clock: clock) }
        #expect(bus.done, "\(bus.report)")
    }
}
