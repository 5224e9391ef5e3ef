import MoteNode

/// The CayenneLPP data types a generated decoder reads: the original IPSO set (myDevices' LPP v1)
/// and the extended types of the ElectronicCats CayenneLPP library (`src/CayenneLPP.h`, the
/// `_SIZE`, `_MULT` and `getTypeSigned` tables). The type code is the IPSO object id − 3200.
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

    /// Every type the node encodes, from its own table (`MoteNode.CayenneLPP.DataType`), so the
    /// decoder and the encoder cannot disagree on a size or a resolution.
    public static let all: [CayenneLPPType] = CayenneLPP.DataType.allCases.map { type in
        let names = type.valueNames
        return CayenneLPPType(code: type.rawValue, name: type.name, parts: type.fields.enumerated().map { index, field in
            Part(key: index < names.count ? names[index] : nil, size: field.size, countsPerUnit: field.countsPerUnit, signed: field.signed)
        })
    }
}
