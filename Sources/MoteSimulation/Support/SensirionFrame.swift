import MoteHAL

/// Replies as Sensirion parts frame them: each 16-bit word, most significant byte first, followed
/// by its CRC-8 (polynomial 0x31, initial value 0xFF). The models' own implementation: this target
/// does not depend on MoteDrivers, and an independent CRC lets the two check each other.
enum SensirionFrame {
    static func crc(_ msb: UInt8, _ lsb: UInt8) -> UInt8 {
        var crc: UInt8 = 0xFF
        for byte in [msb, lsb] {
            crc ^= byte
            for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x31 : crc << 1 }
        }
        return crc
    }

    /// [msb, lsb, crc] per word; the CRC of word `corrupt` (if any) is inverted.
    static func reply(_ words: [UInt16], corrupt: Int? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, word) in words.enumerated() {
            let msb = UInt8(word >> 8), lsb = UInt8(word & 0xFF)
            let crc = crc(msb, lsb)
            bytes += [msb, lsb, index == corrupt ? ~crc : crc]
        }
        return bytes
    }
}

/// The reply a Sensirion part holds after a command: available from `readyAt`, read out once.
struct SensirionReply {
    private var bytes: [UInt8] = []
    private var readyAt: Instant?
    private var cursor = 0
    private var readStarted = false

    /// Nothing to read: the part NAKs a read header.
    mutating func clear() {
        bytes = []
        readyAt = nil
        readStarted = false
    }

    mutating func set(_ bytes: [UInt8], readyAt: Instant) {
        self.bytes = bytes
        self.readyAt = readyAt
        cursor = 0
        readStarted = false
    }

    /// A read header: ACKed when a reply is there and ready.
    mutating func startRead(at now: Instant) -> Bool {
        guard let readyAt, now >= readyAt else { return false }
        cursor = 0
        readStarted = true
        return true
    }

    /// The next byte; past the end the bus floats high.
    mutating func next() -> UInt8 {
        guard cursor < bytes.count else { return 0xFF }
        defer { cursor += 1 }
        return bytes[cursor]
    }

    /// STOP: a reply that was read is gone.
    mutating func stop() {
        if readStarted { clear() }
    }
}
