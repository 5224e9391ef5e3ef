import Testing
import MoteDrivers
import MoteHAL
import MoteNode
import MoteSimulation

/// Every part's faults through the node: degraded with the reason, retried with backoff, back
/// when the device is, and the node never stops.
@Suite struct FaultScenarioTests {
    func states(_ node: Node<VirtualClock, Recorder>) -> [String] {
        node.sink.states.map { String($0.prefix(while: { $0 != ":" })) }
    }

    @Test func aDS18B20LostFromTheBusComesBack() {
        let clock = VirtualClock()
        let model = DS18B20Model(clock: clock)
        model.inject(.disconnected, from: .zero + .seconds(3), until: .zero + .seconds(8))
        let node = Node(clock: clock, sink: Recorder())
        node.add(DS18B20(bus: model, id: model.id), interval: .seconds(2))
        node.run(until: .zero + .seconds(20))
        // Reads at 0 and 2 s; gone at 4 s. Retries wait for the sensor's own schedule (every
        // 2 s) once the backoff has passed: 6 s (fails, backoff 2 s), 8 s (back).
        #expect(states(node) == ["4000 degraded until 5000", "6000 degraded until 8000", "8750 ok"])
        #expect(node.sink.states[0] == "4000 degraded until 5000: read w1_slave on sim-w1/28-0316a2795dff: not available (ENOENT); present: none")
    }

    @Test func aDS18B20CRCErrorAndPowerOnResetAreNeverReadings() {
        let clock = VirtualClock()
        let model = DS18B20Model(clock: clock)
        model.inject(.crcError, from: .zero + .seconds(2), until: .zero + .seconds(3))
        model.inject(.powerOnReset, from: .zero + .seconds(6), until: .zero + .seconds(7))
        let node = Node(clock: clock, sink: Recorder())
        node.add(DS18B20(bus: model, id: model.id), interval: .seconds(2))
        node.run(until: .zero + .seconds(12))
        #expect(node.sink.states.contains { $0.hasPrefix("2750 degraded until 3750: the kernel's CRC check failed") })
        #expect(node.sink.states.contains { $0.hasSuffix("85 °C power-on reset value: no conversion ran") })
        let values = node.sink.events.compactMap { if case .reading(_, let r, _) = $0 { return r.value } else { return nil } }
        #expect(!values.contains(85))
        #expect(values.allSatisfy { $0 == 21.5 })
    }

    @Test func aGPIOChipThatGoesAwayComesBack() {
        let clock = VirtualClock()
        let line = SimulatedGPIOLine(name: "DOOR", clock: clock)
        line.fail(from: .zero + .milliseconds(2500), until: .zero + .milliseconds(4500))
        let node = Node(clock: clock, sink: Recorder())
        node.add(DigitalInput(pin: line, name: "door"))
        node.run(until: .zero + .seconds(8))
        #expect(states(node) == ["3000 degraded until 4000", "4000 degraded until 6000", "6000 ok"])
    }
}

/// The I2C parts: each model NAKs from 3 s to 8 s and the node degrades, backs off and recovers.
@Suite struct I2CFaultScenarioTests {
    func run(_ add: (Node<VirtualClock, Recorder>, SimulatedI2CBus, VirtualClock) -> Void) -> [String] {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus(name: "sim-i2c-1")
        let node = Node(clock: clock, sink: Recorder())
        add(node, bus, clock)
        node.run(until: .zero + .seconds(20))
        return node.sink.states.map { String($0.prefix(while: { $0 != ":" })) }
    }

    /// Samples every second: lost at 3 s, retried at 4 and 6 s, back at the 10 s retry. "ok"
    /// comes with the first good reading: set-up and conversion time after 10 s.
    func expected(okAt: Int) -> [String] {
        ["3000 degraded until 4000", "4000 degraded until 6000", "6000 degraded until 10000", "\(okAt) ok"]
    }

    @Test func sht4x() {
        let states = run { node, bus, clock in
            let model = SHT4xModel(clock: clock)
            model.inject(.nakAddress, from: .zero + .seconds(3), until: .zero + .seconds(8))
            bus.attach(model)
            node.add(SHT4x(bus: bus))
        }
        #expect(states == expected(okAt: 10010))
    }

    @Test func sht3x() {
        let states = run { node, bus, clock in
            let model = SHT3xModel(clock: clock)
            model.inject(.nakAddress, from: .zero + .seconds(3), until: .zero + .seconds(8))
            bus.attach(model)
            node.add(SHT3x(bus: bus))
        }
        #expect(states == expected(okAt: 10016))
    }

