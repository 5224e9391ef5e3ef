import Foundation

/// Generates a node's uplink payload codec in the JavaScript shape The Things Stack and
/// ChirpStack v4 run: `decodeUplink(input)` with `input.bytes` and `input.fPort`, returning
/// `{data, warnings, errors}`. ECMAScript 5.1 only (The Things Stack runs 5.1), under The Things
/// Stack's 40 KB limit, and the same text for the same description: no dates, no paths.
public enum PayloadCodec {
    /// The Things Stack refuses larger formatters.
    public static let sizeLimit = 40_960

    public static func javaScript(for description: CodecDescription) throws(CodecError) -> String {
        try validate(description)
        var out = header(description)
        switch description.format {
        case .cayenneLPP:
            out += "// The node's framed channels: CayenneLPP channel -> the name in data, the record type, the\n"
            out += "// frame's scale (divided back out, so data is in the channel's unit) and the decimals left.\n"
            out += "var FIELDS = {\n"
            out += description.fields.map { field in
                "  \(field.id): { name: \(quoted(field.name)), type: \(quoted(field.type)), scale: \(number(field.scale)), "
                    + "decimals: \(decimals(field.resolution)) }"
            }.joined(separator: ",\n")
            out += "\n};\n\n"
            out += lppTypeTable()
            out += CodecTemplates.cayenneLPP
        case .mote:
            out += "var SCHEMA = \(description.schema);\n\n"
            out += "// The schema, in priority order: each field's code width in bits, its steps (codes 0...steps\n"
            out += "// are values, the all-ones code is \"no value\"), the range minimum, the resolution and the\n"
            out += "// decimals a decoded value is rounded to.\n"
            out += "var FIELDS = [\n"
            out += description.fields.map { field in
                let layout = compactLayout(field)
                return "  { name: \(quoted(field.name)), bits: \(layout.bits), steps: \(layout.steps), min: \(number(field.minimum ?? 0)), "
                    + "resolution: \(number(field.resolution)), decimals: \(decimals(field.resolution)) }"
            }.joined(separator: ",\n")
            out += "\n];\n\n"
            out += CodecTemplates.mote
        }
        out += CodecTemplates.entry
        return out
    }

    /// Everything a description must satisfy for the codec to decode what the node sends.
    public static func validate(_ description: CodecDescription) throws(CodecError) {
        guard !description.fields.isEmpty else { throw .noFields }
        guard (1...223).contains(description.port) else { throw .portOutOfRange(description.port) }
        var ids = Set<Int>(), names = Set<String>()
        for field in description.fields {
            guard ids.insert(field.id).inserted else { throw .duplicateID(field.id) }
            guard names.insert(field.name).inserted else { throw .duplicateName(field.name) }
            if field.name == "__proto__" { throw .reservedName(field.name) }
        }
        switch description.format {
        case .cayenneLPP:
            for field in description.fields {
                guard (0...255).contains(field.id) else { throw .idOutOfRange(field.id) }
                guard CayenneLPPType.named(field.type) != nil else { throw .unknownType(field: field.name, type: field.type) }
                guard field.scale != 0, field.scale.isFinite else { throw .zeroScale(field: field.name) }
            }
        case .mote:
            guard (0...15).contains(description.schema) else { throw .schemaOutOfRange(description.schema) }
            guard description.fields.count <= 64 else { throw .tooManyFields(description.fields.count) }
            for field in description.fields {
                if ["schema", "samples", "more", "continued"].contains(field.name) { throw .reservedName(field.name) }
                guard let low = field.minimum, let high = field.maximum, low < high else { throw .missingRange(field: field.name) }
                guard field.resolution > 0, field.resolution.isFinite, field.resolution < high - low else {
                    throw .badResolution(field: field.name, field.resolution)
                }
                let layout = compactLayout(field)
                guard layout.bits <= 24 else { throw .tooManyBits(field: field.name, steps: layout.steps, bits: layout.bits) }
            }
        }
    }

    /// The compact frame's code layout of a field: `steps = round((max - min) / r)`, ties away
    /// from zero, and the fewest bits with 2^bits >= steps + 2 (the all-ones code is "no value").
    public static func compactLayout(_ field: CodecDescription.Field) -> (steps: Int, bits: Int) {
        let width = ((field.maximum ?? 0) - (field.minimum ?? 0)) / field.resolution
        guard width.isFinite, width < 1e12 else { return (Int.max, 64) }
        let steps = Int(width.rounded(.toNearestOrAwayFromZero))
        var bits = 1
        while (1 << bits) < steps + 2 { bits += 1 }
        return (steps, bits)
    }

    /// Decimals a value at `resolution` steps is printed with: the fewest that write every
    /// multiple of it exactly (0.1 -> 1, 0.5 -> 1, 0.25 -> 2, 1 -> 0, 10 -> 0). A resolution that
    /// no count of decimals writes exactly (1/3) gets max(0, ceil(-log10(r))).
    public static func decimals(_ resolution: Double) -> Int {
        for digits in 0...9 {
            let scaled = resolution * pow(10, Double(digits))
            if abs(scaled - scaled.rounded()) <= 1e-6 { return digits }   // float noise, not a real digit
        }
        return max(0, Int((-log10(resolution) - 1e-9).rounded(.up)))
    }

    private static func header(_ description: CodecDescription) -> String {
        let format = description.format == .mote ? "compact Mote frames (layout 1, schema \(description.schema))" : "CayenneLPP frames"
        return """
            // Payload codec for the Mote node \(quoted(description.node)): \(format) on FPort \(description.port).
            // Generated by `motectl codec` from the node file; generate it again when the frame fields change.
            // The Things Stack: Payload formatters > Uplink > Custom Javascript formatter.
            // ChirpStack v4: Device profile > Codec > JavaScript functions.
            // ECMAScript 5.1. decodeUplink(input) reads input.bytes and input.fPort and returns
            // { data: {...}, warnings: [...], errors: [...] }; data is {} whenever errors is not empty.

            var PORT = \(description.port);


            """
    }

    /// The CayenneLPP types as JavaScript, from the one Swift table.
    private static func lppTypeTable() -> String {
        var out = "// CayenneLPP types by code: the name, then each big-endian part of the value with its key (null:\n"
        out += "// a plain number), size in bytes, counts per unit and signedness.\n"
        out += "var LPP_TYPES = {\n"
        out += CayenneLPPType.all.map { type in
            let parts = type.parts.map { part in
                "[\(part.key.map(quoted) ?? "null"), \(part.size), \(number(part.countsPerUnit)), \(part.signed)]"
            }
            return "  \(type.code): { name: \(quoted(type.name)), parts: [\(parts.joined(separator: ", "))] }"
        }.joined(separator: ",\n")
        out += "\n};\n\n"
        return out
    }

    /// A JavaScript number literal: integers without a point, others as Swift's shortest form
    /// (which JavaScript reads back to the same double).
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A JavaScript string literal: JSON's (`JSValue.quoted`), with the two line terminators an
    /// ES5 string literal cannot hold escaped as well.
    static func quoted(_ text: String) -> String {
        JSValue.quoted(text).replacingOccurrences(of: "\u{2028}", with: "\\u2028").replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }
}
