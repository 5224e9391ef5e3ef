import MoteHAL

/// Fixed-point decimal text for Doubles, the same on every build (the Embedded and desktop
/// standard libraries need not agree on shortest-representation printing).
public enum DecimalText {
    /// `value` rounded to `decimals` places, ties away from zero: format(25.085, decimals: 2)
    /// is "25.09" only if the Double is at or above the tie. Non-finite values give "nan", "inf"
    /// or "-inf"; so do values beyond ±9·10¹⁵ after scaling.
    public static func format(_ value: Double, decimals: Int) -> String {
        var scale: Double = 1
        var divisor: UInt64 = 1
        for _ in 0..<max(decimals, 0) { scale *= 10; divisor *= 10 }
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled.isFinite, abs(scaled) < 9e15 else {
            if value.isNaN { return "nan" }
            return value < 0 ? "-inf" : "inf"
        }
        let integer = Int64(scaled)
        let magnitude = integer.magnitude
        var text = integer < 0 ? "-" : ""
        text += String(magnitude / divisor)
        if decimals > 0 {
            let fraction = String(magnitude % divisor)
            text += "."
            for _ in fraction.utf8.count..<decimals { text += "0" }
            text += fraction
        }
        return text
    }

    /// `value` with at most `maximumDecimals` places and no trailing zeros: 0.25 → "0.25",
    /// 10.0 → "10". For configuration values, which people write short.
    public static func shortest(_ value: Double, maximumDecimals: Int = 9) -> String {
        var text = format(value, decimals: maximumDecimals)
        guard text.utf8.contains(UInt8(ascii: ".")) else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}

/// JSON text pieces; enough for the flat event objects Mote prints.
public enum JSONText {
    /// A JSON string literal with the escapes RFC 8259 requires.
    public static func quoted(_ string: String) -> String {
        // Names, units and sensors never need escapes: one concatenation, no byte array.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + string + "\""
        }
        var utf8: [UInt8] = [UInt8(ascii: "\"")]
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): utf8 += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): utf8 += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: utf8 += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: utf8 += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: utf8 += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x00..<0x20:
                utf8 += Array(("\\u00" + Hex.encode([byte])).utf8)
            default: utf8.append(byte)
            }
        }
        utf8.append(UInt8(ascii: "\""))
        return String(decoding: utf8, as: UTF8.self)
    }

    /// A number with `decimals` places, or null when it is not finite (JSON has no NaN).
    public static func number(_ value: Double, decimals: Int) -> String {
        value.isFinite ? DecimalText.format(value, decimals: decimals) : "null"
    }
}
