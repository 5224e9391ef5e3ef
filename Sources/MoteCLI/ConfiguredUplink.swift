import MoteHAL
import MoteLinux
import MoteNode

/// Where a configured node's queue lives: `<state_dir>/<node>.queue`, or nowhere for a
/// virtual-clock run that keeps no state (the queue's frames are then in memory only). One
/// type for both, so the node is built once.
enum ConfiguredQueueStorage: QueueStorage {
    case transient
    case file(QueueFile)

    var name: String {
        switch self {
        case .transient: return "(in memory)"
        case .file(let storage): return storage.name
        }
    }

    mutating func read() throws(QueueStorageError) -> [UInt8]? {
        guard case .file(var storage) = self else { return nil }
        return try storage.read()
    }

    mutating func append(_ bytes: [UInt8]) throws(QueueStorageError) {
        if case .file(var storage) = self { try storage.append(bytes) }
    }

    mutating func truncate(to length: Int) throws(QueueStorageError) {
        if case .file(var storage) = self { try storage.truncate(to: length) }
    }

    mutating func replace(with bytes: [UInt8]) throws(QueueStorageError) {
        if case .file(var storage) = self { try storage.replace(with: bytes) }
    }
}

/// The transport `[uplink] transport` names.
enum ConfiguredTransport<C: Clock, ModemPort: SerialPort>: UplinkTransport {
    case stdout(StdoutTransport<C>)
    case file(FileTransport<C>)
    case udp(UDPTransport)
    case modem(ATModem<KeepAlivePort<ModemPort, C>, C>)

    var name: String {
        switch self {
        case .stdout(let transport): return transport.name
        case .file(let transport): return transport.name
        case .udp(let transport): return transport.name
        case .modem(let transport): return transport.name
        }
    }

    mutating func connect() -> ConnectOutcome {
        switch self {
        case .stdout(var transport):
            defer { self = .stdout(transport) }
            return transport.connect()
        case .file(var transport):
            defer { self = .file(transport) }
            return transport.connect()
        case .udp(var transport):
            defer { self = .udp(transport) }
            return transport.connect()
        case .modem(var transport):
            defer { self = .modem(transport) }
            return transport.connect()
        }
    }

    mutating func send(_ frame: Frame, confirmed: Bool) -> UplinkOutcome {
        switch self {
        case .stdout(var transport):
            defer { self = .stdout(transport) }
            return transport.send(frame, confirmed: confirmed)
        case .file(var transport):
            defer { self = .file(transport) }
            return transport.send(frame, confirmed: confirmed)
        case .udp(var transport):
            defer { self = .udp(transport) }
            return transport.send(frame, confirmed: confirmed)
        case .modem(var transport):
            defer { self = .modem(transport) }
            return transport.send(frame, confirmed: confirmed)
        }
    }
}

/// Airtime exists only on a radio: a modem's frames wait for the region's duty cycle and the
/// fair-use budget; a file, standard output or a UDP collector take frames as they come.
enum ConfiguredGate: AirtimeGate {
    case none
    case radio(DutyCycleBudget)

    func earliestStart(payloadBytes: Int, now: Instant) -> Instant {
        switch self {
        case .none: return now
        case .radio(let budget): return budget.earliestStart(payloadBytes: payloadBytes, now: now)
        }
    }

    mutating func record(payloadBytes: Int, at: Instant) {
        if case .radio(var budget) = self {
            budget.record(payloadBytes: payloadBytes, at: at)
            self = .radio(budget)
        }
    }
}

/// The node's frames into the queue and out through the transport, shared by the node's sink
/// (which accepts them) and its sleeper (which services the queue between deadlines).
final class UplinkPump<C: Clock, ModemPort: SerialPort> {
    var uplink: Uplink<ConfiguredTransport<C, ModemPort>, ConfiguredGate, ConfiguredQueueStorage>
    var console: ConsoleSink
    let clock: C
    /// The frame's event line goes to the console once the frame is in the queue (durably, with
    /// a state directory): what "accepted" means. Not when the console is the transport.
    let announce: Bool
    /// Frames this run put in the queue, and what the queue held and had counted when opened.
    private var accepted = 0
    private var carried = 0
    private var droppedAtOpen: UInt64 = 0
    private var rejectedAtOpen: UInt64 = 0

