import MoteHAL

/// Cayenne Low Power Payload: a sequence of `channel, type, value` records, values big-endian.
///
/// Rounding rule: each value is multiplied by its field's counts per unit (10 for 0.1 °C) and
/// rounded to the nearest integer, ties away from zero (27.25 °C → 273 → 27.3 °C; -4.05 °C → -41).
/// A value that does not fit its field after rounding is refused with `FrameError.valueOutOfRange`,
/// never wrapped or clamped, so the receiver never sees a wrong number. A refused record leaves
/// the frame as it was.
public struct CayenneLPP: Sendable {
    /// The data types: IPSO object id − 3200, the original LPP set plus the extended types of the
    /// ElectronicCats library and pycayennelpp (docs/frames/cayennelpp.md has the table).
    public enum DataType: UInt8, Sendable, CaseIterable {
        case digitalInput = 0
        case digitalOutput = 1
        case analogInput = 2
        case analogOutput = 3
        case genericSensor = 100
        case illuminance = 101
        case presence = 102
        case temperature = 103
        case humidity = 104
        case accelerometer = 113
        case barometer = 115
        case voltage = 116
        case current = 117
        case frequency = 118
        case percentage = 120
        case altitude = 121
        case concentration = 125
        case power = 128
        case distance = 130
        case energy = 131
        case direction = 132
        case unixTime = 133
        case gyrometer = 134
        case colour = 135
        case gps = 136
        case onOffSwitch = 142

        /// The type table: name, then the value fields in wire order. Unsigned `u(bytes,
        /// countsPerUnit)`, signed `s(bytes, countsPerUnit)`; counts per unit are the inverse of
        /// the resolution, since multiplying keeps 27.25 × 10 exact where 27.25 / 0.1 is not.
        private var row: (name: String, fields: [Field]) {
            switch self {
            case .digitalInput: return ("digital_input", [u(1, 1)])
            case .digitalOutput: return ("digital_output", [u(1, 1)])
            case .analogInput: return ("analog_input", [s(2, 100)])           // 0.01
            case .analogOutput: return ("analog_output", [s(2, 100)])         // 0.01
            case .genericSensor: return ("generic_sensor", [u(4, 1)])
            case .illuminance: return ("illuminance", [u(2, 1)])              // 1 lx
            case .presence: return ("presence", [u(1, 1)])
            case .temperature: return ("temperature", [s(2, 10)])             // 0.1 °C
            case .humidity: return ("humidity", [u(1, 2)])                    // 0.5 %RH
            case .accelerometer: return ("accelerometer", [s(2, 1000), s(2, 1000), s(2, 1000)])  // x, y, z in 0.001 G
            case .barometer: return ("barometer", [u(2, 10)])                 // 0.1 hPa
            case .voltage: return ("voltage", [u(2, 100)])                    // 0.01 V
            case .current: return ("current", [u(2, 1000)])                   // 0.001 A
            case .frequency: return ("frequency", [u(4, 1)])                  // 1 Hz
            case .percentage: return ("percentage", [u(1, 1)])                // 1 %
            case .altitude: return ("altitude", [s(2, 1)])                    // 1 m
            case .concentration: return ("concentration", [u(2, 1)])          // 1 ppm
            case .power: return ("power", [u(2, 1)])                          // 1 W
            case .distance: return ("distance", [u(4, 1000)])                 // 0.001 m
            case .energy: return ("energy", [u(4, 1000)])                     // 0.001 kWh
            case .direction: return ("direction", [u(2, 1)])                  // 1°
            case .unixTime: return ("unix_time", [u(4, 1)])                   // 1 s
            case .gyrometer: return ("gyrometer", [s(2, 100), s(2, 100), s(2, 100)])  // x, y, z in 0.01 °/s
            case .colour: return ("colour", [u(1, 1), u(1, 1), u(1, 1)])      // r, g, b
            case .gps: return ("gps", [s(3, 10_000), s(3, 10_000), s(3, 100)])  // 0.0001° lat, lon; 0.01 m alt
            case .onOffSwitch: return ("switch", [u(1, 1)])
            }
        }

