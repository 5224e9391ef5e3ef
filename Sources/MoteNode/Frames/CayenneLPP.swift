/// Cayenne Low Power Payload: a sequence of `channel, type, value` records, values big-endian.
///
/// Rounding rule: a value is multiplied by the type's counts per unit (10 for 0.1 °C) and rounded
/// to the nearest integer, ties away from zero (27.25 °C → 273 → 27.3 °C; -4.05 °C → -41). A value that does not fit the
/// type's field after rounding is refused with `FrameError.valueOutOfRange`, never wrapped or
/// clamped, so the receiver never sees a wrong number.
public struct CayenneLPP: Sendable {
    /// The scalar data types (IPSO object id − 3200).
    public enum DataType: UInt8, Sendable, CaseIterable {
        case digitalInput = 0x00
        case digitalOutput = 0x01
        case analogInput = 0x02
        case analogOutput = 0x03
        case illuminance = 0x65
        case presence = 0x66
        case temperature = 0x67
        case humidity = 0x68
        case barometer = 0x73

        /// Bytes of the value field, counts per unit (the inverse of the resolution: multiplying
        /// keeps 27.25 × 10 exact where 27.25 / 0.1 is not), and whether the field is signed.
        public var layout: (size: Int, countsPerUnit: Double, signed: Bool) {
            switch self {
            case .digitalInput, .digitalOutput, .presence: return (1, 1, false)
            case .analogInput, .analogOutput: return (2, 100, true)     // 0.01
            case .illuminance: return (2, 1, false)                     // 1 lux
            case .temperature: return (2, 10, true)                     // 0.1 °C
            case .humidity: return (1, 2, false)                        // 0.5 %RH
            case .barometer: return (2, 10, false)                      // 0.1 hPa
            }
        }

        public var name: String {
            switch self {
            case .digitalInput: return "digital_input"
            case .digitalOutput: return "digital_output"
            case .analogInput: return "analog_input"
            case .analogOutput: return "analog_output"
            case .illuminance: return "illuminance"
            case .presence: return "presence"
            case .temperature: return "temperature"
            case .humidity: return "humidity"
            case .barometer: return "barometer"
            }
        }
    }

    public private(set) var bytes: [UInt8] = []
    /// The most bytes the frame may grow to: the link's payload limit.
    public let capacity: Int

    public init(capacity: Int = 222) {
        self.capacity = capacity
        bytes.reserveCapacity(capacity)
    }

    /// Appends one record. Values are in the type's display unit: °C, %RH, hPa, lux, or the
    /// plain number for digital and analog types.
    public mutating func add(channel: UInt8, _ type: DataType, _ value: Double) throws(FrameError) {
        let layout = type.layout
        guard bytes.count + 2 + layout.size <= capacity else {
            throw .tooLarge(needed: bytes.count + 2 + layout.size, capacity: capacity)
        }
        let scaled = (value * layout.countsPerUnit).rounded(.toNearestOrAwayFromZero)
        let bits = layout.size * 8
        let lower: Double = layout.signed ? -Double(Int64(1) << (bits - 1)) : 0
        let upper: Double = layout.signed ? Double((Int64(1) << (bits - 1)) - 1) : Double((Int64(1) << bits) - 1)
        guard scaled >= lower, scaled <= upper else {  // also refuses NaN
            throw .valueOutOfRange(channel: channel, type: type.name, value: value)
        }
        let raw = UInt64(bitPattern: Int64(scaled))
        bytes.append(channel)
        bytes.append(type.rawValue)
        for index in stride(from: layout.size - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: raw >> UInt64(index * 8)))
        }
    }
}

public enum FrameError: Error, Equatable, CustomStringConvertible {
    case tooLarge(needed: Int, capacity: Int)
    case valueOutOfRange(channel: UInt8, type: String, value: Double)

    public var description: String {
        switch self {
        case .tooLarge(let needed, let capacity): return "frame needs \(needed) bytes, the link takes \(capacity)"
        case .valueOutOfRange(let channel, let type, let value):
            return "channel \(channel) \(type): \(DecimalText.format(value, decimals: 3)) does not fit the field"
        }
    }
}

/// A frame ready for the uplink.
public struct Frame: Equatable, Sendable {
    /// Counts frames from 0; never reused.
    public var sequence: UInt32
    /// LoRaWAN FPort.
    public var port: UInt8
    public var format: String
    public var bytes: [UInt8]

    public init(sequence: UInt32, port: UInt8, format: String, bytes: [UInt8]) {
        self.sequence = sequence
        self.port = port
        self.format = format
        self.bytes = bytes
    }
}
