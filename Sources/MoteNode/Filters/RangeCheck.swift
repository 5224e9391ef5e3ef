/// Plausibility check: a value outside [min, max] (or NaN) is rejected with a note saying why.
///
/// Put it first: a physically impossible value (a BME280 at −57.3 °C after a bus glitch) is a
/// fault, not a measurement, and must not pull a median or an average.
public struct RangeCheck: Equatable, Sendable {
    public let min: Double
    public let max: Double

    public init(min: Double, max: Double) {
        precondition(min <= max, "range check needs min <= max")
        self.min = min
        self.max = max
    }

    /// nil when `x` is in range, else why not: "-57.3 below range minimum -40".
    public func rejection(_ x: Double) -> String? {
        if x >= min && x <= max { return nil }
        if x < min { return "\(Self.text(x)) below range minimum \(Self.text(min))" }
        if x > max { return "\(Self.text(x)) above range maximum \(Self.text(max))" }
        return "nan outside range \(Self.text(min))…\(Self.text(max))"
    }

    /// Up to 6 decimals, trailing zeros dropped; the same text on every build.
    static func text(_ x: Double) -> String {
        var text = DecimalText.format(x, decimals: 6)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
