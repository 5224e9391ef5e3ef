import MoteHAL
import MoteNode
import Testing

// The reference sequences between the GENERATED markers come from Tests/peers/filter_reference.py,
// an independent Python implementation of docs/filters.md; scripts/test reruns it with --check.

struct ReferenceCase: CustomTestStringConvertible, Sendable {
    var name: String
    var specs: [FilterSpec]
    /// 0: bit-exact; else the relative tolerance (the time-constant EMA: Mote's exp vs libm's).
    var tolerance: Double
    var values: [Double?]
    var qualities: [Quality]
    var reports: [Bool]
    var notes: [String?]
    var testDescription: String { name }
}

func referenceSamples() -> [Sample] {
    referenceValues.indices.map {
        Sample(value: referenceValues[$0], timestamp: Instant(nanoseconds: referenceTimesMs[$0] * 1_000_000),
               quality: referenceQualities[$0])
    }
}

func run(_ chain: inout FilterChain, _ samples: [Sample]) -> [FilterOutput] {
    samples.map { chain.process($0) }
}

func close(_ a: Double?, _ b: Double?, tolerance: Double) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return tolerance == 0 ? a == b : abs(a - b) <= tolerance * max(abs(b), 1)
}

@Test(arguments: referenceCases)
func chainMatchesTheReference(_ reference: ReferenceCase) {
    var chain = FilterChain(reference.specs)
    let outputs = run(&chain, referenceSamples())
    #expect(outputs.map(\.report) == reference.reports)
    #expect(outputs.map(\.quality) == reference.qualities)
    #expect(outputs.map(\.note) == reference.notes)
    #expect(outputs.count == reference.values.count)
    for (i, (got, want)) in zip(outputs.map(\.value), reference.values).enumerated() {
        #expect(close(got, want, tolerance: reference.tolerance), "sample \(i): \(String(describing: got)) != \(String(describing: want))")
    }
}

@Test func expWithinOneUlpOfLibm() {
    for (x, want) in expReference {
        let got = FilterMath.exp(x)
        #expect(abs(got - want) <= want.ulp, "exp(\(x)) = \(got), libm \(want)")
    }
    #expect(FilterMath.exp(0) == 1)
    #expect(FilterMath.exp(710) == .infinity)
    #expect(FilterMath.exp(-746) == 0)
    #expect(FilterMath.exp(.nan).isNaN)
}

@Test func timeConstantAlphaFollowsTheGap() {
    var ema = ExponentialMovingAverage(timeConstant: .seconds(10))
    #expect(ema.update(0, at: Instant(nanoseconds: 0)) == 0)
    #expect(ema.alpha == 1)
    // Δt = τ: α = 1 − e⁻¹.
    let y = ema.update(1, at: Instant.zero + .seconds(10))
    #expect(abs(ema.alpha - 0.6321205588285577) <= 1e-16)
    #expect(y == ema.alpha)
    // Same instant again: α = 0, the average stays.
    #expect(ema.update(100, at: Instant.zero + .seconds(10)) == y)
    #expect(ema.alpha == 0)
}

@Test func resetStartsOver() {
    let specs: [FilterSpec] = [
        .rangeCheck(min: -40, max: 85), .hampel(window: 5, sigmas: 3), .emaTimeConstant(.seconds(30)),
        .median(window: 3), .movingAverage(window: 2), .rateOfChange(per: .seconds(60)),
        .deadband(Deadband(absolute: 0.01, maximumPeriod: .seconds(100))), .aggregate(period: .seconds(60), .mean),
    ]
    let samples = referenceSamples()
    var fresh = FilterChain(specs)
    let once = run(&fresh, samples)
    var used = FilterChain(specs)
    _ = run(&used, Array(samples[..<23]))
    #expect(used != FilterChain(specs))
    used.reset()
    #expect(used == FilterChain(specs))
    #expect(run(&used, samples) == once)
    // And the outputs are not trivially empty: the final aggregate did report.
    #expect(once.contains { $0.report })
}

