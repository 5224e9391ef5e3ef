import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// The model at command level, against the SHT3x-DIS datasheet's commands (re-declared).
@Suite struct SHT3xModelTests {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let model: SHT3xModel
    let nak = BusError(.noAcknowledge(.address), operation: "transaction", bus: "sim-i2c", address: 0x45)

    init() {
        model = SHT3xModel(address: 0x45, clock: clock)
        bus.attach(model)
    }

    func reply(_ count: Int) throws(BusError) -> [UInt8] {
        var b = bus
        var bytes: [UInt8] = Array(repeating: 0, count: count)
        try b.read(0x45, into: &bytes)
        return bytes
    }

    @Test func singleShotNAKsTheReadHeaderUntilDone() throws {
        var b = bus
        try b.write(0x45, [0x24, 0x00])
        clock.sleep(for: .microseconds(12_499))                    // typical 12.5 ms
        #expect(throws: nak) { try reply(6) }
        clock.sleep(for: .microseconds(1))
        let words = try SensirionCRC.words(try reply(6)).get()
        #expect(abs(Int(words[0]) - 25090) <= 8)                   // 22 °C
        #expect(abs(Int(words[1]) - 32768) <= 16)                  // 50 %RH
    }

    @Test func statusShowsResetAndClears() throws {
        var b = bus
        try b.write(0x45, [0xF3, 0x2D])
        #expect(try reply(3) == [0x80, 0x10, 0xE1])                // alert pending, reset detected
        try b.write(0x45, [0x30, 0x41])                            // clear status
        try b.write(0x45, [0xF3, 0x2D])
        #expect(try reply(3) == [0x00, 0x00, 0x81])
        try b.write(0x45, [0x30, 0xA2])                            // soft reset: busy, then flagged again
        #expect(throws: nak) { try b.write(0x45, [0xF3, 0x2D]) }
        clock.sleep(for: .milliseconds(1))
        try b.write(0x45, [0xF3, 0x2D])
        #expect(try reply(3) == [0x80, 0x10, 0xE1])
    }

    @Test func anUnknownCommandIsNAKedAndFlagged() throws {
        var b = bus
        #expect(throws: BusError(.noAcknowledge(.data), operation: "transaction", bus: "sim-i2c", address: 0x45)) {
            try b.write(0x45, [0x12, 0x34])
        }
        #expect(model.status & 0x0002 == 0x0002)
    }

    @Test func faults() throws {
        var b = bus
        func measure() throws -> [UInt8] {
            try b.write(0x45, [0x24, 0x00])
            clock.sleep(for: .milliseconds(15))
            return try reply(6)
        }
        let first = try measure()
        model.inject(.stuck)
        #expect(try measure() == first)
        model.clearFaults()
        model.inject(.crcError(word: 0))
        let bad = try measure()
        #expect(SensirionCRC.crc8(bad[0..<2]) == ~bad[2])
        model.clearFaults()
        model.inject(.outOfRange)
        #expect(try measure() == [0xFF, 0xFF, 0xAC, 0xFF, 0xFF, 0xAC])
        model.clearFaults()
        model.inject(.nakAddress, from: clock.now() + .seconds(1))
        _ = try measure()
        clock.sleep(for: .seconds(1))
        #expect(throws: nak) { try measure() }
    }
}

@Suite struct SHT3xRoundTripTests {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let model: SHT3xModel

    init() {
        model = SHT3xModel(clock: clock)
        bus.attach(model)
    }

    @Test func readsTheModelsValuesAndReportsFaults() throws {
        var sensor = SHT3x(bus: bus)
        try sensor.setUp(clock: clock)
        let values = try sensor.read(clock: clock)
        #expect(abs(values[0]! - 22) < 0.05)
        #expect(abs(values[1]! - 50) < 0.05)
        model.inject(.crcError(word: 1))
        do {
            _ = try sensor.read(clock: clock)
            Issue.record("a corrupted CRC was accepted")
        } catch {
            #expect(error.kind == .checksum)
            #expect(error.message.hasPrefix("command 0x2400: CRC mismatch in word 1: expected 0x"))
            #expect(error.message.hasSuffix(" (humidity)"))
        }
        model.clearFaults()
        model.inject(.outOfRange)
        #expect(throws: SensorError(.outOfRange, "temperature raw 0xffff is outside -40...125 °C")) { try sensor.read(clock: clock) }
        model.clearFaults()
        model.inject(.nakAddress)
        #expect(throws: SensorError(.bus, "command 0x30a2: transaction on sim-i2c at 0x44: no acknowledge (address)")) { try sensor.setUp(clock: clock) }
        model.clearFaults()
        try sensor.setUp(clock: clock)
        #expect(try sensor.read(clock: clock).count == 2)
    }
}
