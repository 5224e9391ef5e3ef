import Testing
import MoteDrivers
import MoteHAL
import MoteNode
import MoteSimulation

/// The node's scheduler on the virtual clock: deadlines at start + k·interval, frames at
/// firstUplink + k·uplinkInterval, wake-on-edge sampling, heartbeats and the final flush.
@Suite struct SchedulerTests {
    /// Datasheet 9.1, oversampling ×1 for T, P and H: 1.25 + 2.3 + (2.3 + 0.575) + (2.3 + 0.575) ms.
    static let bme280Conversion = TimeSpan(nanoseconds: 9_300_000)
    /// The first sample also starts the part: 2 ms start-up, then one 1 ms poll of im_update
    /// (the model copies its NVM for longer than 2 ms).
    static let bme280Start = TimeSpan(nanoseconds: 3_000_000)

    static let temperature = Channel(name: "temperature", unit: "Cel", symbol: "°C", decimals: 2)

    /// (sensor, timestamp) of every reading event, in order.
    static func readings(_ events: [NodeEvent]) -> [(sensor: String, at: Instant)] {
        events.compactMap { if case .reading(let sensor, let reading, _) = $0 { return (sensor, reading.timestamp) } else { return nil } }
    }

    static func frames(_ events: [NodeEvent]) -> [(at: Instant, hex: String)] {
        events.compactMap { if case .frame(let frame, let at) = $0 { return (at, Hex.encode(frame.bytes)) } else { return nil } }
    }

    @Test func aTenSecondSensorOverADayKeepsItsScheduleToTheNanosecond() {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus(name: "sim-i2c-1")
        bus.attach(BME280Model(clock: clock))
        var settings = NodeSettings()
        settings.firstUplink = .seconds(300)
        settings.uplinkInterval = .seconds(300)
        let node = Node(clock: clock, sink: Recorder(), settings: settings)
        node.add(BME280(bus: bus), interval: .seconds(10),
                 channels: [ChannelPlan(index: 0, channel: Self.temperature, filters: [], field: FrameField(channel: 1, .temperature))])
        node.run(until: Instant.zero + .seconds(86_400))

        let stamps = Self.readings(node.sink.events).map(\.at)
        #expect(stamps.count == 8_640)
        #expect(stamps.first == Instant.zero + Self.bme280Start + Self.bme280Conversion)
        // Each reading 9.3 ms after its deadline, the conversion never carried into the next one.
        let late = stamps.enumerated().dropFirst().filter { $0.element != Instant.zero + .seconds(10) * Int64($0.offset) + Self.bme280Conversion }
        #expect(late.map(\.offset) == [])
        #expect(stamps.last == Instant(nanoseconds: 86_390_009_300_000))
        // Frames at 300 s · k, after that instant's reading; 86,400 s itself is the end.
        let frameTimes = Self.frames(node.sink.events).map(\.at)
        #expect(frameTimes.count == 287)
        #expect(frameTimes == (1...287).map { Instant.zero + .seconds(300) * Int64($0) + Self.bme280Conversion })
        #expect(node.samples == 8_640)
    }

    @Test func twoSensorsWithDifferentIntervalsInterleave() {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus(name: "sim-i2c-1")
        bus.attach(BME280Model(address: 0x76, clock: clock))
        bus.attach(BME280Model(address: 0x77, clock: clock))
        var settings = NodeSettings()
        settings.firstUplink = .seconds(3_600)
        let node = Node(clock: clock, sink: Recorder(), settings: settings)
        let plan = [ChannelPlan(index: 0, channel: Self.temperature, filters: [])]
        node.add(BME280(bus: bus, address: 0x76), interval: .seconds(3), channels: plan)
        node.add(BME280(bus: bus, address: 0x77), interval: .seconds(5), channels: plan)
        node.run(until: Instant.zero + .seconds(31))

        // At a shared deadline the first added samples first, and the second starts when it is done.
        let expected: [(String, Int64)] = [
            ("bme280@0x76", 12_300_000), ("bme280@0x77", 24_600_000),
            ("bme280@0x76", 3_009_300_000), ("bme280@0x77", 5_009_300_000), ("bme280@0x76", 6_009_300_000),
            ("bme280@0x76", 9_009_300_000), ("bme280@0x77", 10_009_300_000), ("bme280@0x76", 12_009_300_000),
            ("bme280@0x76", 15_009_300_000), ("bme280@0x77", 15_018_600_000), ("bme280@0x76", 18_009_300_000),
            ("bme280@0x77", 20_009_300_000), ("bme280@0x76", 21_009_300_000), ("bme280@0x76", 24_009_300_000),
            ("bme280@0x77", 25_009_300_000), ("bme280@0x76", 27_009_300_000), ("bme280@0x76", 30_009_300_000),
            ("bme280@0x77", 30_018_600_000),
        ]
        let got = Self.readings(node.sink.events)
        #expect(got.map(\.sensor) == expected.map { $0.0 })
        #expect(got.map(\.at.nanoseconds) == expected.map { $0.1 })
    }

