import MoteHAL

/// What a window of samples is reduced to.
public enum Aggregation: String, Equatable, Sendable {
    case min, max, mean, last, count
}

/// Aggregation over fixed time windows aligned on the sample clock: window k covers
/// [k·period, (k+1)·period). The mean is Σx / n, summed in arrival order; count is n.
///
/// A window is finished when a sample of a later window arrives (the node has no other way to
/// know that no more samples are coming), so its aggregate comes out with that sample, which
/// then starts the new window. Windows without samples produce nothing.
public struct Aggregator: Equatable, Sendable {
    public let period: TimeSpan
    public let function: Aggregation
    /// Index k of the window being filled.
    public private(set) var window: Int64?
    private var n = 0
    private var minimum = 0.0, maximum = 0.0, sum = 0.0, last = 0.0

    public enum Result: Equatable, Sendable {
        /// The sample went into the current window; the aggregate so far.
        case running(Double)
        /// The previous window, which started at `start`, is finished; the sample began the next.
        case finished(Double, start: Instant)
    }

    public init(period: TimeSpan, _ function: Aggregation) {
        precondition(period > .zero, "aggregation period must be positive")
        self.period = period
        self.function = function
    }

    public mutating func update(_ x: Double, at t: Instant) -> Result {
        let k = Self.floorDivide(t.nanoseconds, period.nanoseconds)
        // A sample from an earlier window cannot come from a monotonic clock; it is folded into
        // the current window rather than dropped.
        if let current = window, k > current {
            let done = aggregate
            let start = Instant(nanoseconds: current * period.nanoseconds)
            begin(x, window: k)
            return .finished(done, start: start)
        }
        if window == nil {
            begin(x, window: k)
        } else {
            n += 1
            minimum = Swift.min(minimum, x)
            maximum = Swift.max(maximum, x)
            sum += x
            last = x
        }
        return .running(aggregate)
    }

    private mutating func begin(_ x: Double, window k: Int64) {
        window = k
        n = 1
        minimum = x
        maximum = x
        sum = x
        last = x
    }

    /// The aggregate of the current window (0 samples: not asked for).
    private var aggregate: Double {
        switch function {
        case .min: minimum
        case .max: maximum
        case .mean: sum / Double(n)
        case .last: last
        case .count: Double(n)
        }
    }

    public mutating func reset() {
        self = Aggregator(period: period, function)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
