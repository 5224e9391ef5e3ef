/// Concise Binary Object Representation (RFC 8949): the subset SenML needs.
///
/// The writer emits preferred serialization (section 4.1): the shortest argument for every
/// integer and length, and for floats the shortest of half, single and double precision that
/// gives the value back exactly. The reader is strict about what it accepts: definite lengths
/// only, no tags, no simple values but false and true, valid UTF-8 text, a nesting limit, and
/// exactly one item with nothing after it.
public enum CBORValue: Equatable, Sendable {
    case unsigned(UInt64)
    /// Major type 1: the value is -1 - n (so `.negative(0)` is -1).
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBORValue])
    /// Pairs in the order they came; duplicate keys are the caller's to judge.
    case map([CBORPair])
    case boolean(Bool)
    case float(Double)

    /// An integer that fits Int64, for labels and small counts.
    public var integer: Int64? {
        switch self {
        case .unsigned(let n): return n <= UInt64(Int64.max) ? Int64(n) : nil
        case .negative(let n): return n <= UInt64(Int64.max) ? -1 - Int64(n) : nil
        default: return nil
        }
    }

    /// Integers and floats as a Double (integers beyond 2^53 round).
    public var number: Double? {
        switch self {
        case .unsigned(let n): return Double(n)
        case .negative(let n): return -1 - Double(n)
        case .float(let value): return value
        default: return nil
        }
    }
}

public struct CBORPair: Equatable, Sendable {
    public var key: CBORValue
    public var value: CBORValue

    public init(_ key: CBORValue, _ value: CBORValue) {
        self.key = key
        self.value = value
    }
}

/// Appends CBOR items to a byte array.
public struct CBORWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// The initial byte and the shortest argument (RFC 8949 section 3).
    mutating func head(_ major: UInt8, _ argument: UInt64) {
        let type = major << 5
        if argument < 24 {
            bytes.append(type | UInt8(argument))
        } else if argument <= 0xFF {
            bytes.append(type | 24)
            bytes.append(UInt8(argument))
        } else if argument <= 0xFFFF {
            bytes.append(type | 25)
            appendBigEndian(argument, count: 2)
        } else if argument <= 0xFFFF_FFFF {
            bytes.append(type | 26)
            appendBigEndian(argument, count: 4)
        } else {
            bytes.append(type | 27)
            appendBigEndian(argument, count: 8)
        }
    }

    private mutating func appendBigEndian(_ value: UInt64, count: Int) {
        for index in stride(from: count - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(index * 8)))
        }
    }

    public mutating func unsigned(_ value: UInt64) { head(0, value) }

    public mutating func integer(_ value: Int64) {
        if value >= 0 { head(0, UInt64(value)) } else { head(1, UInt64(-(value + 1))) }
    }

    public mutating func text(_ string: String) {
        head(3, UInt64(string.utf8.count))
        bytes.append(contentsOf: string.utf8)
    }

    public mutating func byteString(_ data: [UInt8]) {
        head(2, UInt64(data.count))
        bytes.append(contentsOf: data)
    }

    /// The header of an array of `count` items; the items follow.
    public mutating func arrayHeader(_ count: Int) { head(4, UInt64(count)) }
    /// The header of a map of `count` pairs; key, value, key, value, ... follow.
    public mutating func mapHeader(_ count: Int) { head(5, UInt64(count)) }

    public mutating func boolean(_ value: Bool) { bytes.append(value ? 0xF5 : 0xF4) }

    /// A float in preferred serialization: half (f9) when the value survives the trip through
    /// half precision, else single (fa), else double (fb). Every NaN becomes the quiet NaN f9 7e 00.
    public mutating func float(_ value: Double) {
        if value.isNaN {
            bytes += [0xF9, 0x7E, 0x00]
            return
        }
        let single = Float(value)
        guard Double(single) == value else {
            bytes.append(0xFB)
            appendBigEndian(value.bitPattern, count: 8)
            return
        }
        if let half = Self.halfBits(single) {
            bytes.append(0xF9)
            appendBigEndian(UInt64(half), count: 2)
        } else {
            bytes.append(0xFA)
            appendBigEndian(UInt64(single.bitPattern), count: 4)
        }
    }

    /// A number with numeric reduction (RFC 8949 section 4.2.2): an integral value within
    /// ±2^53 as an integer (1.0 → 01, -5.0 → 24), anything else as `float`. -0.0 stays a float,
    /// so the sign survives.
    public mutating func number(_ value: Double) {
        if value.isFinite, value == value.rounded(.towardZero), abs(value) <= 9_007_199_254_740_992,
           !(value == 0 && value.sign == .minus) {
            integer(Int64(value))
        } else {
            float(value)
        }
    }

    /// The IEEE 754 half-precision bits of `value` when they represent it exactly.
    static func halfBits(_ value: Float) -> UInt16? {
        let bits = value.bitPattern
        let sign = UInt16(bits >> 31) << 15
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0 {
            return mantissa == 0 ? sign : nil  // zero; single subnormals are far below half's range
        }
        if exponent == 0xFF {
            return mantissa == 0 ? sign | 0x7C00 : 0x7E00
        }
        let unbiased = exponent - 127
        if unbiased >= -14 && unbiased <= 15 {
            guard mantissa & 0x1FFF == 0 else { return nil }
            return sign | UInt16(unbiased + 15) << 10 | UInt16(mantissa >> 13)
        }
        if unbiased >= -24 && unbiased < -14 {
            // Half subnormal: m × 2^-24 with the implicit bit made explicit.
            let significand = UInt32(1) << 23 | mantissa
            let shift = UInt32(-unbiased - 1)
            guard significand & ((UInt32(1) << shift) - 1) == 0 else { return nil }
            return sign | UInt16(significand >> shift)
        }
        return nil
    }

    /// Writes a whole value tree.
    public mutating func value(_ item: CBORValue) {
        switch item {
        case .unsigned(let n): head(0, n)
        case .negative(let n): head(1, n)
        case .bytes(let data): byteString(data)
        case .text(let string): text(string)
        case .array(let items):
            arrayHeader(items.count)
            for element in items { value(element) }
        case .map(let pairs):
            mapHeader(pairs.count)
            for pair in pairs {
                value(pair.key)
                value(pair.value)
            }
        case .boolean(let flag): boolean(flag)
        case .float(let number): float(number)
        }
    }
}