        private func u(_ size: Int, _ countsPerUnit: Double) -> Field { Field(size: size, countsPerUnit: countsPerUnit, signed: false) }
        private func s(_ size: Int, _ countsPerUnit: Double) -> Field { Field(size: size, countsPerUnit: countsPerUnit, signed: true) }

        /// The name the configuration and the docs use (`frame.type`).
        public var name: String { row.name }
        /// The record's values in wire order: one for a scalar type, three for accelerometer,
        /// gyrometer (x, y, z), colour (r, g, b) and gps (latitude, longitude, altitude).
        public var fields: [Field] { row.fields }
        public var isScalar: Bool { row.fields.count == 1 }
        /// What the values of a multi-value record are called in decoded output; empty for a
        /// scalar type, whose one value is the channel's.
        public var valueNames: [String] {
            switch self {
            case .accelerometer, .gyrometer: return ["x", "y", "z"]
            case .colour: return ["r", "g", "b"]
            case .gps: return ["latitude", "longitude", "altitude"]
            default: return []
            }
        }
        /// Bytes of the record: channel, type and the value fields.
        public var recordSize: Int {
            var size = 2
            for field in row.fields { size += field.size }
            return size
        }

        /// The types a single reading can fill: every type with one value.
        public static var scalarTypes: [DataType] { allCases.filter { $0.isScalar } }

        public static func named(_ name: String) -> DataType? {
            for type in allCases where type.name == name { return type }
            return nil
        }
    }

    /// One value field of a record.
    public struct Field: Equatable, Sendable {
        public let size: Int
        /// The inverse of the resolution: 10 for 0.1 °C.
        public let countsPerUnit: Double
        /// Two's complement when signed.
        public let signed: Bool

        /// The smallest and largest counts the field holds.
        public var lowestCount: Int64 { signed ? -(Int64(1) << (size * 8 - 1)) : 0 }
        public var highestCount: Int64 { signed ? (Int64(1) << (size * 8 - 1)) - 1 : (Int64(1) << (size * 8)) - 1 }
    }

    /// A decoded record: values in the type's unit (the count divided by the counts per unit).
    public struct Record: Equatable, Sendable {
        public var channel: UInt8
        public var type: DataType
        public var values: [Double]

        public init(channel: UInt8, _ type: DataType, _ values: [Double]) {
            self.channel = channel
            self.type = type
            self.values = values
        }
    }

    public private(set) var bytes: [UInt8] = []
    /// The most bytes the frame may grow to: the link's payload limit.
    public let capacity: Int

    public init(capacity: Int = 222) {
        self.capacity = capacity
        bytes.reserveCapacity(capacity)
    }

    /// Appends one record of a scalar type. Values are in the type's display unit: °C, %RH, hPa,
    /// lux, V, A, ..., or the plain number for digital and analog types.
    public mutating func add(channel: UInt8, _ type: DataType, _ value: Double) throws(FrameError) {
        try add(channel: channel, type, values: [value])
    }

    /// Appends one record of any type, its values in wire order (`DataType.fields`).
    public mutating func add(channel: UInt8, _ type: DataType, values: [Double]) throws(FrameError) {
        let fields = type.fields
        guard values.count == fields.count else {
            throw .valueCount(channel: channel, type: type.name, expected: fields.count, given: values.count)
        }
        let size = type.recordSize
        guard bytes.count + size <= capacity else {
            throw .tooLarge(needed: bytes.count + size, capacity: capacity)
        }
        var counts: [Int64] = []
        for index in 0..<fields.count {
            let field = fields[index]
            let scaled = (values[index] * field.countsPerUnit).rounded(.toNearestOrAwayFromZero)
            guard scaled >= Double(field.lowestCount), scaled <= Double(field.highestCount) else {  // also refuses NaN
                throw .valueOutOfRange(channel: channel, type: type.name, value: values[index])
            }
            counts.append(Int64(scaled))
        }
        bytes.append(channel)
        bytes.append(type.rawValue)
        for index in 0..<fields.count {
            let raw = UInt64(bitPattern: counts[index])
            for byte in stride(from: fields[index].size - 1, through: 0, by: -1) {
                bytes.append(UInt8(truncatingIfNeeded: raw >> UInt64(byte * 8)))
            }
        }
    }

