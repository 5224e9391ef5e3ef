import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// The model at instruction level, against the BH1750FVI datasheet (re-declared).
@Suite struct BH1750ModelTests {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let model: BH1750Model
    let nak = BusError(.noAcknowledge(.address), operation: "transaction", bus: "sim-i2c", address: 0x23)

    init() {
        model = BH1750Model(clock: clock)
        bus.attach(model)
    }

    func result() throws(BusError) -> UInt16 {
        var b = bus
        var bytes: [UInt8] = [0, 0]
        try b.read(0x23, into: &bytes)
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    }

    @Test func oneTimeMeasurementNAKsUntilDoneThenHolds() throws {
        var b = bus
        try b.write(0x23, [0x01])
        try b.write(0x23, [0x20])
        clock.sleep(for: .milliseconds(119))                     // typical 120 ms
        #expect(throws: nak) { try result() }
        clock.sleep(for: .milliseconds(1))
        let count = try result()
        #expect(abs(Int(count) - 600) <= 4)                       // 500 lx at 1.2 counts/lx
        #expect(try result() == count)                            // powered down, result held
        #expect(!model.measuring)
    }

    @Test func resetClearsDataOnlyWhenPoweredOn() throws {
        var b = bus
        try b.write(0x23, [0x20])
        clock.sleep(for: .milliseconds(120))
        let count = try result()
        #expect(count != 0)
        try b.write(0x23, [0x07])                                  // powered down after one-time: ignored
        #expect(try result() == count)
        try b.write(0x23, [0x01])
        try b.write(0x23, [0x07])
        #expect(try result() == 0)
    }

    @Test func faults() throws {
        var b = bus
        func measure() throws -> UInt16 {
            try b.write(0x23, [0x20])
            clock.sleep(for: .milliseconds(180))
            return try result()
        }
        let first = try measure()
        model.inject(.stuck)
        #expect(try measure() == first)
        model.clearFaults()
        model.inject(.outOfRange)
        #expect(try measure() == 0xFFFF)
        model.clearFaults()
        model.inject(.nakAddress)
        #expect(throws: nak) { try measure() }
    }

    @Test func driftIsDeterministic() throws {
        func run() throws -> [UInt16] {
            let clock = VirtualClock()
            let bus = SimulatedI2CBus()
            bus.attach(BH1750Model(clock: clock))
            var sensor = BH1750(bus: bus)
            var counts: [UInt16] = []
            for _ in 0..<50 { counts.append(try sensor.measure(clock: clock).raw) }
            return counts
        }
        let counts = try run()
        #expect(try run() == counts)
        #expect(Set(counts).count > 10)
    }
}

@Suite struct BH1750RoundTripTests {
    @Test func readsTheModelsValuesAndReportsFaults() throws {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus()
        let model = BH1750Model(address: 0x5C, clock: clock)
        bus.attach(model)
        var sensor = BH1750(bus: bus, address: 0x5C)
        try sensor.setUp(clock: clock)
        #expect(abs(try sensor.read(clock: clock)[0]! - 500) < 4)
        model.inject(.outOfRange)
        #expect(throws: SensorError(.outOfRange, "count 0xffff: saturated, beyond the measurable range")) { try sensor.read(clock: clock) }
        model.clearFaults()
        model.inject(.nakAddress)
        #expect(throws: SensorError(.bus, "instruction 0x20: transaction on sim-i2c at 0x5c: no acknowledge (address)")) { try sensor.read(clock: clock) }
        model.clearFaults()
        #expect(try sensor.read(clock: clock).count == 1)
    }
}
