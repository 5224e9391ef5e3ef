import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// Commands and timings of the SHT4x datasheet, re-declared so a wrong driver constant fails.
private enum Datasheet {
    static let address: UInt8 = 0x44
    static let measureHighPrecision: UInt8 = 0xFD, serialNumber: UInt8 = 0x89, softReset: UInt8 = 0x94
    /// 1 ms reset, 1 ms serial read-out, 8.2 ms measurement.
    static let startNanoseconds: Int64 = 2_000_000
    static let measureNanoseconds: Int64 = 8_200_000

    /// Words with their CRC-8 (poly 0x31, init 0xFF; 0xBEEF → 0x92, datasheet 4.4).
    static let serialReply: [UInt8] = [0x0F, 0x1E, 0x44, 0x2D, 0x3C, 0xA5]   // 0x0f1e2d3c
    /// S_T = 0x6666 (25 °C: 0x6666 is 0.4 · 0xFFFF), S_RH = 0x8000 (56.5010 %RH).
    static let measureReply: [UInt8] = [0x66, 0x66, 0x93, 0x80, 0x00, 0xA2]
}

@Suite struct SHT4xConversionTests {
    @Test func temperatureFollowsSection4_5() {
        #expect(SHT4xMeasurement(rawTemperature: 0x0000, rawHumidity: 0).celsius == -45)
        #expect(SHT4xMeasurement(rawTemperature: 0xFFFF, rawHumidity: 0).celsius == 130)
        #expect(abs(SHT4xMeasurement(rawTemperature: 0x6666, rawHumidity: 0).celsius - 25) < 1e-9)
    }

    @Test func humidityFollowsSection4_5AndIsCropped() {
        #expect(abs(SHT4xMeasurement(rawTemperature: 0, rawHumidity: 0x8000).relativeHumidity - 56.50096) < 0.00001)
        #expect(SHT4xMeasurement(rawTemperature: 0, rawHumidity: 0x0000).unclampedRelativeHumidity == -6)
        #expect(SHT4xMeasurement(rawTemperature: 0, rawHumidity: 0x0000).relativeHumidity == 0)
        #expect(SHT4xMeasurement(rawTemperature: 0, rawHumidity: 0xFFFF).unclampedRelativeHumidity == 119)
        #expect(SHT4xMeasurement(rawTemperature: 0, rawHumidity: 0xFFFF).relativeHumidity == 100)
    }

    @Test func sensorCRCMatchesTheDatasheetExample() {
        #expect(SensirionCRC.crc8([0xBE, 0xEF]) == 0x92)
    }
}

@Suite struct SHT4xBusTests {
    typealias Step = ScriptedI2CBus.Step
    let a = Datasheet.address
    var startSteps: [Step] {
        [.write(a, [Datasheet.softReset]), .write(a, [Datasheet.serialNumber]), .read(a, response: Datasheet.serialReply)]
    }

    @Test func startAndMeasureProduceTheDatasheetTransactions() throws {
        let bus = ScriptedI2CBus(startSteps + [.write(a, [Datasheet.measureHighPrecision]), .read(a, response: Datasheet.measureReply)])
        let clock = VirtualClock()
        var sensor = SHT4x(bus: bus)
        try sensor.start(clock: clock)
        #expect(sensor.serialNumber == 0x0F1E_2D3C)
        #expect(clock.now() == Instant(nanoseconds: Datasheet.startNanoseconds))
        let m = try sensor.measure(clock: clock)
        #expect(m == SHT4xMeasurement(rawTemperature: 0x6666, rawHumidity: 0x8000))
        #expect(clock.now() == Instant(nanoseconds: Datasheet.startNanoseconds + Datasheet.measureNanoseconds))
        #expect(bus.done, "\(bus.report)")
    }

