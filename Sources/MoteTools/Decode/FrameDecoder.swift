import Foundation
import MoteNode

/// What `motectl decode` prints for one frame: the generated codec's `{data, warnings, errors}`,
/// with `data` empty whenever `errors` is not.
public struct DecodeResult: Equatable, Sendable {
    public var data: JSValue
    public var warnings: [String] = []
    public var errors: [String] = []

    public init(data: JSValue, warnings: [String] = [], errors: [String] = []) {
        self.data = data
        self.warnings = warnings
        self.errors = errors
    }

    /// `JSON.stringify(decodeUplink(input))` of the codec, byte for byte.
    public var json: String {
        let shown: JSValue = errors.isEmpty ? data : .object([])
        return #"{"data":"# + shown.json + #","warnings":"# + JSValue.array(warnings.map(JSValue.string)).json
            + #","errors":"# + JSValue.array(errors.map(JSValue.string)).json + "}"
    }
}

/// Decodes frames with the node's decoders (`CayenneLPP.decode`, `CompactFrame.decode`,
/// `SenML.decodeResolved`) into what the codec `motectl codec` generates returns for the same
/// frame: the same names, values rounded the same way, the same warning and error texts
/// (docs/codec.md, `motectl decode`, lists the few that differ).
public struct FrameDecoder: Sendable {
    public enum Format: String, CaseIterable, Sendable {
        case cayenneLPP = "cayennelpp"
        case mote
        case senml
    }

    /// A framed CayenneLPP channel as the codec's FIELDS table has it.
    struct LPPField: Sendable {
        var name: String
        var type: CayenneLPP.DataType
        var scale: Double
        var decimals: Int
    }

    public let format: Format
    /// The node's FPort; nil without a node file (no port check then).
    public let port: Int?
    /// CayenneLPP: by channel; empty without a node file.
    let lppFields: [UInt8: LPPField]
    let hasNodeFile: Bool
    let schema: CompactSchema?

    /// Without a node file: CayenneLPP channels come out as `<type>_<channel>`, SenML needs
    /// none, and the compact frame cannot be decoded (its schema is the node file's).
    public init(format: Format) throws(DecodeSetupError) {
        guard format != .mote else { throw .compactNeedsNodeFile }
        self.format = format
        self.port = nil
        self.lppFields = [:]
        self.hasNodeFile = false
        self.schema = nil
    }

    /// With the node file: its names, scales and decimals, its compact schema (`format` may
    /// differ from the file's `[uplink] format`, to decode frames of another format), its FPort.
    public init(configuration: NodeConfiguration, format: Format) throws(DecodeSetupError) {
        self.format = format
        self.port = Int(configuration.uplink.port)
        self.hasNodeFile = true
        let names = configuration.frameFieldNames()
        var fields: [UInt8: LPPField] = [:]
        for (sensorIndex, sensor) in configuration.sensors.enumerated() {
            for (index, channel) in sensor.channels.enumerated() {
                guard let frame = channel.frame, let type = frame.type, let name = names[sensorIndex][index] else { continue }
                let resolution = CayenneLPPType.named(type.name)?.resolution ?? 1
                fields[frame.channel] = LPPField(name: name, type: type, scale: frame.scale,
                                                 decimals: PayloadCodec.decimals(resolution / abs(frame.scale)))
            }
        }
        self.lppFields = fields
        if format == .mote {
            var compact = configuration
            compact.uplink.format = "mote"
            guard let schema = compact.compactSchema() else { throw Self.whyNoSchema(compact, names: names) }
            self.schema = schema
        } else {
            self.schema = nil
        }
    }

    /// Decodes one frame; `port` is the FPort it came on, when known.
    public func decode(_ bytes: [UInt8], port frame: Int? = nil) -> DecodeResult {
        if let frame, let port, frame != port {
            return DecodeResult(data: .object([]), errors: ["FPort \(frame): this node sends its frames on FPort \(port)"])
        }
        switch format {
        case .cayenneLPP: return decodeCayenneLPP(bytes)
        case .mote: return decodeCompact(bytes)
        case .senml: return decodeSenML(bytes)
        }
    }

    // MARK: CayenneLPP

