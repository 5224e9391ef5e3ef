import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// Commands and timings of the SHT3x-DIS datasheet, re-declared so a wrong driver constant fails.
private enum Datasheet {
    static let address: UInt8 = 0x44
    static let measureHighRepeatability: [UInt8] = [0x24, 0x00]
    static let softReset: [UInt8] = [0x30, 0xA2]
    static let readStatus: [UInt8] = [0xF3, 0x2D]
    static let resetNanoseconds: Int64 = 1_500_000
    static let measureNanoseconds: Int64 = 15_000_000

    /// Status 0x8010 after reset: alert pending, reset detected.
    static let statusAfterReset: [UInt8] = [0x80, 0x10, 0xE1]
    /// S_T = 0x6666 (25 °C: 0x6666 is 0.4 · 0xFFFF), S_RH = 0x8000 (50.0008 %RH).
    static let measureReply: [UInt8] = [0x66, 0x66, 0x93, 0x80, 0x00, 0xA2]
}

@Suite struct SHT3xConversionTests {
    @Test func conversionFollowsTheDatasheet() {
        let m = SHT3xMeasurement(rawTemperature: 0x6666, rawHumidity: 0x8000)
        #expect(abs(m.celsius - 25) < 1e-9)
        #expect(abs(m.relativeHumidity - 50.00076) < 0.00001)
        #expect(SHT3xMeasurement(rawTemperature: 0, rawHumidity: 0xFFFF).celsius == -45)
        #expect(SHT3xMeasurement(rawTemperature: 0, rawHumidity: 0xFFFF).relativeHumidity == 100)
    }
}

@Suite struct SHT3xBusTests {
    typealias Step = ScriptedI2CBus.Step
    let a = Datasheet.address

    @Test func startAndMeasureProduceTheDatasheetTransactions() throws {
        let bus = ScriptedI2CBus([
            .write(a, Datasheet.softReset), .write(a, Datasheet.readStatus), .read(a, response: Datasheet.statusAfterReset),
            .write(a, Datasheet.measureHighRepeatability), .read(a, response: Datasheet.measureReply),
        ])
        let clock = VirtualClock()
        var sensor = SHT3x(bus: bus)
        try sensor.start(clock: clock)
        #expect(clock.now() == Instant(nanoseconds: Datasheet.resetNanoseconds))
        #expect(try sensor.measure(clock: clock) == SHT3xMeasurement(rawTemperature: 0x6666, rawHumidity: 0x8000))
        #expect(clock.now() == Instant(nanoseconds: Datasheet.resetNanoseconds + Datasheet.measureNanoseconds))
        #expect(bus.done, "\(bus.report)")
    }

    @Test func describesItself() {
        let sensor = SHT3x(bus: ScriptedI2CBus([]), address: 0x45)
        #expect(sensor.location == "sht3x@0x45")
        #expect(SHT3x<ScriptedI2CBus>.part == "SHT3x")
        #expect(sensor.channels == [ChannelSpec(name: "temperature", unit: "Cel", symbol: "°C", decimals: 2),
                                    ChannelSpec(name: "humidity", unit: "%RH", decimals: 2)])
    }

    @Test func aStatusWithoutTheResetBitIsADeviceError() {
        let bus = ScriptedI2CBus([.write(a, Datasheet.softReset), .write(a, Datasheet.readStatus), .read(a, response: [0x00, 0x00, 0x81])])
        var sensor = SHT3x(bus: bus)
        #expect(throws: SensorError(.device, "status 0x0000 after soft reset: reset not detected")) { try sensor.setUp(clock: VirtualClock()) }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func aNAKedReadHeaderNamesTheCommand() {
        let bus = ScriptedI2CBus([.write(a, Datasheet.measureHighRepeatability), .fail(.read(a, response: Datasheet.measureReply), .noAcknowledge(.address))])
        var sensor = SHT3x(bus: bus)
        #expect(throws: SensorError(.bus, "command 0x2400: transaction on scripted-i2c at 0x44: no acknowledge (address)")) {
            try sensor.read(clock: VirtualClock())
        }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func aBadCRCNamesTheWord() {
        let bus = ScriptedI2CBus([.write(a, Datasheet.measureHighRepeatability), .read(a, response: [0x66, 0x66, 0x92, 0x80, 0x00, 0xA2])])
        var sensor = SHT3x(bus: bus)
        #expect(throws: SensorError(.checksum, "command 0x2400: CRC mismatch in word 0: expected 0x93, found 0x92 (temperature)")) {
            try sensor.read(clock: VirtualClock())
        }
    }

    @Test func aTemperatureNoPartProducesIsRejected() {
        let bus = ScriptedI2CBus([.write(a, Datasheet.measureHighRepeatability), .read(a, response: [0xFF, 0xFF, 0xAC, 0x80, 0x00, 0xA2])])
        var sensor = SHT3x(bus: bus)
        #expect(throws: SHT3xError.temperatureOutOfRange(raw: 0xFFFF)) { try sensor.measure(clock: VirtualClock()) }
        #expect(SHT3xError.temperatureOutOfRange(raw: 0xFFFF).sensorError == SensorError(.outOfRange, "temperature raw 0xffff is outside -40...125 °C"))
    }
}
