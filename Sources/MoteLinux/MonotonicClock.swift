import CClock
import MoteHAL

/// The kernel's CLOCK_MONOTONIC: what a node on a board runs on. Instants count from the
/// clock's creation, so logs start near zero as they do in simulation; `fromBoot` keeps the
/// kernel's own origin, the timeline of GPIO event timestamps.
public final class MonotonicClock: Clock {
    private let origin: Int64

    public init(fromBoot: Bool = false) {
        origin = fromBoot ? 0 : mote_clock_monotonic_ns()
    }

    public func now() -> Instant {
        Instant(nanoseconds: mote_clock_monotonic_ns() - origin)
    }

    public func sleep(until deadline: Instant) {
        _ = mote_clock_sleep_until_ns(deadline.nanoseconds + origin)
    }
}
