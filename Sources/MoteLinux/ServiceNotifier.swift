import CNotify
import MoteHAL

/// Tells systemd how the node is doing when it runs as a `Type=notify` service: ready once the
/// sensors are up, a watchdog ping while the loop turns, stopping on the way out.
///
/// Every message is one datagram, as sd_notify(3) sends it; a failed send returns false and is
/// otherwise harmless (systemd then sees the node as it would without notifications).
public struct ServiceNotifier {
    /// `$NOTIFY_SOCKET`: a path, or an abstract-namespace name starting with '@'.
    public var socketPath: String
    /// `$WATCHDOG_USEC`; the node pings at half of it. Nil when systemd wants no pings, or when
    /// `$WATCHDOG_PID` names another process (we inherited the environment from a parent).
    public var watchdogInterval: TimeSpan?

    public init(socketPath: String, watchdogInterval: TimeSpan? = nil) {
        self.socketPath = socketPath
        self.watchdogInterval = watchdogInterval
    }

    /// From the environment: NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID (ignored when it is not our pid).
    /// Nil when not under systemd notify.
    public static func fromEnvironment() -> ServiceNotifier? {
        from(environment: { name in
            name.withCString { mote_notify_getenv($0) }.map { String(cString: $0) }
        }, processID: mote_notify_pid())
    }

    /// The same reading as `fromEnvironment()` over any lookup, so tests need not touch the
    /// process environment.
    public static func from(environment: (String) -> String?, processID: Int32) -> ServiceNotifier? {
        guard let socket = environment("NOTIFY_SOCKET"), !socket.isEmpty else { return nil }
        var notifier = ServiceNotifier(socketPath: socket)
        // sd_watchdog_enabled(3): a WATCHDOG_PID that is not ours, or not a number, means the
        // pings are some other process's job.
        // A value beyond what nanoseconds hold (about 292 years) is no watchdog anyone runs: ignored.
        if let usec = environment("WATCHDOG_USEC").flatMap({ Int64($0) }), usec > 0, usec <= Int64.max / 1_000 {
            let pid = environment("WATCHDOG_PID")
            if pid == nil || pid.flatMap({ Int32($0) }) == processID {
                notifier.watchdogInterval = .microseconds(usec)
            }
        }
        return notifier
    }

    /// "READY=1\nSTATUS=...": start-up is over; systemd starts the units ordered after us.
    public func ready(status: String) -> Bool {
        send("READY=1\nSTATUS=" + status)
    }

    /// "WATCHDOG=1". Sends nothing (and returns false) when there is no watchdog for us.
    public func watchdog() -> Bool {
        guard watchdogInterval != nil else { return false }
        return send("WATCHDOG=1")
    }

    /// "STOPPING=1\nSTATUS=...": shutting down on purpose, so a slow exit is not a hang.
    public func stopping(status: String) -> Bool {
        send("STOPPING=1\nSTATUS=" + status)
    }

    /// "STATUS=...": free text `systemctl status` shows.
    public func status(_ text: String) -> Bool {
        send("STATUS=" + text)
    }

    private func send(_ message: String) -> Bool {
        var message = message
        return message.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                socketPath.withCString { mote_notify_send($0, chars.baseAddress, chars.count) } == 0
            }
        }
    }
}

/// systemd's watchdog, pinged at half the interval it asked for, from wherever the node is
/// waiting: its sleep between deadlines, and a modem's replies that can take a minute (a
/// confirmed send) or three (a RAK3172 join of nine attempts).
public final class ServiceWatchdog {
    public let notifier: ServiceNotifier?
    private let every: TimeSpan?
    private let clock: MonotonicClock
    private var next: Instant

    public init(_ notifier: ServiceNotifier?, clock: MonotonicClock) {
        self.notifier = notifier
        self.every = notifier?.watchdogInterval.map { TimeSpan(nanoseconds: $0.nanoseconds / 2) }
        self.clock = clock
        self.next = clock.now()
    }

    /// When the next ping is due; nil when systemd asked for none.
    public var due: Instant? { every == nil ? nil : next }

    /// Pings if it is time.
    public func ping() {
        guard let every, clock.now() >= next else { return }
        _ = notifier?.watchdog()
        next = clock.now() + every
    }
}
