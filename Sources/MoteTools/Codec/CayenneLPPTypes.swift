/// The CayenneLPP data types a generated decoder reads: the original IPSO set (myDevices' LPP v1)
/// and the extended types of the ElectronicCats CayenneLPP library (`src/CayenneLPP.h`, the
/// `_SIZE`, `_MULT` and `getTypeSigned` tables). The type code is the IPSO object id − 3200.
/// The node encodes only the first nine (`MoteNode.CayenneLPP.DataType`); the decoder knows all
/// of them so that a frame from another device, or a newer node, still decodes.
public struct CayenneLPPType: Equatable, Sendable {
    /// One big-endian integer of the value: a scalar type has one, unnamed; the accelerometer
    /// has x, y, z; GPS has latitude, longitude, altitude with their own resolutions.
    public struct Part: Equatable, Sendable {
        public var key: String?
        public var size: Int
        /// Counts per unit: the encoder multiplies by it, the decoder divides (10 for 0.1 °C).
        public var countsPerUnit: Double
        public var signed: Bool
    }

    public var code: UInt8
    /// The name the node file uses for `frame.type`, and the decoder for channels it does not know.
    public var name: String
    public var parts: [Part]

    /// Bytes of the value field (the record is 2 bytes more: channel and type).
    public var size: Int { parts.reduce(0) { $0 + $1.size } }

    /// The finest step of a decoded value in the type's unit.
    public var resolution: Double { parts.map { 1 / $0.countsPerUnit }.min() ?? 1 }

    public static func named(_ name: String) -> CayenneLPPType? { all.first { $0.name == name } }

    public static let all: [CayenneLPPType] = [
        scalar(0, "digital_input", 1, 1, signed: false),
        scalar(1, "digital_output", 1, 1, signed: false),
        scalar(2, "analog_input", 2, 100, signed: true),         // 0.01
        scalar(3, "analog_output", 2, 100, signed: true),
        scalar(100, "generic", 4, 1, signed: false),
        scalar(101, "illuminance", 2, 1, signed: false),          // 1 lx
        scalar(102, "presence", 1, 1, signed: false),
        scalar(103, "temperature", 2, 10, signed: true),          // 0.1 °C
        scalar(104, "humidity", 1, 2, signed: false),             // 0.5 %RH
        vector(113, "accelerometer", ["x", "y", "z"], 2, 1000, signed: true),   // 0.001 G per axis
        scalar(115, "barometer", 2, 10, signed: false),           // 0.1 hPa
        scalar(116, "voltage", 2, 100, signed: false),            // 0.01 V
        scalar(117, "current", 2, 1000, signed: false),           // 0.001 A
        scalar(118, "frequency", 4, 1, signed: false),            // 1 Hz
        scalar(120, "percentage", 1, 1, signed: false),           // 1 %
        scalar(121, "altitude", 2, 1, signed: true),              // 1 m
        scalar(125, "concentration", 2, 1, signed: false),        // 1 ppm
        scalar(128, "power", 2, 1, signed: false),                // 1 W
        scalar(130, "distance", 4, 1000, signed: false),          // 0.001 m
        scalar(131, "energy", 4, 1000, signed: false),            // 0.001 kWh
        scalar(132, "direction", 2, 1, signed: false),            // 1°
        scalar(133, "unix_time", 4, 1, signed: false),            // s since 1970
        vector(134, "gyrometer", ["x", "y", "z"], 2, 100, signed: true),        // 0.01 °/s per axis
        vector(135, "colour", ["r", "g", "b"], 1, 1, signed: false),
        CayenneLPPType(code: 136, name: "gps", parts: [
            Part(key: "latitude", size: 3, countsPerUnit: 10_000, signed: true),    // 0.0001°
            Part(key: "longitude", size: 3, countsPerUnit: 10_000, signed: true),
            Part(key: "altitude", size: 3, countsPerUnit: 100, signed: true),       // 0.01 m
        ]),
        scalar(142, "switch", 1, 1, signed: false),
    ]

    private static func scalar(_ code: UInt8, _ name: String, _ size: Int, _ counts: Double, signed: Bool) -> CayenneLPPType {
        CayenneLPPType(code: code, name: name, parts: [Part(key: nil, size: size, countsPerUnit: counts, signed: signed)])
    }

    private static func vector(_ code: UInt8, _ name: String, _ keys: [String], _ size: Int, _ counts: Double, signed: Bool) -> CayenneLPPType {
        CayenneLPPType(code: code, name: name, parts: keys.map { Part(key: $0, size: size, countsPerUnit: counts, signed: signed) })
    }
}
