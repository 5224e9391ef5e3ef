/// The Dallas/Maxim 1-Wire CRC-8: polynomial x^8 + x^5 + x^4 + 1, reflected (0x8C), initial 0
/// (Maxim application note 27). The CRC over the first 8 bytes of a DS18B20 scratchpad is its
/// 9th byte, so the CRC over all 9 is 0.
public enum MaximCRC {
    public static func crc8(_ bytes: some Sequence<UInt8>) -> UInt8 {
        var crc: UInt8 = 0
        for byte in bytes {
            var b = byte
            for _ in 0..<8 {
                let mix = (crc ^ b) & 0x01
                crc >>= 1
                if mix != 0 { crc ^= 0x8C }
                b >>= 1
            }
        }
        return crc
    }
}
