import MoteHAL

/// What the network sent back in an uplink's receive windows.
public struct Downlink: Equatable, Sendable {
    /// LoRaWAN FPort (1...223 application, 0 never reaches the application).
    public var port: UInt8
    public var bytes: [UInt8]

    public init(port: UInt8, bytes: [UInt8]) {
        self.port = port
        self.bytes = bytes
    }
}

/// What a transport did with one frame, mapped from the link's own replies (an AT modem's
/// `+CME ERROR`, a socket's errno) to what the uplink does next.
public enum UplinkOutcome: Equatable, Sendable {
    /// On air or written. `acknowledged`: the network confirmed a confirmed frame (nil when none
    /// was asked for). `downlink`: what came back, if anything.
    case sent(acknowledged: Bool?, downlink: Downlink?)
    /// Not sent this time (busy, no free channel, duty cycle, no answer): the frame stays at the
    /// head of the queue and is tried again no sooner than `after`.
    case retry(after: TimeSpan, reason: String)
    /// Not sent: the session is gone (not joined, frame counter error). Connect again, then resend.
    case rejoin(reason: String)
    /// Never sendable (larger than the link takes, say): dropped and counted, with the reason.
    case rejected(reason: String)
}

/// The result of making a link usable: opened, and joined where the link has a join.
public enum ConnectOutcome: Equatable, Sendable {
    case ready
    /// Try again no sooner than `after` (join refused, modem silent).
    case retry(after: TimeSpan, reason: String)
}

/// Where frames go: standard output, a file, a UDP collector, a LoRaWAN AT modem.
/// Generic, not an existential, in the uplink.
public protocol UplinkTransport {
    /// For messages: "stdout", "file /var/lib/mote/frames.jsonl", "rak3172 /dev/ttyS0".
    var name: String { get }
    /// Opens the link and joins the network. Called before the first send and after `.rejoin`.
    mutating func connect() -> ConnectOutcome
    /// Sends one frame on its port, asking for an acknowledgement when `confirmed`.
    mutating func send(_ frame: Frame, confirmed: Bool) -> UplinkOutcome
}

/// What limits when the next frame may go on air: a region's duty cycle, a network's fair-use
/// airtime. The uplink asks before each send and reports each send.
public protocol AirtimeGate {
    /// The earliest instant a frame of `payloadBytes` may start, at or after `now`.
    func earliestStart(payloadBytes: Int, now: Instant) -> Instant
    /// A frame of `payloadBytes` went on air at `at`.
    mutating func record(payloadBytes: Int, at: Instant)
}
