/// Running median: yₙ = median(xₙ₋ᵥ₊₁ … xₙ) over a trailing window of w samples, or over the
/// samples so far until the window fills. Of an even count it is the mean of the two middle values.
///
/// Removes spikes shorter than half the window without smearing them into the neighbours the way
/// an average does.
public struct MedianFilter: Equatable, Sendable {
    public let window: Int
    private var samples: RingBuffer
    private var scratch: MedianScratch

    public init(window: Int) {
        precondition(window >= 1, "median window must be at least 1")
        self.window = window
        samples = RingBuffer(capacity: window)
        scratch = MedianScratch(capacity: window)
    }

    public mutating func update(_ x: Double) -> Double {
        samples.append(x)
        return scratch.median(of: samples)
    }

    public mutating func reset() {
        samples.removeAll()
    }
}
