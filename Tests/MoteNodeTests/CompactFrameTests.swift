import Foundation
import Testing
import MoteNode

/// The compact Mote frame against the spec's worked example, hand-built frames, and the fixtures
/// an independent Python reference (Tests/peers/compact_frame_reference.py) wrote and checks.
@Suite struct CompactFrameTests {
    // Re-declared here, not taken from any code: the spec's fields.
    static let temperature = try! CompactSchema.Field(name: "temperature", id: 1, resolution: 0.1, min: -40, max: 85)
    static let humidity = try! CompactSchema.Field(name: "humidity", id: 2, resolution: 0.5, min: 0, max: 100)
    static let pressure = try! CompactSchema.Field(name: "pressure", id: 3, resolution: 10, min: 30000, max: 110000)
    static let weather = try! CompactSchema(id: 1, fields: [temperature, humidity])
    static let station = try! CompactSchema(id: 2, fields: [temperature, humidity, pressure])

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }

    // MARK: the worked example

    @Test func specWorkedExampleByteForByte() throws {
        #expect(Self.temperature.steps == 1250 && Self.temperature.bits == 11)
        #expect(Self.humidity.steps == 200 && Self.humidity.bits == 8)
        let encoded = try CompactFrame.encode([[21.5, 21.7, 21.6], [40.0]], schema: Self.weather, limit: 51)
        #expect(encoded.frames == [[0x44, 0xD2, 0x67, 0x1C, 0x21, 0x40]])
        #expect(encoded.trimmed == [0, 0])
        let decoded = try CompactFrame.decode([0x44, 0xD2, 0x67, 0x1C, 0x21, 0x40], schemas: [Self.weather])
        #expect(decoded.schema.id == 1 && !decoded.more && !decoded.continued)
        #expect(decoded.runs == [[21.5, 21.7, 21.6], [40.0]])
        #expect(CompactFrame.decodedText(decoded)
                == #"{"schema": 1, "temperature": 21.6, "humidity": 40.0, "samples": {"temperature": [21.5, 21.7, 21.6]}}"#)
    }

    // MARK: schema

    @Test func derivedStepsAndBits() throws {
        #expect(Self.pressure.steps == 8000 && Self.pressure.bits == 13 && Self.pressure.decimals == 0)
        let energy = try CompactSchema.Field(name: "energy", id: 6, resolution: 0.01, min: 0, max: 100000)
        #expect(energy.steps == 10_000_000 && energy.bits == 24 && energy.missingCode == 0xFF_FFFF)
        let door = try CompactSchema.Field(name: "door", id: 4, resolution: 1, min: 0, max: 1)
        #expect(door.steps == 1 && door.bits == 2)
        // steps 0: one value code and the missing code, one bit.
        let flag = try CompactSchema.Field(name: "flag", id: 5, resolution: 1, min: 0, max: 0.4)
        #expect(flag.steps == 0 && flag.bits == 1)
        // steps + 2 exactly a power of two: 254 + 2 = 256 → 8 bits; 255 + 2 → 9.
        #expect(try CompactSchema.Field(name: "a", id: 0, resolution: 1, min: 0, max: 254).bits == 8)
        #expect(try CompactSchema.Field(name: "b", id: 0, resolution: 1, min: 0, max: 255).bits == 9)
        #expect(try CompactSchema.Field(name: "c", id: 0, resolution: 0.25, min: 0, max: 10).decimals == 2)
        #expect(Self.temperature.decimals == 1 && Self.humidity.decimals == 1)
    }

    @Test func invalidSchemasAreRefusedWithReasons() throws {
        #expect(throws: CompactSchemaError.bitsOutOfRange(field: "energy", bits: 27)) {
            try CompactSchema.Field(name: "energy", id: 1, resolution: 0.001, min: 0, max: 100000)
        }
        #expect(throws: CompactSchemaError.resolutionNotPositive(field: "t", resolution: 0)) {
            try CompactSchema.Field(name: "t", id: 1, resolution: 0, min: 0, max: 1)
        }
        #expect(throws: CompactSchemaError.resolutionNotPositive(field: "t", resolution: -0.1)) {
            try CompactSchema.Field(name: "t", id: 1, resolution: -0.1, min: 0, max: 1)
        }
        #expect(throws: CompactSchemaError.minNotBelowMax(field: "t", min: 5, max: 5)) {
            try CompactSchema.Field(name: "t", id: 1, resolution: 1, min: 5, max: 5)
        }
        #expect(throws: CompactSchemaError.minNotBelowMax(field: "t", min: 6, max: 5)) {
            try CompactSchema.Field(name: "t", id: 1, resolution: 1, min: 6, max: 5)
        }
        let many = try (0..<65).map { try CompactSchema.Field(name: "f\($0)", id: UInt8($0), resolution: 1, min: 0, max: 1) }
        #expect(throws: CompactSchemaError.tooManyFields(65)) { try CompactSchema(id: 0, fields: many) }
        #expect(try CompactSchema(id: 0, fields: Array(many.prefix(64))).fields.count == 64)
        #expect(throws: CompactSchemaError.noFields) { try CompactSchema(id: 0, fields: []) }
        #expect(throws: CompactSchemaError.idOutOfRange(16)) { try CompactSchema(id: 16, fields: [Self.temperature]) }
        #expect(throws: CompactSchemaError.idOutOfRange(-1)) { try CompactSchema(id: -1, fields: [Self.temperature]) }
        #expect(throws: CompactSchemaError.duplicateName("temperature")) {
            try CompactSchema(id: 1, fields: [Self.temperature, Self.humidity, Self.temperature])
        }
        let samples = try CompactSchema.Field(name: "samples", id: 1, resolution: 1, min: 0, max: 1)
        #expect(throws: CompactSchemaError.reservedName("samples")) { try CompactSchema(id: 1, fields: [samples]) }

        #expect(CompactSchemaError.bitsOutOfRange(field: "energy", bits: 27).description
                == "field energy: its range needs 27 bits a value, more than 24 (use a coarser resolution)")
        #expect(CompactSchemaError.tooManyFields(65).description == "a compact schema has at most 64 fields, not 65")
        #expect(CompactSchemaError.minNotBelowMax(field: "t", min: 6, max: 5).description == "field t: min 6 is not below max 5")
        #expect(CompactSchemaError.resolutionNotPositive(field: "t", resolution: 0).description
                == "field t: resolution 0 is not a positive number")
    }

    // MARK: encoder

    @Test func quantisationIsNearestTiesAwayFromZeroAndExactForDecimals() {
        let t = Self.temperature
        #expect(t.code(21.7) == 617)    // 21.7 × 10 + 400, not 61.7 / 0.1
        #expect(t.code(21.75) == 618)   // the tie goes up
        #expect(t.code(21.74) == 617)
        #expect(t.code(-39.95) == 1)    // 0.5 steps above min: away from zero
        #expect(t.code(nil) == 2047 && t.code(.nan) == 2047)
        #expect(Self.humidity.code(40.25) == 81 && Self.humidity.code(40.2) == 80)
        #expect(Self.pressure.code(101325) == 7133 && Self.pressure.code(101324.9) == 7132)
        // Every 0.1 step from min to max lands on its own code.
        for step in 0...1250 {
            let value = (Double(step) - 400) / 10
            #expect(t.code(value) == UInt32(step))
            #expect(t.value(ofCode: UInt32(step)) == value)
        }
    }

    @Test func minAndMaxEdgesAndOutOfRangeRefusal() throws {
        let t = Self.temperature
        #expect(t.code(-40) == 0 && t.code(85) == 1250)
        #expect(t.code(85.04) == 1250 && t.code(-40.04) == 0)
        #expect(t.code(85.05) == nil && t.code(-40.05) == nil && t.code(.infinity) == nil)
        #expect(throws: CompactEncodeError.valueOutOfRange(field: "temperature", value: 85.05)) {
            try CompactFrame.encode([[21.0, 85.05], []], schema: Self.weather, limit: 51)
        }
        #expect(throws: CompactEncodeError.valueOutOfRange(field: "humidity", value: -0.5)) {
            try CompactFrame.encode([[21.0], [-0.5]], schema: Self.weather, limit: 51)
        }
        #expect(throws: CompactEncodeError.valueOutOfRange(field: "temperature", value: -.infinity)) {
            try CompactFrame.encode([[-.infinity], []], schema: Self.weather, limit: 51)
        }
        #expect(CompactEncodeError.valueOutOfRange(field: "temperature", value: 85.05).description
                == "field temperature: 85.05 is outside the field's range")
    }

    @Test func encoderRefusals() {
        #expect(throws: CompactEncodeError.tooManyValues(field: "humidity", count: 9)) {
            try CompactFrame.encode([[], [Double?](repeating: 50, count: 9)], schema: Self.weather, limit: 51)
        }
        #expect(throws: CompactEncodeError.batchShape(fields: 2, runs: 3)) {
            try CompactFrame.encode([[1], [1], [1]], schema: Self.weather, limit: 51)
        }
        // One temperature value: 1 header byte + 2 presence + 3 count + 11 code bits = 3 bytes.
        #expect(throws: CompactEncodeError.fieldTooLarge(field: "temperature", needed: 3, limit: 2)) {
            try CompactFrame.encode([[20, 21], [40]], schema: Self.weather, limit: 2)
        }
        #expect(CompactEncodeError.fieldTooLarge(field: "temperature", needed: 3, limit: 2).description
                == "field temperature: one value needs a 3-byte frame, the link takes 2")
        #expect(CompactEncodeError.tooManyValues(field: "humidity", count: 9).description
                == "field humidity: 9 values, a frame carries at most 8")
    }

    @Test func anEmptyBatchGivesNoFrames() throws {
        #expect(try CompactFrame.encode([[], []], schema: Self.weather, limit: 11).frames == [])
    }

    @Test func trimmingKeepsTheNewestValuesAndSaysHowManyWent() throws {
        // 8 temperatures 2 °C apart: zigzag 40 → w 6; F 2 + 3 + 11 + 5 + 7 × 6 = 63 bits → 9 bytes.
        // At 6 bytes (40 bits) 2 + 19 + 6 (k - 1) ≤ 40 keeps k = 4.
        let run: [Double?] = [10, 12, 14, 16, 18, 20, 22, 24]
        let encoded = try CompactFrame.encode([run, [50]], schema: Self.weather, limit: 6)
        #expect(encoded.trimmed == [4, 0])
        #expect(encoded.frames.count == 2)
        #expect(encoded.frames.map(\.count) == [6, 3])
        let first = try CompactFrame.decode(encoded.frames[0], schemas: [Self.weather])
        #expect(first.runs == [[18, 20, 22, 24], []] && first.more && !first.continued)
        let second = try CompactFrame.decode(encoded.frames[1], schemas: [Self.weather])
        #expect(second.runs == [[], [50]] && !second.more && second.continued)
    }

    @Test func splitsFollowPriorityWithoutBackFilling() throws {
        // At 11 bytes: temperature (8 values) and humidity fill frame 1 until pressure does not
        // fit; a later small field never slips back into an earlier frame.
        let schema = try CompactSchema(id: 2, fields: [Self.temperature, Self.pressure, Self.humidity])
        let encoded = try CompactFrame.encode([[10, 12, 14, 16, 18, 20, 22, 24],
                                               [95000, 96000, 97000, 98000, 99000, 100000, 101000, 102000],
                                               [40]], schema: schema, limit: 11)
        #expect(encoded.frames.count == 3)
        let parts = try encoded.frames.map { try CompactFrame.decode($0, schemas: [schema]) }
        #expect(parts.map { $0.runs.map(\.count) } == [[8, 0, 0], [0, 8, 0], [0, 0, 1]])
        #expect(parts.map(\.more) == [true, true, false])
        #expect(parts.map(\.continued) == [false, true, true])
        #expect(encoded.frames.allSatisfy { $0.count <= 11 })
    }

    // MARK: the Python reference's fixtures

    struct FixtureField: Decodable { var name: String; var id: UInt8; var resolution: Double; var min: Double; var max: Double }
    struct FixtureSchema: Decodable {
        var id: Int
        var fields: [FixtureField]
        func schema() throws -> CompactSchema {
            try CompactSchema(id: id, fields: fields.map {
                try CompactSchema.Field(name: $0.name, id: $0.id, resolution: $0.resolution, min: $0.min, max: $0.max)
            })
        }
    }
    struct ValidLine: Decodable { var name: String; var schema: FixtureSchema; var batch: [String: [Double?]]; var limit: Int; var frames: [String] }
    struct RejectLine: Decodable { var name: String; var schema: FixtureSchema; var frame: String; var error: String }

    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("corpus/frames")

    static func lines<Line: Decodable>(_ file: String, as: Line.Type) throws -> [Line] {
        let text = try String(contentsOf: corpus.appendingPathComponent(file), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }

    @Test func encoderMatchesThePythonReferenceOnEveryFixture() throws {
        let lines = try Self.lines("compact.jsonl", as: ValidLine.self)
        #expect(lines.count == 32)
        for line in lines {
            let schema = try line.schema.schema()
            let batch = schema.fields.map { line.batch[$0.name] ?? [] }
            let encoded = try CompactFrame.encode(batch, schema: schema, limit: line.limit)
            #expect(encoded.frames.map(Self.hex) == line.frames, "\(line.name)")
            // And back: every part decodes, the reassembler joins them, values on the grid.
            var reassembler = CompactReassembler()
            var batches: [CompactReassembler.Batch] = []
            for frame in line.frames {
                batches += reassembler.add(try CompactFrame.decode(Self.bytes(frame), schemas: [schema]))
            }
            #expect(batches.count == 1 && batches.first?.isComplete == true && batches.first?.parts == line.frames.count, "\(line.name)")
            for (index, field) in schema.fields.enumerated() {
                let expected = batch[index].map { field.value(ofCode: field.code($0)!) }.suffix(batch[index].count - encoded.trimmed[index])
                #expect(batches.first?.runs[index] == Array(expected), "\(line.name) \(field.name)")
            }
        }
    }

    static func caseName(_ error: CompactDecodeError) -> String {
        switch error {
        case .emptyFrame: return "emptyFrame"
        case .unsupportedVersion: return "unsupportedVersion"
        case .unknownSchema: return "unknownSchema"
        case .endsInsidePresence: return "endsInsidePresence"
        case .noFieldPresent: return "noFieldPresent"
        case .endsInsideField: return "endsInsideField"
        case .codeOutOfRange: return "codeOutOfRange"
        case .nonZeroPadding: return "nonZeroPadding"
        case .trailingBytes: return "trailingBytes"
        }
    }

    @Test func decoderRejectsWhatThePythonReferenceRejects() throws {
        let lines = try Self.lines("compact-rejects.jsonl", as: RejectLine.self)
        #expect(lines.count == 15)
        for line in lines {
            let schema = try line.schema.schema()
            do {
                _ = try CompactFrame.decode(Self.bytes(line.frame), schemas: [schema])
                Issue.record("\(line.name): accepted")
            } catch {
                #expect(Self.caseName(error) == line.error, "\(line.name): \(error)")
            }
        }
    }

    // MARK: decoder rejections, by hand

    @Test func everyDecoderRejectionWithItsReason() throws {
        let schemas = [Self.weather]
        func rejection(_ hex: String) -> CompactDecodeError? {
            do { _ = try CompactFrame.decode(Self.bytes(hex), schemas: schemas); return nil } catch { return error }
        }
        let cases: [(String, CompactDecodeError, String)] = [
            ("", .emptyFrame, "empty frame"),
            ("84D2671C2140", .unsupportedVersion(2), "layout version 2, only 1 is known"),
            ("04D2671C2140", .unsupportedVersion(0), "layout version 0, only 1 is known"),
            ("7CD2671C2140", .unknownSchema(15), "unknown schema id 15"),
            ("44", .endsInsidePresence, "the frame ends inside the presence bits"),
            ("4400", .noFieldPresent, "no field present"),
            ("443F", .noFieldPresent, "no field present"),
            ("44D267", .endsInsideField("temperature"), "the frame ends inside field temperature"),
            ("44D2671C21", .endsInsideField("humidity"), "the frame ends inside field humidity"),
            // presence 10, n-1 001, q0 2040, w 5, zigzag 16 (+8): code 2048 > 2047.
            ("448FF82C00", .codeOutOfRange(field: "temperature", code: 2048),
             "field temperature: a delta gives code 2048, outside the field's codes"),
            // presence 10, n-1 001, q0 0, w 1, zigzag 1 (-1): code -1.
            ("4488000C", .codeOutOfRange(field: "temperature", code: -1),
             "field temperature: a delta gives code -1, outside the field's codes"),
            ("44D2671C2141", .nonZeroPadding, "padding bits are not zero"),
            ("44D2671C214000", .trailingBytes(1), "1 byte left over after the last field"),
            ("44D2671C2140FFFF", .trailingBytes(2), "2 bytes left over after the last field"),
        ]
        for (hex, error, reason) in cases {
            #expect(rejection(hex) == error, "\(hex)")
            #expect(error.description == reason)
        }
    }

    @Test func missingValuesAndFlagsInTheDecodedForm() throws {
        let encoded = try CompactFrame.encode([[21.0, nil, 21.2], [41.0, nil]], schema: Self.weather, limit: 51)
        let decoded = try CompactFrame.decode(encoded.frames[0], schemas: [Self.weather])
        #expect(decoded.runs == [[21.0, nil, 21.2], [41.0, nil]])
        #expect(CompactFrame.decodedText(decoded)
                == #"{"schema": 1, "temperature": 21.2, "humidity": null, "samples": {"temperature": [21.0, null, 21.2], "humidity": [41.0, null]}}"#)
        let split = try CompactFrame.encode([[21.0], [], [101320, 101330]], schema: Self.station, limit: 5)
        let parts = try split.frames.map { try CompactFrame.decode($0, schemas: [Self.station]) }
        #expect(parts.map(CompactFrame.decodedText) == [
            #"{"schema": 2, "temperature": 21.0, "more": true}"#,
            #"{"schema": 2, "pressure": 101330, "samples": {"pressure": [101320, 101330]}, "continued": true}"#,
        ])
        let quarter = try CompactSchema(id: 4, fields: [CompactSchema.Field(name: "level", id: 5, resolution: 0.25, min: 0, max: 10)])
        let level = try CompactFrame.decode(CompactFrame.encode([[2.25, 2.5]], schema: quarter, limit: 11).frames[0], schemas: [quarter])
        #expect(CompactFrame.decodedText(level) == #"{"schema": 4, "level": 2.50, "samples": {"level": [2.25, 2.50]}}"#)
    }

    // MARK: reassembly

    func split(_ batch: [[Double?]]) throws -> [CompactFrame.Decoded] {
        let frames = try CompactFrame.encode(batch, schema: Self.station, limit: 11).frames
        return try frames.map { try CompactFrame.decode($0, schemas: [Self.station]) }
    }

    static let threeParts: [[Double?]] = [[20.0, 20.4, 20.9, 21.3, 21.8, 22.4, 23.1, 23.9],
                                          [40.0, 42.5, 45.0, 47.5, 50.0, 52.5, 55.0, 57.5],
                                          [100000, 100100, 100200, 100300, 100400]]

    @Test func reassemblyJoinsThreeParts() throws {
        let parts = try split(Self.threeParts)
        #expect(parts.count == 3)
        var reassembler = CompactReassembler()
        #expect(reassembler.add(parts[0]) == [])
        #expect(reassembler.add(parts[1]) == [])
        let done = reassembler.add(parts[2])
        #expect(done.count == 1)
        #expect(done.first?.runs == Self.threeParts && done.first?.parts == 3 && done.first?.isComplete == true)
        #expect(reassembler.open == nil && reassembler.flush() == nil)
    }

    @Test func aLostFirstPartStillDecodesMarkedIncomplete() throws {
        let parts = try split(Self.threeParts)
        var reassembler = CompactReassembler()
        #expect(reassembler.add(parts[1]) == [])
        let done = reassembler.add(parts[2])
        #expect(done.count == 1)
        #expect(done.first?.missingStart == true && done.first?.missingEnd == false && done.first?.isComplete == false)
        #expect(done.first?.runs == [[], Self.threeParts[1], Self.threeParts[2]])
    }

    @Test func aLostLastPartShowsWhenTheNextBatchBegins() throws {
        let parts = try split(Self.threeParts)
        let single = try split([[19.5], [], []])
        var reassembler = CompactReassembler()
        _ = reassembler.add(parts[0])
        _ = reassembler.add(parts[1])
        let done = reassembler.add(single[0])  // parts[2] lost; a new batch, complete in one frame
        #expect(done.count == 2)
        #expect(done[0].missingEnd && !done[0].missingStart && done[0].parts == 2)
        #expect(done[0].runs == [Self.threeParts[0], Self.threeParts[1], []])
        #expect(done[1].isComplete && done[1].runs == [[19.5], [], []])
        // And an open batch at the end of the stream comes out of flush, missing its end.
        _ = reassembler.add(parts[0])
        #expect(reassembler.flush()?.missingEnd == true)
    }

    // MARK: bits

    @Test func bitWriterAndReaderAreMostSignificantFirst() {
        var writer = BitWriter()
        writer.write(0b01, bits: 2)
        writer.write(0b0001, bits: 4)
        writer.write(0, bits: 2)
        writer.write(0b1_1010_0100_1100_1110_0, bits: 18)
        writer.write(0, bits: 0)
        #expect(writer.bytes == [0x44, 0xD2, 0x67, 0x00] && writer.bitCount == 26)
        writer.write(UInt64.max, bits: 64)
        #expect(writer.bitCount == 90 && writer.bytes.count == 12 && writer.bytes[3] == 0x3F && writer.bytes[11] == 0xC0)
        var reader = BitReader([0x44, 0xD2, 0x67])
        #expect(reader.read(bits: 2) == 1 && reader.read(bits: 4) == 1 && reader.read(bits: 2) == 0)
        #expect(reader.read(bits: 0) == 0 && reader.remaining == 16)
        #expect(reader.read(bits: 17) == nil && reader.remaining == 16)  // nothing read
        #expect(reader.read(bits: 16) == 0xD267 && reader.remaining == 0)
    }
}

