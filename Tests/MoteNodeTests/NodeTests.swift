import Testing
import MoteDrivers
import MoteHAL
import MoteNode
import MoteSimulation

struct Recorder: EventSink {
    var events: [NodeEvent] = []
    mutating func emit(_ event: NodeEvent) { events.append(event) }

    var frames: [Frame] { events.compactMap { if case .frame(let f, _) = $0 { return f } else { return nil } } }
    var states: [String] {
        events.compactMap {
            switch $0 {
            case .sensorState(_, .ok, let at): return "\(at.milliseconds) ok"
            case .sensorState(_, .degraded(let reason, let retry), let at): return "\(at.milliseconds) degraded until \(retry.milliseconds): \(reason)"
            default: return nil
            }
        }
    }
    var readings: Int { events.filter { if case .reading = $0 { return true } else { return false } }.count }
}

func simulatedNode(settings: NodeSettings = NodeSettings(), faults: (BME280Model) -> Void = { _ in }) -> Node<VirtualClock, Recorder> {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus(name: "sim-i2c-1")
    let model = BME280Model(clock: clock)
    faults(model)
    bus.attach(model)
    return Node(sensor: BME280(bus: bus), clock: clock, sink: Recorder(), settings: settings)
}

@Suite struct NodeTests {
    @Test func aFrameEveryTenSamplesWithExactBytes() {
        let node = simulatedNode()
        node.run(frames: 2)
        #expect(node.samples == 20)
        #expect(node.sink.readings == 60)
        let frames = node.sink.frames
        #expect(frames.map(\.sequence) == [0, 1])
        #expect(frames.map(\.port) == [1, 1])
        // 25.1 °C on ch1, 51.0 %RH on ch2, 1006.5 hPa on ch3 (the model's first minutes).
        #expect(frames[0].bytes == [0x01, 0x67, 0x00, 0xFB, 0x02, 0x68, 0x66, 0x03, 0x73, 0x27, 0x51])
        #expect(node.sink.states.isEmpty)
    }

