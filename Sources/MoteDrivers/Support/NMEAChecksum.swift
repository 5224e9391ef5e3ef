import MoteHAL

/// The checksum of NMEA 0183 sentences: the XOR of every byte between `$` and `*`, written after
/// the `*` as two hex digits (upper case by the standard; lower case accepted).
public enum NMEAChecksum {
    public static func checksum(_ body: some Sequence<UInt8>) -> UInt8 {
        var sum: UInt8 = 0
        for byte in body { sum ^= byte }
        return sum
    }

    /// The body of `line` (between `$` and `*`), its checksum verified.
    public static func body(of line: [UInt8]) -> Result<ArraySlice<UInt8>, NMEAChecksumError> {
        guard line.first == UInt8(ascii: "$") else { return .failure(.noStart) }
        guard let star = line.lastIndex(of: UInt8(ascii: "*")), line.count - star == 3,
              let high = hexDigit(line[star + 1]), let low = hexDigit(line[star + 2]) else {
            return .failure(.noChecksum)
        }
        let body = line[1..<star]
        let expected = checksum(body)
        let found = high << 4 | low
        guard expected == found else { return .failure(.mismatch(expected: expected, found: found)) }
        return .success(body)
    }

    /// "$" + body + "*" + two upper-case hex digits, without the line end.
    public static func sentence(_ body: [UInt8]) -> [UInt8] {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        let sum = checksum(body)
        return [UInt8(ascii: "$")] + body + [UInt8(ascii: "*"), digits[Int(sum >> 4)], digits[Int(sum & 0x0F)]]
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

public enum NMEAChecksumError: Error, Equatable, CustomStringConvertible {
    /// The line does not begin with `$`.
    case noStart
    /// No `*hh` at the end.
    case noChecksum
    case mismatch(expected: UInt8, found: UInt8)

    public var description: String {
        switch self {
        case .noStart: return "no $ at the start"
        case .noChecksum: return "no *hh checksum at the end"
        case .mismatch(let expected, let found): return "checksum mismatch: expected \(Hex.byte(expected)), found \(Hex.byte(found))"
        }
    }
}
