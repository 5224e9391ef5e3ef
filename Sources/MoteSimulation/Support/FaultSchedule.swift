import MoteHAL

/// Faults switched on and off on a model's clock: what each model's `inject(_:from:until:)` records.
struct FaultSchedule<Fault> {
    private var entries: [(fault: Fault, from: Instant, until: Instant?)] = []

    mutating func add(_ fault: Fault, from: Instant, until: Instant?) {
        entries.append((fault, from, until))
    }

    mutating func removeAll() {
        entries.removeAll()
    }

    var isEmpty: Bool { entries.isEmpty }

    /// The first scheduled fault that `matches` and is active at `now` (`from` inclusive,
    /// `until` exclusive).
    func active(at now: Instant, _ matches: (Fault) -> Bool) -> Fault? {
        for entry in entries where matches(entry.fault) && now >= entry.from && (entry.until.map { now < $0 } ?? true) {
            return entry.fault
        }
        return nil
    }
}

/// Deterministic movement of a model's raw values: a slow triangle wave plus a little noise, the
/// same on every run so tests and benchmarks can compare outputs.
struct Drift {
    private var random: UInt32

    init(seed: UInt32 = 0x2545_F491) {
        random = seed
    }

    /// A triangle wave: 0 at n = 0, +amplitude/2 at a quarter period, -amplitude/2 at three quarters.
    static func triangle(_ n: Int64, period: Int64, amplitude: Int64) -> Int64 {
        let phase = (n + period / 4) % period
        let half = period / 2
        let rising = phase < half ? phase : period - phase
        return rising * amplitude / half - amplitude / 2
    }

    /// Uniform noise in -spread...spread (xorshift32).
    mutating func noise(_ spread: Int64) -> Int64 {
        random ^= random << 13
        random ^= random >> 17
        random ^= random << 5
        return Int64(random % UInt32(2 * spread + 1)) - spread
    }

    /// Triangle drift plus noise around `base`, clamped to 0...0xFFFF: one raw 16-bit sample.
    mutating func sample16(base: Int64, _ n: Int64, period: Int64, amplitude: Int64, noise spread: Int64) -> UInt16 {
        let value = base + Self.triangle(n, period: period, amplitude: amplitude) + noise(spread)
        return UInt16(min(max(value, 0), 0xFFFF))
    }
}
