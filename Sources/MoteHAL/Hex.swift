/// Hexadecimal text without Foundation's String(format:), identical in every build.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// "0x76"
    public static func byte(_ value: UInt8) -> String {
        "0x" + encode([value])
    }

    /// Lower-case hex digits, two per byte, no separators.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            utf8.append(digits[Int(byte >> 4)])
            utf8.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}