    private func decodeCayenneLPP(_ bytes: [UInt8]) -> DecodeResult {
        do {
            return named(try CayenneLPP.decode(bytes))
        } catch {
            // The codec has pushed the warnings of the records before the bad one: decode those again.
            let (start, text): (Int, String)
            switch error {
            case .empty:
                (start, text) = (0, "empty frame: no CayenneLPP record")
            case .unknownType(let offset, let code):
                (start, text) = (offset - 1, "byte \(offset): unknown CayenneLPP type \(code) (channel \(bytes[offset - 1]))")
            case .truncated(let offset, nil, _, _):
                (start, text) = (offset, "byte \(offset): the frame ends inside a record header (channel \(bytes[offset]), no type)")
            case .truncated(let offset, let type?, let needed, let available):
                (start, text) = (offset, "channel \(bytes[offset]) \(type.name): the record needs \(needed - 2) value bytes, the frame has \(available - 2) left")
            }
            var result = DecodeResult(data: .object([]))
            if start > 0, let records = try? CayenneLPP.decode(Array(bytes[..<start])) { result = named(records) }
            result.errors = [text]
            return result
        }
    }

    private func named(_ records: [CayenneLPP.Record]) -> DecodeResult {
        var data: [(String, JSValue)] = []
        var warnings: [String] = []
        for record in records {
            let field = lppFields[record.channel]
            var name = record.type.name + "_" + String(record.channel)
            var scale = 1.0, decimals = 0
            if let field, field.type == record.type {
                (name, scale, decimals) = (field.name, field.scale, field.decimals)
            } else if let field {
                warnings.append("channel \(record.channel) is \(field.name) (\(field.type.name)) in the node file, but the record is \(record.type.name): kept as \(name)")
            } else if hasNodeFile {
                warnings.append("channel \(record.channel) is not in the node file: kept as \(name)")
            }
            if data.has(name) { warnings.append(name + " appears twice in the frame: the last record is kept") }
            let values = record.values.map { value in JSValue.number(scale != 1 ? JSValue.round(value / scale, decimals: decimals) : value) }
            let keys = record.type.valueNames
            data.set(name, keys.isEmpty ? values[0] : .object(Array(zip(keys, values))))
        }
        return DecodeResult(data: .object(data), warnings: warnings)
    }

    // MARK: The compact frame

    private func decodeCompact(_ bytes: [UInt8]) -> DecodeResult {
        guard let schema else { return DecodeResult(data: .object([]), errors: ["no compact schema"]) }
        let decoded: CompactFrame.Decoded
        do {
            decoded = try CompactFrame.decode(bytes, schemas: [schema])
        } catch {
            return DecodeResult(data: .object([]), errors: [Self.codecText(error, schema: schema)])
        }
        var data: [(String, JSValue)] = [("schema", .number(Double(schema.id)))]
        var samples: [(String, JSValue)] = []
        var warnings: [String] = []
        for (field, run) in zip(schema.fields, decoded.runs) where !run.isEmpty {
            let decimals = PayloadCodec.decimals(field.resolution)   // the codec's rule, as it rounds
            let values: [JSValue] = run.map { value in
                guard let value else { return .null }
                let code = field.quantise(value)
                if code > Double(field.steps) {
                    warnings.append("\(field.name): code \(Int(code)) is beyond the range's \(field.steps) steps")
                }
                return .number(JSValue.round(value, decimals: decimals))
            }
            data.append((field.name, values[values.count - 1]))
            if values.count > 1 { samples.append((field.name, .array(values))) }
        }
        if !samples.isEmpty { data.append(("samples", .object(samples))) }
        if decoded.more { data.append(("more", .bool(true))) }
        if decoded.continued { data.append(("continued", .bool(true))) }
        return DecodeResult(data: .object(data), warnings: warnings)
    }

    /// The codec's text for each of the decoder's errors; only a delta out of range keeps the
    /// decoder's own (the codec names the value's place in the run, which the error does not carry).
    static func codecText(_ error: CompactDecodeError, schema: CompactSchema) -> String {
        switch error {
        case .emptyFrame: return "empty frame"
        case .unsupportedVersion(let version): return "layout version \(version): this codec reads version 1"
        case .unknownSchema(let id): return "schema \(id): this node's schema is \(schema.id)"
        case .endsInsidePresence: return "the frame ends inside the presence bits"
        case .noFieldPresent: return "no field present"
        case .endsInsideField(let name): return name + ": the frame ends inside the field"
        case .codeOutOfRange: return error.description
        case .nonZeroPadding: return "the padding bits are not zero"
        case .trailingBytes(let count): return "\(count) byte\(count == 1 ? "" : "s") left over after the last field"
        }
    }

