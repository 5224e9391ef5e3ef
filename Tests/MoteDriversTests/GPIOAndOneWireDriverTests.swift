import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

private func at(_ ms: Int64) -> Instant { .zero + .milliseconds(ms) }

/// The test's own Maxim CRC-8 (reflected 0x8C), by the bit-serial definition of AN27.
private func crc(_ bytes: [UInt8]) -> UInt8 {
    var crc: UInt8 = 0
    for byte in bytes {
        for bit in 0..<8 {
            let feedback = (crc ^ (byte >> UInt8(bit))) & 1
            crc >>= 1
            if feedback == 1 { crc ^= 0x8C }
        }
    }
    return crc
}

private func w1Slave(_ raw: Int16, config: UInt8 = 0x7F, byte6: UInt8 = 0x0E, verdict: String = "YES") -> String {
    var pad: [UInt8] = [UInt8(truncatingIfNeeded: raw), UInt8(truncatingIfNeeded: raw >> 8), 0x4B, 0x46, config, 0xFF, byte6, 0x10]
    pad.append(crc(pad))
    let hex = pad.map { Hex.encode([$0]) }.joined(separator: " ")
    return "\(hex) : crc=\(Hex.encode([pad[8]])) \(verdict)\n\(hex) t=\(Int(raw) * 1000 / 16)\n"
}

@Suite struct DS18B20Tests {
    @Test func theKernelsExampleLine() throws {
        #expect(MaximCRC.crc8([0x72, 0x01, 0x4B, 0x46, 0x7F, 0xFF, 0x0E, 0x10]) == 0x57)
        let text = "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n"
        #expect(try DS18B20<DS18B20Model>.parse(text) == 23.125)
    }

    /// Datasheet table 1: temperature/data relationship.
    @Test(arguments: [(UInt16(0x07D0), 125.0), (UInt16(0x0191), 25.0625), (UInt16(0x00A2), 10.125), (UInt16(0x0008), 0.5),
                      (UInt16(0), 0.0), (UInt16(0xFFF8), -0.5), (UInt16(0xFF5E), -10.125), (UInt16(0xFC90), -55.0)] as [(UInt16, Double)])
    func datasheetTable(raw: UInt16, celsius: Double) throws {
        #expect(try DS18B20<DS18B20Model>.parse(w1Slave(Int16(bitPattern: raw))) == celsius)
    }

    @Test func badInputIsRejectedWithAReason() {
        #expect(throws: SensorError(.checksum, "the kernel's CRC check failed: 72 01 4b 46 7f ff 0e 10 00 : crc=00 NO")) {
            try DS18B20<DS18B20Model>.parse("72 01 4b 46 7f ff 0e 10 00 : crc=00 NO\n72 01 4b 46 7f ff 0e 10 00 t=23125\n")
        }
        #expect(throws: SensorError(.checksum, "scratchpad CRC: expected 0x57, found 0x58")) {
            try DS18B20<DS18B20Model>.parse("72 01 4b 46 7f ff 0e 10 58 : crc=58 YES\n")
        }
        #expect(throws: SensorError(.device, "85 °C power-on reset value: no conversion ran")) {
            try DS18B20<DS18B20Model>.parse(w1Slave(0x0550, byte6: 0x0C))
        }
        #expect(throws: SensorError(.outOfRange, "2032 / 16 °C is outside -55..125 °C")) {
            try DS18B20<DS18B20Model>.parse(w1Slave(0x07F0))
        }
        #expect(throws: SensorError(.malformed, "scratchpad of 3 bytes, expected 9")) {
            try DS18B20<DS18B20Model>.parse("72 01 4b : crc=57 YES\n")
        }
    }

    @Test func againstTheModelWithFaults() throws {
        let clock = VirtualClock()
        let model = DS18B20Model(clock: clock)
        model.inject(.crcError, from: at(2000), until: at(3000))
        model.inject(.disconnected, from: at(5000), until: at(6000))
        var sensor = DS18B20(bus: model, id: "28-0316a2795dff")
        try sensor.setUp(clock: clock)
        #expect(try sensor.read(clock: clock) == [21.5])
        #expect(clock.now() == at(750))
        clock.sleep(until: at(2000))
        #expect(throws: SensorError.self) { try sensor.read(clock: clock) }
        clock.sleep(until: at(5000))
        #expect(throws: SensorError(.bus, "no 1-Wire device 28-0316a2795dff; present: none")) { try sensor.setUp(clock: clock) }
        clock.sleep(until: at(6000))
        try sensor.setUp(clock: clock)
        #expect(try sensor.read(clock: clock) == [21.5])
        var wrong = DS18B20(bus: model, id: "10-000802b4c3a1")
        #expect(throws: SensorError(.identity, "10-000802b4c3a1 is not a DS18B20 (family code 28)")) { try wrong.setUp(clock: clock) }
    }
}

