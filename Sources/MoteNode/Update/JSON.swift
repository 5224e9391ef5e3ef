import MoteHAL

/// A strict RFC 8259 JSON parser for untrusted input: the TUF metadata a board downloads. It works
/// on UTF-8 bytes in one pass, validates UTF-8 exactly, refuses duplicate keys and nesting deeper
/// than a limit, and never traps on any input (it is fuzzed). The caller bounds the size.
///
/// Numbers: TUF uses integers only, but unknown fields may hold any JSON number, so every number
/// parses; one that is not an integer in Int64's range keeps its text (`.number`), and the readers
/// that need an integer say so.
public enum JSON {
    /// Nesting deeper than this (arrays and objects) is refused. TUF metadata needs about 6.
    public static let defaultMaxDepth = 64

    public static func parse(_ bytes: [UInt8], maxDepth: Int = JSON.defaultMaxDepth) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        return try parser.document()
    }
}

public indirect enum JSONValue: Equatable, Sendable {
    case object(JSONObject)
    case array([JSONValue])
    case string(String)
    case integer(Int64)
    /// A number that is not an integer in Int64's range (a fraction, an exponent, or too large),
    /// as written: "1.5", "1e3", "18446744073709551616".
    case number(String)
    case bool(Bool)
    case null

    /// For messages: "expected an object, found a string".
    public var typeName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .integer: "an integer"
        case .number(let text): JSONValue.isIntegerText(text) ? "an integer out of range" : "a non-integer number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    /// Strings compare by their UTF-8 bytes, not by Swift's canonical equivalence: two values
    /// are equal when their canonical JSON is.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.integer(let x), .integer(let y)): return x == y
        case (.number(let x), .number(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// Integer syntax (no fraction, no exponent) in a `.number`: an integer too large for Int64.
    static func isIntegerText(_ text: String) -> Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }
}

public struct JSONMember: Equatable, Sendable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }

    public static func == (a: JSONMember, b: JSONMember) -> Bool {
        a.key.utf8.elementsEqual(b.key.utf8) && a.value == b.value
    }
}

/// Members in document order; keys are unique byte for byte (the parser checks). Keys compare by
/// their UTF-8 bytes, never by Swift's String equality, which would make "é" and "e\u{301}" one key.
public struct JSONObject: Equatable, Sendable {
    public var members: [JSONMember]

    public init(_ members: [JSONMember] = []) {
        self.members = members
    }

    public subscript(key: String) -> JSONValue? {
        for member in members where member.key.utf8.elementsEqual(key.utf8) { return member.value }
        return nil
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.members.count == b.members.count else { return false }
        return a.members.elementsEqual(b.members)
    }
}

/// "offset 37: expected ':' after an object key". The offset counts bytes from 0.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "offset \(offset): \(reason)" }
}

// MARK: - The parser

private struct JSONParser {
    let bytes: [UInt8]
    let maxDepth: Int
    var i = 0
    var depth = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func document() throws(JSONError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard i == bytes.count else { throw JSONError(offset: i, reason: "unexpected \(describe(at: i)) after the JSON value") }
        return value
    }

    mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    /// What a reader sees at `index`, for messages: "'x'", "byte 0xff", "end of input".
    func describe(at index: Int) -> String {
        guard index < bytes.count else { return "end of input" }
        let b = bytes[index]
        if b >= 0x21 && b < 0x7F { return "'" + String(decoding: [b], as: UTF8.self) + "'" }
        return "byte " + Hex.byte(b)
    }