/// Bytes on air for the same readings as CayenneLPP (one frame per reading set, as the node
/// sends now) and as compact frames (5-minute batches of 5 values per field), for three nodes.
/// The compact frames are the ones the Python reference computed (compact.jsonl, "density ...").
@Suite struct CompactDensityTests {
    struct Node {
        var schema: CompactSchema
        var lpp: [(channel: UInt8, type: CayenneLPP.DataType, scale: Double)]
        var readings: [[Double]]  // per field, one a minute for 10 minutes
    }

    static func field(_ name: String, _ id: UInt8, _ resolution: Double, _ min: Double, _ max: Double) -> CompactSchema.Field {
        try! CompactSchema.Field(name: name, id: id, resolution: resolution, min: min, max: max)
    }

    static let weather = Node(
        schema: try! CompactSchema(id: 1, fields: [field("temperature", 1, 0.1, -40, 85), field("humidity", 2, 0.5, 0, 100),
                                                   field("pressure", 3, 10, 30000, 110000)]),
        lpp: [(1, .temperature, 1), (2, .humidity, 1), (3, .barometer, 0.01)],
        readings: [[21.3, 21.4, 21.4, 21.5, 21.7, 21.8, 21.8, 21.9, 22.1, 22.2],
                   [48.5, 48.5, 48.0, 48.0, 47.5, 47.5, 47.0, 47.0, 46.5, 46.5],
                   [101325, 101320, 101318, 101315, 101310, 101310, 101305, 101300, 101298, 101295]])
    // As examples/air-quality.toml frames them: PM as analog_input, CO2 as illuminance.
    static let airQuality = Node(
        schema: try! CompactSchema(id: 2, fields: [field("pm2_5", 1, 1, 0, 1000), field("pm10", 2, 1, 0, 1000),
                                                   field("co2", 3, 1, 400, 5000)]),
        lpp: [(1, .analogInput, 1), (2, .analogInput, 1), (3, .illuminance, 1)],
        readings: [[12, 13, 13, 14, 15, 15, 14, 13, 13, 12],
                   [20, 21, 23, 24, 24, 26, 25, 23, 22, 21],
                   [612, 618, 625, 631, 640, 646, 652, 655, 661, 668]])
    // As examples/modbus-energy-meter.toml: analog_input, power in hW, energy in MWh (0.01 MWh,
    // i.e. 10 kWh steps: the 2-byte field cannot carry 0.01 kWh).
    static let energyMeter = Node(
        schema: try! CompactSchema(id: 3, fields: [field("voltage", 1, 0.1, 180, 260), field("power", 2, 1, 0, 10000),
                                                   field("energy", 6, 0.01, 0, 100000)]),
        lpp: [(1, .analogInput, 1), (2, .analogInput, 0.01), (3, .analogInput, 0.001)],
        readings: [[230.1, 230.3, 230.2, 229.8, 229.9, 230.4, 230.6, 230.5, 230.2, 230.0],
                   [1520, 1534, 1541, 1529, 1517, 1560, 1602, 1588, 1575, 1570],
                   [12345.67, 12345.70, 12345.72, 12345.75, 12345.77, 12345.80, 12345.83, 12345.85, 12345.88, 12345.91]])

