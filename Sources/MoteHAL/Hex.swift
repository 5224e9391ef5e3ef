/// Hexadecimal text without Foundation's String(format:), identical in every build.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let upperDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// "0x76"
    public static func byte(_ value: UInt8) -> String {
        "0x" + encode([value])
    }

    /// Hex digits, two per byte, no separators; lower case unless `uppercase` (what AT modems
    /// and the downlink error texts write).
    public static func encode(_ bytes: some Collection<UInt8>, uppercase: Bool = false) -> String {
        let table = uppercase ? upperDigits : digits
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            utf8.append(table[Int(byte >> 4)])
            utf8.append(table[Int(byte & 0x0F)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The bytes of hex text: two digits a byte, either case, nothing else (no prefix, no
    /// spaces); nil for an odd count or any other character.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var high: UInt8?
        for character in text {
            guard let value = nibble(character) else { return nil }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }

    public static func decode(_ text: String) -> [UInt8]? { decode(text.utf8) }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
