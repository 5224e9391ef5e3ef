import Testing
import MoteHAL
import MoteSimulation

/// The model checked at register level through the bus, against the datasheet's addresses
/// and bits (re-declared here).
@Suite struct BME280ModelTests {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let model: BME280Model

    init() {
        model = BME280Model(address: 0x76, clock: clock)
        bus.attach(model)
    }

    @Test func chipIDAndCalibrationSitWhereTheDatasheetSays() throws {
        var b = bus
        #expect(try b.readRegister(0x76, 0xD0) == 0x60)
        var block0: [UInt8] = Array(repeating: 0, count: 26)
        try b.readRegisters(0x76, from: 0x88, into: &block0)
        #expect(Array(block0[0..<6]) == [0x70, 0x6B, 0x43, 0x67, 0x18, 0xFC])  // T1, T2, T3
        #expect(block0[25] == 75)                                             // H1 at 0xA1
        var block1: [UInt8] = Array(repeating: 0, count: 7)
        try b.readRegisters(0x76, from: 0xE1, into: &block1)
        #expect(block1 == [0x6A, 0x01, 0x00, 0x14, 0x24, 0x03, 0x1E])
    }

    @Test func forcedConversionTakesTimeAndLatchesData() throws {
        var b = bus
        var data: [UInt8] = Array(repeating: 0, count: 8)
        try b.readRegisters(0x76, from: 0xF7, into: &data)
        #expect(data == [0x80, 0, 0, 0x80, 0, 0, 0x80, 0])  // reset values
        try b.writeRegister(0x76, 0xF2, 0x01)
        try b.writeRegister(0x76, 0xF4, 0x25)
        #expect(try b.readRegister(0x76, 0xF3) & 0x08 == 0x08)   // measuring
        clock.sleep(for: .microseconds(7999))                     // typical 1 + 2 + 2.5 + 2.5 ms
        #expect(try b.readRegister(0x76, 0xF3) & 0x08 == 0x08)
        clock.sleep(for: .microseconds(1))
        #expect(try b.readRegister(0x76, 0xF3) == 0x00)
        #expect(try b.readRegister(0x76, 0xF4) == 0x24)           // back to sleep mode
        try b.readRegisters(0x76, from: 0xF7, into: &data)
        // The first conversion is the drift curve's origin: the datasheet's adc_P and adc_T
        // plus the first noise sample.
        let p = Int32(data[0]) << 12 | Int32(data[1]) << 4 | Int32(data[2]) >> 4
        let t = Int32(data[3]) << 12 | Int32(data[4]) << 4 | Int32(data[5]) >> 4
        #expect(abs(p - 415148) <= 16)
        #expect(abs(t - 519888) <= 16)
        #expect(model.conversions == 1)
    }

    @Test func writesArePairsOfRegisterAndValue() throws {
        var b = bus
        try b.write(0x76, [0xF2, 0x03, 0xF5, 0xA0])
        #expect(try b.readRegister(0x76, 0xF2) == 0x03)
        #expect(try b.readRegister(0x76, 0xF5) == 0xA0)
        try b.write(0x76, [0xD0, 0x11])                          // read-only: ignored
        #expect(try b.readRegister(0x76, 0xD0) == 0x60)
    }

    @Test func softResetClearsControlAndCopiesNVM() throws {
        var b = bus
        try b.writeRegister(0x76, 0xF2, 0x05)
        try b.writeRegister(0x76, 0xE0, 0xB6)
        #expect(try b.readRegister(0x76, 0xF2) == 0x00)
        #expect(try b.readRegister(0x76, 0xF3) == 0x01)          // im_update
        clock.sleep(for: .milliseconds(3))
        #expect(try b.readRegister(0x76, 0xF3) == 0x00)
    }

    @Test func nakFaultHoldsForItsWindowOnly() throws {
        var b = bus
        model.inject(.nakAddress, from: .zero + .seconds(1), until: .zero + .seconds(2))
        #expect(try b.readRegister(0x76, 0xD0) == 0x60)
        clock.sleep(for: .seconds(1))
        #expect(throws: BusError(.noAcknowledge(.address), operation: "transaction", bus: "sim-i2c", address: 0x76)) {
            try b.readRegister(0x76, 0xD0)
        }
        clock.sleep(for: .seconds(1))
        #expect(try b.readRegister(0x76, 0xD0) == 0x60)
    }

    @Test func aDeviceNobodyAttachedNAKs() {
        var b = bus
        #expect(throws: BusError(.noAcknowledge(.address), operation: "transaction", bus: "sim-i2c", address: 0x77)) {
            try b.readRegister(0x77, 0xD0)
        }
    }

    @Test func wrongChipIDFault() throws {
        var b = bus
        model.inject(.wrongChipID(0x58))
        #expect(try b.readRegister(0x76, 0xD0) == 0x58)
        model.clearFaults()
        #expect(try b.readRegister(0x76, 0xD0) == 0x60)
    }

    @Test func stuckFaultFreezesTheDataRegisters() throws {
        var b = bus
        func convert() throws -> [UInt8] {
            try b.writeRegister(0x76, 0xF2, 0x01)
            try b.writeRegister(0x76, 0xF4, 0x25)
            clock.sleep(for: .milliseconds(10))
            var data: [UInt8] = Array(repeating: 0, count: 8)
            try b.readRegisters(0x76, from: 0xF7, into: &data)
            return data
        }
        let first = try convert()
        model.inject(.stuck)
        #expect(try convert() == first)
        #expect(try convert() == first)
        model.clearFaults()
        #expect(try convert() != first)
    }

    @Test func driftIsDeterministic() throws {
        func run() throws -> [UInt8] {
            let clock = VirtualClock()
            let bus = SimulatedI2CBus()
            bus.attach(BME280Model(clock: clock))
            var b = bus
            var all: [UInt8] = []
            for _ in 0..<50 {
                try b.writeRegister(0x76, 0xF4, 0x25)
                clock.sleep(for: .milliseconds(10))
                var data: [UInt8] = Array(repeating: 0, count: 8)
                try b.readRegisters(0x76, from: 0xF7, into: &data)
                all += data
            }
            return all
        }
        #expect(try run() == run())
    }
}
