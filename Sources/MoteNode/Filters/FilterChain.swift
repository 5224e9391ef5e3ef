import MoteHAL

/// One value on its way through a channel's filter chain.
public struct Sample: Equatable, Sendable {
    public var value: Double
    public var timestamp: Instant
    public var quality: Quality

    public init(value: Double, timestamp: Instant, quality: Quality = .good) {
        self.value = value
        self.timestamp = timestamp
        self.quality = quality
    }
}

/// One filter of a chain, as configured. docs/filters.md has the formulas and examples.
public enum FilterSpec: Equatable, Sendable {
    case median(window: Int)
    case movingAverage(window: Int)
    case ema(alpha: Double)
    /// α from the time constant τ and the actual Δt: α = 1 − exp(−Δt/τ).
    case emaTimeConstant(TimeSpan)
    /// MAD scaled by 1.4826; an outlier is replaced by the window median.
    case hampel(window: Int, sigmas: Double)
    case deadband(Deadband)
    case aggregate(period: TimeSpan, Aggregation)
    /// (xₙ − xₙ₋₁)/(tₙ − tₙ₋₁) · per; no output for the first sample.
    case rateOfChange(per: TimeSpan)
    /// Out of range: not passed on, output marked uncertain with a note.
    case rangeCheck(min: Double, max: Double)

    /// Why this filter cannot be built, or nil; FilterChain.init traps on these, so a
    /// configuration reader asks first.
    public var problem: String? {
        switch self {
        case .median(let w) where w < 1: return "median window must be at least 1"
        case .movingAverage(let w) where w < 1: return "movingAverage window must be at least 1"
        case .ema(let a) where !(a > 0 && a <= 1): return "ema alpha must be in (0, 1]"
        case .emaTimeConstant(let tau) where !(tau > .zero): return "ema time constant must be positive"
        case .hampel(let w, _) where w < 1: return "hampel window must be at least 1"
        case .hampel(_, let k) where !(k >= 0): return "hampel sigmas must not be negative"
        case .deadband(let d): return d.problem
        case .aggregate(let p, _) where !(p > .zero): return "aggregate period must be positive"
        case .rateOfChange(let p) where !(p > .zero): return "rateOfChange per must be positive"
        case .rangeCheck(let lo, let hi) where !(lo <= hi): return "rangeCheck min must not exceed max"
        default: return nil
        }
    }

    /// Transforms map values; gates decide what is reported; the range check rejects.
    public var isGate: Bool {
        switch self {
        case .deadband, .aggregate: true
        default: false
        }
    }
}

/// What the chain made of one sample.
public struct FilterOutput: Equatable, Sendable {
    /// The chain's current output (nil: nothing yet, e.g. warm-up, rejected).
    public var value: Double?
    /// The sample's quality; .uncertain when the range check rejected it.
    public var quality: Quality
    /// True: `value` is to be transmitted (every gate said yes).
    public var report: Bool
    /// Why the sample was rejected, e.g. "-57.3 below range minimum -40".
    public var note: String?

    public init(value: Double?, quality: Quality, report: Bool, note: String? = nil) {
        self.value = value
        self.quality = quality
        self.report = report
        self.note = note
    }
}

/// A channel's filters in the configured order, between the raw reading and the frame.
///
/// A sample runs through the filters one after the other and stops at the first that holds it
/// back: a rejecting range check, a rate of change without a predecessor, or a gate (deadband,
/// aggregate) that does not report. So filters after a gate see only reported values (after an
/// aggregate, the finished window's value stamped with the window's start). A chain without gates
/// reports every sample that gets through. A sample of quality .bad is not filtered at all.
///
/// Every filter's state is sized when the chain is built; process() allocates nothing (except the
/// note of a rejected sample).
public struct FilterChain: Equatable, Sendable {
    public let specs: [FilterSpec]
    // Each filter kind in its own array, so `process` mutates state in place (an enum payload
    // taken out, changed and put back would copy the window buffers on every sample).
    private var steps: [Step] = []
    private var medians: [MedianFilter] = []
    private var averages: [MovingAverage] = []
    private var emas: [ExponentialMovingAverage] = []
    private var hampels: [HampelFilter] = []
    private var deadbands: [DeadbandFilter] = []
    private var aggregators: [Aggregator] = []
    private var rates: [RateOfChange] = []
    private var ranges: [RangeCheck] = []

