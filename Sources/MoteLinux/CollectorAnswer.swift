import MoteHAL
import MoteNode

// The collector's answer, parsed apart from the socket (no C shim here), so scripts/fuzz can
// compile this file alone for the udp-answer target.

/// `{"ack":N}` or `{"ack":N,"downlink":{"port":P,"hex":"..."}}`; other members are ignored.
/// Nil for anything else: not JSON, no ack, a port outside 1...223, hex that is not hex.
public struct CollectorAnswer: Equatable {
    public var ack: UInt32
    public var downlink: Downlink?

    public init?(_ bytes: [UInt8]) {
        var parser = FlatJSON(bytes)
        guard let root = parser.document(), case .object(let members) = root else { return nil }
        var ack: UInt32?
        var downlink: Downlink?
        for (key, value) in members {
            if key == "ack" {
                guard case .number(let n) = value, n >= 0, n <= Double(UInt32.max), n == n.rounded(.towardZero) else { return nil }
                ack = UInt32(n)
            } else if key == "downlink" {
                guard case .object(let fields) = value else { return nil }
                var port: UInt8?
                var data: [UInt8]?
                for (name, field) in fields {
                    if name == "port", case .number(let p) = field, p >= 1, p <= 223, p == p.rounded(.towardZero) { port = UInt8(p) }
                    if name == "hex", case .string(let text) = field { data = Hex.decode(text) }
                }
                guard let port, let data else { return nil }
                downlink = Downlink(port: port, bytes: data)
            }
        }
        guard let ack else { return nil }
        self.ack = ack
        self.downlink = downlink
    }
}

/// Just enough JSON for a collector's answer: objects, strings, numbers, true, false, null.
/// Arrays are refused; nesting stops at 4 levels.
struct FlatJSON {
    enum Value {
        case object([(String, Value)])
        case string(String)
        case number(Double)
        case boolean(Bool)
        case null
    }

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() -> Value? {
        guard let value = value(depth: 0) else { return nil }
        skipSpace()
        return index == bytes.count ? value : nil
    }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    private mutating func literal(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard index + utf8.count <= bytes.count, Array(bytes[index..<(index + utf8.count)]) == utf8 else { return false }
        index += utf8.count
        return true
    }

    private mutating func value(depth: Int) -> Value? {
        skipSpace()
        guard index < bytes.count, depth < 4 else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(String, Value)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let member = value(depth: depth + 1) else { return nil }
                members.append((key, member))
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                return nil
            }
        case UInt8(ascii: "\""):
            return string().map { .string($0) }
        case UInt8(ascii: "t"): return literal("true") ? .boolean(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .boolean(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number()
        }
    }

    /// A string without escapes but \" and \\ (a collector's answer needs none).
    private mutating func string() -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        var utf8: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: utf8, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "\\") else { return nil }
                utf8.append(bytes[index])
                index += 1
            } else if byte < 0x20 {
                return nil
            } else {
                utf8.append(byte)
            }
        }
        return nil
    }

    /// Integers only (optionally negative): sequence numbers and ports.
    private mutating func number() -> Value? {
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        var value: Double = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39, digits < 16 {
            value = value * 10 + Double(bytes[index] - 0x30)
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        if index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 || bytes[index] == UInt8(ascii: ".")
            || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") { return nil }
        return .number(negative ? -value : value)
    }
}
