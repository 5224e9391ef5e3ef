import Testing
import MoteDrivers
import MoteHAL
import MoteNode
import MoteSimulation

/// The node with `format = "mote"`: every reported value goes on air in a run, a frame goes early
/// when a run is full, batches split across frames at the link's limit, and the node file's
/// compact keys are checked.
@Suite struct CompactNodeTests {
    static let temperature = Channel(name: "temperature", unit: "Cel", symbol: "°C", decimals: 2)
    static let humidity = Channel(name: "humidity", unit: "%RH", symbol: "%RH", decimals: 2)

    static func schema() throws -> CompactSchema {
        try CompactSchema(id: 3, fields: [
            CompactSchema.Field(name: "temperature", id: 1, resolution: 0.1, min: -40, max: 85),
            CompactSchema.Field(name: "humidity", id: 2, resolution: 0.5, min: 0, max: 100),
        ])
    }

    /// A BME280 at 10 s, temperature and humidity unfiltered, frames every `uplink`.
    static func node(uplink: TimeSpan, capacity: Int = 51) throws -> Node<VirtualClock, Recorder> {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus(name: "sim-i2c-1")
        bus.attach(BME280Model(clock: clock))
        var settings = NodeSettings()
        settings.format = .compact(try schema())
        settings.uplinkInterval = uplink
        settings.firstUplink = uplink
        settings.frameCapacity = capacity
        let node = Node(clock: clock, sink: Recorder(), settings: settings)
        node.add(BME280(bus: bus), interval: .seconds(10), channels: [
            ChannelPlan(index: 0, channel: temperature, filters: [], field: FrameField(channel: 1, nil)),
            ChannelPlan(index: 1, channel: humidity, filters: [], field: FrameField(channel: 2, nil)),
        ])
        return node
    }

    static func frames(_ events: [NodeEvent]) -> [Frame] {
        events.compactMap { if case .frame(let frame, _) = $0 { return frame } else { return nil } }
    }

    /// The reported values of one channel, in order.
    static func reported(_ events: [NodeEvent], _ name: String) -> [Double] {
        events.compactMap {
            if case .reading(_, let reading, let output) = $0, reading.channel.name == name, output.report { return output.value }
            return nil
        }
    }

