/// Simple moving average: yₙ = (xₙ₋ᵥ₊₁ + … + xₙ) / w over a trailing window of w samples, or over
/// the samples so far until the window fills.
///
/// The sum is recomputed oldest first on every sample rather than kept running: a running sum
/// drifts by the rounding of every add and subtract, and this way the result depends only on the
/// window's values.
public struct MovingAverage: Equatable, Sendable {
    public let window: Int
    private var samples: RingBuffer

    public init(window: Int) {
        precondition(window >= 1, "moving average window must be at least 1")
        self.window = window
        samples = RingBuffer(capacity: window)
    }

    public mutating func update(_ x: Double) -> Double {
        samples.append(x)
        var sum = 0.0
        for i in 0..<samples.count { sum += samples[i] }
        return sum / Double(samples.count)
    }

    public mutating func reset() {
        samples.removeAll()
    }
}
