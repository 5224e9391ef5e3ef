import MoteHAL

/// A DS18B20 on a simulated w1 bus, printing w1_slave as the kernel's w1_therm driver does:
/// the scratchpad (temperature in 1/16 °C, TH, TL, config 0x7F for 12 bits, 0xFF, reserved,
/// 0x10, CRC) with the kernel's CRC verdict, then t= in millidegrees.
public final class DS18B20Model: OneWireBus {
    public enum Fault: Equatable, Sendable {
        /// The device is gone from the bus (a broken wire).
        case disconnected
        /// The scratchpad arrives corrupted: the kernel prints "NO".
        case crcError
        /// The reset value, 85 °C, as when the sensor lost power mid-conversion.
        case powerOnReset
        case stuck
    }

    public let id: String
    private let clock: any Clock
    private var faults = FaultSchedule<Fault>()
    private var last: Int16 = 0
    /// 1/16 °C at the start of the drift curve: 21.5 °C.
    public var base: Int16 = 344

    public init(id: String = "28-0316a2795dff", clock: any Clock) {
        self.id = id
        self.clock = clock
    }

    public func inject(_ fault: Fault, from: Instant = .zero, until: Instant? = nil) {
        faults.add(fault, from: from, until: until)
    }

    public func clearFaults() {
        faults.removeAll()
    }

    private func active(_ fault: Fault) -> Bool {
        faults.active(at: clock.now(), { $0 == fault }) != nil
    }

    public func devices() -> [String] {
        active(.disconnected) ? [] : [id]
    }

    public func readSlave(_ id: String) throws(BusError) -> String {
        guard id == self.id, !active(.disconnected) else {
            throw BusError(.unavailable, operation: "read w1_slave", bus: "sim-w1/" + id, errno: .ENOENT)
        }
        // A 12-bit conversion takes 750 ms; the kernel waits it out inside the read.
        clock.sleep(until: clock.now() + .milliseconds(750))
        var raw: Int16
        if active(.powerOnReset) {
            raw = 0x0550
        } else if active(.stuck) {
            raw = last
        } else {
            // A slow sine-free drift: ±2 °C over an hour of seconds, in 1/16 °C steps.
            let minute = clock.now().nanoseconds / 60_000_000_000
            let phase = minute % 60
            raw = base + Int16(phase < 30 ? phase : 60 - phase)
        }
        last = raw
        var pad: [UInt8] = [UInt8(truncatingIfNeeded: raw), UInt8(truncatingIfNeeded: raw >> 8), 0x4B, 0x46, 0x7F, 0xFF,
                            raw == 0x0550 ? 0x0C : 0x0E, 0x10]
        pad.append(modelCRC(pad))
        let corrupt = active(.crcError)
        if corrupt { pad[0] ^= 0x01 }
        let hex = pad.map { Hex.encode([$0]) }.joined(separator: " ")
        let verdict = corrupt ? "NO" : "YES"
        let millidegrees = Int(raw) * 1000 / 16
        return "\(hex) : crc=\(Hex.encode([pad[8]])) \(verdict)\n\(hex) t=\(millidegrees)\n"
    }
}

/// The model's own copy of the Maxim CRC (not the driver's): a wrong driver table fails a test.
private func modelCRC(_ bytes: [UInt8]) -> UInt8 {
    var crc: UInt8 = 0
    for byte in bytes {
        for bit in 0..<8 {
            let mix = (crc ^ (byte >> UInt8(bit))) & 1
            crc = (crc >> 1) ^ (mix != 0 ? 0x8C : 0)
        }
    }
    return crc
}
