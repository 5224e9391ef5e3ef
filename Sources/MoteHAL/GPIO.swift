/// How a GPIO line is requested.
public struct GPIOLineSettings: Equatable, Sendable {
    public enum Direction: Equatable, Sendable {
        case input
        /// An output, driven to this logical value at request time.
        case output(initial: Bool)
    }
    public enum Bias: Equatable, Sendable {
        /// Whatever the board or the device tree set up.
        case asIs
        case disabled
        case pullUp
        case pullDown
        /// Reported by the kernel when it does not say.
        case unknown
    }
    public enum Edge: Equatable, Sendable {
        case none, rising, falling, both
    }

    public var direction: Direction
    public var bias: Bias
    /// Logical 1 is electrical low.
    public var activeLow: Bool
    /// Inputs: which edges become events.
    public var edge: Edge
    /// Inputs: an edge counts only once the line has held its new level this long. Done by the
    /// kernel on libgpiod 2.x, by `Debouncer` on 1.6.
    public var debounce: TimeSpan

    public init(direction: Direction = .input, bias: Bias = .asIs, activeLow: Bool = false,
                edge: Edge = .none, debounce: TimeSpan = .zero) {
        self.direction = direction
        self.bias = bias
        self.activeLow = activeLow
        self.edge = edge
        self.debounce = debounce
    }
}

/// An edge on an input line, timestamped by the kernel (CLOCK_MONOTONIC) when it happened,
/// not when Mote got round to reading it.
public struct GPIOEdgeEvent: Equatable, Sendable {
    public var rising: Bool
    public var timestamp: Instant
    /// Counts the line's reported events from 1.
    public var sequence: UInt64

    public init(rising: Bool, timestamp: Instant, sequence: UInt64) {
        self.rising = rising
        self.timestamp = timestamp
        self.sequence = sequence
    }
}

/// Debounce in software: an edge is reported only when the line has stayed at its new level for
/// `window`, with the timestamp of the edge that started that level (as the kernel's debounce
/// of libgpiod 2.x reports it). Bounces shorter than the window are swallowed whole.
///
/// Feed it every raw edge (both directions, whatever edges the caller wants reported), call
/// `expire(at:)` when `deadline` passes, and it returns the settled events.
public struct Debouncer: Equatable, Sendable {
    public let window: TimeSpan
    public let edge: GPIOLineSettings.Edge
    /// The settled level last reported (or the level at start).
    public private(set) var level: Bool
    private var pending: (level: Bool, since: Instant)?
    private var sequence: UInt64 = 0

    public init(window: TimeSpan, edge: GPIOLineSettings.Edge, level: Bool) {
        self.window = window
        self.edge = edge
        self.level = level
    }

    public static func == (a: Debouncer, b: Debouncer) -> Bool {
        a.window == b.window && a.edge == b.edge && a.level == b.level && a.sequence == b.sequence
            && a.pending?.level == b.pending?.level && a.pending?.since == b.pending?.since
    }

    /// When the pending level settles, if one is pending.
    public var deadline: Instant? { pending.map { $0.since + window } }

    /// A raw edge from the kernel.
    public mutating func raw(rising: Bool, at time: Instant) {
        if rising == level {
            pending = nil  // back where it was: a bounce
        } else if pending?.level != rising {
            pending = (rising, time)
        }
    }

    /// The event that settled by `now`, if any (and if its direction is wanted).
    public mutating func expire(at now: Instant) -> GPIOEdgeEvent? {
        guard let pending, now >= pending.since + window else { return nil }
        self.pending = nil
        level = pending.level
        let wanted = edge == .both || (edge == .rising && pending.level) || (edge == .falling && !pending.level)
        guard wanted else { return nil }
        sequence += 1
        return GPIOEdgeEvent(rising: pending.level, timestamp: pending.since, sequence: sequence)
    }
}

/// A requested GPIO line as drivers use it: read, drive, and take the edges queued so far.
/// `LinuxGPIOLine` and `SimulatedGPIOLine` conform.
public protocol GPIOPin: AnyObject {
    /// The logical level (active-low applied).
    func value() throws(GPIOError) -> Bool
    /// Drives an output.
    func set(_ value: Bool) throws(GPIOError)
    /// The edge events reported since the last call, oldest first, without waiting.
    func takeEvents() throws(GPIOError) -> [GPIOEdgeEvent]
    /// What tells the node an edge is waiting: the line's event descriptor, or when the next
    /// one settles. `.none` for outputs and lines without edge events.
    var wakeSource: WakeSource { get }
}

extension GPIOPin {
    public var wakeSource: WakeSource { .none }
}