@Suite struct GPIODriverTests {
    @Test func aDoorOpenedAndClosedBetweenSamplesStillCounts() throws {
        let clock = VirtualClock()
        let line = SimulatedGPIOLine(name: "DOOR", clock: clock)
        line.change(to: true, at: at(200))
        line.change(to: false, at: at(700))
        line.change(to: true, at: at(1500))
        var door = DigitalInput(pin: line, name: "door")
        try door.setUp(clock: clock)
        clock.sleep(until: at(1000))
        #expect(try door.read(clock: clock) == [0, 2])
        #expect(door.lastEvents.map(\.rising) == [true, false])
        #expect(door.lastEvents.map(\.timestamp) == [at(200), at(700)])
        clock.sleep(until: at(2000))
        #expect(try door.read(clock: clock) == [1, 1])
    }

    @Test func aBouncingRainGaugeCountsTipsNotBounces() throws {
        let clock = VirtualClock()
        let line = SimulatedGPIOLine(name: "RAIN", clock: clock, edge: .rising, debounce: .milliseconds(10))
        // 5 tips, one every 2 s, each bouncing 3 times within 4 ms, held 100 ms.
        line.pulses(count: 5, start: at(500), period: .seconds(2), width: .milliseconds(100), bounces: 3)
        var gauge = PulseCounter(pin: line, name: "rain", unit: "mm", perPulse: 0.2794)
        try gauge.setUp(clock: clock)
        clock.sleep(until: at(10_000))
        let values = try gauge.read(clock: clock)
        #expect(gauge.total == 5)
        #expect(abs(values[0]! - 1.397) < 1e-9)           // 5 × 0.2794 mm
        #expect(abs(values[1]! - 0.1397) < 1e-9)          // over 10 s
    }

    @Test func withoutDebounceEveryBounceIsAPulse() throws {
        let clock = VirtualClock()
        let line = SimulatedGPIOLine(name: "RAIN", clock: clock, edge: .rising)
        line.pulses(count: 2, start: at(500), period: .seconds(2), width: .milliseconds(100), bounces: 3)
        var gauge = PulseCounter(pin: line, name: "rain")
        try gauge.setUp(clock: clock)
        clock.sleep(until: at(5_000))
        _ = try gauge.read(clock: clock)
        #expect(gauge.total == 6)  // rise, fall, rise, (fall), rise: 3 rising edges per tip
    }

    @Test func aSwitchedSensorIsPoweredOnlyAroundItsReading() throws {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus()
        bus.attach(BME280Model(clock: clock))
        let power = SimulatedGPIOLine(name: "SENSOR_PWR", clock: clock)
        var sensor = PowerSwitched(BME280(bus: bus), power: power, warmUp: .milliseconds(2))
        try sensor.setUp(clock: clock)
        clock.sleep(until: at(1000))
        let values = try sensor.read(clock: clock)
        #expect(values[0] == 25.08)
        #expect(power.driven.map(\.level) == [false, true, false])
        #expect(power.driven.map(\.at) == [at(0), at(1000), clock.now()])
        #expect(clock.now() > at(1000) + .milliseconds(2))
    }

    @Test func aLostChipIsABusErrorAndComesBack() throws {
        let clock = VirtualClock()
        let line = SimulatedGPIOLine(name: "DOOR", clock: clock)
        line.fail(from: at(1000), until: at(2000))
        var door = DigitalInput(pin: line, name: "door")
        clock.sleep(until: at(1000))
        #expect(throws: SensorError(.bus, "read event of line DOOR on sim-gpio failed (ENODEV)")) { try door.read(clock: clock) }
        clock.sleep(until: at(2000))
        #expect(try door.read(clock: clock) == [0, 0])
    }
}
