/// A point on a monotonic time line, in nanoseconds from the clock's own origin.
public struct Instant: Comparable, Hashable, Sendable {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = Instant(nanoseconds: 0)

    public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }
    public static func + (a: Instant, b: TimeSpan) -> Instant { Instant(nanoseconds: a.nanoseconds + b.nanoseconds) }
    public static func - (a: Instant, b: Instant) -> TimeSpan { TimeSpan(nanoseconds: a.nanoseconds - b.nanoseconds) }

    /// Whole milliseconds since the origin, rounded down.
    public var milliseconds: Int64 { nanoseconds / 1_000_000 }
}

/// A length of time in nanoseconds. (Not `Swift.Duration`, whose 128-bit arithmetic the
/// Embedded armv7 build would have to carry for nothing.)
public struct TimeSpan: Comparable, Hashable, Sendable {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func microseconds(_ value: Int64) -> TimeSpan { TimeSpan(nanoseconds: value * 1_000) }
    public static func milliseconds(_ value: Int64) -> TimeSpan { TimeSpan(nanoseconds: value * 1_000_000) }
    public static func seconds(_ value: Int64) -> TimeSpan { TimeSpan(nanoseconds: value * 1_000_000_000) }
    public static let zero = TimeSpan(nanoseconds: 0)

    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.nanoseconds < b.nanoseconds }
    public static func + (a: TimeSpan, b: TimeSpan) -> TimeSpan { TimeSpan(nanoseconds: a.nanoseconds + b.nanoseconds) }
    public static func * (a: TimeSpan, b: Int64) -> TimeSpan { TimeSpan(nanoseconds: a.nanoseconds * b) }
}

/// The node's sense of time: the kernel's monotonic clock on a board, a virtual one in
/// simulation (where a day passes as fast as the CPU allows).
public protocol Clock: AnyObject {
    func now() -> Instant
    /// Returns once `now() >= deadline`. A deadline in the past returns at once.
    func sleep(until deadline: Instant)
}

extension Clock {
    public func sleep(for span: TimeSpan) {
        sleep(until: now() + span)
    }
}
