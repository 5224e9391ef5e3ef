/// Hampel outlier filter over a trailing window of the last w samples, the current one included
/// (a centred window would need the future): with m = median(window) and
/// MAD = median(|xᵢ − m|), the output is m when |xₙ − m| > k · 1.4826 · MAD, else xₙ.
///
/// 1.4826 makes the MAD an estimate of the standard deviation for normal noise, so k reads as
/// "sigmas". The window keeps the raw samples, not the replacements. Until it fills, the samples so
/// far are used. On a plateau the MAD is 0 and any departure from it counts as an outlier until
/// half the window has moved: that is the filter's nature, not a bug.
public struct HampelFilter: Equatable, Sendable {
    public let window: Int
    public let sigmas: Double
    private let threshold: Double
    private var samples: RingBuffer
    private var scratch: MedianScratch

    public init(window: Int, sigmas: Double) {
        precondition(window >= 1, "Hampel window must be at least 1")
        precondition(sigmas >= 0, "Hampel sigmas must not be negative")
        self.window = window
        self.sigmas = sigmas
        threshold = sigmas * 1.4826
        samples = RingBuffer(capacity: window)
        scratch = MedianScratch(capacity: window)
    }

    public mutating func update(_ x: Double) -> Double {
        samples.append(x)
        let m = scratch.median(of: samples)
        let window = samples
        let mad = scratch.median(count: window.count) { abs(window[$0] - m) }
        return abs(x - m) > threshold * mad ? m : x
    }

    public mutating func reset() {
        samples.removeAll()
    }
}
