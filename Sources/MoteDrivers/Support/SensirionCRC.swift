import MoteHAL

/// The CRC-8 of Sensirion's SHT3x, SHT4x and SCD4x: polynomial 0x31, initial value 0xFF, no
/// reflection, no final XOR, over each 16-bit word (datasheets: SHT4x 4.4, SCD4x 3.11).
/// 0xBEEF gives 0x92.
public enum SensirionCRC {
    public static func crc8(_ bytes: some Sequence<UInt8>) -> UInt8 {
        var crc: UInt8 = 0xFF
        for byte in bytes {
            crc ^= byte
            for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x31 : crc << 1 }
        }
        return crc
    }

    /// Words of a reply laid out as [msb, lsb, crc] triples; nil names the first bad word.
    public static func words(_ reply: [UInt8]) -> Result<[UInt16], SensirionCRCError> {
        guard reply.count % 3 == 0 else { return .failure(.length(reply.count)) }
        var words: [UInt16] = []
        var index = 0
        while index < reply.count {
            let word = Array(reply[index..<index + 2])
            guard crc8(word) == reply[index + 2] else {
                return .failure(.mismatch(word: index / 3, expected: crc8(word), found: reply[index + 2]))
            }
            words.append(UInt16(word[0]) << 8 | UInt16(word[1]))
            index += 3
        }
        return .success(words)
    }

    /// Reads `names.count` words with their CRCs from `address`: the reply every Sensirion
    /// command has. A CRC failure names the word (`names[i]`).
    public static func readWords<Bus: I2CBus>(_ bus: inout Bus, _ address: UInt8, names: [String]) -> Result<[UInt16], SensirionReadError> {
        var reply: [UInt8] = Array(repeating: 0, count: 3 * names.count)
        do { try bus.read(address, into: &reply) } catch { return .failure(.bus(error)) }
        switch words(reply) {
        case .success(let words):
            return .success(words)
        case .failure(let crcError):
            var word = ""
            if case .mismatch(let index, _, _) = crcError { word = names[index] }
            return .failure(.checksum(crcError, word: word))
        }
    }

    /// [msb, lsb, crc] for a word the host sends (SCD4x command arguments).
    public static func encode(_ word: UInt16) -> [UInt8] {
        let bytes = [UInt8(word >> 8), UInt8(word & 0xFF)]
        return bytes + [crc8(bytes)]
    }
}

/// Why a Sensirion reply could not be read: the bus, or a word's CRC.
public enum SensirionReadError: Error, Equatable {
    case bus(BusError)
    case checksum(SensirionCRCError, word: String)
}

public enum SensirionCRCError: Error, Equatable, CustomStringConvertible {
    case length(Int)
    case mismatch(word: Int, expected: UInt8, found: UInt8)

    public var description: String {
        switch self {
        case .length(let n): return "reply of \(n) bytes is not whole words with CRCs"
        case .mismatch(let word, let expected, let found):
            return "CRC mismatch in word \(word): expected \(Hex.byte(expected)), found \(Hex.byte(found))"
        }
    }
}
