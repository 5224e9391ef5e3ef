import MoteHAL

/// A GPIO line on the virtual clock: an input whose level follows a script of changes (a
/// door, a rain gauge's reed switch with contact bounce, a PIR), or an output whose level the
/// driver sets and a test reads. Edges become events with the clock's timestamps, debounced by
/// the same `Debouncer` the Linux line uses on libgpiod 1.6.
public final class SimulatedGPIOLine: GPIOPin {
    public let name: String
    private let clock: any Clock
    private var level: Bool
    private var changes: [(at: Instant, level: Bool)] = []
    private var debouncer: Debouncer?
    private let edge: GPIOLineSettings.Edge
    private var sequence: UInt64 = 0
    private var failures: [(from: Instant, until: Instant?)] = []
    /// Every level an output was driven to, with the time: what a test checks.
    public private(set) var driven: [(at: Instant, level: Bool)] = []

    public init(name: String, clock: any Clock, level: Bool = false, edge: GPIOLineSettings.Edge = .both, debounce: TimeSpan = .zero) {
        self.name = name
        self.clock = clock
        self.level = level
        self.edge = edge
        if debounce > .zero { debouncer = Debouncer(window: debounce, edge: edge, level: level) }
    }

    /// The line changes to `level` at `at` (an input driven from outside).
    public func change(to level: Bool, at: Instant) {
        changes.append((at, level))
        if changes.count > 1 && changes[changes.count - 2].at > at { changes.sort { $0.at < $1.at } }
    }

    /// `count` pulses starting at `start`, one every `period`, each high for `width`, with
    /// `bounces` extra flips 1 ms apart on every rising edge (a reed switch's contact bounce).
    public func pulses(count: Int, start: Instant, period: TimeSpan, width: TimeSpan, bounces: Int = 0) {
        for index in 0..<count {
            let rise = start + period * Int64(index)
            change(to: true, at: rise)
            for bounce in 0..<bounces {
                change(to: bounce % 2 == 0 ? false : true, at: rise + .milliseconds(Int64(bounce) + 1))
            }
            if bounces % 2 == 1 { change(to: true, at: rise + .milliseconds(Int64(bounces) + 1)) }
            change(to: false, at: rise + width)
        }
    }

    /// The line's chip goes away (reads fail with ENODEV) from `from` until `until`; each call
    /// adds a window.
    public func fail(from: Instant, until: Instant? = nil) {
        failures.append((from, until))
    }

    private func check(_ operation: String) throws(GPIOError) {
        let now = clock.now()
        for failure in failures where now >= failure.from && (failure.until.map { now < $0 } ?? true) {
            throw GPIOError(errno: .ENODEV, operation: operation, chip: "sim-gpio", line: name)
        }
    }

    public func value() throws(GPIOError) -> Bool {
        try check("get")
        _ = try takeEvents()
        return debouncer?.level ?? level
    }

    public func set(_ value: Bool) throws(GPIOError) {
        try check("set")
        level = value
        driven.append((clock.now(), value))
    }

    /// The next instant an edge can be taken: the first scripted change (plus the debounce
    /// window, when it settles) or a pending debounce. The node wakes then, as the kernel's
    /// event descriptor would wake it on a board.
    public var wakeSource: WakeSource {
        var next = changes.first.map { $0.at + (debouncer?.window ?? .zero) }
        if let settle = debouncer?.deadline, next.map({ settle < $0 }) ?? true { next = settle }
        return WakeSource(at: next)
    }

    public func takeEvents() throws(GPIOError) -> [GPIOEdgeEvent] {
        try check("read event")
        var events: [GPIOEdgeEvent] = []
        let now = clock.now()
        while let next = changes.first, next.at <= now {
            changes.removeFirst()
            if let settled = debouncer?.expire(at: next.at) { events.append(settled) }
            guard next.level != level else { continue }
            level = next.level
            if debouncer != nil {
                debouncer!.raw(rising: level, at: next.at)
            } else if edge == .both || (edge == .rising && level) || (edge == .falling && !level) {
                sequence += 1
                events.append(GPIOEdgeEvent(rising: level, timestamp: next.at, sequence: sequence))
            }
        }
        if let settled = debouncer?.expire(at: now) { events.append(settled) }
        return events
    }
}
