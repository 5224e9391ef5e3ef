/// Exponential moving average: y₀ = x₀, yₙ = yₙ₋₁ + α·(xₙ − yₙ₋₁), with 0 < α ≤ 1.
///
/// α = 1 passes readings through; smaller α smooths more (the time constant is about 1/α samples).
public struct ExponentialMovingAverage: Equatable, Sendable {
    public let alpha: Double
    public private(set) var value: Double?

    public init(alpha: Double) {
        precondition(alpha > 0 && alpha <= 1, "EMA alpha must be in (0, 1]")
        self.alpha = alpha
    }

    public mutating func update(_ x: Double) -> Double {
        let y = value.map { $0 + alpha * (x - $0) } ?? x
        value = y
        return y
    }

    public mutating func reset() {
        value = nil
    }
}
