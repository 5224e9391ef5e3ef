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
