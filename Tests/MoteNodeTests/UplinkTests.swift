import Testing
import MoteHAL
import MoteNode

/// A transport that answers from a script and records what it was asked.
struct ScriptedTransport: UplinkTransport {
    var name: String { "scripted" }
    var connects: [ConnectOutcome] = []
    var sends: [UplinkOutcome] = []
    var log: [String] = []

    mutating func connect() -> ConnectOutcome {
        log.append("connect")
        return connects.isEmpty ? .ready : connects.removeFirst()
    }

    mutating func send(_ frame: Frame, confirmed: Bool) -> UplinkOutcome {
        log.append("send \(frame.sequence)\(confirmed ? " confirmed" : "")")
        return sends.isEmpty ? .sent(acknowledged: nil, downlink: nil) : sends.removeFirst()
    }
}

/// A gate that lets one frame through every `every`.
struct EveryGate: AirtimeGate {
    var every: TimeSpan
    var last: Instant?
    var recorded: [Int64] = []
    func earliestStart(payloadBytes: Int, now: Instant) -> Instant {
        guard let last else { return now }
        return now < last + every ? last + every : now
    }
    mutating func record(payloadBytes: Int, at: Instant) {
        last = at
        recorded.append(at.milliseconds)
    }
}

struct Warnings: EventSink {
    var messages: [String] = []
    mutating func emit(_ event: NodeEvent) {
        if case .warning(let text, let at) = event { messages.append("\(at.milliseconds): \(text)") }
    }
}

@Suite struct UplinkTests {
    typealias Pump<G: AirtimeGate> = Uplink<ScriptedTransport, G, MemoryQueueStorage>

    func pump<G: AirtimeGate>(_ transport: ScriptedTransport, gate: G, limit: Int = 10, confirmed: Bool = false) throws -> Pump<G> {
        Uplink(queue: try UplinkQueue(storage: MemoryQueueStorage(), limit: limit), transport: transport, gate: gate, confirmed: confirmed)
    }

    let t0 = Instant.zero + .seconds(100)

    @Test func sentFramesLeaveTheQueueInOrder() throws {
        var uplink = try pump(ScriptedTransport(), gate: NoAirtimeLimit())
        var events = Warnings()
        for sequence in 0..<3 { try uplink.accept(frame(UInt32(sequence)), now: t0, events: &events) }
        #expect(uplink.service(now: t0, events: &events) == nil)
        #expect(uplink.transport.log == ["connect", "send 0", "send 1", "send 2"])
        #expect(uplink.queue.isEmpty)
        #expect(uplink.sent == 3)
        #expect(events.messages.isEmpty)
    }

    @Test func aRetryKeepsTheFrameAndWaits() throws {
        var transport = ScriptedTransport()
        transport.sends = [.retry(after: .seconds(30), reason: "busy"), .retry(after: .seconds(30), reason: "busy")]
        var uplink = try pump(transport, gate: NoAirtimeLimit())
        var events = Warnings()
        try uplink.accept(frame(7), now: t0, events: &events)
        #expect(uplink.service(now: t0, events: &events) == t0 + .seconds(30))
        #expect(uplink.service(now: t0 + .seconds(10), events: &events) == t0 + .seconds(30))  // too early: nothing tried
        #expect(uplink.service(now: t0 + .seconds(30), events: &events) == t0 + .seconds(60))
        #expect(uplink.service(now: t0 + .seconds(60), events: &events) == nil)
        #expect(uplink.transport.log == ["connect", "send 7", "send 7", "send 7"])
        #expect(uplink.queue.isEmpty)
        #expect(events.messages == ["100000: uplink: frame #7 not sent on scripted: busy; tried again (said once until a frame goes out)"])
    }

