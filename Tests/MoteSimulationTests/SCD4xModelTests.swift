import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// The model at command level, against the SCD4x datasheet's commands (re-declared).
@Suite struct SCD4xModelTests {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let model: SCD4xModel
    let nak = BusError(.noAcknowledge(.address), operation: "transaction", bus: "sim-i2c", address: 0x62)

    init() {
        model = SCD4xModel(clock: clock)
        bus.attach(model)
    }

    /// Sends `command`, waits its 1 ms execution time, reads `words` words.
    func query(_ command: [UInt8], words: Int) throws -> [UInt8] {
        var b = bus
        try b.write(0x62, command)
        clock.sleep(for: .milliseconds(1))
        var bytes: [UInt8] = Array(repeating: 0, count: 3 * words)
        try b.read(0x62, into: &bytes)
        return bytes
    }

    @Test func theSerialNumberIsTheDatasheetExample() throws {
        #expect(try query([0x36, 0x82], words: 3) == [0xF8, 0x96, 0x31, 0x9F, 0x07, 0xC2, 0x3B, 0xBE, 0x89])
    }

    @Test func aReplyNAKsBeforeItsExecutionTime() throws {
        var b = bus
        try b.write(0x62, [0x36, 0x82])
        var bytes: [UInt8] = Array(repeating: 0, count: 9)
        #expect(throws: nak) { try b.read(0x62, into: &bytes) }
    }

    @Test func periodicMeasurementDeliversEveryFiveSeconds() throws {
        var b = bus
        try b.write(0x62, [0x21, 0xB1])
        #expect(model.periodic)
        #expect(try query([0xE4, 0xB8], words: 1) == [0x80, 0x00, 0xA2])    // low 11 bits 0: not ready
        #expect(throws: nak) { try query([0xEC, 0x05], words: 3) }          // no data: NAK
        clock.sleep(for: .milliseconds(4998))                              // 5 s after the start
        #expect(try query([0xE4, 0xB8], words: 1) == [0x80, 0x06, 0x04])
        let words = try SensirionCRC.words(try query([0xEC, 0x05], words: 3)).get()
        #expect(abs(Int(words[0]) - 600) <= 5)
        #expect(abs(Int(words[1]) - 25090) <= 8)
        #expect(abs(Int(words[2]) - 26214) <= 16)
        #expect(try query([0xE4, 0xB8], words: 1) == [0x80, 0x00, 0xA2])    // read out: not ready again
        #expect(model.measurements == 1)
    }

    @Test func inPeriodicModeTheSerialNumberIsRefused() throws {
        var b = bus
        try b.write(0x62, [0x21, 0xB1])
        #expect(throws: BusError(.noAcknowledge(.data), operation: "transaction", bus: "sim-i2c", address: 0x62)) {
            try b.write(0x62, [0x36, 0x82])
        }
    }

    @Test func stopIsBusyForHalfASecond() throws {
        var b = bus
        try b.write(0x62, [0x21, 0xB1])
        try b.write(0x62, [0x3F, 0x86])
        #expect(!model.periodic)
        clock.sleep(for: .milliseconds(499))
        #expect(throws: nak) { try b.write(0x62, [0x36, 0x82]) }
        clock.sleep(for: .milliseconds(1))
        _ = try query([0x36, 0x82], words: 3)
    }

    @Test func faults() throws {
        var b = bus
        model.inject(.wrongSerialNumber(0x0000_1234_5678))
        #expect(try SensirionCRC.words(try query([0x36, 0x82], words: 3)).get() == [0x0000, 0x1234, 0x5678])
        model.clearFaults()
        try b.write(0x62, [0x21, 0xB1])
        func next() throws -> [UInt8] {
            clock.sleep(for: .seconds(5))
            return try query([0xEC, 0x05], words: 3)
        }
        let first = try next()
        model.inject(.stuck)
        #expect(try next() == first)
        model.clearFaults()
        model.inject(.crcError(word: 2))
        let bad = try next()
        #expect(SensirionCRC.crc8(bad[6..<8]) == ~bad[8])
        model.clearFaults()
        model.inject(.outOfRange)
        #expect(Array(try next()[0..<3]) == [0xFF, 0xFF, 0xAC])
        model.clearFaults()
        model.inject(.neverReady)
        clock.sleep(for: .seconds(10))
        #expect(try query([0xE4, 0xB8], words: 1) == [0x80, 0x00, 0xA2])
        model.inject(.nakAddress)
        #expect(throws: nak) { try b.write(0x62, [0xE4, 0xB8]) }
    }
}

@Suite struct SCD4xRoundTripTests {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let model: SCD4xModel

    init() {
        model = SCD4xModel(clock: clock)
        bus.attach(model)
    }

    @Test func readsTheModelsValuesEveryPeriod() throws {
        var sensor = SCD4x(bus: bus, expectedSerialNumber: 0xF896_9F07_3BBE)
        try sensor.setUp(clock: clock)
        let started = clock.now()
        let values = try sensor.read(clock: clock)
        #expect(abs(values[0]! - 600) <= 5)
        #expect(abs(values[1]! - 22) < 0.05)
        #expect(abs(values[2]! - 40) < 0.05)
        #expect(clock.now() - started < .milliseconds(5300))      // the first value after 5 s
        _ = try sensor.read(clock: clock)                          // the next one, 5 s later
        #expect(model.measurements == 2)
    }

    @Test func faultsBecomeTheirSensorErrors() throws {
        var sensor = SCD4x(bus: bus, expectedSerialNumber: model.serialNumber)
        model.inject(.wrongSerialNumber(1))
        #expect(throws: SensorError(.identity, "wrong serial number: expected 0xf8969f073bbe, found 0x000000000001")) { try sensor.setUp(clock: clock) }
        model.clearFaults()
        try sensor.setUp(clock: clock)
        model.inject(.outOfRange)
        #expect(throws: SensorError(.outOfRange, "co2 65535 ppm is above 40000 ppm")) { try sensor.read(clock: clock) }
        model.clearFaults()
        model.inject(.neverReady)
        let before = clock.now()
        #expect(throws: SensorError(.timeout, "command 0xe4b8: no data ready in time")) { try sensor.read(clock: clock) }
        #expect(clock.now() - before <= .milliseconds(7500))
        model.clearFaults()
        model.inject(.crcError(word: 2))  // word 0 would corrupt the data-ready reply first
        do {
            _ = try sensor.read(clock: clock)
            Issue.record("a corrupted CRC was accepted")
        } catch {
            #expect(error.kind == .checksum)
            #expect(error.message.hasPrefix("command 0xec05: CRC mismatch in word 2"))
            #expect(error.message.hasSuffix(" (humidity)"))
        }
        model.clearFaults()
        model.inject(.nakAddress)
        #expect(throws: SensorError(.bus, "command 0xe4b8: transaction on sim-i2c at 0x62: no acknowledge (address)")) { try sensor.read(clock: clock) }
        model.clearFaults()
        try sensor.setUp(clock: clock)
        #expect(try sensor.read(clock: clock).count == 3)
    }
}
