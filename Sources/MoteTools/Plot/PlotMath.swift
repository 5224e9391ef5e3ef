import Foundation

/// A value at a node time (milliseconds).
public struct PlotPoint: Equatable, Sendable {
    public var t: Double
    public var value: Double

    public init(t: Double, value: Double) {
        self.t = t
        self.value = value
    }
}

/// An axis tick: where it sits and what it says.
public struct AxisTick: Equatable, Sendable {
    public var value: Double
    public var label: String

    public init(value: Double, label: String) {
        self.value = value
        self.label = label
    }
}

/// A y axis range widened to whole ticks.
public struct NiceScale: Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    public var step: Double
    /// Decimals the tick labels need.
    public var decimals: Int
    public var ticks: [AxisTick]
}

public enum PlotMath {
    /// RMS difference between the zero-order hold of `transmitted` (each value held until the next)
    /// and `raw`, evaluated at every raw sample at or after the first transmission.
    /// nil when nothing was transmitted or no raw sample falls after it. Both sorted by time.
    public static func zeroOrderHoldRMS(raw: [PlotPoint], transmitted: [PlotPoint]) -> Double? {
        guard let first = transmitted.first else { return nil }
        var held = 0
        var sum = 0.0
        var count = 0
        for sample in raw where sample.t >= first.t {
            while held + 1 < transmitted.count && transmitted[held + 1].t <= sample.t { held += 1 }
            let error = sample.value - transmitted[held].value
            sum += error * error
            count += 1
        }
        return count == 0 ? nil : (sum / Double(count)).squareRoot()
    }

    /// Min/max per pixel column: at most two points per column, in time order, so a line through
    /// them covers the same pixels as the full series. Series that already fit come back unchanged.
    public static func decimate(_ points: [PlotPoint], from t0: Double, to t1: Double, columns: Int) -> [PlotPoint] {
        guard columns > 0, points.count > 2 * columns, t1 > t0 else { return points }
        var out: [PlotPoint] = []
        out.reserveCapacity(2 * columns)
        let scale = Double(columns) / (t1 - t0)
        var column = -1
        var low = points[0]
        var high = points[0]
        func flush() {
            guard column >= 0 else { return }
            if low == high {
                out.append(low)
            } else if low.t <= high.t {
                out.append(low); out.append(high)
            } else {
                out.append(high); out.append(low)
            }
        }
        for point in points {
            let c = Swift.min(Swift.max(Int(((point.t - t0) * scale).rounded(.down)), 0), columns - 1)
            if c != column {
                flush()
                column = c
                low = point
                high = point
            } else {
                if point.value < low.value { low = point }
                if point.value > high.value { high = point }
            }
        }
        flush()
        return out
    }

    /// Ticks at 1, 2 or 5 × 10ⁿ, about `target` of them, with the range widened to whole ticks.
    /// Tick values are computed as integer multiples divided by a power of ten, so 21.2 is 21.2.
    public static func niceScale(_ low: Double, _ high: Double, target: Int = 5) -> NiceScale {
        var lo = low, hi = high
        if !(hi > lo) {
            // A flat series still needs an axis: one unit either side (or 10 % of the value).
            let pad = lo == 0 ? 1 : Swift.abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let raw = (hi - lo) / Double(Swift.max(target, 1))
        var exponent = Int(log10(raw).rounded(.down))
        var mantissa: Int
        let residual = raw / pow(10, Double(exponent))
        if residual <= 1 { mantissa = 1 } else if residual <= 2 { mantissa = 2 } else if residual <= 5 { mantissa = 5 } else {
            mantissa = 1
            exponent += 1
        }
        func value(_ i: Int) -> Double {
            exponent >= 0 ? Double(i * mantissa) * pow(10, Double(exponent)) : Double(i * mantissa) / pow(10, Double(-exponent))
        }
        let step = value(1)
        let first = Int((lo / step).rounded(.down))
        let last = Int((hi / step).rounded(.up))
        let decimals = Swift.max(0, -exponent)
        let ticks = (first...last).map { AxisTick(value: value($0), label: Fixed.format(value($0), decimals: decimals)) }
        return NiceScale(lower: value(first), upper: value(last), step: step, decimals: decimals, ticks: ticks)
    }

    /// Time ticks inside [t0, t1] (ms): seconds ("30 s") for spans up to ten minutes, otherwise
    /// hours:minutes of node time ("1:30") at 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 4, 6, 12, 24 h.
    public static func timeTicks(from t0: Double, to t1: Double, target: Int = 8) -> [AxisTick] {
        let span = Swift.max(t1 - t0, 1)
        if span <= 600_000 {
            let scale = niceScale(t0 / 1000, t1 / 1000, target: target)
            return scale.ticks.filter { $0.value * 1000 >= t0 - 1e-6 && $0.value * 1000 <= t1 + 1e-6 }
                .map { AxisTick(value: $0.value * 1000, label: $0.label + " s") }
        }
        let minutes = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440]
        let stepMinutes = minutes.first { span / Double($0 * 60_000) <= Double(target) }
            ?? Int((span / 60_000 / Double(target) / 1440).rounded(.up)) * 1440
        let step = Double(stepMinutes * 60_000)
        var ticks: [AxisTick] = []
        var i = Int((t0 / step).rounded(.up))
        while Double(i) * step <= t1 {
            let total = i * stepMinutes
            let mm = total % 60
            ticks.append(AxisTick(value: Double(i) * step, label: "\(total / 60):\(mm < 10 ? "0" : "")\(mm)"))
            i += 1
        }
        return ticks
    }
}

/// Fixed-decimal number text, the same on every machine and locale.
public enum Fixed {
    public static func format(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let n = Int64((Swift.abs(x) * Double(scale)).rounded())
        let sign = x < 0 && n != 0 ? "-" : ""
        let whole = n / scale
        guard decimals > 0 else { return "\(sign)\(whole)" }
        var fraction = String(n % scale)
        while fraction.count < decimals { fraction = "0" + fraction }
        return "\(sign)\(whole).\(fraction)"
    }

    /// Up to `decimals` decimals without trailing zeros: compact SVG coordinates.
    public static func compact(_ x: Double, decimals: Int = 1) -> String {
        var text = format(x, decimals: decimals)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// About three significant digits, for summary figures such as an RMS error.
    public static func significant(_ x: Double) -> String {
        guard x != 0, x.isFinite else { return format(x, decimals: 0) }
        let magnitude = Int(log10(Swift.abs(x)).rounded(.down))
        return format(x, decimals: Swift.min(Swift.max(2 - magnitude, 0), 9))
    }
}
