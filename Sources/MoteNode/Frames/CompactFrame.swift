/// The compact Mote frame, layout version 1 (docs/frames/compact.md): per field a run of up to
/// 8 values as a first code and zigzag deltas, bit-packed behind a one-byte header, split across
/// frames by field priority when the link's payload limit calls for it.

/// The fields a compact frame may carry, in priority order (first = most important), and the
/// schema id (0...15) that names them in the header.
public struct CompactSchema: Equatable, Sendable {
    public static let maximumFields = 64

    public struct Field: Equatable, Sendable {
        public let name: String
        /// The channel's frame id (0...255). Not on air: a field is known by its position.
        public let id: UInt8
        public let resolution: Double
        public let min: Double
        public let max: Double
        /// round((max - min) / resolution): codes 0...steps are values.
        public let steps: Int
        /// The smallest b with 2^b >= steps + 2; the all-ones code means "no value".
        public let bits: Int
        /// Decimals of a decoded value: the resolution's decimal places (0.1 → 1, 0.25 → 2, 10 → 0).
        public let decimals: Int
        /// Exact decimal arithmetic: when resolution = stepCounts / scale with scale = 10^k
        /// (k 0...9) and stepCounts a whole number, values are multiplied by scale rather than
        /// divided by the resolution (21.75 × 10 is exactly 217.5; 21.75 / 0.1 is 217.49999…).
        /// scale is 0 for a resolution that is no such decimal (1/3).
        let scale: Double
        let stepCounts: Double
        let minCounts: Double

        public init(name: String, id: UInt8, resolution: Double, min: Double, max: Double) throws(CompactSchemaError) {
            guard resolution.isFinite, resolution > 0 else { throw .resolutionNotPositive(field: name, resolution: resolution) }
            guard min.isFinite, max.isFinite, min < max else { throw .minNotBelowMax(field: name, min: min, max: max) }
            self.name = name
            self.id = id
            self.resolution = resolution
            self.min = min
            self.max = max

            var scale: Double = 0, stepCounts: Double = 0, decimals = -1
            var power: Double = 1
            for places in 0...9 {
                let counts = resolution * power
                let whole = counts.rounded()
                if whole >= 1, abs(counts - whole) <= whole * 1e-9 {
                    scale = power; stepCounts = whole; decimals = places
                    break
                }
                power *= 10
            }
            if decimals < 0 {
                // Not a decimal of at most 9 places: the spec's max(0, ceil(-log10 r)).
                decimals = 0
                power = 1
                while decimals < 9, resolution * power < 1 - 1e-9 { decimals += 1; power *= 10 }
            }
            self.scale = scale
            self.stepCounts = stepCounts
            self.decimals = decimals
            let minScaled = min * scale
            self.minCounts = abs(minScaled - minScaled.rounded()) <= Swift.max(1, abs(minScaled)) * 1e-12 ? minScaled.rounded() : minScaled

            let exactSteps = scale > 0 ? (max * scale - minCounts) / stepCounts : (max - min) / resolution
            let steps = exactSteps.rounded(.toNearestOrAwayFromZero)
            var bits = 1
            var codes: Double = 2  // 2^bits
            while codes < steps + 2 { codes *= 2; bits += 1 }
            guard bits <= 24 else { throw .bitsOutOfRange(field: name, bits: bits) }
            self.steps = Int(steps)
            self.bits = bits
        }

        /// The all-ones code, 2^bits - 1: no value.
        public var missingCode: UInt32 { (UInt32(1) << UInt32(bits)) - 1 }

        /// round((value - min) / resolution), nearest, ties away from zero; not range-checked.
        public func quantise(_ value: Double) -> Double {
            let exact = scale > 0 ? (value * scale - minCounts) / stepCounts : (value - min) / resolution
            return exact.rounded(.toNearestOrAwayFromZero)
        }

