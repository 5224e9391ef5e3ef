import MoteHAL

/// Exponential moving average: y₀ = x₀, yₙ = yₙ₋₁ + α·(xₙ − yₙ₋₁), with 0 < α ≤ 1.
///
/// α = 1 passes readings through; smaller α smooths more (the time constant is about 1/α samples).
///
/// The time-constant form takes α from the actual gap since the previous sample,
/// αₙ = 1 − exp(−(tₙ − tₙ₋₁)/τ), which is the discrete form of a first-order low-pass with time
/// constant τ: irregular sampling and missed samples then weigh as much as the time they cover.
/// A sample not later than the previous one gets α = 0 and leaves the average as it is.
public struct ExponentialMovingAverage: Equatable, Sendable {
    /// The fixed α; in the time-constant form, the α of the last update (1 for the first).
    public private(set) var alpha: Double
    /// τ of the time-constant form, nil for a fixed α.
    public let timeConstant: TimeSpan?
    public private(set) var value: Double?
    private var lastTimestamp: Instant?

    public init(alpha: Double) {
        precondition(alpha > 0 && alpha <= 1, "EMA alpha must be in (0, 1]")
        self.alpha = alpha
        self.timeConstant = nil
    }

    public init(timeConstant: TimeSpan) {
        precondition(timeConstant > .zero, "EMA time constant must be positive")
        self.alpha = 1
        self.timeConstant = timeConstant
    }

    /// The fixed-α form only: the time-constant form needs the sample's time.
    public mutating func update(_ x: Double) -> Double {
        precondition(timeConstant == nil, "a time-constant EMA needs timestamps: update(_:at:)")
        return apply(x)
    }

    /// Either form; a fixed α ignores `t`.
    public mutating func update(_ x: Double, at t: Instant) -> Double {
        if let tau = timeConstant {
            if let last = lastTimestamp {
                let dt = (t - last).nanoseconds
                alpha = dt > 0 ? 1 - FilterMath.exp(-(Double(dt) / Double(tau.nanoseconds))) : 0
            }
            if lastTimestamp.map({ t > $0 }) ?? true { lastTimestamp = t }
        }
        return apply(x)
    }

    private mutating func apply(_ x: Double) -> Double {
        let y = value.map { $0 + alpha * (x - $0) } ?? x
        value = y
        return y
    }

    public mutating func reset() {
        value = nil
        lastTimestamp = nil
        if timeConstant != nil { alpha = 1 }
    }
}