@Test func rangeCheckNotes() {
    var chain = FilterChain([.rangeCheck(min: -40, max: 85), .ema(alpha: 0.5)])
    let t = Instant.zero
    #expect(chain.process(Sample(value: 20, timestamp: t)) == FilterOutput(value: 20, quality: .good, report: true))
    #expect(chain.process(Sample(value: -57.3, timestamp: t)) ==
            FilterOutput(value: nil, quality: .uncertain, report: false, note: "-57.3 below range minimum -40"))
    #expect(chain.process(Sample(value: 85.125, timestamp: t)) ==
            FilterOutput(value: nil, quality: .uncertain, report: false, note: "85.125 above range maximum 85"))
    #expect(chain.process(Sample(value: .nan, timestamp: t)) ==
            FilterOutput(value: nil, quality: .uncertain, report: false, note: "nan outside range -40…85"))
    // The rejected samples never reached the EMA.
    #expect(chain.process(Sample(value: 30, timestamp: t)) == FilterOutput(value: 25, quality: .good, report: true))
    #expect(chain.process(Sample(value: 1, timestamp: t, quality: .bad)) ==
            FilterOutput(value: nil, quality: .bad, report: false, note: "bad quality: not filtered"))
}

/// The minimum and maximum periods, worked by hand: band 1, at most every 10 s, at least every 30 s.
@Test func deadbandPeriods() {
    var chain = FilterChain([.deadband(Deadband(absolute: 1, minimumPeriod: .seconds(10), maximumPeriod: .seconds(30)))])
    let steps: [(s: Int64, x: Double, report: Bool)] = [
        (0, 10, true),     // first value
        (4, 12, false),    // exceeds the band, but only 4 s after the report
        (8, 10.5, false),  // back inside the band of 10
        (10, 11.0, false), // 10 s: allowed now, but |11 − 10| = 1 is not > 1
        (12, 11.5, true),  // exceeds, 12 s after the report
        (20, 11.9, false), // within the band of 11.5
        (42, 11.9, true),  // heartbeat: 42 ≥ 12 + 30
        (50, 13.0, false), // exceeds, 8 s after the heartbeat
        (52, 13.0, true),  // the suppressed change, first sample after the minimum period
        (82, 13.0, true),  // heartbeat exactly at 52 + 30
    ]
    for step in steps {
        let out = chain.process(Sample(value: step.x, timestamp: Instant.zero + .seconds(step.s)))
        #expect(out == FilterOutput(value: step.x, quality: .good, report: step.report), "at \(step.s) s")
    }
}

/// Windows are aligned on the clock, not on the first sample; gaps skip windows without output.
@Test func aggregateWindowsAlignToThePeriod() {
    var chain = FilterChain([.aggregate(period: .seconds(10), .count), .ema(alpha: 1)])
    let times: [Int64] = [7, 9, 10, 12, 19, 45, 46]
    let outs = times.map { chain.process(Sample(value: 1, timestamp: Instant.zero + .seconds($0))) }
    // 10 finishes window 0 (2 samples), 45 finishes window 1 (3); windows 2 and 3 had none.
    #expect(outs.map(\.value) == [1, 2, 2, 2, 3, 3, 2])
    #expect(outs.map(\.report) == [false, false, true, false, false, true, false])
}

/// The threshold is k · 1.4826 · MAD: windows [0, 1, x > 2] and [2, 1, x < 0] have median 1 and
/// MAD 1, so with k = 1 a deviation of 1.48 stays and 1.49 is replaced by the median.
@Test func hampelThresholdUsesTheScaledMAD() {
    for (x, want) in [(2.48, 2.48), (2.49, 1.0), (-0.48, -0.48), (-0.49, 1.0)] {
        var hampel = HampelFilter(window: 3, sigmas: 1)
        let outputs = [x > 1 ? 0 : 2, 1, x].map { hampel.update($0) }
        #expect(outputs.last == want, "x = \(x)")
    }
}

