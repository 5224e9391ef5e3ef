import MoteHAL

/// Time that moves only when somebody sleeps: deterministic, and as fast as the CPU allows.
public final class VirtualClock: Clock {
    private var current: Instant

    public init(start: Instant = .zero) { current = start }

    public func now() -> Instant { current }

    public func sleep(until deadline: Instant) {
        if deadline > current { current = deadline }
    }
}
