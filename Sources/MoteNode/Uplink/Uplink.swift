import MoteHAL

/// No airtime limit: a file, standard output, a UDP collector.
public struct NoAirtimeLimit: AirtimeGate {
    public init() {}
    public func earliestStart(payloadBytes: Int, now: Instant) -> Instant { now }
    public mutating func record(payloadBytes: Int, at: Instant) {}
}

/// The uplink pump: frames go into the persistent queue when accepted, and out through the
/// transport, oldest first, when the gate allows. A frame leaves the queue only once the
/// transport said `.sent` (and, for confirmed frames, the network acknowledged it): at least
/// once, never silently lost.
public struct Uplink<Transport: UplinkTransport, Gate: AirtimeGate, Storage: QueueStorage> {
    public private(set) var queue: UplinkQueue<Storage>
    public var transport: Transport
    public var gate: Gate
    /// Ask the network to acknowledge each frame; an unacknowledged one is sent again.
    public var confirmed: Bool
    /// Frames sent by this instance.
    public private(set) var sent = 0
    /// Downlinks the network sent back, oldest first, until taken.
    public private(set) var downlinks: [Downlink] = []
    public private(set) var connected = false
    /// Nothing is tried before this (a retry's or a join's wait).
    public private(set) var notBefore: Instant?
    /// Sends and connects that failed in a row: the backoff for a transport that keeps asking
    /// for a rejoin or never acknowledges.
    private var failures = 0
    /// A warning was given for the current run of failures (one per run, not per try).
    private var warned = false

    /// Backoff after repeated rejoins or missing acknowledgements: 1 s, doubling, at most this.
    public var maximumBackoff: TimeSpan = .seconds(300)

    public init(queue: UplinkQueue<Storage>, transport: Transport, gate: Gate, confirmed: Bool = false) {
        self.queue = queue
        self.transport = transport
        self.gate = gate
        self.confirmed = confirmed
    }

    /// The downlinks received since the last call, oldest first.
    public mutating func takeDownlinks() -> [Downlink] {
        defer { downlinks.removeAll() }
        return downlinks
    }

    /// Puts `frame` at the tail of the queue; returns once it is on disk. A full queue drops its
    /// oldest frame, counted, with a warning. Thrown: the frame is not in the queue.
    public mutating func accept<Sink: EventSink>(_ frame: Frame, now: Instant, events: inout Sink) throws(UplinkQueueError) {
        if let oldest = try queue.append(frame) {
            events.emit(.warning("uplink queue full (\(queue.limit) frames): dropped frame #\(oldest.sequence), the oldest; "
                                 + "\(queue.dropped) dropped in all", at: now))
        }
    }

    /// Sends what it can at `now`, oldest first. Returns when it next needs to run (a retry, a
    /// join, the gate), or nil when the queue is empty.
    public mutating func service<Sink: EventSink>(now: Instant, events: inout Sink) -> Instant? {
        var rejoins = 0
        while let frame = queue.head {
            if let notBefore, now < notBefore { return notBefore }
            if !connected {
                switch transport.connect() {
                case .ready:
                    connected = true
                case .retry(let after, let reason):
                    fail("cannot connect \(transport.name): \(reason)", at: now, events: &events)
                    return wait(after, now)
                }
            }
            let start = gate.earliestStart(payloadBytes: frame.bytes.count, now: now)
            if now < start { return start }
            switch transport.send(frame, confirmed: confirmed) {
            case .sent(let acknowledged, let downlink):
                gate.record(payloadBytes: frame.bytes.count, at: now)
                if let downlink { downlinks.append(downlink) }
                if confirmed, acknowledged == false {
                    fail("frame #\(frame.sequence) on \(transport.name) was not acknowledged; sent again", at: now, events: &events)
                    return wait(backoff(), now)
                }
                sent += 1
                failures = 0
                warned = false
                pop(frame, rejected: false, now: now, events: &events)
            case .retry(let after, let reason):
                fail("frame #\(frame.sequence) not sent on \(transport.name): \(reason); tried again", at: now, events: &events)
                return wait(after, now)
            case .rejoin(let reason):
                connected = false
                rejoins += 1
                fail("\(transport.name) needs a new session: \(reason)", at: now, events: &events)
                if rejoins > 1 { return wait(backoff(), now) }  // a rejoin right after a rejoin: do not spin
            case .rejected(let reason):
                pop(frame, rejected: true, now: now, events: &events)
                events.emit(.warning("frame #\(frame.sequence) rejected by \(transport.name): \(reason); dropped "
                                     + "(\(queue.rejected) rejected in all)", at: now))
            }
        }
        return nil
    }

    private mutating func pop<Sink: EventSink>(_ frame: Frame, rejected: Bool, now: Instant, events: inout Sink) {
        do {
            try queue.removeHead(rejected: rejected)
        } catch {
            events.emit(.warning("frame #\(frame.sequence) left the queue but \(error.description); it may be sent again after a restart", at: now))
        }
    }

    private mutating func fail<Sink: EventSink>(_ message: String, at now: Instant, events: inout Sink) {
        failures += 1
        if !warned {
            warned = true
            events.emit(.warning("uplink: " + message + " (said once until a frame goes out)", at: now))
        }
    }

    private mutating func wait(_ span: TimeSpan, _ now: Instant) -> Instant {
        let until = now + span
        notBefore = until
        return until
    }

    private func backoff() -> TimeSpan {
        var span = TimeSpan.seconds(1)
        for _ in 1..<min(max(failures, 1), 32) where span < maximumBackoff { span = span + span }
        return maximumBackoff < span ? maximumBackoff : span
    }
}