/// Why the reader refused its input; `offset` is where the offending item starts.
public enum CBORError: Error, Equatable, CustomStringConvertible {
    case empty
    case truncated(offset: Int, needed: Int, available: Int)
    case indefiniteLength(offset: Int)
    case reservedAdditionalInfo(offset: Int, value: UInt8)
    case unsupportedTag(offset: Int, tag: UInt64)
    case unsupportedSimpleValue(offset: Int, value: UInt64)
    case invalidUTF8(offset: Int)
    case tooDeep(offset: Int, limit: Int)
    case trailingBytes(offset: Int, count: Int)

    public var description: String {
        switch self {
        case .empty: return "no CBOR item: the input is empty"
        case .truncated(let offset, let needed, let available):
            return "truncated item at byte \(offset): needs \(needed) more bytes, \(available) left"
        case .indefiniteLength(let offset):
            return "indefinite length at byte \(offset): not supported (only definite lengths)"
        case .reservedAdditionalInfo(let offset, let value):
            return "reserved additional information \(value) at byte \(offset) (RFC 8949 section 3)"
        case .unsupportedTag(let offset, let tag): return "tag \(tag) at byte \(offset): tags are not supported"
        case .unsupportedSimpleValue(let offset, let value):
            return "simple value \(value) at byte \(offset): only false and true are supported"
        case .invalidUTF8(let offset): return "text string at byte \(offset) is not valid UTF-8"
        case .tooDeep(let offset, let limit): return "nesting deeper than \(limit) at byte \(offset)"
        case .trailingBytes(let offset, let count): return "\(count) bytes after the item, from byte \(offset)"
        }
    }
}

/// Reads exactly one CBOR item from a byte array.
public struct CBORReader {
    public static let defaultDepthLimit = 16

    private let bytes: [UInt8]
    private var offset = 0
    private let depthLimit: Int

    private init(_ bytes: [UInt8], depthLimit: Int) {
        self.bytes = bytes
        self.depthLimit = depthLimit
    }

    /// The one item `bytes` holds; anything after it is an error.
    public static func decode(_ bytes: [UInt8], depthLimit: Int = defaultDepthLimit) throws(CBORError) -> CBORValue {
        guard !bytes.isEmpty else { throw .empty }
        var reader = CBORReader(bytes, depthLimit: depthLimit)
        let value = try reader.item(depth: 1)
        if reader.offset < bytes.count {
            throw .trailingBytes(offset: reader.offset, count: bytes.count - reader.offset)
        }
        return value
    }

