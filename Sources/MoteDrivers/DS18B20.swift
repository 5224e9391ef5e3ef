import MoteHAL

/// Maxim DS18B20 1-Wire thermometer through the kernel's w1_therm driver, which prints the
/// 9-byte scratchpad twice: "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES" then "... t=23125".
///
/// The driver checks the kernel's CRC verdict and the CRC itself (the scratchpad's 9th byte,
/// datasheet "CRC generation"), takes the temperature from the scratchpad (bytes 0-1, 1/16 °C,
/// two's complement), and refuses 85.000 °C straight after power-up, the scratchpad's reset
/// value, which a conversion that never ran leaves behind (datasheet table 2).
public struct DS18B20<Bus: OneWireBus>: SensorDriver {
    public static var part: String { "DS18B20" }
    public let bus: Bus
    /// "28-0316a2795dff"; family code 28.
    public let id: String
    public var location: String { "ds18b20@" + id }
    public var channels: [ChannelSpec] { ChannelSpec.ds18b20 }

    public init(bus: Bus, id: String) {
        self.bus = bus
        self.id = id
    }

    public mutating func setUp(clock: some Clock) throws(SensorError) {
        guard id.hasPrefix("28-") else { throw SensorError(.identity, "\(id) is not a DS18B20 (family code 28)") }
        guard bus.devices().contains(id) else {
            var present = ""
            for device in bus.devices() { present += (present.isEmpty ? "" : ", ") + device }
            throw SensorError(.bus, "no 1-Wire device \(id); present: " + (present.isEmpty ? "none" : present))
        }
    }

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        let text: String
        do { text = try bus.readSlave(id) } catch { throw SensorError(error) }
        return [try Self.parse(text)]
    }

    /// The temperature in °C from w1_slave text.
    public static func parse(_ text: String) throws(SensorError) -> Double {
        let lines = text.split(separator: "\n")
        guard let first = lines.first else { throw SensorError(.malformed, "empty w1_slave") }
        guard first.hasSuffix("YES") else {
            throw SensorError(.checksum, "the kernel's CRC check failed: \(String(first))")
        }
        var bytes: [UInt8] = []
        let scratchpad = first.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
        for field in scratchpad.split(separator: " ") {
            guard let byte = UInt8(field, radix: 16) else { throw SensorError(.malformed, "scratchpad byte '\(String(field))'") }
            bytes.append(byte)
        }
        guard bytes.count == 9 else { throw SensorError(.malformed, "scratchpad of \(bytes.count) bytes, expected 9") }
        let crc = MaximCRC.crc8(bytes.prefix(8))
        guard crc == bytes[8] else {
            throw SensorError(.checksum, "scratchpad CRC: expected \(Hex.byte(crc)), found \(Hex.byte(bytes[8]))")
        }
        let raw = Int16(bitPattern: UInt16(bytes[1]) << 8 | UInt16(bytes[0]))  // 0x0550 = 85 °C
        if raw == 0x0550 && bytes[6] == 0x0C {
            throw SensorError(.device, "85 °C power-on reset value: no conversion ran")
        }
        let celsius = Double(raw) / 16
        guard celsius >= -55 && celsius <= 125 else { throw SensorError(.outOfRange, "\(raw) / 16 °C is outside -55..125 °C") }
        return celsius
    }
}

extension ChannelSpec {
    /// The DS18B20's channels, also what configuration files are checked against.
    public static var ds18b20: [ChannelSpec] {
        [ChannelSpec(name: "temperature", unit: "Cel", symbol: "°C", decimals: 4)]
    }
}
