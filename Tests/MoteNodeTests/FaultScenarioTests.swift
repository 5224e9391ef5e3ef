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
        #expect(states(node) == ["4000 degraded until 5000", "6000 degraded until 8000", "8000 ok"])
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

    /// Samples every second: lost at 3 s, retried at 4 and 6 s, back at the 10 s retry (the
    /// "ok" comes after the part's set-up: 2 ms for the SHT4x's reset, 1 ms for the SHT3x's).
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
        #expect(states == expected(okAt: 10002))
    }

    @Test func sht3x() {
        let states = run { node, bus, clock in
            let model = SHT3xModel(clock: clock)
            model.inject(.nakAddress, from: .zero + .seconds(3), until: .zero + .seconds(8))
            bus.attach(model)
            node.add(SHT3x(bus: bus))
        }
        #expect(states == expected(okAt: 10001))
    }

    @Test func bh1750() {
        let states = run { node, bus, clock in
            let model = BH1750Model(clock: clock)
            model.inject(.nakAddress, from: .zero + .seconds(3), until: .zero + .seconds(8))
            bus.attach(model)
            node.add(BH1750(bus: bus))
        }
        #expect(states == expected(okAt: 10000))
    }

    @Test func ads1115() {
        let states = run { node, bus, clock in
            let model = ADS1115Model(clock: clock)
            model.inject(.nakAddress, from: .zero + .seconds(3), until: .zero + .seconds(8))
            bus.attach(model)
            node.add(ADS1115(bus: bus))
        }
        #expect(states == expected(okAt: 10000))
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
                                     "4002 ok"])
        #expect(node.sink.readings == 2 * 4)  // samples at 0, 1, 4 and 5 s, two channels each
    }
}