    @Test func aRejoinConnectsAgainThenResends() throws {
        var transport = ScriptedTransport()
        transport.sends = [.rejoin(reason: "not joined")]
        transport.connects = [.ready, .retry(after: .seconds(8), reason: "join refused"), .ready]
        var uplink = try pump(transport, gate: NoAirtimeLimit())
        var events = Warnings()
        try uplink.accept(frame(1), now: t0, events: &events)
        #expect(uplink.service(now: t0, events: &events) == t0 + .seconds(8))
        #expect(uplink.service(now: t0 + .seconds(8), events: &events) == nil)
        #expect(uplink.transport.log == ["connect", "send 1", "connect", "connect", "send 1"])
        #expect(uplink.queue.isEmpty)
        #expect(events.messages == ["100000: uplink: scripted needs a new session: not joined (said once until a frame goes out)"])
    }

    @Test func aRejoinRightAfterARejoinBacksOff() throws {
        var transport = ScriptedTransport()
        transport.sends = [.rejoin(reason: "a"), .rejoin(reason: "b")]
        var uplink = try pump(transport, gate: NoAirtimeLimit())
        var events = Warnings()
        try uplink.accept(frame(1), now: t0, events: &events)
        #expect(uplink.service(now: t0, events: &events) == t0 + .seconds(2))  // second failure in a row: 2 s
        #expect(uplink.transport.log == ["connect", "send 1", "connect", "send 1"])
        #expect(uplink.queue.count == 1)
    }

    @Test func aRejectedFrameIsDroppedCountedAndSaid() throws {
        var transport = ScriptedTransport()
        transport.sends = [.rejected(reason: "12 bytes, the link takes 11")]
        var uplink = try pump(transport, gate: NoAirtimeLimit())
        var events = Warnings()
        try uplink.accept(frame(4), now: t0, events: &events)
        try uplink.accept(frame(5), now: t0, events: &events)
        #expect(uplink.service(now: t0, events: &events) == nil)
        #expect(uplink.transport.log == ["connect", "send 4", "send 5"])
        #expect(uplink.queue.rejected == 1)
        #expect(uplink.sent == 1)
        #expect(events.messages == ["100000: frame #4 rejected by scripted: 12 bytes, the link takes 11; dropped (1 rejected in all)"])
        #expect(try UplinkQueue(storage: uplink.queue.storage, limit: 10).rejected == 1)
    }

    @Test func theGateSpacesTheFrames() throws {
        var uplink = try pump(ScriptedTransport(), gate: EveryGate(every: .seconds(36)))
        var events = Warnings()
        for sequence in 0..<3 { try uplink.accept(frame(UInt32(sequence)), now: t0, events: &events) }
        #expect(uplink.service(now: t0, events: &events) == t0 + .seconds(36))
        #expect(uplink.service(now: t0 + .seconds(36), events: &events) == t0 + .seconds(72))
        #expect(uplink.service(now: t0 + .seconds(72), events: &events) == nil)
        #expect(uplink.gate.recorded == [100_000, 136_000, 172_000])
    }

    @Test func anUnacknowledgedConfirmedFrameIsSentAgain() throws {
        var transport = ScriptedTransport()
        transport.sends = [.sent(acknowledged: false, downlink: nil), .sent(acknowledged: true, downlink: Downlink(port: 3, bytes: [0x01]))]
        var uplink = try pump(transport, gate: NoAirtimeLimit(), confirmed: true)
        var events = Warnings()
        try uplink.accept(frame(9), now: t0, events: &events)
        #expect(uplink.service(now: t0, events: &events) == t0 + .seconds(1))
        #expect(uplink.service(now: t0 + .seconds(1), events: &events) == nil)
        #expect(uplink.transport.log == ["connect", "send 9 confirmed", "send 9 confirmed"])
        #expect(uplink.takeDownlinks() == [Downlink(port: 3, bytes: [0x01])])
        #expect(uplink.downlinks == [])
        #expect(uplink.queue.isEmpty)
    }