    @Test func readReturnsTheChannelsInOrder() throws {
        let bus = ScriptedI2CBus([.write(a, [Datasheet.measureHighPrecision]), .read(a, response: Datasheet.measureReply)])
        var sensor = SHT4x(bus: bus)
        let values = try sensor.read(clock: VirtualClock())
        #expect(values.count == 2)
        #expect(abs(values[0]! - 25) < 1e-9)
        #expect(abs(values[1]! - 56.50096) < 0.00001)
        #expect(sensor.channels.map(\.name) == ["temperature", "humidity"])
        #expect(sensor.channels.map(\.unit) == ["Cel", "%RH"])
        #expect(sensor.channels.map(\.decimals) == [2, 2])
        #expect(sensor.location == "sht4x@0x44")
        #expect(SHT4x<ScriptedI2CBus>.part == "SHT4x")
        #expect(bus.done, "\(bus.report)")
    }

    @Test func aNAKIsABusErrorNamingTheCommand() {
        let bus = ScriptedI2CBus([.fail(.write(a, [Datasheet.measureHighPrecision]), .noAcknowledge(.address))])
        var sensor = SHT4x(bus: bus)
        #expect(throws: SensorError(.bus, "command 0xfd: transaction on scripted-i2c at 0x44: no acknowledge (address)")) {
            try sensor.read(clock: VirtualClock())
        }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func aBadCRCNamesTheWord() {
        let bad: [UInt8] = [0x66, 0x66, 0x93, 0x80, 0x00, 0xA3]
        let bus = ScriptedI2CBus([.write(a, [Datasheet.measureHighPrecision]), .read(a, response: bad)])
        var sensor = SHT4x(bus: bus)
        #expect(throws: SensorError(.checksum, "command 0xfd: CRC mismatch in word 1: expected 0xa2, found 0xa3 (humidity)")) {
            try sensor.read(clock: VirtualClock())
        }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func aBadSerialCRCFailsStart() {
        let bad: [UInt8] = [0x0F, 0x1E, 0x45, 0x2D, 0x3C, 0xA5]
        let bus = ScriptedI2CBus([.write(a, [Datasheet.softReset]), .write(a, [Datasheet.serialNumber]), .read(a, response: bad)])
        var sensor = SHT4x(bus: bus)
        #expect(throws: SHT4xError.checksum(.mismatch(word: 0, expected: 0x44, found: 0x45), command: 0x89, word: "serial number high")) {
            try sensor.start(clock: VirtualClock())
        }
        #expect(sensor.serialNumber == nil)
    }

    @Test func anotherSerialNumberIsAnIdentityError() {
        let bus = ScriptedI2CBus(startSteps)
        var sensor = SHT4x(bus: bus, expectedSerialNumber: 0x1234_5678)
        #expect(throws: SensorError(.identity, "wrong serial number: expected 0x12345678, found 0x0f1e2d3c")) {
            try sensor.setUp(clock: VirtualClock())
        }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func valuesNoPartProducesAreRejected() {
        // S_T 0xFFFF = 130 °C; S_RH 0x0000 = -6 %RH, beyond the 5 %RH cropping tolerance.
        let hot: [UInt8] = [0xFF, 0xFF, 0xAC, 0x80, 0x00, 0xA2]
        let dry: [UInt8] = [0x66, 0x66, 0x93, 0x00, 0x00, 0x81]
        let bus = ScriptedI2CBus([
            .write(a, [Datasheet.measureHighPrecision]), .read(a, response: hot),
            .write(a, [Datasheet.measureHighPrecision]), .read(a, response: dry),
        ])
        var sensor = SHT4x(bus: bus)
        #expect(throws: SensorError(.outOfRange, "temperature raw 0xffff is outside -40...125 °C")) { try sensor.read(clock: VirtualClock()) }
        #expect(throws: SensorError(.outOfRange, "humidity raw 0x0000 is outside 0...100 %RH by more than 5 %RH")) { try sensor.read(clock: VirtualClock()) }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func humidityJustPastTheEndsIsCroppedNotRejected() throws {
        // S_RH 0x0BB8 = -0.28 %RH: within the tolerance, cropped to 0.
        let bus = ScriptedI2CBus([.write(a, [Datasheet.measureHighPrecision]), .read(a, response: [0x66, 0x66, 0x93, 0x0B, 0xB8, 0x9D])])
        var sensor = SHT4x(bus: bus)
        #expect(try sensor.read(clock: VirtualClock())[1] == 0)
    }
}