    @Test func everyReportedValueGoesOnAirInItsRun() throws {
        let node = try Self.node(uplink: .seconds(60))
        node.run(until: Instant.zero + .seconds(600))
        let frames = Self.frames(node.sink.events)
        // 6 samples a minute at 10 s (0, 10, ... 50 s), a frame at each minute: 9 frames, the
        // sample at 60 s going with the frame of that instant.
        #expect(frames.count == 9)
        #expect(frames.map(\.format) == Array(repeating: "mote", count: 9))
        #expect(frames.map(\.sequence) == Array(0..<9))
        var temperatures: [Double?] = []
        var humidities: [Double?] = []
        for frame in frames {
            let decoded = try CompactFrame.decode(frame.bytes, schemas: [Self.schema()])
            #expect(decoded.schema.id == 3 && !decoded.more && !decoded.continued)
            temperatures += decoded.runs[0]
            humidities += decoded.runs[1]
        }
        let sentT = Self.reported(node.sink.events, "temperature")
        let sentH = Self.reported(node.sink.events, "humidity")
        // 60 samples; the five after the last frame (550...590 s) are still pending at the end.
        #expect(sentT.count == 60 && sentH.count == 60)
        #expect(temperatures.count == 55 && humidities.count == 55)
        // Each value comes back to within half a step.
        for (got, sent) in zip(temperatures, sentT) { #expect(abs((got ?? .nan) - sent) <= 0.05 + 1e-9) }
        for (got, sent) in zip(humidities, sentH) { #expect(abs((got ?? .nan) - sent) <= 0.25 + 1e-9) }
    }

    @Test func aFullRunSendsItsFrameEarly() throws {
        // Uplink every 10 min, a sample every 10 s: a run is full after 8 samples (70 s), and
        // the frame goes at that sample rather than at the interval.
        let node = try Self.node(uplink: .seconds(600))
        node.run(until: Instant.zero + .seconds(200))
        let frames = Self.frames(node.sink.events)
        #expect(frames.count == 2)  // after the samples at 70 s and 150 s
        let first = try CompactFrame.decode(frames[0].bytes, schemas: [Self.schema()])
        #expect(first.runs.map(\.count) == [8, 8])
    }

    @Test func aBatchThatDoesNotFitTheLinkIsSplitByPriority() throws {
        // 7 values each of smooth readings: 7 bytes in one frame, so a 5-byte limit
        // (`max_payload = 5`) takes two.
        let node = try Self.node(uplink: .seconds(60), capacity: 5)
        node.run(until: Instant.zero + .seconds(61))
        let frames = Self.frames(node.sink.events)
        #expect(frames.count == 2)
        #expect(frames.allSatisfy { $0.bytes.count <= 5 })
        let parts = try frames.map { try CompactFrame.decode($0.bytes, schemas: [Self.schema()]) }
        #expect(parts.map(\.more) == [true, false])
        #expect(parts.map(\.continued) == [false, true])
        #expect(parts[0].runs.map(\.count) == [7, 0])  // temperature first: it has the lower id
        #expect(parts[1].runs.map(\.count) == [0, 7])
        #expect(frames.map(\.sequence) == [0, 1])
    }

    // MARK: - The node file

    static let node = """
        [node]
        name = "n"

        [[sensor]]
        id = "air"
        driver = "bme280"
        bus = "i2c-1"

          [[sensor.channel]]
          name = "temperature"
          range = [-40.0, 85.0]
          frame = { id = 1, type = "temperature" }

          [[sensor.channel]]
          name = "pressure"
          RANGE
          frame = { id = 2, resolution = 10.0 }

        [uplink]
        FORMAT

        """

    static func parse(format: String, range: String = "range = [30000.0, 110000.0]") -> ([String], NodeConfiguration?) {
        let result = NodeConfiguration.parse(node.replacingOccurrences(of: "FORMAT", with: format).replacingOccurrences(of: "RANGE", with: range),
                                             file: "n.toml")
        return (result.errors.map(\.description), result.configuration)
    }

    @Test func theCompactSchemaComesFromTheFramedChannelsInIdOrder() throws {
        let (errors, configuration) = Self.parse(format: "format = \"mote\"\nschema = 7")
        #expect(errors == [])
        let schema = try #require(configuration?.compactSchema())
        #expect(schema.id == 7)
        #expect(schema.fields.map(\.name) == ["temperature", "pressure"])
        // The temperature's resolution is its CayenneLPP type's; the pressure's is given.
        #expect(schema.fields.map(\.resolution) == [0.1, 10])
        #expect(schema.fields.map(\.bits) == [11, 13])
    }

    @Test func eachFormatSaysWhatItIsMissing() {
        #expect(Self.parse(format: "format = \"mote\"", range: "").0
                == ["n.toml:17:11: sensor[0].channel[1].frame: the compact frame needs the channel's range = [low, high] (its field's scale)"])
        #expect(Self.parse(format: "format = \"cayennelpp\"").0
                == ["n.toml:17:11: sensor[0].channel[1].frame.type: required: the CayenneLPP record type of the channel"])
        #expect(Self.parse(format: "schema = 2\nformat = \"mote\"").0.isEmpty)
        #expect(Self.parse(format: "format = \"cayennelpp\"\nschema = 2").0.contains(
            "n.toml:21:10: uplink.schema: only the compact frame (format = \"mote\") has a schema id"))
        #expect(Self.parse(format: "format = \"mote\"", range: "range = [0.0, 1e9]").0
                == ["n.toml:17:11: sensor[0].channel[1].frame.resolution: field pressure: its range needs 27 bits a value, more than 24 (use a coarser resolution)"])
    }
}