    /// Opens the queue and the transport; nil (and said why) when the queue cannot be trusted
    /// or the transport's port cannot be opened.
    /// `keepAlive` runs at least once a second while a modem reply is awaited (the service
    /// watchdog's ping).
    init?<B: Buses>(_ configuration: NodeConfiguration, state: NodeState?, buses: B, console: ConsoleSink,
                    keepAlive: @escaping () -> Void = {}) where B.C == C, B.ModemPort == ModemPort {
        let clock = buses.clock
        self.clock = clock
        self.console = console
        let storage: ConfiguredQueueStorage = state.map { .file(QueueFile(path: $0.queuePath)) } ?? .transient
        let queue: UplinkQueue<ConfiguredQueueStorage>
        do {
            queue = try UplinkQueue(storage: storage, limit: configuration.storage.queueLimit)
        } catch {
            Console.line("mote: " + error.description, to: .error)
            return nil
        }
        let transport: ConfiguredTransport<C, ModemPort>
        var gate = ConfiguredGate.none
        let uplinkSettings = configuration.uplink
        announce = uplinkSettings.transport != "stdout"
        if uplinkSettings.transport == "file", let file = uplinkSettings.file {
            transport = .file(FileTransport(path: file, clock: clock))
        } else if uplinkSettings.transport == "udp", let host = uplinkSettings.collectorHost, let port = uplinkSettings.collectorPort {
            transport = .udp(UDPTransport(host: host, port: UInt16(port), node: configuration.name, acknowledgements: uplinkSettings.confirmed))
        } else if let dialect = ATModemDialect(rawValue: uplinkSettings.transport) {
            let port: ModemPort
            do {
                port = try buses.modem(uplinkSettings, dialect: dialect)
            } catch {
                Console.line("mote: uplink.modem_port: " + error.message, to: .error)
                return nil
            }
            transport = .modem(ATModem(port: KeepAlivePort(port, clock: clock, keepAlive: keepAlive), clock: clock, dialect: dialect))
            if let budget = DutyCycleBudget(link: uplinkSettings.link, dataRate: uplinkSettings.dataRate, fairUse: uplinkSettings.fairUse) {
                gate = .radio(budget)
            }
        } else {
            transport = .stdout(StdoutTransport(clock: clock, json: console.format == .jsonl))
        }
        uplink = Uplink(queue: queue, transport: transport, gate: gate, confirmed: uplinkSettings.confirmed)
        carried = queue.count
        droppedAtOpen = queue.dropped
        rejectedAtOpen = queue.rejected
        let now = clock.now()
        let recovery = queue.recovery
        if recovery.cutBytes > 0 {
            self.console.emit(.warning("uplink queue \(storage.name): cut \(recovery.cutBytes) bytes of a torn last record (a crash during an append; "
                                  + "that frame had not been accepted)", at: now))
        }
        if recovery.droppedOverLimit > 0 {
            self.console.emit(.warning("uplink queue \(storage.name): held \(recovery.frames) frames, more than queue_limit \(queue.limit); "
                                  + "dropped the \(recovery.droppedOverLimit) oldest (\(queue.dropped) dropped in all)", at: now))
        }
        Console.flush()
    }

    func accept(_ frame: Frame, at: Instant) {
        do {
            try uplink.accept(frame, now: at, events: &console)
        } catch {
            console.emit(.warning("frame #\(frame.sequence) not queued: \(error.description); it is lost", at: at))
            return
        }
        accepted += 1
        if announce {
            console.emit(.frame(frame, at: at))
            Console.flush()  // a kill right after must not take the line with it
        }
        if accepted == 1, let onFirstAccepted {
            self.onFirstAccepted = nil
            onFirstAccepted()
        }
        // Downlinks wait for the next service between the node's deadlines: their answers are
        // frames of the node, which is in the middle of emitting this one.
        uplink.service(now: clock.now(), events: &console)
    }

    /// This run's accounts so far.
    var totals: UplinkTotals {
        var totals = UplinkTotals()
        totals.accepted = accepted
        totals.sent = uplink.sent
        totals.dropped = Int(uplink.queue.dropped - droppedAtOpen)
        totals.rejected = Int(uplink.queue.rejected - rejectedAtOpen)
        totals.queued = uplink.queue.count
        totals.carried = carried
        totals.droppedTotal = uplink.queue.dropped
        totals.rejectedTotal = uplink.queue.rejected
        return totals
    }

    /// The `uplink` accounts line at a stop, where frame lines mean "accepted" (not when the
    /// console is the transport).
    func report() {
        guard announce else { return }
        console.emit(.uplink(totals, at: clock.now()))
        Console.flush()
    }

