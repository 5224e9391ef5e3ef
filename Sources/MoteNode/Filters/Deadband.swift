import MoteHAL

/// When a value is worth sending: the OPC UA DataChange filter's deadband (Part 4 §7.22.2,
/// Part 8 §6.2 for the percent form), plus minimum and maximum report periods.
///
/// With neither `absolute` nor `percent` every change is reported (a band of 0).
public struct Deadband: Equatable, Sendable {
    /// Report when |x − last reported| > absolute.
    public var absolute: Double?
    /// OPC UA PercentDeadband: report when |x − last reported| > percent/100 · (rangeHigh − rangeLow).
    public var percent: Double?
    /// The EURange the percent refers to.
    public var rangeLow: Double?, rangeHigh: Double?
    /// Never report more often than this.
    public var minimumPeriod: TimeSpan?
    /// Heartbeat: report at least this often even without change.
    public var maximumPeriod: TimeSpan?

    public init(absolute: Double? = nil, percent: Double? = nil, rangeLow: Double? = nil, rangeHigh: Double? = nil,
                minimumPeriod: TimeSpan? = nil, maximumPeriod: TimeSpan? = nil) {
        self.absolute = absolute
        self.percent = percent
        self.rangeLow = rangeLow
        self.rangeHigh = rangeHigh
        self.minimumPeriod = minimumPeriod
        self.maximumPeriod = maximumPeriod
    }

    /// Why this deadband cannot work, or nil.
    public var problem: String? {
        if let a = absolute, !(a >= 0) { return "deadband absolute must be >= 0" }
        if let p = percent {
            if !(p >= 0 && p <= 100) { return "deadband percent must be in 0...100" }
            guard let low = rangeLow, let high = rangeHigh else { return "deadband percent needs rangeLow and rangeHigh" }
            if !(low < high) { return "deadband rangeLow must be below rangeHigh" }
        }
        if let p = minimumPeriod, p < .zero { return "deadband minimumPeriod must not be negative" }
        if let p = maximumPeriod, !(p > .zero) { return "deadband maximumPeriod must be positive" }
        if let lo = minimumPeriod, let hi = maximumPeriod, hi < lo {
            return "deadband maximumPeriod must not be shorter than minimumPeriod"
        }
        return nil
    }
}

/// The deadband gate: decides per sample whether to report it.
///
/// The first value is always reported. Afterwards a value is reported when
///   (|x − r| > absolute or |x − r| > percent/100 · (high − low)) and t − tᵣ ≥ minimumPeriod,
///   or t ≥ tᵣ + maximumPeriod,
/// where r and tᵣ are the last REPORTED value and its time. Comparing with the last reported value
/// (not the last sample) is what keeps a slow drift from creeping by unreported, and what makes a
/// change suppressed by the minimum period come out at the first sample after it, if it still
/// exceeds the band.
public struct DeadbandFilter: Equatable, Sendable {
    public let deadband: Deadband
    private let band: Double?
    public private(set) var lastReported: (value: Double, time: Instant)?

    public init(_ deadband: Deadband) {
        if let problem = deadband.problem { preconditionFailure(problem) }
        self.deadband = deadband
        if let p = deadband.percent, let low = deadband.rangeLow, let high = deadband.rangeHigh {
            band = p / 100 * (high - low)
        } else {
            band = nil
        }
    }

    /// True: report `x`.
    public mutating func update(_ x: Double, at t: Instant) -> Bool {
        guard let (r, tr) = lastReported else {
            lastReported = (x, t)
            return true
        }
        let change = abs(x - r)
        var exceeded: Bool
        if deadband.absolute == nil && band == nil {
            exceeded = change > 0
        } else {
            exceeded = false
            if let a = deadband.absolute, change > a { exceeded = true }
            if let b = band, change > b { exceeded = true }
        }
        if let minimum = deadband.minimumPeriod, t - tr < minimum { exceeded = false }
        let heartbeat = deadband.maximumPeriod.map { t >= tr + $0 } ?? false
        guard exceeded || heartbeat else { return false }
        lastReported = (x, t)
        return true
    }

    public mutating func reset() {
        lastReported = nil
    }

    public static func == (a: DeadbandFilter, b: DeadbandFilter) -> Bool {
        a.deadband == b.deadband && a.lastReported?.value == b.lastReported?.value
            && a.lastReported?.time == b.lastReported?.time
    }
}