    /// Why the node file's framed channels make no compact schema, in `motectl codec`'s words
    /// where it has them.
    static func whyNoSchema(_ configuration: NodeConfiguration, names: [[String?]]) -> DecodeSetupError {
        var fields: [CompactSchema.Field] = []
        for (sensorIndex, sensor) in configuration.sensors.enumerated() {
            for (index, channel) in sensor.channels.enumerated() {
                guard let frame = channel.frame else { continue }
                let name = names[sensorIndex][index] ?? channel.name
                guard let low = channel.rangeLow, let high = channel.rangeHigh else {
                    return .noSchema(CodecError.missingRange(field: name).description)
                }
                do {
                    fields.append(try CompactSchema.Field(name: name, id: frame.channel, resolution: frame.compactResolution(decimals: channel.decimals),
                                                          min: low, max: high))
                } catch {
                    return .noSchema(error.description)
                }
            }
        }
        do {
            _ = try CompactSchema(id: configuration.uplink.schema, fields: fields)
        } catch {
            return .noSchema(error.description)
        }
        return .noSchema("the framed channels make no compact schema")
    }

    // MARK: SenML

    /// The resolved records as RFC 8428's JSON labels: n, u, v/vs/vb/vd, s, t, ut (t always:
    /// a resolved record has a time).
    private func decodeSenML(_ bytes: [UInt8]) -> DecodeResult {
        let records: [SenMLResolvedRecord]
        do {
            records = try SenML.decodeResolved(bytes)
        } catch {
            return DecodeResult(data: .object([]), errors: [error.description])
        }
        let items: [JSValue] = records.map { record in
            var out: [(String, JSValue)] = [("n", .string(record.name))]
            if let unit = record.unit { out.append(("u", .string(unit))) }
            switch record.value {
            case .number(let value)?: out.append(("v", .number(value)))
            case .string(let text)?: out.append(("vs", .string(text)))
            case .boolean(let flag)?: out.append(("vb", .bool(flag)))
            case .data(let data)?: out.append(("vd", .string(Self.base64URL(data))))
            case nil: break
            }
            if let sum = record.sum { out.append(("s", .number(sum))) }
            out.append(("t", .number(record.time)))
            if let update = record.updateTime { out.append(("ut", .number(update))) }
            return .object(out)
        }
        return DecodeResult(data: .array(items))
    }

    /// RFC 8428 section 5: "vd" is base64url without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}

/// Why frames cannot be decoded at all; `motectl decode` exits before the first frame.
public enum DecodeSetupError: Error, Equatable, CustomStringConvertible {
    case compactNeedsNodeFile
    case noSchema(String)

    public var description: String {
        switch self {
        case .compactNeedsNodeFile: return "the compact frame (--format mote) needs the node file: --config NODE.toml"
        case .noSchema(let why): return "no compact schema: " + why
        }
    }
}

/// A frame as typed: hex (`0167FFD7`, `01 67 ff d7`, `01:67:FF:D7`, `0x0167FFD7`) or, after
/// `b64:`, base64 (`b64:AWf/1w==`, padding optional, `-` and `_` taken for `+` and `/`). Hex is
/// the default and base64 only ever with the prefix, since `0167` is valid base64 too.
public enum FrameText {
    public static func bytes(_ text: String) -> Result<[UInt8], FrameTextError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("b64:") {
            var body = String(trimmed.dropFirst(4)).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            if body.count % 4 == 1 { return .failure(.base64(trimmed)) }
            while body.count % 4 != 0 { body += "=" }
            guard let data = Data(base64Encoded: body) else { return .failure(.base64(trimmed)) }
            return .success([UInt8](data))
        }
        var digits = trimmed
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits.removeFirst(2) }
        digits.removeAll { $0 == " " || $0 == ":" || $0 == "\t" }
        let values = digits.map { $0.hexDigitValue }
        guard digits.count % 2 == 0, !values.contains(nil) else { return .failure(.hex(trimmed)) }
        return .success(stride(from: 0, to: values.count, by: 2).map { UInt8(values[$0]! << 4 | values[$0 + 1]!) })
    }
}

public enum FrameTextError: Error, Equatable, CustomStringConvertible {
    case hex(String)
    case base64(String)

    public var description: String {
        switch self {
        case .hex(let text): return "\"\(text)\" is not hex (two digits a byte; spaces and colons allowed) nor b64:BASE64"
        case .base64(let text): return "\"\(text)\" is not base64"
        }
    }
}
