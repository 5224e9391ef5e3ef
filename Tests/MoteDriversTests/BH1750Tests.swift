import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// Instructions and timing of the BH1750FVI datasheet, re-declared so a wrong driver constant fails.
private enum Datasheet {
    static let address: UInt8 = 0x23
    static let powerOn: UInt8 = 0x01, reset: UInt8 = 0x07, oneTimeHighResolution: UInt8 = 0x20
    static let highResolutionMaximumNanoseconds: Int64 = 180_000_000
}

@Suite struct BH1750Tests {
    let a = Datasheet.address

    @Test func theDatasheetExample() {
        // 0x83 0x90 = 33680 counts → 28067 lx.
        let lux = BH1750Measurement(raw: 0x8390).lux
        #expect(abs(lux - 28066.667) < 0.001)
        #expect((lux + 0.5).rounded(.down) == 28067)
    }

    @Test func startAndMeasureProduceTheDatasheetTransactions() throws {
        let bus = ScriptedI2CBus([
            .write(a, [Datasheet.powerOn]), .write(a, [Datasheet.reset]),
            .write(a, [Datasheet.oneTimeHighResolution]), .read(a, response: [0x83, 0x90]),
        ])
        let clock = VirtualClock()
        var sensor = BH1750(bus: bus)
        try sensor.setUp(clock: clock)
        let values = try sensor.read(clock: clock)
        #expect(values.count == 1)
        #expect(abs(values[0]! - 28066.667) < 0.001)
        #expect(clock.now() == Instant(nanoseconds: Datasheet.highResolutionMaximumNanoseconds))
        #expect(bus.done, "\(bus.report)")
    }

    @Test func describesItself() {
        let sensor = BH1750(bus: ScriptedI2CBus([]), address: 0x5C)
        #expect(sensor.location == "bh1750@0x5c")
        #expect(BH1750<ScriptedI2CBus>.part == "BH1750")
        #expect(sensor.channels == [ChannelSpec(name: "illuminance", unit: "lx", decimals: 1)])
    }

    @Test func aNAKNamesTheInstruction() {
        let bus = ScriptedI2CBus([.fail(.write(a, [Datasheet.powerOn]), .noAcknowledge(.address))])
        var sensor = BH1750(bus: bus)
        #expect(throws: SensorError(.bus, "instruction 0x01: transaction on scripted-i2c at 0x23: no acknowledge (address)")) {
            try sensor.setUp(clock: VirtualClock())
        }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func aSaturatedCountIsRejected() {
        let bus = ScriptedI2CBus([.write(a, [Datasheet.oneTimeHighResolution]), .read(a, response: [0xFF, 0xFF])])
        var sensor = BH1750(bus: bus)
        #expect(throws: SensorError(.outOfRange, "count 0xffff: saturated, beyond the measurable range")) {
            try sensor.read(clock: VirtualClock())
        }
        #expect(bus.done, "\(bus.report)")
    }
}