    @Test func bh1750() {
        let states = run { node, bus, clock in
            let model = BH1750Model(clock: clock)
            model.inject(.nakAddress, from: .zero + .seconds(3), until: .zero + .seconds(8))
            bus.attach(model)
            node.add(BH1750(bus: bus))
        }
        #expect(states == expected(okAt: 10180))
    }

    @Test func ads1115() {
        let states = run { node, bus, clock in
            let model = ADS1115Model(clock: clock)
            model.inject(.nakAddress, from: .zero + .seconds(3), until: .zero + .seconds(8))
            bus.attach(model)
            node.add(ADS1115(bus: bus))
        }
        #expect(states == expected(okAt: 10008))
    }

    @Test func anSHT4xCRCErrorIsNeverAReading() {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus(name: "sim-i2c-1")
        let model = SHT4xModel(clock: clock)
        model.inject(.crcError(word: 1), from: .zero + .seconds(2), until: .zero + .seconds(3))
        bus.attach(model)
        let node = Node(clock: clock, sink: Recorder())
        node.add(SHT4x(bus: bus))
        node.run(until: .zero + .seconds(6))
        // The reading at 2 s (done at 2.008 s after the 8.2 ms conversion) fails; the retry is
        // due at 3.008 s, so the tick at 3 s passes and 4 s sets the part up again.
        #expect(node.sink.states == ["2008 degraded until 3008: command 0xfd: CRC mismatch in word 1: expected 0xca, found 0x35 (humidity)",
                                     "4010 ok"])
        #expect(node.sink.readings == 2 * 4)  // samples at 0, 1, 4 and 5 s, two channels each
    }
}

/// The serial parts and the SCD4x: every fault window degrades the sensor with its reason, no
/// reading comes from inside the window, and the sensor is back after it.
@Suite struct SerialFaultScenarioTests {
    struct Outcome {
        var states: [String]
        var readingTimes: [Int64]
    }

    func run<Driver: SensorDriver>(_ driver: Driver, clock: VirtualClock, interval: TimeSpan, until: Int64) -> Outcome {
        let node = Node(clock: clock, sink: Recorder())
        node.add(driver, interval: interval)
        node.run(until: .zero + .seconds(until))
        let times = node.sink.events.compactMap { if case .reading(_, let r, _) = $0 { return r.timestamp.milliseconds } else { return nil } }
        return Outcome(states: node.sink.states, readingTimes: times)
    }

