import MoteHAL
import MoteNode

/// Frames appended to a file as JSON lines, the `frame` event's own line (EventText), each
/// fsync'd before `.sent`: a collector, a test harness or a gateway can tail it. `t` is the
/// clock's time of the write.
public struct FileTransport<C: Clock>: UplinkTransport {
    public let path: String
    let clock: C
    public var name: String { "file " + path }

    public init(path: String, clock: C) {
        self.path = path
        self.clock = clock
    }

    /// Creates the file (and its directory) when missing. A last line cut short by a power cut
    /// is ended, so the next frame starts a line of its own.
    public mutating func connect() -> ConnectOutcome {
        let (bytes, errno) = Files.readBytes(path)
        if let errno {
            guard errno == .ENOENT else { return .retry(after: .seconds(10), reason: "cannot read \(path): \(errno.name)") }
            if let errno = Files.writeAtomically(path, bytes: []) { return .retry(after: .seconds(10), reason: "cannot create \(path): \(errno.name)") }
            return .ready
        }
        if let last = bytes?.last, last != 0x0A, let errno = Files.append(path, [0x0A]) {
            return .retry(after: .seconds(10), reason: "cannot write \(path): \(errno.name)")
        }
        return .ready
    }

    public mutating func send(_ frame: Frame, confirmed: Bool) -> UplinkOutcome {
        let line = EventText.json(.frame(frame, at: clock.now())) + "\n"
        if let errno = Files.append(path, Array(line.utf8)) {
            // Gone (moved away by logrotate, say): make it again on the next connect.
            if errno == .ENOENT { return .rejoin(reason: "\(path) is gone") }
            // A full disk may have taken half the line: connect again, which ends it, so the
            // next try starts a line of its own.
            return .rejoin(reason: "cannot append to \(path): \(errno.name)")
        }
        return .sent(acknowledged: confirmed ? true : nil, downlink: nil)
    }
}

/// Frames printed on standard output with the other events: the `frame` event line (JSON with
/// `json`, else the line for people), as `mote` has always printed them.
public struct StdoutTransport<C: Clock>: UplinkTransport {
    let clock: C
    let json: Bool
    public var name: String { "stdout" }

    public init(clock: C, json: Bool) {
        self.clock = clock
        self.json = json
    }

    public mutating func connect() -> ConnectOutcome { .ready }

    public mutating func send(_ frame: Frame, confirmed: Bool) -> UplinkOutcome {
        let event = NodeEvent.frame(frame, at: clock.now())
        Console.line(json ? EventText.json(event) : EventText.human(event))
        Console.flush()  // sent means out of the process: the queue lets go of it next
        return .sent(acknowledged: confirmed ? true : nil, downlink: nil)
    }
}