/// What downlink commands change in the node: the uplink schedule, a sensor's interval, and the
/// numbered reply frames.
@Suite struct NodeRemoteSettingsTests {
    @Test func aNewUplinkIntervalStartsFromNowAndRepliesAreNumberedFrames() throws {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus(name: "sim-i2c-1")
        bus.attach(BME280Model(clock: clock))
        var settings = NodeSettings()
        settings.uplinkInterval = .seconds(60)
        settings.firstUplink = .seconds(60)
        let node = Node(clock: clock, sink: Recorder(), settings: settings)
        node.add(BME280(bus: bus), interval: .seconds(10), channels: [
            ChannelPlan(index: 0, channel: CompactNodeTests.temperature, filters: [], field: FrameField(channel: 1, .temperature)),
        ])
        node.run(until: Instant.zero + .seconds(61))
        #expect(node.uplinkInterval == .seconds(60))
        node.setUplinkInterval(.seconds(300))
        node.setSampleInterval(sensor: 0, .seconds(30))
        node.setSampleInterval(sensor: 5, .seconds(30))  // no such sensor: nothing
        #expect(node.sampleIntervals == [.seconds(30)])
        #expect(node.sendReply([0xA0, 0x01, 0x01], port: 10))
        node.run(until: Instant.zero + .seconds(700))
        let frames = CompactNodeTests.frames(node.sink.events)
        #expect(frames.map(\.sequence) == [0, 1, 2, 3])
        #expect(frames[1] == Frame(sequence: 1, port: 10, format: "reply", bytes: [0xA0, 0x01, 0x01]))
        // The frame at 60 s (after that instant's 9.3 ms reading), the reply at once (run(until:)
        // returns at the last event before its end), then 300 s after the change, after the
        // sensor's reading that the change moved to that instant.
        let times = node.sink.events.compactMap { if case .frame(_, let at) = $0 { return at.milliseconds } else { return nil } }
        #expect(times.count == 4)
        #expect(times == [60_009, 60_009, 360_018, 660_018])
        // Samples every 30 s after the change: 7 (0...60 s at 10 s) + 21 (90...690 s).
        let samples = node.sink.events.filter { if case .reading(_, let reading, _) = $0 { return reading.channel.name == "temperature" } else { return false } }
        #expect(samples.count == 7 + 21)
    }
}

/// The node with `format = "senml"`: every reported value a record, with its time before the frame's.
@Suite struct SenMLNodeTests {
    @Test func eachReportedValueIsARecordWithItsTime() throws {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus(name: "sim-i2c-1")
        bus.attach(BME280Model(clock: clock))
        var settings = NodeSettings()
        settings.format = .senml(node: "n1", names: [1: "air_temperature"])
        settings.uplinkInterval = .seconds(30)
        settings.firstUplink = .seconds(30)
        settings.frameCapacity = 1024
        let node = Node(clock: clock, sink: Recorder(), settings: settings)
        node.add(BME280(bus: bus), interval: .seconds(10), channels: [
            ChannelPlan(index: 0, channel: CompactNodeTests.temperature, filters: [], field: FrameField(channel: 1, nil)),
        ])
        node.run(until: Instant.zero + .seconds(31))
        let frames = CompactNodeTests.frames(node.sink.events)
        #expect(frames.map(\.format) == ["senml+cbor"])
        let records = try SenML.decodeResolved(frames[0].bytes)
        let sent = CompactNodeTests.reported(node.sink.events, "temperature")
        #expect(records.map(\.name) == Array(repeating: "urn:dev:mote:n1:air_temperature", count: 4))
        #expect(records.map(\.unit) == ["Cel", "Cel", "Cel", "Cel"])
        #expect(records.map { if case .number(let v) = $0.value { return v } else { return .nan } } == sent)
        // Read at 0.0123 s (3 ms start-up and 9.3 ms conversion), 10.0093, 20.0093 and 30.0093 s,
        // with the frame of that instant: times in ms before it.
        #expect(sent.count == 4)
        #expect(records.map(\.time) == [-29.997, -20.0, -10.0, 0.0])
    }
}