        /// The code of `value`: nil or NaN give the missing code; nil when the value is not on
        /// the field's scale (code below 0 or above steps; ±infinity).
        public func code(_ value: Double?) -> UInt32? {
            guard let value, !value.isNaN else { return missingCode }
            let q = quantise(value)
            guard q >= 0, q <= Double(steps) else { return nil }
            return UInt32(q)
        }

        /// min + code × resolution (the nearest Double to that decimal when the resolution is
        /// one), or nil for the missing code.
        public func value(ofCode code: UInt32) -> Double? {
            guard code != missingCode else { return nil }
            return scale > 0 ? (minCounts + Double(code) * stepCounts) / scale : min + Double(code) * resolution
        }
    }

    public let id: Int
    public let fields: [Field]

    public init(id: Int, fields: [Field]) throws(CompactSchemaError) {
        guard id >= 0, id <= 15 else { throw .idOutOfRange(id) }
        guard !fields.isEmpty else { throw .noFields }
        guard fields.count <= Self.maximumFields else { throw .tooManyFields(fields.count) }
        // The decoded form is one JSON object keyed by field name, beside these keys.
        let reserved = ["schema", "samples", "more", "continued"]
        for (index, field) in fields.enumerated() {
            guard !reserved.contains(field.name) else { throw .reservedName(field.name) }
            for earlier in fields[..<index] where earlier.name == field.name { throw .duplicateName(field.name) }
        }
        self.id = id
        self.fields = fields
    }
}

public enum CompactSchemaError: Error, Equatable, CustomStringConvertible {
    case idOutOfRange(Int)
    case noFields
    case tooManyFields(Int)
    case resolutionNotPositive(field: String, resolution: Double)
    case minNotBelowMax(field: String, min: Double, max: Double)
    case bitsOutOfRange(field: String, bits: Int)
    case duplicateName(String)
    case reservedName(String)

    public var description: String {
        switch self {
        case .idOutOfRange(let id): return "compact schema id \(id) is not in 0...15"
        case .noFields: return "a compact schema needs at least one field"
        case .tooManyFields(let count): return "a compact schema has at most 64 fields, not \(count)"
        case .resolutionNotPositive(let field, let resolution):
            return "field \(field): resolution \(DecimalText.shortest(resolution)) is not a positive number"
        case .minNotBelowMax(let field, let min, let max):
            return "field \(field): min \(DecimalText.shortest(min)) is not below max \(DecimalText.shortest(max))"
        case .bitsOutOfRange(let field, let bits):
            return "field \(field): its range needs \(bits) bits a value, more than 24 (use a coarser resolution)"
        case .duplicateName(let name): return "field \(name) appears twice in the compact schema"
        case .reservedName(let name): return "field name \(name) is a key of the decoded form; choose another"
        }
    }
}

public enum CompactFrame {
    /// The layout version in the header's top two bits.
    public static let version = 1
    /// Values of one field in one frame: n - 1 travels in 3 bits.
    public static let maximumRun = 8

    /// The frames of one batch, in order, and what had to be left out.
    public struct Encoded: Equatable, Sendable {
        public var frames: [[UInt8]]
        /// Per schema field: how many of its oldest values were dropped because the run did
        /// not fit one frame (0 for most).
        public var trimmed: [Int]
    }