    @Test func aFullQueueWarnsWithTheCount() throws {
        var transport = ScriptedTransport()
        transport.connects = [.retry(after: .seconds(60), reason: "no network")]
        var uplink = try pump(transport, gate: NoAirtimeLimit(), limit: 2)
        var events = Warnings()
        for sequence in 0..<4 { try uplink.accept(frame(UInt32(sequence)), now: t0, events: &events) }
        #expect(uplink.service(now: t0, events: &events) == t0 + .seconds(60))
        #expect(events.messages == [
            "100000: uplink queue full (2 frames): dropped frame #0, the oldest; 1 dropped in all",
            "100000: uplink queue full (2 frames): dropped frame #1, the oldest; 2 dropped in all",
            "100000: uplink: cannot connect scripted: no network (said once until a frame goes out)",
        ])
        #expect(uplink.queue.frames.map(\.sequence) == [2, 3])
    }
}

@Suite struct UplinkConfigurationTests {
    static let node = "[node]\nname = \"n\"\n\n[[sensor]]\nid = \"air\"\ndriver = \"bme280\"\nbus = \"i2c-1\"\n\n[uplink]\n"

    static func parse(_ uplink: String) -> (NodeConfiguration?, [String]) {
        let (configuration, errors) = NodeConfiguration.parse(node + uplink, file: "n.toml")
        return (configuration, errors.map(\.description))
    }

    @Test func theFileTransportTakesItsFile() {
        let (configuration, errors) = Self.parse("transport = \"file\"\nfile = \"/var/lib/mote/frames.jsonl\"\n")
        #expect(errors == [])
        #expect(configuration?.uplink.transport == "file")
        #expect(configuration?.uplink.file == "/var/lib/mote/frames.jsonl")
        #expect(configuration.map { $0.normalized.contains("transport = \"file\"\nfile = \"/var/lib/mote/frames.jsonl\"\n") } == true)
    }

    @Test func aFileTransportWithoutAFileAndAFileWithoutIt() {
        #expect(Self.parse("transport = \"file\"\n").1 == ["n.toml:10:13: uplink.transport: the file transport needs file = \"path\""])
        #expect(Self.parse("file = \"f.jsonl\"\n").1 == ["n.toml:10:8: uplink.file: only with transport = \"file\""])
        #expect(Self.parse("transport = \"stdout\"\nfile = \"f.jsonl\"\n").1 == ["n.toml:11:8: uplink.file: only with transport = \"file\""])
        #expect(Self.parse("transport = \"udp\"\nfile = \"f.jsonl\"\n").1
                == ["n.toml:10:13: uplink.transport: the udp transport needs collector = \"host:port\"",
                    "n.toml:11:8: uplink.file: only with transport = \"file\""])
        #expect(Self.parse("transport = \"rak3172\"\n").1
                == ["n.toml:10:13: uplink.transport: a modem transport needs modem_port = \"<a serial port of the board file>\""])
        #expect(Self.parse("transport = \"udp\"\ncollector = \"::1:1700\"\n").1
                == [#"n.toml:11:13: uplink.collector: "::1:1700" is not host:port ("192.0.2.7:1700", "[2001:db8::7]:1700", "collector.lan:1700")"#])
        #expect(Self.parse("transport = \"udp\"\ncollector = \"[::1]:1700\"\nconfirmed = true\n").1 == [])
        #expect(Self.parse("confirmed = true\n").1
                == ["n.toml:10:13: uplink.confirmed: a stdout transport has nobody to acknowledge; only udp and the modems"])
        #expect(Self.parse("downlink_port = 1\n").1 == ["n.toml:10:17: uplink.downlink_port: must differ from the frames' port 1"])
        #expect(Self.parse("fair_use = \"30s\"\n").1 == ["n.toml:10:12: uplink.fair_use: only with a modem transport: airtime exists only on a radio"])
        #expect(Self.parse("modem_port = \"uart0\"\n").1
                == [#"n.toml:10:14: uplink.modem_port: only with a modem transport ("rak3172", "lora-e5", "rn2483")"#])
    }
}