    /// Latitude and longitude in degrees (0.0001°), altitude in metres (0.01 m).
    public mutating func addGPS(channel: UInt8, latitude: Double, longitude: Double, altitude: Double) throws(FrameError) {
        try add(channel: channel, .gps, values: [latitude, longitude, altitude])
    }

    /// Acceleration per axis in G (0.001 G).
    public mutating func addAccelerometer(channel: UInt8, x: Double, y: Double, z: Double) throws(FrameError) {
        try add(channel: channel, .accelerometer, values: [x, y, z])
    }

    /// Rotation rate per axis in °/s (0.01 °/s).
    public mutating func addGyrometer(channel: UInt8, x: Double, y: Double, z: Double) throws(FrameError) {
        try add(channel: channel, .gyrometer, values: [x, y, z])
    }

    public mutating func addColour(channel: UInt8, red: UInt8, green: UInt8, blue: UInt8) throws(FrameError) {
        try add(channel: channel, .colour, values: [Double(red), Double(green), Double(blue)])
    }

    /// The records of a frame, or why it is not one: an empty frame, a type this table does not
    /// have, a record cut short. Offsets count bytes from 0.
    public static func decode(_ bytes: [UInt8]) throws(FrameDecodeError) -> [Record] {
        guard !bytes.isEmpty else { throw .empty }
        var records: [Record] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 2 else { throw .truncated(offset: offset, type: nil, needed: 2, available: 1) }
            guard let type = DataType(rawValue: bytes[offset + 1]) else {
                throw .unknownType(offset: offset + 1, code: bytes[offset + 1])
            }
            let size = type.recordSize
            guard bytes.count - offset >= size else {
                throw .truncated(offset: offset, type: type, needed: size, available: bytes.count - offset)
            }
            var values: [Double] = []
            var at = offset + 2
            for field in type.fields {
                var raw: UInt64 = 0
                for index in 0..<field.size { raw = raw << 8 | UInt64(bytes[at + index]) }
                var count = Int64(bitPattern: raw)
                let bits = field.size * 8
                if field.signed, count >= Int64(1) << (bits - 1) { count -= Int64(1) << bits }
                values.append(Double(count) / field.countsPerUnit)
                at += field.size
            }
            records.append(Record(channel: bytes[offset], type, values))
            offset += size
        }
        return records
    }
}

/// Why bytes are not a CayenneLPP frame. Offsets count from 0.
public enum FrameDecodeError: Error, Equatable, CustomStringConvertible {
    case empty
    /// The type byte at `offset` is not in the table.
    case unknownType(offset: Int, code: UInt8)
    /// The record starting at `offset` needs `needed` bytes and only `available` are left; `type`
    /// is nil when even the type byte is missing.
    case truncated(offset: Int, type: CayenneLPP.DataType?, needed: Int, available: Int)

    public var description: String {
        switch self {
        case .empty:
            return "empty frame: no records"
        case .unknownType(let offset, let code):
            return "byte \(offset): unknown type \(code) (\(Hex.byte(code)))"
        case .truncated(let offset, nil, _, _):
            return "byte \(offset): truncated record: a channel byte without its type byte"
        case .truncated(let offset, let type?, let needed, let available):
            return "byte \(offset): truncated \(type.name) record: needs \(needed) bytes, \(available) left"
        }
    }
}

public enum FrameError: Error, Equatable, CustomStringConvertible {
    case tooLarge(needed: Int, capacity: Int)
    case valueOutOfRange(channel: UInt8, type: String, value: Double)
    /// A record given more or fewer values than its type has fields (a scalar `add` of `gps`).
    case valueCount(channel: UInt8, type: String, expected: Int, given: Int)

    public var description: String {
        switch self {
        case .tooLarge(let needed, let capacity): return "frame needs \(needed) bytes, the link takes \(capacity)"
        case .valueOutOfRange(let channel, let type, let value):
            return "channel \(channel) \(type): \(DecimalText.format(value, decimals: 3)) does not fit the field"
        case .valueCount(let channel, let type, let expected, let given):
            return "channel \(channel) \(type): takes \(expected) value\(expected == 1 ? "" : "s"), given \(given)"
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
