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
enum ConfiguredTransport<C: Clock>: UplinkTransport {
    case stdout(StdoutTransport<C>)
    case file(FileTransport<C>)

    var name: String {
        switch self {
        case .stdout(let transport): return transport.name
        case .file(let transport): return transport.name
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
        }
    }
}

/// The node's frames into the queue and out through the transport, shared by the node's sink
/// (which accepts them) and its sleeper (which services the queue between deadlines).
final class UplinkPump<C: Clock> {
    var uplink: Uplink<ConfiguredTransport<C>, NoAirtimeLimit, ConfiguredQueueStorage>
    var console: ConsoleSink
    let clock: C
    /// The frame's event line goes to the console once the frame is in the queue (durably, with
    /// a state directory): what "accepted" means. Not when the console is the transport.
    let announce: Bool

    /// Opens the queue and the transport; nil (and said why) when the queue cannot be trusted.
    init?(_ configuration: NodeConfiguration, state: NodeState?, clock: C, console: ConsoleSink) {
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
        let transport: ConfiguredTransport<C>
        if configuration.uplink.transport == "file", let file = configuration.uplink.file {
            transport = .file(FileTransport(path: file, clock: clock))
            announce = true
        } else {
            transport = .stdout(StdoutTransport(clock: clock, json: console.format == .jsonl))
            announce = false
        }
        uplink = Uplink(queue: queue, transport: transport, gate: NoAirtimeLimit())
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
        if announce {
            console.emit(.frame(frame, at: at))
            Console.flush()  // a kill right after must not take the line with it
        }
        _ = service()
    }

    /// Sends what the transport takes now; when the uplink next needs to run.
    @discardableResult
    func service() -> Instant? {
        uplink.service(now: clock.now(), events: &console)
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
struct QueueingSink<C: Clock>: EventSink {
    let pump: UplinkPump<C>

    mutating func emit(_ event: NodeEvent) {
        if case .frame(let frame, let at) = event {
            pump.accept(frame, at: at)
        } else {
            pump.console.emit(event)
        }
    }
}
