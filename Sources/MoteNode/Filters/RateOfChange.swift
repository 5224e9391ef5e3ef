import MoteHAL

/// Rate of change: yₙ = (xₙ − xₙ₋₁) / (tₙ − tₙ₋₁) · per, e.g. per 60 s for "per minute".
/// The first sample has no predecessor and gives no output (nil).
///
/// A sample not later than the previous one would divide by zero or by a negative time: it gives
/// no output and is not kept.
public struct RateOfChange: Equatable, Sendable {
    public let per: TimeSpan
    private var previous: (value: Double, time: Instant)?

    public init(per: TimeSpan) {
        precondition(per > .zero, "rate of change needs a positive unit of time")
        self.per = per
    }

    public mutating func update(_ x: Double, at t: Instant) -> Double? {
        guard let (xp, tp) = previous else {
            previous = (x, t)
            return nil
        }
        let dt = (t - tp).nanoseconds
        guard dt > 0 else { return nil }
        previous = (x, t)
        return (x - xp) / Double(dt) * Double(per.nanoseconds)
    }

    public mutating func reset() {
        previous = nil
    }

    public static func == (a: RateOfChange, b: RateOfChange) -> Bool {
        a.per == b.per && a.previous?.value == b.previous?.value && a.previous?.time == b.previous?.time
    }
}
