import Foundation

/// What a payload codec is generated from: the frame format, the FPort, and the node's framed
/// channels as the decoder sees them. `motectl codec` builds it from the node file
/// (`init(node:format:port:schema:channels:)`); tests build it directly.
public struct CodecDescription: Equatable, Sendable {
    public enum Format: String, CaseIterable, Sendable {
        case cayenneLPP = "cayennelpp"
        /// The compact Mote frame, layout version 1 (docs/codec.md).
        case mote
    }

    /// One value of the frame, in frame-id order.
    public struct Field: Equatable, Sendable {
        /// Its key in the decoded `data`.
        public var name: String
        /// The CayenneLPP channel; for the compact frame only the order it gives.
        public var id: Int
        public var unit: String
        /// CayenneLPP: the record's type name (`CayenneLPPType.name`) and the frame's scale,
        /// which the decoder divides back out. The compact frame carries channel units and
        /// uses neither.
        public var type: String
        public var scale: Double
        /// The step of a decoded value, in the channel's unit: the type's resolution over the
        /// scale for CayenneLPP, the schema's resolution for the compact frame.
        public var resolution: Double
        /// The channel's engineering range; the compact frame needs it.
        public var minimum: Double?
        public var maximum: Double?

        public init(name: String, id: Int, unit: String = "", type: String = "", scale: Double = 1,
                    resolution: Double, minimum: Double? = nil, maximum: Double? = nil) {
            self.name = name
            self.id = id
            self.unit = unit
            self.type = type
            self.scale = scale
            self.resolution = resolution
            self.minimum = minimum
            self.maximum = maximum
        }
    }

    /// The node's name, for the codec's header comment.
    public var node: String
    public var format: Format
    public var port: Int
    /// The compact frame's schema id, 0...15.
    public var schema: Int
    public var fields: [Field]

    public init(node: String, format: Format, port: Int, schema: Int = 0, fields: [Field]) {
        self.node = node
        self.format = format
        self.port = port
        self.schema = schema
        self.fields = fields
    }
}

/// A framed channel of a node file, with the keys the description is derived from. `resolution`
/// is the frame's compact-format resolution where the node file gives one (nil: 10^-decimals).
public struct FramedChannel: Equatable, Sendable {
    public var sensor: String
    public var name: String
    public var unit: String
    public var decimals: Int
    public var rangeLow: Double?
    public var rangeHigh: Double?
    public var frameID: Int
    public var type: String
    public var scale: Double
    public var resolution: Double?

    public init(sensor: String, name: String, unit: String, decimals: Int, rangeLow: Double? = nil, rangeHigh: Double? = nil,
                frameID: Int, type: String, scale: Double = 1, resolution: Double? = nil) {
        self.sensor = sensor
        self.name = name
        self.unit = unit
        self.decimals = decimals
        self.rangeLow = rangeLow
        self.rangeHigh = rangeHigh
        self.frameID = frameID
        self.type = type
        self.scale = scale
        self.resolution = resolution
    }
}

extension CodecDescription {
    /// Derives the description from a node's framed channels: fields ordered by frame id, each
    /// named after its channel, or `<sensor>_<channel>` where two sensors have a channel of that
    /// name (`air_temperature`, `soil_temperature`). CayenneLPP: the resolution is the type's
    /// over the scale. Compact frame: the channel's `resolution`, else 10^-decimals, and its range.
    /// Throws what `PayloadCodec.validate` throws.
    public init(node: String, format: Format, port: Int, schema: Int = 0, channels: [FramedChannel]) throws(CodecError) {
        let ordered = channels.sorted { $0.frameID < $1.frameID }
        var counts: [String: Int] = [:]
        for channel in ordered { counts[channel.name, default: 0] += 1 }
        var fields: [Field] = []
        for channel in ordered {
            let name = counts[channel.name, default: 0] > 1 ? channel.sensor + "_" + channel.name : channel.name
            let resolution: Double
            switch format {
            case .cayenneLPP:
                guard let type = CayenneLPPType.named(channel.type) else { throw .unknownType(field: name, type: channel.type) }
                resolution = type.resolution / abs(channel.scale)
            case .mote:
                resolution = channel.resolution ?? 1 / pow(10, Double(channel.decimals))
            }
            fields.append(Field(name: name, id: channel.frameID, unit: channel.unit, type: channel.type, scale: channel.scale,
                                resolution: resolution, minimum: channel.rangeLow, maximum: channel.rangeHigh))
        }
        self.init(node: node, format: format, port: port, schema: schema, fields: fields)
        try PayloadCodec.validate(self)
    }
}

/// Why a codec cannot be generated; each names the field and the node-file key to change.
public enum CodecError: Error, Equatable, CustomStringConvertible {
    case noFields
    case portOutOfRange(Int)
    case schemaOutOfRange(Int)
    case tooManyFields(Int)
    case idOutOfRange(Int)
    case duplicateID(Int)
    case duplicateName(String)
    case reservedName(String)
    case unknownType(field: String, type: String)
    case zeroScale(field: String)
    case missingRange(field: String)
    case badResolution(field: String, Double)
    case tooManyBits(field: String, steps: Int, bits: Int)

    public var description: String {
        switch self {
        case .noFields: return "no channel has a frame table: the frame would be empty"
        case .portOutOfRange(let port): return "FPort \(port) is not 1...223"
        case .schemaOutOfRange(let schema): return "schema id \(schema) is not 0...15"
        case .tooManyFields(let count): return "\(count) framed channels: a compact frame schema has at most 64"
        case .idOutOfRange(let id): return "frame id \(id) is not a CayenneLPP channel (0...255)"
        case .duplicateID(let id): return "frame id \(id) is used twice"
        case .duplicateName(let name): return "two fields are named \"\(name)\""
        case .reservedName(let name): return "a field named \"\(name)\" would clash with the decoded form's own key"
        case .unknownType(let field, let type): return "\(field): \"\(type)\" is not a CayenneLPP type"
        case .zeroScale(let field): return "\(field): a scale of 0 cannot be divided back out"
        case .missingRange(let field): return "\(field): the compact frame needs the channel's range = [low, high]"
        case .badResolution(let field, let resolution):
            return "\(field): resolution \(resolution) must be greater than 0 and below the range's width"
        case .tooManyBits(let field, let steps, let bits):
            return "\(field): \(steps) steps need \(bits) bits, the compact frame allows 24 (a coarser resolution or a narrower range)"
        }
    }
}
