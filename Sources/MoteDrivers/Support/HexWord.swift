import MoteHAL

extension Hex {
    /// "0x2400": a 16-bit command or register value, most significant byte first.
    static func word(_ value: UInt16) -> String {
        number(UInt64(value), bytes: 2)
    }

    /// The low `bytes` bytes of `value`, most significant first: "0xf8969f073bbe".
    static func number(_ value: UInt64, bytes: Int) -> String {
        var big: [UInt8] = []
        for index in stride(from: bytes - 1, through: 0, by: -1) {
            big.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * index)))
        }
        return "0x" + encode(big)
    }
}