    private mutating func take(_ count: Int, itemStart: Int) throws(CBORError) -> ArraySlice<UInt8> {
        let available = bytes.count - offset
        guard count <= available else { throw .truncated(offset: itemStart, needed: count, available: available) }
        let slice = bytes[offset..<(offset + count)]
        offset += count
        return slice
    }

    private mutating func bigEndian(_ count: Int, itemStart: Int) throws(CBORError) -> UInt64 {
        var value: UInt64 = 0
        for byte in try take(count, itemStart: itemStart) { value = value << 8 | UInt64(byte) }
        return value
    }

    private mutating func item(depth: Int) throws(CBORError) -> CBORValue {
        let start = offset
        guard depth <= depthLimit else { throw .tooDeep(offset: start, limit: depthLimit) }
        let initial = try take(1, itemStart: start).first!
        let major = initial >> 5
        let info = initial & 0x1F

        if major == 7 {
            switch info {
            case 20: return .boolean(false)
            case 21: return .boolean(true)
            case 25: return .float(Self.double(half: UInt16(try bigEndian(2, itemStart: start))))
            case 26: return .float(Double(Float(bitPattern: UInt32(try bigEndian(4, itemStart: start)))))
            case 27: return .float(Double(bitPattern: try bigEndian(8, itemStart: start)))
            case 24: throw .unsupportedSimpleValue(offset: start, value: try bigEndian(1, itemStart: start))
            case 28, 29, 30: throw .reservedAdditionalInfo(offset: start, value: info)
            case 31: throw .indefiniteLength(offset: start)  // the "break" stop code, out of place
            default: throw .unsupportedSimpleValue(offset: start, value: UInt64(info))
            }
        }

        let argument: UInt64
        switch info {
        case 0..<24: argument = UInt64(info)
        case 24: argument = try bigEndian(1, itemStart: start)
        case 25: argument = try bigEndian(2, itemStart: start)
        case 26: argument = try bigEndian(4, itemStart: start)
        case 27: argument = try bigEndian(8, itemStart: start)
        case 31: throw .indefiniteLength(offset: start)
        default: throw .reservedAdditionalInfo(offset: start, value: info)
        }

        switch major {
        case 0: return .unsigned(argument)
        case 1: return .negative(argument)
        case 2, 3:
            let available = bytes.count - offset
            guard argument <= UInt64(available) else {
                throw .truncated(offset: start, needed: argument > UInt64(Int.max) ? Int.max : Int(argument), available: available)
            }
            let data = Array(try take(Int(argument), itemStart: start))
            if major == 2 { return .bytes(data) }
            let text = String(decoding: data, as: UTF8.self)
            // Decoding replaces ill-formed sequences with U+FFFD: a changed byte count or byte means invalid input.
            guard text.utf8.elementsEqual(data) else { throw .invalidUTF8(offset: start) }
            return .text(text)
        case 4, 5:
            // Every item takes at least one byte: a count beyond the bytes left is truncated,
            // and refusing it here keeps a forged count from reserving memory.
            let perItem: UInt64 = major == 4 ? 1 : 2
            let available = bytes.count - offset
            guard argument <= UInt64(available) / perItem else {
                throw .truncated(offset: start, needed: argument > UInt64(Int.max) / perItem ? Int.max : Int(argument * perItem), available: available)
            }
            let count = Int(argument)
            if major == 4 {
                var items: [CBORValue] = []
                items.reserveCapacity(count)
                for _ in 0..<count { items.append(try item(depth: depth + 1)) }
                return .array(items)
            }
            var pairs: [CBORPair] = []
            pairs.reserveCapacity(count)
            for _ in 0..<count {
                let key = try item(depth: depth + 1)
                let value = try item(depth: depth + 1)
                pairs.append(CBORPair(key, value))
            }
            return .map(pairs)
        default:  // 6
            throw .unsupportedTag(offset: start, tag: argument)
        }
    }

    /// IEEE 754 half precision to Double (RFC 8949 Appendix D).
    static func double(half: UInt16) -> Double {
        let exponent = Int((half >> 10) & 0x1F)
        let mantissa = Double(half & 0x3FF)
        let magnitude: Double
        if exponent == 0 {
            magnitude = mantissa * 0x1p-24
        } else if exponent == 31 {
            magnitude = mantissa == 0 ? .infinity : .nan
        } else {
            var scale: Double = 1
            if exponent >= 25 {
                for _ in 0..<(exponent - 25) { scale *= 2 }
            } else {
                for _ in 0..<(25 - exponent) { scale /= 2 }
            }
            magnitude = (mantissa + 1024) * scale
        }
        return half & 0x8000 != 0 ? -magnitude : magnitude
    }
}