    @Test func aMissingSensorDegradesAndIsRetriedWithBackoff() {
        let node = simulatedNode { $0.inject(.nakAddress, from: .zero, until: .zero + .seconds(5)) }
        node.run(frames: 1)
        let reason = "register 0xd0: transaction on sim-i2c-1 at 0x76: no acknowledge (address)"
        #expect(node.sink.states == [
            "0 degraded until 1000: \(reason)",
            "1000 degraded until 3000: \(reason)",
            "3000 degraded until 7000: \(reason)",
            "7012 ok",  // after the first good measurement
        ])
        // Frames keep their schedule (after ticks 9, 19, ...) and carry what is fresh: the
        // first holds the samples of 7, 8 and 9 s.
        #expect(node.samples == 3)
        #expect(node.framesSent == 1)
    }

    @Test func aWrongChipIDDegradesWithBothIDs() {
        let node = simulatedNode { $0.inject(.wrongChipID(0x58), from: .zero, until: .zero + .seconds(2)) }
        node.run(samples: 3)
        #expect(node.sink.states == [
            "0 degraded until 1000: wrong chip id: expected 0x60, found 0x58",
            "1000 degraded until 3000: wrong chip id: expected 0x60, found 0x58",
            "3012 ok",
        ])
    }

    @Test func aSensorLostMidRunIsRestartedAndTheNodeGoesOn() {
        let node = simulatedNode { $0.inject(.nakAddress, from: .zero + .milliseconds(4500), until: .zero + .milliseconds(5500)) }
        node.run(samples: 12)
        #expect(node.sink.states == [
            "5000 degraded until 6000: register 0xf4: transaction on sim-i2c-1 at 0x76: no acknowledge (address)",
            "6012 ok",
        ])
        #expect(node.framesSent == 1)
    }

    @Test func backoffIsCapped() {
        var settings = NodeSettings()
        settings.maximumBackoff = .seconds(4)
        let node = simulatedNode(settings: settings) { $0.inject(.nakAddress) }
        node.run(until: .zero + .seconds(20))
        #expect(node.sink.states.map { $0.prefix(while: { $0 != ":" }) } == [
            "0 degraded until 1000", "1000 degraded until 3000", "3000 degraded until 7000",
            "7000 degraded until 11000", "11000 degraded until 15000", "15000 degraded until 19000",
            "19000 degraded until 23000",
        ])
        #expect(node.samples == 0)
    }

    @Test func noFreshValuesMeansNoFrame() {
        // Retries at 1, 3, 7 and 15 s; back at 15 s, so the frame slot after 9 s has nothing.
        let node = simulatedNode { $0.inject(.nakAddress, from: .zero, until: .zero + .seconds(14)) }
        node.run(until: .zero + .seconds(30))
        #expect(node.sink.frames.map(\.sequence) == [0, 1])
        let times = node.sink.events.compactMap { if case .frame(_, let at) = $0 { return at.milliseconds } else { return nil } }
        #expect(times == [19_009, 29_009])
    }

    @Test func aValueThatDoesNotFitWaitsForTheNextFrameAndLeadsIt() {
        var settings = NodeSettings()
        settings.frameCapacity = 10
        let node = simulatedNode(settings: settings)
        node.run(frames: 3)
        // Frame 0: temperature and humidity; the barometer waits, leads frame 1, and humidity
        // (then the longest waiting) leads frame 2: no channel starves.
        #expect(node.sink.frames.map { Hex.encode($0.bytes) } == ["016700fb026866", "03732751016700fb", "026866016700fb"])
        #expect(node.sink.events.contains(.warning("frame needs 11 bytes, the link takes 10: channel 3 waits for the next frame (said once per channel)",
                                                   at: Instant(nanoseconds: 9_009_300_000))))
    }

    @Test func eventsPrintAsJSONLines() {
        let temperature = Channel(name: "temperature", unit: "Cel", symbol: "°C", decimals: 2)
        let reading = Reading(channel: temperature, value: 25.084, timestamp: Instant(nanoseconds: 1_009_300_000))
        #expect(EventText.json(.reading(sensor: "bme280@0x76", reading, FilterOutput(value: 25.0, quality: .good, report: false, note: nil))) ==
                #"{"type":"reading","t":1009,"sensor":"bme280@0x76","channel":"temperature","value":25.08,"filtered":25.00,"unit":"Cel"}"#)
        #expect(EventText.json(.reading(sensor: "bme280@0x76", reading, FilterOutput(value: 25.0, quality: .good, report: true, note: nil))) ==
                #"{"type":"reading","t":1009,"sensor":"bme280@0x76","channel":"temperature","value":25.08,"filtered":25.00,"unit":"Cel","report":true}"#)
        let rejected = Reading(channel: temperature, value: 125, timestamp: Instant(nanoseconds: 1_009_300_000), quality: .uncertain)
        #expect(EventText.json(.reading(sensor: "bme280@0x76", rejected,
                                        FilterOutput(value: nil, quality: .uncertain, report: false, note: "125 above range maximum 85"))) ==
                #"{"type":"reading","t":1009,"sensor":"bme280@0x76","channel":"temperature","value":125.00,"filtered":null,"unit":"Cel","quality":"uncertain","note":"125 above range maximum 85"}"#)
        let frame = Frame(sequence: 7, port: 1, format: "cayennelpp", bytes: [0x01, 0x67, 0x00, 0xFB])
        #expect(EventText.json(.frame(frame, at: .zero + .seconds(9))) ==
                #"{"type":"frame","t":9000,"seq":7,"port":1,"format":"cayennelpp","size":4,"hex":"016700fb"}"#)
        #expect(EventText.json(.sensorState(sensor: "bme280@0x76", .degraded(reason: "x \"y\"", retryAt: .zero + .seconds(2)), at: .zero + .seconds(1))) ==
                #"{"type":"sensor","t":1000,"sensor":"bme280@0x76","state":"degraded","error":"x \"y\"","retry_t":2000}"#)
    }
}