    /// A door contact: closed (0) at start, open at 12.3 s, closed again at 14.8 s.
    static func doorNode(sendOnEvent: Bool) -> (Node<VirtualClock, Recorder>, VirtualClock) {
        let clock = VirtualClock()
        let line = SimulatedGPIOLine(name: "GPIO17", clock: clock, debounce: .milliseconds(20))
        line.change(to: true, at: Instant.zero + .milliseconds(12_300))
        line.change(to: false, at: Instant.zero + .milliseconds(14_800))
        var settings = NodeSettings()
        settings.firstUplink = .seconds(60)
        settings.uplinkInterval = .seconds(60)
        settings.sendOnEvent = sendOnEvent
        let node = Node(clock: clock, sink: Recorder(), settings: settings)
        let door = Channel(ChannelSpec.digitalInput(name: "door")[0])
        node.add(DigitalInput(pin: line, name: "door"), interval: .seconds(60),
                 channels: [ChannelPlan(index: 0, channel: door, filters: [], field: FrameField(channel: 1, .digitalInput))], wake: true)
        return (node, clock)
    }

    @Test func aWakeOnEdgeInputIsSampledWhenTheEdgeSettlesAndSentAtOnce() {
        let (node, _) = Self.doorNode(sendOnEvent: true)
        node.run(until: Instant.zero + .seconds(61))
        // Sampled at the start, then at each edge + the 20 ms debounce, then on its schedule.
        #expect(Self.readings(node.sink.events).map(\.at.nanoseconds) == [0, 12_320_000_000, 14_820_000_000, 60_000_000_000])
        // The events carry the instants the line changed, reported when the edge was taken.
        let events = node.sink.events.compactMap { event -> String? in
            guard case .event(let sensor, let reading, let at) = event else { return nil }
            return "\(sensor) \(reading.channel.name)=\(Int(reading.value)) edge \(reading.timestamp.nanoseconds) at \(at.nanoseconds)"
        }
        #expect(events == ["input:door door=1 edge 12300000000 at 12320000000", "input:door door=0 edge 14800000000 at 14820000000"])
        // send_on_event: each edge's frame leaves at the instant it was sampled; the 60 s
        // uplink carries the scheduled sample.
        let frames = Self.frames(node.sink.events)
        #expect(frames.map(\.at.nanoseconds) == [12_320_000_000, 14_820_000_000, 60_000_000_000])
        #expect(frames.map(\.hex) == ["010001", "010000", "010000"])
    }

    /// The edges after the last scheduled deadline but before the end of a run are taken: a
    /// `--sim-duration` run does not lose the door events of its last sample interval.
    @Test func edgesBeforeTheEndOfARunAreTaken() {
        let (node, _) = Self.doorNode(sendOnEvent: true)
        node.run(until: Instant.zero + .seconds(30))
        #expect(Self.readings(node.sink.events).map(\.at.nanoseconds) == [0, 12_320_000_000, 14_820_000_000])
        #expect(Self.frames(node.sink.events).map(\.at.nanoseconds) == [12_320_000_000, 14_820_000_000])
    }

    @Test func withoutSendOnEventAnEdgeWaitsForTheUplinkInterval() {
        let (node, _) = Self.doorNode(sendOnEvent: false)
        node.run(until: Instant.zero + .seconds(61))
        #expect(Self.readings(node.sink.events).map(\.at.nanoseconds) == [0, 12_320_000_000, 14_820_000_000, 60_000_000_000])
        // One frame at 60 s with the level then (closed); the open door shows only in the events.
        let frames = Self.frames(node.sink.events)
        #expect(frames.map(\.at.nanoseconds) == [60_000_000_000])
        #expect(frames.map(\.hex) == ["010000"])
    }