    /// Runs once, when this run's first frame is in the queue (the update trial's health mark).
    var onFirstAccepted: (() -> Void)?

    /// What to do with a downlink (`applyDownlinks`); nil: they are only logged.
    var onDownlink: ((Downlink) -> Void)?

    /// Sends what the transport takes now, then handles the downlinks that came back (whose
    /// answers are frames again); when the uplink next needs to run.
    @discardableResult
    func service() -> Instant? {
        var next = uplink.service(now: clock.now(), events: &console)
        while true {
            let downlinks = uplink.takeDownlinks()
            if downlinks.isEmpty { return next }
            for downlink in downlinks {
                if let onDownlink { onDownlink(downlink) } else { console.emit(.downlink(downlink, result: "not applied", at: clock.now())) }
            }
            next = uplink.service(now: clock.now(), events: &console)
        }
    }

    /// Lets go of the node `applyDownlinks` holds, once the node has stopped.
    func detachDownlinks() { onDownlink = nil }

    /// Downlink commands (docs/downlink.md) on the command port applied to `node`, all or
    /// nothing, and answered on that port in a frame of their own: the applied commands or the
    /// error, and a status record when asked for. A downlink on another port is logged only.
    func applyDownlinks<Sink: EventSink>(to node: Node<C, Sink>, configuration: NodeConfiguration) {
        let port = configuration.uplink.downlinkPort
        let started = clock.now()
        // Strong captures (Embedded Swift has no unowned): `detachDownlinks` breaks the cycle.
        onDownlink = { downlink in
            let now = self.clock.now()
            var remote = RemoteSettings(uplinkInterval: node.uplinkInterval, sampleIntervals: node.sampleIntervals, confirmed: self.uplink.confirmed)
            guard let outcome = remote.apply(downlink, port: port) else {
                self.console.emit(.downlink(downlink, result: "ignored: commands come on port \(port)", at: now))
                return
            }
            if let error = outcome.error {
                self.console.emit(.downlink(downlink, result: "refused, nothing applied: " + error.description, at: now))
            } else {
                if remote.uplinkInterval != node.uplinkInterval { node.setUplinkInterval(remote.uplinkInterval) }
                let current = node.sampleIntervals
                for (index, interval) in remote.sampleIntervals.enumerated() where interval != current[index] {
                    node.setSampleInterval(sensor: index, interval)
                }
                self.uplink.confirmed = remote.confirmed
                var result = "applied: " + outcome.applied.map { $0.summary }.joined(separator: ", ")
                if outcome.updateCheckRequested { result += " (this build has no update client yet: nothing checked)" }
                self.console.emit(.downlink(downlink, result: result, at: now))
            }
            var status: NodeStatus?
            if outcome.statusRequested {
                status = NodeStatus(uptimeSeconds: NodeStatus.field32((now - started).nanoseconds / 1_000_000_000),
                                    framesSent: NodeStatus.field32(Int64(node.framesSent)),
                                    queueDepth: NodeStatus.field16(self.uplink.queue.count),
                                    drops: NodeStatus.field32(Int64(clamping: self.uplink.queue.dropped)),
                                    firmwareVersion: 0, degradedSensors: UInt8(min(node.degradedSensors, 255)))
            }
            for reply in DownlinkReply.frames(ack: outcome.ack, status: status, capacity: node.settings.frameCapacity) {
                node.sendReply(reply, port: port)
            }
        }
    }

    /// `sleep`, with the uplink run whenever it asked to be before the node's deadline.
    func serviced(_ sleep: @escaping (Instant, [Int32]) -> Wake) -> (Instant, [Int32]) -> Wake {
        { deadline, descriptors in
            while true {
                guard let next = self.service(), next < deadline else { return sleep(deadline, descriptors) }
                let wake = sleep(next, descriptors)
                if case .woke(let ready) = wake, ready.isEmpty { continue }
                return wake  // SIGTERM, or an edge for the node
            }
        }
    }
}

/// The node's events to the console, its frames to the uplink.
struct QueueingSink<C: Clock, ModemPort: SerialPort>: EventSink {
    let pump: UplinkPump<C, ModemPort>

    mutating func emit(_ event: NodeEvent) {
        if case .frame(let frame, let at) = event {
            pump.accept(frame, at: at)
        } else {
            pump.console.emit(event)
        }
    }
}