    private enum Step: Equatable, Sendable {
        case median(Int), movingAverage(Int), ema(Int), hampel(Int), deadband(Int), aggregate(Int)
        case rateOfChange(Int), rangeCheck(Int)
    }

    /// Traps on a spec with a `problem`.
    public init(_ specs: [FilterSpec]) {
        self.specs = specs
        for spec in specs {
            if let problem = spec.problem { preconditionFailure(problem) }
            switch spec {
            case .median(let w):
                steps.append(.median(medians.count)); medians.append(MedianFilter(window: w))
            case .movingAverage(let w):
                steps.append(.movingAverage(averages.count)); averages.append(MovingAverage(window: w))
            case .ema(let a):
                steps.append(.ema(emas.count)); emas.append(ExponentialMovingAverage(alpha: a))
            case .emaTimeConstant(let tau):
                steps.append(.ema(emas.count)); emas.append(ExponentialMovingAverage(timeConstant: tau))
            case .hampel(let w, let k):
                steps.append(.hampel(hampels.count)); hampels.append(HampelFilter(window: w, sigmas: k))
            case .deadband(let d):
                steps.append(.deadband(deadbands.count)); deadbands.append(DeadbandFilter(d))
            case .aggregate(let p, let f):
                steps.append(.aggregate(aggregators.count)); aggregators.append(Aggregator(period: p, f))
            case .rateOfChange(let p):
                steps.append(.rateOfChange(rates.count)); rates.append(RateOfChange(per: p))
            case .rangeCheck(let lo, let hi):
                steps.append(.rangeCheck(ranges.count)); ranges.append(RangeCheck(min: lo, max: hi))
            }
        }
    }

    public mutating func process(_ sample: Sample) -> FilterOutput {
        let quality = sample.quality
        if quality == .bad { return FilterOutput(value: nil, quality: .bad, report: false, note: "bad quality: not filtered") }
        var x = sample.value
        var t = sample.timestamp
        for step in steps {
            switch step {
            case .median(let i): x = medians[i].update(x)
            case .movingAverage(let i): x = averages[i].update(x)
            case .ema(let i): x = emas[i].update(x, at: t)
            case .hampel(let i): x = hampels[i].update(x)
            case .rateOfChange(let i):
                guard let rate = rates[i].update(x, at: t) else { return FilterOutput(value: nil, quality: quality, report: false) }
                x = rate
            case .rangeCheck(let i):
                if let why = ranges[i].rejection(x) { return FilterOutput(value: nil, quality: .uncertain, report: false, note: why) }
            case .deadband(let i):
                if !deadbands[i].update(x, at: t) { return FilterOutput(value: x, quality: quality, report: false) }
            case .aggregate(let i):
                switch aggregators[i].update(x, at: t) {
                case .running(let v): return FilterOutput(value: v, quality: quality, report: false)
                case .finished(let v, let start): x = v; t = start
                }
            }
        }
        return FilterOutput(value: x, quality: quality, report: true)
    }

    /// Back to the state of a new chain (after a sensor restart, say: old samples say nothing
    /// about the new ones).
    public mutating func reset() {
        for i in medians.indices { medians[i].reset() }
        for i in averages.indices { averages[i].reset() }
        for i in emas.indices { emas[i].reset() }
        for i in hampels.indices { hampels[i].reset() }
        for i in deadbands.indices { deadbands[i].reset() }
        for i in aggregators.indices { aggregators[i].reset() }
        for i in rates.indices { rates[i].reset() }
    }
}