    /// Encodes a batch: per schema field, in schema order, its run of 0...8 values (oldest
    /// first; nil or NaN for a missing value; an empty run leaves the field out) into frames of
    /// at most `limit` bytes. An empty batch gives no frames.
    public static func encode(_ batch: [[Double?]], schema: CompactSchema, limit: Int) throws(CompactEncodeError) -> Encoded {
        let fields = schema.fields
        guard batch.count == fields.count else { throw .batchShape(fields: fields.count, runs: batch.count) }
        var runs: [[UInt32]] = []
        for (field, values) in zip(fields, batch) {
            guard values.count <= maximumRun else { throw .tooManyValues(field: field.name, count: values.count) }
            var codes: [UInt32] = []
            for value in values {
                guard let code = field.code(value) else { throw .valueOutOfRange(field: field.name, value: value ?? 0) }
                codes.append(code)
            }
            runs.append(codes)
        }

        var parts: [[(field: Int, codes: [UInt32])]] = []
        var current: [(field: Int, codes: [UInt32])] = []
        var currentBits = fields.count  // the presence bits
        var trimmed = [Int](repeating: 0, count: fields.count)
        for (index, codes) in runs.enumerated() where !codes.isEmpty {
            let bits = fieldBits(codes, bits: fields[index].bits)
            if byteCount(currentBits + bits) <= limit {
                current.append((index, codes)); currentBits += bits
                continue
            }
            if !current.isEmpty {
                parts.append(current)
                current = []; currentBits = fields.count
            }
            // Alone in a frame: the newest values, as many as fit.
            var kept = codes.count
            while kept > 0, byteCount(currentBits + fieldBits(Array(codes[(codes.count - kept)...]), bits: fields[index].bits)) > limit {
                kept -= 1
            }
            guard kept > 0 else {
                throw .fieldTooLarge(field: fields[index].name, needed: byteCount(currentBits + 3 + fields[index].bits), limit: limit)
            }
            let run = Array(codes[(codes.count - kept)...])
            trimmed[index] = codes.count - kept
            current.append((index, run)); currentBits += fieldBits(run, bits: fields[index].bits)
        }
        if !current.isEmpty { parts.append(current) }

        var frames: [[UInt8]] = []
        for (number, part) in parts.enumerated() {
            var writer = BitWriter()
            let more: UInt64 = number < parts.count - 1 ? 1 : 0
            let continued: UInt64 = number > 0 ? 1 : 0
            writer.write(UInt64(version) << 6 | UInt64(schema.id) << 2 | more << 1 | continued, bits: 8)
            var presence = [Bool](repeating: false, count: fields.count)
            for entry in part { presence[entry.field] = true }
            for present in presence { writer.write(present ? 1 : 0, bits: 1) }
            for entry in part { write(entry.codes, bits: fields[entry.field].bits, to: &writer) }
            frames.append(writer.bytes)  // the writer's last byte is already zero-padded
        }
        return Encoded(frames: frames, trimmed: trimmed)
    }

    /// Bytes of a frame whose stream after the header holds `bits` bits.
    private static func byteCount(_ bits: Int) -> Int { 1 + (bits + 7) / 8 }

    private static func zigzag(_ delta: Int64) -> UInt64 {
        delta >= 0 ? UInt64(delta) * 2 : UInt64(-delta) * 2 - 1
    }

    /// The width of the largest zigzag delta of `codes` (0 when all deltas are 0).
    private static func deltaWidth(_ codes: [UInt32]) -> Int {
        var largest: UInt64 = 0
        for index in codes.indices.dropFirst() {
            let value = zigzag(Int64(codes[index]) - Int64(codes[index - 1]))
            if value > largest { largest = value }
        }
        var width = 0
        while largest >> UInt64(width) != 0 { width += 1 }
        return width
    }

    private static func fieldBits(_ codes: [UInt32], bits: Int) -> Int {
        codes.count > 1 ? 3 + bits + 5 + (codes.count - 1) * deltaWidth(codes) : 3 + bits
    }

    private static func write(_ codes: [UInt32], bits: Int, to writer: inout BitWriter) {
        writer.write(UInt64(codes.count - 1), bits: 3)
        writer.write(UInt64(codes[0]), bits: bits)
        guard codes.count > 1 else { return }
        let width = deltaWidth(codes)
        writer.write(UInt64(width), bits: 5)
        guard width > 0 else { return }
        for index in codes.indices.dropFirst() {
            writer.write(zigzag(Int64(codes[index]) - Int64(codes[index - 1])), bits: width)
        }
    }