@Test func specProblems() {
    #expect(FilterSpec.median(window: 0).problem == "median window must be at least 1")
    #expect(FilterSpec.ema(alpha: 0).problem == "ema alpha must be in (0, 1]")
    #expect(FilterSpec.ema(alpha: 1).problem == nil)
    #expect(FilterSpec.rangeCheck(min: 2, max: 1).problem == "rangeCheck min must not exceed max")
    #expect(FilterSpec.deadband(Deadband(percent: 1)).problem == "deadband percent needs rangeLow and rangeHigh")
    #expect(FilterSpec.deadband(Deadband(minimumPeriod: .seconds(60), maximumPeriod: .seconds(30))).problem
            == "deadband maximumPeriod must not be shorter than minimumPeriod")
    #expect(FilterSpec.aggregate(period: .zero, .mean).problem == "aggregate period must be positive")
    #expect(FilterSpec.hampel(window: 7, sigmas: -1).problem == "hampel sigmas must not be negative")
}

// BEGIN GENERATED by Tests/peers/filter_reference.py (do not edit; rerun the script)
let referenceTimesMs: [Int64] = [0, 10000, 20000, 30500, 40000, 50000, 60000, 70000, 81250, 90000, 100000, 110000, 120000, 130000, 140000, 150000, 245000, 255000, 265000, 275000, 285000, 295000, 305000, 600000, 610000, 620000, 620000, 630000, 640000, 650000, 660000, 670000, 700000, 710000, 720000, 730000, 740000, 1000000, 1010000, 1020000]
let referenceValues: [Double] = [21.0, 21.2, 21.1, 21.1, 21.1, 21.1, 35.0, 21.3, 21.4, 21.9, 22.6, 22.6, 22.6, -57.3, 22.8, 23.5, 24.1, 24.0, 23.2, 23.2, 23.3, 150.0, 23.1, 22.4, 21.7, 21.8, 21.8, 21.8, 21.9, 5.0, 22.0, 22.05, 22.1, 22.6, 23.4, 23.41, 23.39, 23.4, 23.0, 22.2]
let referenceQualities: [Quality] = [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good]
let referenceCases: [ReferenceCase] = [
    ReferenceCase(name: "median, window 5", specs: [.median(window: 5)], tolerance: 0,
        values: [21.0, 21.1, 21.1, 21.1, 21.1, 21.1, 21.1, 21.1, 21.3, 21.4, 21.9, 21.9, 22.6, 22.6, 22.6, 22.6, 22.8, 23.5, 23.5, 23.5, 23.3, 23.3, 23.2, 23.2, 23.1, 22.4, 21.8, 21.8, nil, 21.8, 21.8, 21.8, 22.0, 22.05, 22.1, 22.6, 23.39, 23.4, 23.4, 23.39],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, true, true, true, true, true, true, true, true, true, true, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "median, window 4 (even: mean of the middle two)", specs: [.median(window: 4)], tolerance: 0,
        values: [21.0, 21.1, 21.1, 21.1, 21.1, 21.1, 21.1, 21.200000000000003, 21.35, 21.65, 21.65, 22.25, 22.6, 22.6, 22.6, 22.700000000000003, 23.15, 23.75, 23.75, 23.6, 23.25, 23.25, 23.25, 23.200000000000003, 22.75, 22.1, 21.8, 21.8, nil, 21.8, 21.8, 21.9, 22.025, 22.075000000000003, 22.35, 23.0, 23.395, 23.4, 23.395, 23.195],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, true, true, true, true, true, true, true, true, true, true, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "moving average, window 4", specs: [.movingAverage(window: 4)], tolerance: 0,
        values: [21.0, 21.1, 21.1, 21.1, 21.125, 21.1, 24.575000000000003, 24.625, 24.700000000000003, 24.9, 21.799999999999997, 22.125, 22.424999999999997, 2.6250000000000036, 2.6750000000000016, 2.9000000000000012, 3.2750000000000004, 23.6, 23.7, 23.625, 23.425, 54.925, 54.9, 54.7, 54.3, 22.25, 21.924999999999997, 21.775, nil, 17.6, 17.65, 17.7125, 17.7875, 22.1875, 22.5375, 22.877499999999998, 23.2, 23.4, 23.299999999999997, 22.9975],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, true, true, true, true, true, true, true, true, true, true, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "EMA, alpha 0.3", specs: [.ema(alpha: 0.3)], tolerance: 0,
        values: [21.0, 21.06, 21.072, 21.0804, 21.086280000000002, 21.090396000000002, 25.2632772, 24.07429404, 23.272005828, 22.860404079600002, 22.782282855720002, 22.727597999004, 22.6893185993028, -1.3074769804880404, 5.924766113658372, 11.19733627956086, 15.068135395692602, 17.747694776984822, 19.383386343889377, 20.528370440722565, 21.359859308505797, 59.951901515954056, 48.89633106116784, 40.947431742817486, 35.17320221997224, 31.161241553980567, 28.352869087786395, 26.387008361450476, nil, 19.970905853015335, 20.579634097110734, 21.020743867977515, 21.344520707584262, 21.721164495308983, 22.22481514671629, 22.5803706027014, 22.82325942189098, 22.996281595323687, 22.99739711672658, 22.758177981708606],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, true, true, true, true, true, true, true, true, true, true, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "EMA, time constant 30 s over irregular gaps", specs: [.emaTimeConstant(.seconds(30))], tolerance: 1e-12,
        values: [21.0, 21.056693737885244, 21.06896970725086, 21.078133322279196, 21.084068516494, 21.08858459324406, 25.032035286660765, 23.974120135058666, 23.16916517114579, 22.84808859363039, 22.77776324513239, 22.727372931006563, 22.691266693185757, 0.016247158125889172, 6.474727716422648, 11.30085933777271, 23.560595018877876, 23.685152573003915, 23.547627008962742, 23.44908563632292, 23.406824526382188, 59.29202606819095, 49.03271987096161, 22.401428410768915, 22.20259541844194, 22.08847222280721, 22.08847222280721, 22.006699379872185, nil, 13.731530599867346, 16.075382784283676, 17.76899969624606, 20.506714028541655, 21.100095059465225, 21.752046098763486, 22.222024118276074, 22.55310871074978, 23.3998541380027, 23.286508009541425, 22.978517008025637],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, true, true, true, true, true, true, true, true, true, true, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "Hampel, window 7, 3 sigmas", specs: [.hampel(window: 7, sigmas: 3.0)], tolerance: 0,
        values: [21.0, 21.2, 21.1, 21.1, 21.1, 21.1, 21.1, 21.1, 21.1, 21.9, 22.6, 22.6, 22.6, 21.9, 22.8, 22.6, 22.6, 24.0, 23.2, 23.2, 23.3, 23.5, 23.1, 23.2, 23.2, 21.8, 21.8, 21.8, nil, 21.8, 22.0, 22.05, 22.1, 22.6, 22.05, 23.41, 23.39, 23.4, 23.39, 23.39],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, true, true, true, true, true, true, true, true, true, true, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "Hampel, window 5, 2 sigmas", specs: [.hampel(window: 5, sigmas: 2.0)], tolerance: 0,
        values: [21.0, 21.2, 21.1, 21.1, 21.1, 21.1, 21.1, 21.1, 21.4, 21.9, 22.6, 22.6, 22.6, 22.6, 22.6, 22.6, 24.1, 24.0, 23.2, 23.2, 23.3, 23.3, 23.1, 23.2, 21.7, 21.8, 21.8, 21.8, nil, 21.8, 21.8, 22.05, 22.1, 22.05, 22.1, 23.41, 23.39, 23.4, 23.4, 23.39],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, true, true, true, true, true, true, true, true, true, true, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "rate of change per minute", specs: [.rateOfChange(per: .seconds(60))], tolerance: 0,
        values: [nil, 1.1999999999999957, -0.5999999999999872, 0.0, 0.0, 0.0, 83.39999999999999, -82.2, 0.5333333333333219, 3.428571428571429, 4.200000000000017, 0.0, 0.0, -479.40000000000003, 480.6, 4.199999999999996, 0.37894736842105353, -0.6000000000000085, -4.800000000000004, 0.0, 0.6000000000000085, 760.2, -761.4, -0.14237288135593276, -4.199999999999996, 0.6000000000000085, nil, 0.0, nil, -50.4, 102.0, 0.30000000000000426, 0.10000000000000142, 3.0, 4.799999999999983, 0.06000000000000938, -0.11999999999999746, 0.0023076923076918486, -2.3999999999999915, -4.800000000000004],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [false, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, true, false, true, true, true, true, true, true, true, true, true, true, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "range check -40...85", specs: [.rangeCheck(min: -40.0, max: 85.0)], tolerance: 0,
        values: [21.0, 21.2, 21.1, 21.1, 21.1, 21.1, 35.0, 21.3, 21.4, 21.9, 22.6, 22.6, 22.6, nil, 22.8, 23.5, 24.1, 24.0, 23.2, 23.2, 23.3, nil, 23.1, 22.4, 21.7, 21.8, 21.8, 21.8, nil, 5.0, 22.0, 22.05, 22.1, 22.6, 23.4, 23.41, 23.39, 23.4, 23.0, 22.2],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, true, true, true, true, true, true, true, true, true, true, true, true, false, true, true, true, true, true, true, true, false, true, true, true, true, true, true, false, true, true, true, true, true, true, true, true, true, true, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "-57.3 below range minimum -40", nil, nil, nil, nil, nil, nil, nil, "150 above range maximum 85", nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "deadband absolute 0.5", specs: [.deadband(Deadband(absolute: 0.5))], tolerance: 0,
        values: [21.0, 21.2, 21.1, 21.1, 21.1, 21.1, 35.0, 21.3, 21.4, 21.9, 22.6, 22.6, 22.6, -57.3, 22.8, 23.5, 24.1, 24.0, 23.2, 23.2, 23.3, 150.0, 23.1, 22.4, 21.7, 21.8, 21.8, 21.8, nil, 5.0, 22.0, 22.05, 22.1, 22.6, 23.4, 23.41, 23.39, 23.4, 23.0, 22.2],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, false, false, false, false, false, true, true, false, true, true, false, false, true, true, true, true, false, true, false, false, true, true, true, true, false, false, false, false, true, true, false, false, true, true, false, false, false, false, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "deadband 1 % of -40...85", specs: [.deadband(Deadband(percent: 1.0, rangeLow: -40.0, rangeHigh: 85.0))], tolerance: 0,
        values: [21.0, 21.2, 21.1, 21.1, 21.1, 21.1, 35.0, 21.3, 21.4, 21.9, 22.6, 22.6, 22.6, -57.3, 22.8, 23.5, 24.1, 24.0, 23.2, 23.2, 23.3, 150.0, 23.1, 22.4, 21.7, 21.8, 21.8, 21.8, nil, 5.0, 22.0, 22.05, 22.1, 22.6, 23.4, 23.41, 23.39, 23.4, 23.0, 22.2],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, false, false, false, false, false, true, true, false, false, true, false, false, true, true, false, true, false, false, false, false, true, true, false, true, false, false, false, false, true, true, false, false, false, true, false, false, false, false, false],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "deadband absolute 1 or 0.8 % of 0...100", specs: [.deadband(Deadband(absolute: 1.0, percent: 0.8, rangeLow: 0.0, rangeHigh: 100.0))], tolerance: 0,
        values: [21.0, 21.2, 21.1, 21.1, 21.1, 21.1, 35.0, 21.3, 21.4, 21.9, 22.6, 22.6, 22.6, -57.3, 22.8, 23.5, 24.1, 24.0, 23.2, 23.2, 23.3, 150.0, 23.1, 22.4, 21.7, 21.8, 21.8, 21.8, nil, 5.0, 22.0, 22.05, 22.1, 22.6, 23.4, 23.41, 23.39, 23.4, 23.0, 22.2],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, false, false, false, false, false, true, true, false, false, true, false, false, true, true, false, true, false, true, false, false, true, true, false, true, false, false, false, false, true, true, false, false, false, true, false, false, false, false, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "deadband 0.5, at most every 30 s, at least every 120 s", specs: [.deadband(Deadband(absolute: 0.5, minimumPeriod: .seconds(30), maximumPeriod: .seconds(120)))], tolerance: 0,
        values: [21.0, 21.2, 21.1, 21.1, 21.1, 21.1, 35.0, 21.3, 21.4, 21.9, 22.6, 22.6, 22.6, -57.3, 22.8, 23.5, 24.1, 24.0, 23.2, 23.2, 23.3, 150.0, 23.1, 22.4, 21.7, 21.8, 21.8, 21.8, nil, 5.0, 22.0, 22.05, 22.1, 22.6, 23.4, 23.41, 23.39, 23.4, 23.0, 22.2],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, false, false, false, false, false, true, false, false, true, false, false, true, false, false, true, true, false, false, true, false, false, false, true, false, false, false, true, false, false, false, false, false, true, false, false, true, true, false, false],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "deadband on any change, heartbeat 60 s", specs: [.deadband(Deadband(maximumPeriod: .seconds(60)))], tolerance: 0,
        values: [21.0, 21.2, 21.1, 21.1, 21.1, 21.1, 35.0, 21.3, 21.4, 21.9, 22.6, 22.6, 22.6, -57.3, 22.8, 23.5, 24.1, 24.0, 23.2, 23.2, 23.3, 150.0, 23.1, 22.4, 21.7, 21.8, 21.8, 21.8, nil, 5.0, 22.0, 22.05, 22.1, 22.6, 23.4, 23.41, 23.39, 23.4, 23.0, 22.2],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, true, true, false, false, false, true, true, true, true, true, false, false, true, true, true, true, true, true, false, true, true, true, true, true, true, false, false, false, true, true, true, true, true, true, true, true, true, true, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "aggregate min per minute", specs: [.aggregate(period: .seconds(60), .min)], tolerance: 0,
        values: [21.0, 21.0, 21.0, 21.0, 21.0, 21.0, 21.0, 21.3, 21.3, 21.3, 21.3, 21.3, 21.3, -57.3, -57.3, -57.3, -57.3, 24.0, 23.2, 23.2, 23.2, 23.2, 23.2, 23.1, 21.7, 21.7, 21.7, 21.7, nil, 5.0, 5.0, 22.0, 22.0, 22.0, 22.0, 23.4, 23.39, 23.39, 23.0, 23.0],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [false, false, false, false, false, false, true, false, false, false, false, false, true, false, false, false, true, false, false, false, false, false, true, true, false, false, false, false, false, false, true, false, false, false, true, false, false, true, false, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "aggregate max per minute", specs: [.aggregate(period: .seconds(60), .max)], tolerance: 0,
        values: [21.0, 21.2, 21.2, 21.2, 21.2, 21.2, 21.2, 35.0, 35.0, 35.0, 35.0, 35.0, 35.0, 22.6, 22.8, 23.5, 23.5, 24.1, 24.1, 24.1, 24.1, 150.0, 150.0, 23.1, 22.4, 22.4, 22.4, 22.4, nil, 22.4, 22.4, 22.05, 22.1, 22.6, 22.6, 23.41, 23.41, 23.41, 23.4, 23.4],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [false, false, false, false, false, false, true, false, false, false, false, false, true, false, false, false, true, false, false, false, false, false, true, true, false, false, false, false, false, false, true, false, false, false, true, false, false, true, false, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "aggregate mean per minute", specs: [.aggregate(period: .seconds(60), .mean)], tolerance: 0,
        values: [21.0, 21.1, 21.1, 21.1, 21.1, 21.099999999999998, 21.099999999999998, 28.15, 25.899999999999995, 24.9, 24.439999999999998, 24.13333333333333, 24.13333333333333, -17.349999999999998, -3.966666666666665, 2.9000000000000012, 2.9000000000000012, 24.05, 23.766666666666666, 23.625, 23.56, 44.63333333333333, 44.63333333333333, 23.1, 22.049999999999997, 21.966666666666665, 21.924999999999997, 21.9, nil, 19.083333333333332, 19.083333333333332, 22.025, 22.05, 22.1875, 22.1875, 23.405, 23.400000000000002, 23.400000000000002, 23.2, 23.2],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [false, false, false, false, false, false, true, false, false, false, false, false, true, false, false, false, true, false, false, false, false, false, true, true, false, false, false, false, false, false, true, false, false, false, true, false, false, true, false, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "aggregate last per minute", specs: [.aggregate(period: .seconds(60), .last)], tolerance: 0,
        values: [21.0, 21.2, 21.1, 21.1, 21.1, 21.1, 21.1, 21.3, 21.4, 21.9, 22.6, 22.6, 22.6, -57.3, 22.8, 23.5, 23.5, 24.0, 23.2, 23.2, 23.3, 150.0, 150.0, 23.1, 21.7, 21.8, 21.8, 21.8, nil, 5.0, 5.0, 22.05, 22.1, 22.6, 22.6, 23.41, 23.39, 23.39, 23.0, 23.0],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [false, false, false, false, false, false, true, false, false, false, false, false, true, false, false, false, true, false, false, false, false, false, true, true, false, false, false, false, false, false, true, false, false, false, true, false, false, true, false, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "aggregate count per 45 s", specs: [.aggregate(period: .seconds(45), .count)], tolerance: 0,
        values: [1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 2.0, 3.0, 4.0, 4.0, 2.0, 3.0, 4.0, 5.0, 5.0, 2.0, 2.0, 2.0, 3.0, 3.0, 2.0, 3.0, 4.0, 4.0, 2.0, 3.0, 4.0, 4.0, nil, 2.0, 3.0, 4.0, 4.0, 2.0, 2.0, 2.0, 3.0, 3.0, 2.0, 3.0],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [false, false, false, false, false, true, false, false, false, true, false, false, false, false, true, false, true, false, false, true, false, false, false, true, false, false, false, true, false, false, false, false, true, false, true, false, false, true, false, false],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "range check, Hampel, EMA, deadband with heartbeat", specs: [.rangeCheck(min: -40.0, max: 85.0), .hampel(window: 5, sigmas: 3.0), .ema(alpha: 0.5), .deadband(Deadband(absolute: 0.3, maximumPeriod: .seconds(100)))], tolerance: 0,
        values: [21.0, 21.1, 21.1, 21.1, 21.1, 21.1, 21.1, 21.1, 21.25, 21.575, 22.0875, 22.34375, 22.471875, nil, 22.535937500000003, 22.567968750000002, 22.683984375, 23.3419921875, 23.27099609375, 23.235498046875, 23.267749023437503, nil, 23.183874511718752, 23.191937255859376, 23.14596862792969, 22.472984313964844, 22.13649215698242, 21.968246078491212, nil, 21.88412303924561, 21.842061519622803, 21.9460307598114, 22.0230153799057, 22.03650768995285, 22.068253844976425, 22.73912692248821, 23.064563461244106, 23.232281730622052, 23.316140865311027, 23.353070432655514],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, false, false, false, false, false, false, false, false, true, true, false, true, false, false, false, true, true, false, false, false, false, false, true, false, true, true, false, false, false, false, false, false, false, true, true, true, true, false, false],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "-57.3 below range minimum -40", nil, nil, nil, nil, nil, nil, nil, "150 above range maximum 85", nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "range check, median, mean per minute, rate of change per minute", specs: [.rangeCheck(min: -40.0, max: 85.0), .median(window: 3), .aggregate(period: .seconds(60), .mean), .rateOfChange(per: .seconds(60))], tolerance: 0,
        values: [21.0, 21.05, 21.066666666666666, 21.075000000000003, 21.080000000000002, 21.083333333333332, nil, 21.200000000000003, 21.26666666666667, 21.3, 21.419999999999998, 21.616666666666664, 0.5333333333333314, nil, 22.6, 22.666666666666668, 1.0500000000000043, 23.75, 23.833333333333332, 23.675, 23.580000000000002, nil, 0.456666666666667, -0.38000000000000256, 22.75, 22.433333333333334, 22.275, 22.18, nil, 22.116666666666664, -0.21666666666666715, 21.9, 21.95, 21.987499999999997, -0.12916666666666643, 23.0, 23.133333333333336, 1.1458333333333393, 23.395, 0.06541666666666579],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [false, false, false, false, false, false, false, false, false, false, false, false, true, false, false, false, true, false, false, false, false, false, true, true, false, false, false, false, false, false, true, false, false, false, true, false, false, true, false, true],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "-57.3 below range minimum -40", nil, nil, nil, nil, nil, nil, nil, "150 above range maximum 85", nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "EMA time constant 20 s, percent deadband at most every 20 s", specs: [.emaTimeConstant(.seconds(20)), .deadband(Deadband(percent: 1.0, rangeLow: 0.0, rangeHigh: 50.0, minimumPeriod: .seconds(20)))], tolerance: 1e-12,
        values: [21.0, 21.078693868057474, 21.087077177736976, 21.09235543516755, 21.095245959367524, 21.097116528598885, 26.567474916183215, 24.494885035932356, 23.163412337991, 22.715720314294707, 22.670187918571322, 22.642571124554923, 22.625820692261005, -8.822539247449281, 3.6199604084559454, 11.442146471427513, 23.990488109345048, 23.994230746685936, 23.681725298751477, 23.492181163252, 23.416563767731578, 73.22326491335016, 53.50129693484537, 22.400012216165045, 22.12457887127749, 21.99686703692472, 21.99686703692472, 21.919405893781622, nil, 11.22430158515719, 15.464208531581011, 18.055515555929997, 21.19755353827683, 21.749373222359395, 22.398844251618304, 22.796703036861828, 23.030147201542302, 23.399999164010843, 23.242611756831998, 22.832375996695458],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [true, false, false, false, false, false, true, false, true, false, false, true, false, true, false, true, true, false, false, false, true, false, true, true, false, false, false, false, false, true, false, true, true, false, true, false, true, false, false, false],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
    ReferenceCase(name: "moving average 3, max per 2 minutes, deadband 0.2", specs: [.movingAverage(window: 3), .aggregate(period: .seconds(120), .max), .deadband(Deadband(absolute: 0.2))], tolerance: 0,
        values: [21.0, 21.1, 21.1, 21.133333333333333, 21.133333333333333, 21.133333333333333, 25.733333333333334, 25.8, 25.899999999999995, 25.899999999999995, 25.899999999999995, 25.899999999999995, 25.899999999999995, 22.600000000000005, 22.600000000000005, 22.600000000000005, 22.600000000000005, 23.866666666666664, 23.866666666666664, 23.866666666666664, 23.866666666666664, 65.5, 65.5, 65.5, 65.16666666666667, 65.16666666666667, 65.16666666666667, 65.16666666666667, nil, 65.16666666666667, 65.16666666666667, 65.16666666666667, 65.16666666666667, 65.16666666666667, 65.16666666666667, 23.136666666666667, 23.400000000000002, 23.400000000000002, 23.399999999999995, 23.399999999999995],
        qualities: [.good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .good, .bad, .good, .good, .good, .good, .uncertain, .good, .good, .good, .good, .good, .good],
        reports: [false, false, false, false, false, false, false, false, false, false, false, false, true, false, false, false, true, false, false, false, false, false, false, true, false, false, false, false, false, false, false, false, false, false, true, false, false, true, false, false],
        notes: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "bad quality: not filtered", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]),
]
let expReference: [(x: Double, exp: Double)] = [
    (0.0, 1.0),
    (-1e-09, 0.999999999),
    (1e-09, 1.000000001),
    (-0.01, 0.9900498337491681),
    (-0.3333333333333333, 0.7165313105737893),
    (-0.5, 0.6065306597126334),
    (-1.0, 0.36787944117144233),
    (-1.0416666666666667, 0.3528660814588489),
    (-2.5, 0.0820849986238988),
    (-3.1666666666666665, 0.042143843509276406),
    (-9.75, 5.829466373086881e-05),
    (-14.75, 3.927863545481039e-07),
    (0.5, 1.6487212707001282),
    (1.0, 2.718281828459045),
    (2.302585092994046, 10.000000000000002),
    (10.0, 22026.465794806718),
    (50.0, 5.184705528587072e+21),
    (-50.0, 1.9287498479639178e-22),
    (700.0, 1.0142320547350045e+304),
    (-700.0, 9.85967654375977e-305),
    (0.34657359027997264, 1.414213562373095),
    (-0.34657359027997264, 0.7071067811865476),
]
// END GENERATED
