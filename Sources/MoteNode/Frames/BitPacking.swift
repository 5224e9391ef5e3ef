/// Bits into bytes, most significant bit first: the first bit written is bit 7 of byte 0.
/// One bit at a time on purpose: frames are a few dozen bytes and this is easy to check.
public struct BitWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Bits written so far; the last byte holds `bitCount % 8` of them when that is not 0.
    public private(set) var bitCount = 0

    public init() {}

    /// Appends the low `bits` bits of `value`, its most significant of them first. `bits` is
    /// 0...64 and `value` must fit in them (a caller's bug otherwise, not a runtime fault).
    public mutating func write(_ value: UInt64, bits: Int) {
        precondition(bits >= 0 && bits <= 64, "BitWriter: bit count out of 0...64")
        precondition(bits == 64 || value >> UInt64(bits) == 0, "BitWriter: value wider than its bits")
        var index = bits - 1
        while index >= 0 {
            if bitCount % 8 == 0 { bytes.append(0) }
            if (value >> UInt64(index)) & 1 == 1 {
                bytes[bytes.count - 1] |= UInt8(0x80) >> UInt8(bitCount % 8)
            }
            bitCount += 1
            index -= 1
        }
    }
}

/// Reads what a `BitWriter` wrote: bits most significant first, starting at bit 7 of the first
/// byte given.
public struct BitReader: Sendable {
    private let bytes: [UInt8]
    /// The next bit to read, counted from bit 7 of `bytes[0]`.
    public private(set) var position = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Bits not read yet.
    public var remaining: Int { bytes.count * 8 - position }

    /// The next `bits` bits (0...64) as an unsigned number, or nil, reading nothing, when fewer
    /// than `bits` are left.
    public mutating func read(bits: Int) -> UInt64? {
        precondition(bits >= 0 && bits <= 64, "BitReader: bit count out of 0...64")
        guard bits <= remaining else { return nil }
        var value: UInt64 = 0
        for _ in 0..<bits {
            let bit = (bytes[position / 8] >> UInt8(7 - position % 8)) & 1
            value = value << 1 | UInt64(bit)
            position += 1
        }
        return value
    }
}