    /// One frame, decoded on its own.
    public struct Decoded: Equatable, Sendable {
        public let schema: CompactSchema
        /// M: another part of this batch follows.
        public var more: Bool
        /// C: this part continues the batch of the previous frame.
        public var continued: Bool
        /// Per schema field, oldest first, nil for "no value"; empty when the field is not in
        /// this frame.
        public var runs: [[Double?]]
    }

    /// Decodes one frame against the schemas the receiver knows (by their ids).
    public static func decode(_ bytes: [UInt8], schemas: [CompactSchema]) throws(CompactDecodeError) -> Decoded {
        guard let header = bytes.first else { throw .emptyFrame }
        let frameVersion = Int(header >> 6)
        guard frameVersion == version else { throw .unsupportedVersion(frameVersion) }
        let schemaID = Int(header >> 2 & 0x0F)
        guard let schema = schemas.first(where: { $0.id == schemaID }) else { throw .unknownSchema(schemaID) }
        let fields = schema.fields
        var reader = BitReader(Array(bytes.dropFirst()))
        var presence: [Bool] = []
        for _ in fields {
            guard let bit = reader.read(bits: 1) else { throw .endsInsidePresence }
            presence.append(bit == 1)
        }
        guard presence.contains(true) else { throw .noFieldPresent }
        var runs = [[Double?]](repeating: [], count: fields.count)
        for (index, field) in fields.enumerated() where presence[index] {
            guard let countBits = reader.read(bits: 3), let first = reader.read(bits: field.bits) else {
                throw .endsInsideField(field.name)
            }
            var codes = [UInt32(first)]
            if countBits > 0 {
                guard let width = reader.read(bits: 5) else { throw .endsInsideField(field.name) }
                var code = Int64(first)
                for _ in 0..<countBits {
                    guard let zigzag = reader.read(bits: Int(width)) else { throw .endsInsideField(field.name) }
                    let delta = zigzag & 1 == 0 ? Int64(zigzag >> 1) : -Int64(zigzag >> 1) - 1
                    code += delta
                    guard code >= 0, code <= Int64(field.missingCode) else { throw .codeOutOfRange(field: field.name, code: code) }
                    codes.append(UInt32(code))
                }
            }
            runs[index] = codes.map { field.value(ofCode: $0) }
        }
        if let padding = reader.read(bits: (8 - reader.position % 8) % 8), padding != 0 { throw .nonZeroPadding }
        guard reader.remaining == 0 else { throw .trailingBytes(reader.remaining / 8) }
        return Decoded(schema: schema, more: header & 0b10 != 0, continued: header & 0b01 != 0, runs: runs)
    }

    /// The decoded form the spec, `motectl decode` and the generated JavaScript codec share:
    /// `{"schema": 1, "temperature": 21.6, "humidity": 40.0, "samples": {"temperature": [21.5, 21.7, 21.6]}}`,
    /// fields in this frame only, in schema order, each value with its resolution's decimals.
    public static func decodedText(_ decoded: Decoded) -> String {
        let fields = decoded.schema.fields
        func number(_ value: Double?, _ field: CompactSchema.Field) -> String {
            value.map { JSONText.number($0, decimals: field.decimals) } ?? "null"
        }
        var text = "{\"schema\": \(decoded.schema.id)"
        var samples: [String] = []
        for (field, run) in zip(fields, decoded.runs) where !run.isEmpty {
            text += ", " + JSONText.quoted(field.name) + ": " + number(run[run.count - 1], field)
            if run.count > 1 {
                var list = ""
                for value in run { list += (list.isEmpty ? "" : ", ") + number(value, field) }
                samples.append(JSONText.quoted(field.name) + ": [" + list + "]")
            }
        }
        if !samples.isEmpty {
            text += ", \"samples\": {"
            for (index, entry) in samples.enumerated() { text += (index == 0 ? "" : ", ") + entry }
            text += "}"
        }
        if decoded.more { text += ", \"more\": true" }
        if decoded.continued { text += ", \"continued\": true" }
        return text + "}"
    }
}