    @Test func aDeadbandWithMaxPeriodSendsAHeartbeatExactlyEveryMaxPeriod() {
        let clock = VirtualClock()
        let line = SimulatedGPIOLine(name: "GPIO17", clock: clock)  // never changes
        var settings = NodeSettings()
        settings.firstUplink = .zero
        settings.uplinkInterval = .seconds(60)
        let node = Node(clock: clock, sink: Recorder(), settings: settings)
        let band = Deadband(absolute: 0.5, maximumPeriod: .seconds(1_800))
        node.add(DigitalInput(pin: line, name: "door"), interval: .seconds(60),
                 channels: [ChannelPlan(index: 0, channel: Channel(ChannelSpec.digitalInput(name: "door")[0]), filters: [.deadband(band)],
                                        field: FrameField(channel: 1, .digitalInput))])
        node.run(until: Instant.zero + .seconds(3 * 3_600 + 1))
        #expect(Self.readings(node.sink.events).count == 181)
        let frames = Self.frames(node.sink.events)
        #expect(frames.map(\.at) == (0...6).map { Instant.zero + .seconds(1_800) * Int64($0) })
        #expect(Set(frames.map(\.hex)) == ["010000"])
    }

    @Test func terminateSendsWhatIsPendingInOneLastFrameAndReturns() throws {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus(name: "sim-i2c-1")
        bus.attach(BME280Model(clock: clock))
        let node = Node(sensor: BME280(bus: bus), clock: clock, sink: Recorder())  // frames at 9, 19, 29 s
        var asked: [Instant] = []
        node.sleeper = { deadline, _ in
            asked.append(deadline)
            if deadline > Instant.zero + .seconds(25) { return .terminate }  // SIGTERM while waiting for 26 s
            clock.sleep(until: deadline)
            return .woke(ready: [])
        }
        node.run()
        #expect(asked.last == Instant.zero + .seconds(26))
        #expect(asked.count == 27)  // 0 s, 1 s, ..., 26 s
        #expect(clock.now() == Instant.zero + .seconds(25) + Self.bme280Conversion)
        let frames = Self.frames(node.sink.events)
        #expect(frames.map(\.at.nanoseconds) == [9_009_300_000, 19_009_300_000, 25_009_300_000])
        #expect(node.sink.frames.map(\.sequence) == [0, 1, 2])
        // The last frame holds the chains' outputs of the 25 s sample, in frame order.
        let last = node.sink.events.suffix(4).compactMap { event -> Double? in
            if case .reading(_, _, let output) = event { return output.value } else { return nil }
        }
        #expect(last.count == 3)
        var expected = CayenneLPP(capacity: 11)
        try expected.add(channel: 1, .temperature, last[0])
        try expected.add(channel: 2, .humidity, last[1])
        try expected.add(channel: 3, .barometer, last[2] * 0.01)
        #expect(frames.last?.hex == Hex.encode(expected.bytes))
        #expect(frames.last?.hex.count == 22)
    }

    @Test func terminateWithNothingPendingSendsNoFrame() {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus(name: "sim-i2c-1")
        bus.attach(BME280Model(clock: clock))
        let node = Node(sensor: BME280(bus: bus), clock: clock, sink: Recorder())
        node.sleeper = { deadline, _ in
            if deadline > Instant.zero + .seconds(19) { return .terminate }  // right after the 19 s frame
            clock.sleep(until: deadline)
            return .woke(ready: [])
        }
        node.run()
        #expect(Self.frames(node.sink.events).map(\.at.nanoseconds) == [9_009_300_000, 19_009_300_000])
    }

    /// A part whose every reading blocks for 2.5 s, sampled every second.
    struct SlowPart: SensorDriver {
        static var part: String { "slow" }
        var channels: [ChannelSpec] { [ChannelSpec(name: "x", unit: "1", decimals: 0)] }
        var location: String { "slow" }
        mutating func setUp(clock: some Clock) throws(SensorError) {}
        mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
            clock.sleep(until: clock.now() + .milliseconds(2_500))
            return [1]
        }
    }

    @Test func aReadingLongerThanItsIntervalSkipsTheDeadlinesItRanOverAndSaysSoOnce() {
        let clock = VirtualClock()
        var settings = NodeSettings()
        settings.firstUplink = .seconds(3_600)
        let node = Node(clock: clock, sink: Recorder(), settings: settings)
        node.add(SlowPart(), interval: .seconds(1), channels: [ChannelPlan(index: 0, channel: Channel(ChannelSpec(name: "x", unit: "1", decimals: 0)), filters: [])])
        node.run(until: Instant.zero + .seconds(10))
        // Deadlines 0, 3, 6, 9 (each reading ends 2.5 s in, so 1 and 2, 4 and 5, ... are skipped):
        // readings stamped when they end, still on the 1 s grid, never back to back.
        #expect(Self.readings(node.sink.events).map(\.at.milliseconds) == [2_500, 5_500, 8_500, 11_500])
        let warnings = node.sink.events.compactMap { if case .warning(let text, let at) = $0 { return "\(at.milliseconds) \(text)" } else { return nil } }
        #expect(warnings == ["2500 slow: a reading took 2500 ms, longer than its interval; 2 sample deadline(s) skipped (said once per sensor)"])
    }
}
