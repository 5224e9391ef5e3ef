import Foundation

/// A value as the generated JavaScript codec builds it, printed the way `JSON.stringify` prints
/// it, so that `motectl decode` and the codec give the same bytes: no spaces, numbers in
/// ECMAScript's shortest form (`40`, `21.6`, `1e-7`), object keys in JavaScript's property order.
public indirect enum JSValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSValue])
    /// Keys in insertion order; `setting` replaces a key in place, as assigning to it does in
    /// JavaScript.
    case object([(String, JSValue)])

    public static func == (a: JSValue, b: JSValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// `JSON.stringify(value)`.
    public var json: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return Self.numberText(value)
        case .string(let text): return Self.quoted(text)
        case .array(let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + Self.propertyOrder(members).map { Self.quoted($0.0) + ":" + $0.1.json }.joined(separator: ",") + "}"
        }
    }

    /// ECMAScript's Number::toString (ECMA-262 5.1, 9.8.1) from Swift's shortest round-trip
    /// digits, which are the same digits: `40`, `0.000001`, `1e-7`, `123456789012345680000`,
    /// `1e+21`. Not finite: `null`, as `JSON.stringify` writes it. Negative zero: `0`.
    public static func numberText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == 0 { return "0" }
        // Swift's description: "21.6", "40.0", "1e-07", "1.2345678901234568e+20".
        let text = value.magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var digits = Array(mantissa[0]) + (mantissa.count == 2 ? Array(mantissa[1]) : [])
        var point = mantissa[0].count + exponent   // digits before the decimal point: n in 9.8.1
        while digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.last == "0" { digits.removeLast() }
        let k = digits.count, n = point
        var out = value < 0 ? "-" : ""
        if k <= n && n <= 21 {
            out += String(digits) + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            out += String(digits[..<n]) + "." + String(digits[n...])
        } else if -6 < n && n <= 0 {
            out += "0." + String(repeating: "0", count: -n) + String(digits)
        } else {
            out += String(digits[0]) + (k > 1 ? "." + String(digits[1...]) : "") + "e" + (n - 1 >= 0 ? "+" : "-") + String(abs(n - 1))
        }
        return out
    }

    /// The codec's `round(value, decimals)`: `parseFloat(value.toFixed(decimals))` without a
    /// negative zero. `toFixed` rounds the Double's exact value, ties away from zero (ECMA-262
    /// 5.1, 15.7.4.5), unlike `value * 10^d` rounded, which can land on a tie that is not one.
    public static func round(_ value: Double, decimals: Int) -> Double {
        guard value.isFinite, value.magnitude < 1e21, value != 0 else { return value == 0 ? 0 : value }
        let magnitude = value.magnitude
        var text: String
        // An exact tie at `decimals` places: magnitude = odd × 2^-(decimals+1).
        if magnitude.exponent - Int(magnitude.significandWidth) == -(decimals + 1) {
            text = fixed(magnitude, decimals + 1)   // exact: ends in 5
            text.removeLast()
            if text.hasSuffix(".") { text.removeLast() }
            text = incremented(text)
        } else {
            text = fixed(magnitude, decimals)       // exact, and no tie for printf to break its own way
        }
        let rounded = Double(text) ?? magnitude
        return rounded == 0 ? 0 : (value < 0 ? -rounded : rounded)
    }

    /// The C library's `%.*f`, which prints the Double's exact value rounded to `decimals` places.
    private static func fixed(_ value: Double, _ decimals: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 400)
        let count = withVaList([Int32(decimals), value]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) }
        return String(decoding: buffer[0..<Int(max(0, min(count, Int32(buffer.count - 1))))].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A decimal numeral plus one unit in its last place: "1.29" → "1.30", "9.99" → "10.00".
    private static func incremented(_ text: String) -> String {
        var characters = Array(text)
        var index = characters.count - 1
        while index >= 0 {
            if characters[index] == "." { index -= 1; continue }
            if characters[index] == "9" { characters[index] = "0"; index -= 1; continue }
            characters[index] = Character(String(characters[index].wholeNumberValue! + 1))
            return String(characters)
        }
        return "1" + String(characters)
    }

    /// JavaScript enumerates array-index keys ("0" ... "4294967294") first, ascending, then the
    /// others in insertion order; `JSON.stringify` follows it.
    private static func propertyOrder(_ members: [(String, JSValue)]) -> [(String, JSValue)] {
        func index(_ key: String) -> UInt32? {
            guard let number = UInt32(key), number < UInt32.max, String(number) == key else { return nil }
            return number
        }
        let indexed = members.compactMap { member in index(member.0).map { ($0, member) } }
        guard !indexed.isEmpty else { return members }
        return indexed.sorted { $0.0 < $1.0 }.map(\.1) + members.filter { index($0.0) == nil }
    }

    /// `JSON.stringify` of a string: `"` and `\` escaped, \b \f \n \r \t, other controls as \u00xx.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension Array where Element == (String, JSValue) {
    /// `object[key] = value`: in place when the key is there, else at the end.
    mutating func set(_ key: String, _ value: JSValue) {
        if let at = firstIndex(where: { $0.0 == key }) { self[at].1 = value } else { append((key, value)) }
    }

    func has(_ key: String) -> Bool { contains { $0.0 == key } }
}
