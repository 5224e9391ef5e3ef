import MoteHAL

/// The CRC of Modbus RTU frames (Modbus over Serial Line V1.02, 6.2.2): CRC-16/MODBUS,
/// polynomial 0xA001 reflected, initial value 0xFFFF, no final XOR, sent low byte first.
/// The request 01 03 00 00 00 0A ends in C5 CD.
public enum ModbusCRC {
    public static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0xFFFF
        for byte in bytes {
            crc ^= UInt16(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }

    /// `body` with its CRC appended, low byte first.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        let crc = crc16(body)
        return body + [UInt8(crc & 0xFF), UInt8(crc >> 8)]
    }

    /// The CRC a whole frame carries in its last two bytes, and the one its body gives.
    public static func check(_ frame: [UInt8]) -> (expected: UInt16, found: UInt16)? {
        guard frame.count >= 2 else { return nil }
        let found = UInt16(frame[frame.count - 2]) | UInt16(frame[frame.count - 1]) << 8
        return (crc16(frame.dropLast(2)), found)
    }
}