    func check(_ outcome: Outcome, states: [String], window: ClosedRange<Int64>, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.states == states, sourceLocation: sourceLocation)
        #expect(!outcome.readingTimes.contains { window.contains($0) }, "\(outcome.readingTimes)", sourceLocation: sourceLocation)
        #expect(outcome.readingTimes.contains { $0 > window.upperBound }, sourceLocation: sourceLocation)
    }

    @Test func pms5003ChecksumAndSilence() {
        let checksum = "check word mismatch: expected 0x0266, found 0x0267"
        for (fault, states) in [
            (PMS5003Model.Fault.checksum, ["10045 degraded until 11045: \(checksum)", "15045 degraded until 17045: \(checksum)",
                                          "20045 degraded until 24045: \(checksum)", "25045 ok"]),
            // Silence: each read waits out its 3 s frame timeout; backoff 1, 2, 4 s.
            (.silence, ["13000 degraded until 14000: no frame in time", "18000 degraded until 20000: no frame in time",
                        "23000 degraded until 27000: no frame in time", "30045 ok"]),
        ] {
            let clock = VirtualClock()
            let model = PMS5003Model(clock: clock)
            model.inject(fault, from: .zero + .seconds(10), until: .zero + .seconds(25))
            let outcome = run(PMS5003(port: model, clock: clock, mode: .passive), clock: clock, interval: .seconds(5), until: 60)
            check(outcome, states: states, window: 10_000...24_999)
        }
    }

    @Test func pms5003OutOfRangeIsNeverAReading() {
        let clock = VirtualClock()
        let model = PMS5003Model(clock: clock)
        model.inject(.outOfRange, from: .zero + .seconds(10), until: .zero + .seconds(25))
        let outcome = run(PMS5003(port: model, clock: clock, mode: .passive), clock: clock, interval: .seconds(5), until: 60)
        let reason = "6000 µg/m³ is beyond the part's range"
        check(outcome, states: ["10045 degraded until 11045: \(reason)", "15045 degraded until 17045: \(reason)",
                                "20045 degraded until 24045: \(reason)", "25045 ok"], window: 10_000...24_999)
    }

    @Test func gpsSilenceAndNoFix() {
        let noFix = "no fix (quality 0, 3 satellites)"
        for (fault, states) in [
            (NMEAGPSModel.Fault.silence, ["17000 degraded until 18000: no GGA or RMC sentence in time",
                                          "22000 degraded until 24000: no GGA or RMC sentence in time", "25197 ok"]),
            (.noFix, ["15000 degraded until 16000: \(noFix)", "20000 degraded until 22000: \(noFix)",
                      "25000 degraded until 29000: \(noFix)", "30000 ok"]),
        ] {
            let clock = VirtualClock()
            let model = NMEAGPSModel(clock: clock)
            model.inject(fault, from: .zero + .seconds(10), until: .zero + .seconds(25))
            let outcome = run(NMEAGPS(port: model, clock: clock), clock: clock, interval: .seconds(5), until: 60)
            // The reading at 10 s is the burst sent just before the fault began.
            check(outcome, states: states, window: 10_001...24_999)
        }
    }

    @Test func modbusSilenceAndBadCRC() {
        let silent = "slave 1, function 4: no reply in time", crc = "CRC mismatch: expected 0x717f, found 0x7180"
        for (fault, states) in [
            (ModbusSlaveModel.Fault.silence, ["10509 degraded until 11509: \(silent)", "15509 degraded until 17509: \(silent)",
                                              "20509 degraded until 24509: \(silent)", "25019 ok"]),
            (.badCRC, ["10019 degraded until 11019: \(crc)", "15019 degraded until 17019: \(crc)",
                       "20019 degraded until 24019: \(crc)", "25019 ok"]),
        ] {
            let clock = VirtualClock()
            let model = ModbusSlaveModel(clock: clock, slave: 1, input: [2301, 1520])
            model.inject(fault, from: .zero + .seconds(10), until: .zero + .seconds(25))
            let points = [ModbusPoint(name: "voltage", unit: "V", decimals: 1, address: 0, scale: 0.1)]
            let device = ModbusDevice(master: ModbusRTUMaster(port: model, clock: clock),
                                      configuration: ModbusDeviceConfiguration(slave: 1, registerType: .input, points: points))
            let outcome = run(device, clock: clock, interval: .seconds(5), until: 60)
            check(outcome, states: states, window: 10_000...24_999)
        }
    }

    @Test func scd4xNAK() {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus(name: "sim-i2c-1")
        let model = SCD4xModel(clock: clock)
        model.inject(.nakAddress, from: .zero + .seconds(20), until: .zero + .seconds(40))
        bus.attach(model)
        let outcome = run(SCD4x(bus: bus), clock: clock, interval: .seconds(10), until: 120)
        check(outcome, states: [
            "20000 degraded until 21000: command 0xe4b8: transaction on sim-i2c-1 at 0x62: no acknowledge (address)",
            "30000 degraded until 32000: command 0x3f86: transaction on sim-i2c-1 at 0x62: no acknowledge (address)",
            "50002 ok",  // set up at 40 s; its first measurement is due 5 s later, read at the 50 s tick
        ], window: 20_000...39_999)
    }
}

@Suite struct SensorEventTests {
    @Test func aDoorsEdgesAreReportedWithWhenTheyHappened() {
        let clock = VirtualClock()
        let line = SimulatedGPIOLine(name: "DOOR", clock: clock, debounce: .milliseconds(20))
        line.change(to: true, at: .zero + .milliseconds(2300))
        line.change(to: false, at: .zero + .milliseconds(2305))   // a bounce: swallowed
        line.change(to: true, at: .zero + .milliseconds(2310))
        line.change(to: false, at: .zero + .milliseconds(3700))
        let node = Node(clock: clock, sink: Recorder())
        node.add(DigitalInput(pin: line, name: "door"))
        node.run(until: .zero + .seconds(6))
        let events = node.sink.events.compactMap { event -> String? in
            guard case .event(let sensor, let reading, let at) = event else { return nil }
            return "\(at.milliseconds) \(sensor) \(reading.channel.name)=\(Int(reading.value)) at \(reading.timestamp.milliseconds)"
        }
        #expect(events == ["3000 input:door door=1 at 2310", "4000 input:door door=0 at 3700"])
        #expect(EventText.json(node.sink.events.first { if case .event = $0 { return true } else { return false } }!)
                == #"{"type":"event","t":3000,"sensor":"input:door","channel":"door","value":1,"timestamp_ns":2310000000}"#)
    }
}