    mutating func parseValue() throws(JSONError) -> JSONValue {
        guard i < bytes.count else { throw JSONError(offset: i, reason: "expected a value, found end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw JSONError(offset: i, reason: "expected a value, found \(describe(at: i))")
        }
    }

    mutating func literal(_ word: String) throws(JSONError) {
        let start = i
        for expected in word.utf8 {
            guard i < bytes.count, bytes[i] == expected else {
                throw JSONError(offset: start, reason: "expected '\(word)', found \(describe(at: i))")
            }
            i += 1
        }
    }

    mutating func enter() throws(JSONError) {
        depth += 1
        if depth > maxDepth { throw JSONError(offset: i, reason: "nested deeper than \(maxDepth) arrays and objects") }
    }

    mutating func parseObject() throws(JSONError) -> JSONValue {
        try enter()
        i += 1  // '{'
        var members: [JSONMember] = []
        var keyOffsets: [Int] = []
        skipWhitespace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(JSONObject())
        }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                throw JSONError(offset: i, reason: "expected a string key, found \(describe(at: i))")
            }
            keyOffsets.append(i)
            let key = try parseString()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                throw JSONError(offset: i, reason: "expected ':' after an object key, found \(describe(at: i))")
            }
            i += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try parseValue()))
            skipWhitespace()
            guard i < bytes.count else { throw JSONError(offset: i, reason: "expected ',' or '}' in an object, found end of input") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "}") else {
                throw JSONError(offset: i, reason: "expected ',' or '}' in an object, found \(describe(at: i))")
            }
            i += 1
            break
        }
        try checkUniqueKeys(members, keyOffsets)
        depth -= 1
        return .object(JSONObject(members))
    }

    /// Sorting by bytes finds duplicates in n log n, whatever an attacker puts in one object.
    func checkUniqueKeys(_ members: [JSONMember], _ offsets: [Int]) throws(JSONError) {
        guard members.count > 1 else { return }
        let order = CanonicalJSON.sortedIndices(members)
        var duplicate: (first: Int, later: Int)?
        for k in 1..<order.count where members[order[k - 1]].key.utf8.elementsEqual(members[order[k]].key.utf8) {
            let pair = (min(order[k - 1], order[k]), max(order[k - 1], order[k]))
            if duplicate == nil || pair.1 < duplicate!.later { duplicate = (pair.0, pair.1) }
        }
        if let (first, later) = duplicate {
            throw JSONError(offset: offsets[later], reason: "duplicate key \"\(members[later].key)\" (first at offset \(offsets[first]))")
        }
    }

    mutating func parseArray() throws(JSONError) -> JSONValue {
        try enter()
        i += 1  // '['
        var elements: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard i < bytes.count else { throw JSONError(offset: i, reason: "expected ',' or ']' in an array, found end of input") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "]") else {
                throw JSONError(offset: i, reason: "expected ',' or ']' in an array, found \(describe(at: i))")
            }
            i += 1
            depth -= 1
            return .array(elements)
        }
    }

    // MARK: Numbers

    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = i
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        guard i < bytes.count, Self.isDigit(bytes[i]) else {
            throw JSONError(offset: i, reason: "expected a digit after '-', found \(describe(at: i))")
        }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count && Self.isDigit(bytes[i]) {
                throw JSONError(offset: start, reason: "a number cannot start with 0 (leading zeros are not JSON)")
            }
        } else {
            while i < bytes.count && Self.isDigit(bytes[i]) { i += 1 }
        }
        let integerEnd = i
        var isInteger = true
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < bytes.count, Self.isDigit(bytes[i]) else {
                throw JSONError(offset: i, reason: "expected a digit after '.' in a number, found \(describe(at: i))")
            }
            while i < bytes.count && Self.isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            isInteger = false
            i += 1
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < bytes.count, Self.isDigit(bytes[i]) else {
                throw JSONError(offset: i, reason: "expected a digit in a number's exponent, found \(describe(at: i))")
            }
            while i < bytes.count && Self.isDigit(bytes[i]) { i += 1 }
        }
        if isInteger {
            // Accumulated negatively, so Int64.min fits.
            var value: Int64 = 0
            var fits = true
            for k in (negative ? start + 1 : start)..<integerEnd {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (next, o2) = times.subtractingReportingOverflow(Int64(bytes[k] - UInt8(ascii: "0")))
                if o1 || o2 {
                    fits = false
                    break
                }
                value = next
            }
            if fits && negative { return .integer(value) }
            if fits && value != Int64.min { return .integer(-value) }
        }
        return .number(String(decoding: bytes[start..<i], as: UTF8.self))
    }

    // MARK: Strings

    /// At '"': the string's scalars, escapes resolved. Raw bytes are validated as UTF-8 exactly
    /// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
    mutating func parseString() throws(JSONError) -> String {
        let open = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw JSONError(offset: open, reason: "unterminated string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                try parseEscape(into: &out)
            } else if b < 0x20 {
                throw JSONError(offset: i, reason: "control character \(Hex.byte(b)) in a string (write it as an escape)")
            } else if b < 0x80 {
                out.append(b)
                i += 1
            } else {
                let length = try utf8SequenceLength(at: i)
                out.append(contentsOf: bytes[i..<(i + length)])
                i += length
            }
        }
    }

    /// The length of the valid UTF-8 sequence at `index` (RFC 3629 table 3.7 of Unicode).
    func utf8SequenceLength(at index: Int) throws(JSONError) -> Int {
        let b0 = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F  // U+D800...U+DFFF are not scalars
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F  // nothing above U+10FFFF
        default: throw JSONError(offset: index, reason: "invalid UTF-8: byte \(Hex.byte(b0)) cannot start a character")
        }
        for k in 1..<length {
            guard index + k < bytes.count else { throw JSONError(offset: index, reason: "invalid UTF-8: truncated character") }
            let b = bytes[index + k]
            let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            guard b >= lo && b <= hi else {
                throw JSONError(offset: index + k, reason: "invalid UTF-8: byte \(Hex.byte(b)) after \(Hex.byte(b0))")
            }
        }
        return length
    }

    mutating func parseEscape(into out: inout [UInt8]) throws(JSONError) {
        let start = i
        i += 1
        guard i < bytes.count else { throw JSONError(offset: start, reason: "unterminated string") }
        let c = bytes[i]
        i += 1
        switch c {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4(escapeAt: start)
            if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw JSONError(offset: start, reason: "lone low surrogate \\u\(hex4Text(scalar)) (not a character)")
            }
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                    throw JSONError(offset: start, reason: "high surrogate \\u\(hex4Text(scalar)) not followed by a low surrogate escape")
                }
                let second = i
                i += 2
                let low = try hex4(escapeAt: second)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw JSONError(offset: second, reason: "high surrogate \\u\(hex4Text(scalar)) followed by \\u\(hex4Text(low)), not a low surrogate")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            appendUTF8(scalar, to: &out)
        default:
            throw JSONError(offset: start, reason: "invalid escape \\\(c >= 0x21 && c < 0x7F ? String(decoding: [c], as: UTF8.self) : Hex.byte(c)) in a string")
        }
    }

    /// The four hex digits after "\u".
    mutating func hex4(escapeAt start: Int) throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard i < bytes.count else { throw JSONError(offset: start, reason: "\\u escape needs four hex digits") }
            let b = bytes[i]
            let digit: UInt8
            switch b {
            case 0x30...0x39: digit = b - 0x30
            case 0x41...0x46: digit = b - 0x41 + 10
            case 0x61...0x66: digit = b - 0x61 + 10
            default: throw JSONError(offset: start, reason: "\\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    func hex4Text(_ value: UInt32) -> String {
        Hex.encode([UInt8(value >> 8), UInt8(value & 0xFF)], uppercase: true)
    }

    func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
