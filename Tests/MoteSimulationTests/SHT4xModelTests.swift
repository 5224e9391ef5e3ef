import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// The model at command level through the bus, against the datasheet's commands (re-declared).
@Suite struct SHT4xModelTests {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let model: SHT4xModel
    let nak = BusError(.noAcknowledge(.address), operation: "transaction", bus: "sim-i2c", address: 0x44)

    init() {
        model = SHT4xModel(address: 0x44, clock: clock)
        bus.attach(model)
    }

    func reply(_ count: Int = 6) throws(BusError) -> [UInt8] {
        var b = bus
        var bytes: [UInt8] = Array(repeating: 0, count: count)
        try b.read(0x44, into: &bytes)
        return bytes
    }

    @Test func aMeasurementNAKsUntilItIsDoneAndIsReadOnce() throws {
        var b = bus
        try b.write(0x44, [0xFD])
        clock.sleep(for: .microseconds(6899))                      // typical 6.9 ms
        #expect(throws: nak) { try reply() }
        clock.sleep(for: .microseconds(1))
        let words = try SensirionCRC.words(try reply()).get()
        #expect(abs(Int(words[0]) - 26214) <= 8)                   // 25 °C plus noise
        #expect(abs(Int(words[1]) - 26738) <= 16)                  // 45 %RH plus noise
        #expect(throws: nak) { try reply() }                       // nothing pending any more
        #expect(model.measurements == 1)
    }

    @Test func theSerialNumberIsTwoWords() throws {
        var b = bus
        try b.write(0x44, [0x89])
        #expect(try reply() == [0x0F, 0x1E, 0x44, 0x2D, 0x3C, 0xA5])
        model.inject(.wrongSerialNumber(0x1234_5678))
        try b.write(0x44, [0x89])
        #expect(try SensirionCRC.words(try reply()).get() == [0x1234, 0x5678])
    }

    @Test func softResetIsBusyForOneMillisecond() throws {
        var b = bus
        try b.write(0x44, [0x94])
        #expect(throws: nak) { try b.write(0x44, [0x89]) }
        clock.sleep(for: .milliseconds(1))
        try b.write(0x44, [0x89])
    }

    @Test func anUnknownCommandIsNAKed() {
        var b = bus
        #expect(throws: BusError(.noAcknowledge(.data), operation: "transaction", bus: "sim-i2c", address: 0x44)) {
            try b.write(0x44, [0xE6])
        }
    }

    @Test func crcFaultCorruptsTheNamedWord() throws {
        var b = bus
        model.inject(.crcError(word: 1))
        try b.write(0x44, [0xFD])
        clock.sleep(for: .milliseconds(9))
        let bytes = try reply()
        #expect(SensirionCRC.crc8(bytes[0..<2]) == bytes[2])
        #expect(SensirionCRC.crc8(bytes[3..<5]) == ~bytes[5])
    }

    @Test func nakFaultHoldsForItsWindowOnly() throws {
        var b = bus
        model.inject(.nakAddress, from: .zero + .seconds(1), until: .zero + .seconds(2))
        try b.write(0x44, [0x89])
        clock.sleep(for: .seconds(1))
        #expect(throws: nak) { try b.write(0x44, [0x89]) }
        clock.sleep(for: .seconds(1))
        try b.write(0x44, [0x89])
    }

    @Test func stuckAndOutOfRangeFaults() throws {
        var b = bus
        func measure() throws -> [UInt8] {
            try b.write(0x44, [0xFD])
            clock.sleep(for: .milliseconds(9))
            return try reply()
        }
        let first = try measure()
        model.inject(.stuck, from: clock.now(), until: clock.now() + .milliseconds(30))
        #expect(try measure() == first)
        #expect(try measure() == first)
        clock.sleep(for: .milliseconds(30))
        #expect(try measure() != first)
        model.inject(.outOfRange)
        #expect(try measure() == [0xFF, 0xFF, 0xAC, 0xFF, 0xFF, 0xAC])
    }

    @Test func driftIsDeterministicAndMoves() throws {
        func run() throws -> [UInt8] {
            let clock = VirtualClock()
            let bus = SimulatedI2CBus()
            bus.attach(SHT4xModel(clock: clock))
            var b = bus
            var all: [UInt8] = []
            for _ in 0..<900 {
                try b.write(0x44, [0xFD])
                clock.sleep(for: .milliseconds(9))
                var bytes: [UInt8] = Array(repeating: 0, count: 6)
                try b.read(0x44, into: &bytes)
                all += bytes
            }
            return all
        }
        let samples = try run()
        #expect(try run() == samples)
        let first = Int(samples[0]) << 8 | Int(samples[1]), quarter = Int(samples[6 * 899]) << 8 | Int(samples[6 * 899 + 1])
        #expect(quarter - first > 600)  // a quarter period: +750 counts (about 2 °C)
    }
}

/// The driver against the model: what the node sees.
@Suite struct SHT4xRoundTripTests {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let model: SHT4xModel

    init() {
        model = SHT4xModel(clock: clock)
        bus.attach(model)
    }

    @Test func readsTheModelsValues() throws {
        var sensor = SHT4x(bus: bus)
        try sensor.setUp(clock: clock)
        #expect(sensor.serialNumber == model.serialNumber)
        let values = try sensor.read(clock: clock)
        #expect(abs(values[0]! - 25) < 0.05)
        #expect(abs(values[1]! - 45) < 0.05)
    }

    @Test func faultsBecomeTheirSensorErrors() throws {
        var sensor = SHT4x(bus: bus, expectedSerialNumber: model.serialNumber)
        try sensor.setUp(clock: clock)
        func kind(_ fault: SHT4xModel.Fault, setUp: Bool = false) -> SensorError.Kind? {
            model.clearFaults()
            model.inject(fault)
            defer { model.clearFaults() }
            do {
                if setUp { try sensor.setUp(clock: clock) } else { _ = try sensor.read(clock: clock) }
                return nil
            } catch {
                return error.kind
            }
        }
        #expect(kind(.nakAddress) == .bus)
        #expect(kind(.crcError(word: 0)) == .checksum)
        #expect(kind(.outOfRange) == .outOfRange)
        #expect(kind(.wrongSerialNumber(0x0BAD_0BAD), setUp: true) == .identity)
        #expect(kind(.stuck) == nil)
        #expect(throws: SensorError(.bus, "command 0xfd: transaction on sim-i2c at 0x44: no acknowledge (address)")) {
            model.inject(.nakAddress)
            defer { model.clearFaults() }
            _ = try sensor.read(clock: clock)
        }
        try sensor.setUp(clock: clock)
        #expect(try sensor.read(clock: clock).count == 2)
    }
}