    /// (bytes, frames) as CayenneLPP: one frame per minute, split like the node does when a
    /// record does not fit.
    static func cayenne(_ node: Node, limit: Int) throws -> (bytes: Int, frames: Int) {
        var bytes = 0, frames = 0
        for minute in 0..<10 {
            var frame = CayenneLPP(capacity: limit)
            for (index, record) in node.lpp.enumerated() {
                do { try frame.add(channel: record.channel, record.type, node.readings[index][minute] * record.scale) } catch {
                    bytes += frame.bytes.count; frames += 1
                    frame = CayenneLPP(capacity: limit)
                    try frame.add(channel: record.channel, record.type, node.readings[index][minute] * record.scale)
                }
            }
            bytes += frame.bytes.count; frames += 1
        }
        return (bytes, frames)
    }

    static func compact(_ node: Node, limit: Int) throws -> (bytes: Int, frames: Int) {
        var bytes = 0, frames = 0
        for start in [0, 5] {
            let batch = node.readings.map { run in run[start..<start + 5].map { Optional($0) } }
            let encoded = try CompactFrame.encode(batch, schema: node.schema, limit: limit)
            #expect(encoded.trimmed.allSatisfy { $0 == 0 })
            bytes += encoded.frames.reduce(0) { $0 + $1.count }; frames += encoded.frames.count
        }
        return (bytes, frames)
    }

    // 30 readings a node. Compact at 51 bytes: weather 11 + 11, air quality 14 + 12, energy
    // 16 + 17 (the Python reference's frames).
    @Test(arguments: [
        ("weather", 51, 110, 10, 22, 2), ("weather", 11, 110, 10, 22, 2),
        ("air quality", 51, 120, 10, 26, 2), ("air quality", 11, 120, 20, 30, 4),
        ("energy meter", 51, 120, 10, 33, 2), ("energy meter", 11, 120, 20, 39, 5),
    ])
    func bytesOnAir(node name: String, limit: Int, lppBytes: Int, lppFrames: Int, compactBytes: Int, compactFrames: Int) throws {
        let node = name == "weather" ? Self.weather : name == "air quality" ? Self.airQuality : Self.energyMeter
        let lpp = try Self.cayenne(node, limit: limit)
        let compact = try Self.compact(node, limit: limit)
        #expect(lpp.bytes == lppBytes && lpp.frames == lppFrames, "\(name) at \(limit): CayenneLPP \(lpp)")
        #expect(compact.bytes == compactBytes && compact.frames == compactFrames, "\(name) at \(limit): compact \(compact)")
        #expect(compact.bytes * 2 <= lpp.bytes)
    }
}
