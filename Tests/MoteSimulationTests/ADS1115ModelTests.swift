import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// The model at register level, against the ADS1115 datasheet's registers (re-declared).
@Suite struct ADS1115ModelTests {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let model: ADS1115Model

    init() {
        model = ADS1115Model(address: 0x49, clock: clock)
        bus.attach(model)
    }

    func register(_ pointer: UInt8) throws(BusError) -> UInt16 {
        var b = bus
        var bytes: [UInt8] = [0, 0]
        try b.writeRead(0x49, [pointer], into: &bytes)
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    }

    @Test func resetValues() throws {
        #expect(try register(0x00) == 0x0000)
        #expect(try register(0x01) == 0x8583)
        #expect(try register(0x02) == 0x8000)
        #expect(try register(0x03) == 0x7FFF)
    }

    @Test func aSingleShotTakesOnePeriodAndClearsOSMeanwhile() throws {
        var b = bus
        model.inputMicrovolts[0] = 2_048_000
        try b.write(0x49, [0x01, 0xC3, 0x83])                      // AIN0, ±4.096 V, 128 SPS
        #expect(try register(0x01) == 0x4383)                      // OS = 0: converting
        clock.sleep(for: TimeSpan(nanoseconds: 1_000_000_000 / 128 - 1))
        #expect(try register(0x01) == 0x4383)
        #expect(try register(0x00) == 0x0000)                      // the previous result meanwhile
        clock.sleep(for: TimeSpan(nanoseconds: 1))
        #expect(try register(0x01) == 0xC383)
        let code = Int16(bitPattern: try register(0x00))
        #expect(abs(Int(code) - 0x4000) <= 170)                    // 2.048 V ± drift 10 mV
    }

    @Test func beyondTheFullScaleTheCodeClips() throws {
        var b = bus
        model.inputMicrovolts[3] = 3_300_000
        try b.write(0x49, [0x01, 0xF5, 0xE3])                      // AIN3, ±2.048 V, 860 SPS
        clock.sleep(for: .milliseconds(2))
        #expect(try register(0x00) == 0x7FFF)
    }

    @Test func aBadPointerIsNAKed() {
        var b = bus
        #expect(throws: BusError(.noAcknowledge(.data), operation: "transaction", bus: "sim-i2c", address: 0x49)) {
            try b.write(0x49, [0x04])
        }
    }

    @Test func faults() throws {
        var b = bus
        func convert() throws -> UInt16 {
            try b.write(0x49, [0x01, 0xC3, 0x83])
            clock.sleep(for: .milliseconds(9))
            return try register(0x00)
        }
        let first = try convert()
        model.inject(.stuck)
        #expect(try convert() == first)
        model.clearFaults()
        model.inject(.outOfRange)
        #expect(try convert() == 0x7FFF)
        model.clearFaults()
        model.inject(.neverReady)
        try b.write(0x49, [0x01, 0xC3, 0x83])
        clock.sleep(for: .seconds(1))
        #expect(try register(0x01) & 0x8000 == 0)
        model.clearFaults()
        model.inject(.nakAddress)
        #expect(throws: BusError(.noAcknowledge(.address), operation: "transaction", bus: "sim-i2c", address: 0x49)) { try convert() }
    }
}

@Suite struct ADS1115RoundTripTests {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let model: ADS1115Model

    init() {
        model = ADS1115Model(clock: clock)
        bus.attach(model)
    }

    @Test func readsEachChannelsInput() throws {
        var adc = ADS1115(bus: bus, inputs: [
            ADS1115Channel(name: "soil_moisture_v", input: .ain0, fullScale: .volts4_096),
            ADS1115Channel(name: "loop_v", input: .ain1, fullScale: .volts2_048),
        ])
        try adc.setUp(clock: clock)
        let values = try adc.read(clock: clock)
        #expect(abs(values[0]! - 1.65) < 0.011)
        #expect(abs(values[1]! - 1.2) < 0.011)
    }

    @Test func faultsBecomeTheirSensorErrors() throws {
        var adc = ADS1115(bus: bus, inputs: [ADS1115Channel(name: "loop_v", input: .ain1)])
        try adc.setUp(clock: clock)
        model.inject(.outOfRange)
        #expect(throws: SensorError(.outOfRange, "loop_v: code 0x7fff clipped at the full scale")) { try adc.read(clock: clock) }
        model.clearFaults()
        model.inject(.neverReady)
        #expect(throws: SensorError(.timeout, "register 0x01: conversion did not finish in time")) { try adc.read(clock: clock) }
        model.clearFaults()
        model.inject(.nakAddress)
        #expect(throws: SensorError(.bus, "register 0x01: transaction on sim-i2c at 0x48: no acknowledge (address)")) { try adc.setUp(clock: clock) }
        model.clearFaults()
        #expect(try adc.read(clock: clock).count == 1)
    }
}