public enum CompactEncodeError: Error, Equatable, CustomStringConvertible {
    /// The batch does not have one run per schema field.
    case batchShape(fields: Int, runs: Int)
    case tooManyValues(field: String, count: Int)
    /// Not on the field's scale (below min or above max after rounding, or infinite): refused,
    /// never clamped.
    case valueOutOfRange(field: String, value: Double)
    /// Not even the field's newest value fits a frame of `limit` bytes.
    case fieldTooLarge(field: String, needed: Int, limit: Int)

    public var description: String {
        switch self {
        case .batchShape(let fields, let runs): return "the batch has \(runs) runs for a schema of \(fields) fields"
        case .tooManyValues(let field, let count): return "field \(field): \(count) values, a frame carries at most 8"
        case .valueOutOfRange(let field, let value):
            return "field \(field): \(DecimalText.shortest(value)) is outside the field's range"
        case .fieldTooLarge(let field, let needed, let limit):
            return "field \(field): one value needs a \(needed)-byte frame, the link takes \(limit)"
        }
    }
}

/// Why a frame was rejected.
public enum CompactDecodeError: Error, Equatable, CustomStringConvertible {
    case emptyFrame
    case unsupportedVersion(Int)
    case unknownSchema(Int)
    case endsInsidePresence
    case noFieldPresent
    case endsInsideField(String)
    /// A delta took the code below 0 or above the all-ones code.
    case codeOutOfRange(field: String, code: Int64)
    case nonZeroPadding
    /// Whole bytes after the last field.
    case trailingBytes(Int)

    public var description: String {
        switch self {
        case .emptyFrame: return "empty frame"
        case .unsupportedVersion(let version): return "layout version \(version), only 1 is known"
        case .unknownSchema(let id): return "unknown schema id \(id)"
        case .endsInsidePresence: return "the frame ends inside the presence bits"
        case .noFieldPresent: return "no field present"
        case .endsInsideField(let field): return "the frame ends inside field \(field)"
        case .codeOutOfRange(let field, let code): return "field \(field): a delta gives code \(code), outside the field's codes"
        case .nonZeroPadding: return "padding bits are not zero"
        case .trailingBytes(let count): return "\(count) byte\(count == 1 ? "" : "s") left over after the last field"
        }
    }
}

/// Joins the parts of batches: a frame with C = 1 continues the open batch, and a batch is
/// complete at its frame with M = 0. The frame carries no part number, so a lost middle part
/// goes unnoticed here (the link's frame counter can tell).
public struct CompactReassembler: Sendable {
    public struct Batch: Equatable, Sendable {
        public let schema: CompactSchema
        /// Per schema field, oldest first; empty when no part carried the field.
        public var runs: [[Double?]]
        public var parts: Int
        /// Its first part was lost: it began with a C = 1 frame.
        public var missingStart: Bool
        /// Its last part was lost: a new batch began before the M = 0 frame came.
        public var missingEnd: Bool
        public var isComplete: Bool { !missingStart && !missingEnd }
    }

    public private(set) var open: Batch?

    public init() {}

    /// Feeds one decoded frame in arrival order; returns the batches it finishes: none, one, or
    /// two when a new batch begins while one is still open.
    public mutating func add(_ frame: CompactFrame.Decoded) -> [Batch] {
        var finished: [Batch] = []
        if var batch = open, frame.continued, batch.schema == frame.schema {
            for index in batch.runs.indices { batch.runs[index] += frame.runs[index] }
            batch.parts += 1
            open = batch
        } else {
            if var stale = open {
                stale.missingEnd = true
                finished.append(stale)
            }
            open = Batch(schema: frame.schema, runs: frame.runs, parts: 1, missingStart: frame.continued, missingEnd: false)
        }
        if !frame.more, let batch = open {
            finished.append(batch)
            open = nil
        }
        return finished
    }

    /// The open batch, marked as missing its end; for when no more frames will come.
    public mutating func flush() -> Batch? {
        guard var batch = open else { return nil }
        open = nil
        batch.missingEnd = true
        return batch
    }
}
