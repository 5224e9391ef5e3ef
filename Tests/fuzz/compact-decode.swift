// Fuzz target: CompactFrame.decode and CompactReassembler. The input is frames, each a length
// byte and that many bytes, decoded against fixed schemas (those of the frame fixtures, ids 1-5, and
// id 7: a resolution of 1/3 and fields of 1 to 24 bits). No trap; a decoded frame has a
// run of at most 8 per field and at least one field; where every value is on its field's scale
// (codes above `steps` decode but cannot be encoded), encoding the runs gives one frame that
// decodes to the same values, with the same header flags, no longer than the input, and that
// encodes to itself (the encoder's form is canonical). The reassembler loses no part and no
// value.
import MoteNode

private let schemas: [CompactSchema] = {
    func field(_ name: String, _ id: UInt8, _ resolution: Double, _ min: Double, _ max: Double) -> CompactSchema.Field {
        try! CompactSchema.Field(name: name, id: id, resolution: resolution, min: min, max: max)
    }
    func schema(_ id: Int, _ fields: [CompactSchema.Field]) -> CompactSchema { try! CompactSchema(id: id, fields: fields) }
    let temperature = field("temperature", 1, 0.1, -40, 85), humidity = field("humidity", 2, 0.5, 0, 100)
    return [
        // The schemas of Tests/corpus/frames/compact*.jsonl, so its frames are seeds.
        schema(1, [temperature, humidity]),
        schema(2, [temperature, humidity, field("pressure", 3, 10, 30_000, 110_000)]),
        schema(3, (0..<10).map { field("t\($0)", UInt8(10 + $0), 0.1, -40, 85) }),
        schema(4, [field("level", 5, 0.25, 0, 10), field("door", 4, 1, 0, 1)]),
        schema(5, [field("energy", 6, 0.01, 0, 100_000)]),
        // A resolution that is no decimal, and 1-bit to 24-bit fields.
        schema(7, [field("door", 3, 1, 0, 1), field("third", 7, 1.0 / 3.0, 0, 100), field("level", 5, 0.25, -10, 10),
                   field("energy", 6, 0.001, 0, 16_000)]),
    ]
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCompactDecode(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    var frames: [[UInt8]] = []
    var at = 0
    while at < input.count && frames.count < 16 {
        let length = Int(input[at])
        let end = min(at + 1 + length, input.count)
        frames.append(Array(input[(at + 1)..<end]))
        at = end
    }
    var reassembler = CompactReassembler()
    var decodedFrames = 0, decodedValues = 0, batchParts = 0, batchValues = 0
    for bytes in frames {
        let decoded: CompactFrame.Decoded
        do {
            decoded = try CompactFrame.decode(bytes, schemas: schemas)
        } catch {
            if case .emptyFrame = error { invariant(bytes.isEmpty, "emptyFrame for \(bytes.count) bytes") }
            continue
        }
        check(decoded, bytes)
        decodedFrames += 1
        decodedValues += decoded.runs.reduce(0) { $0 + $1.count }
        for batch in reassembler.add(decoded) {
            batchParts += batch.parts
            batchValues += batch.runs.reduce(0) { $0 + $1.count }
        }
    }
    if let batch = reassembler.flush() {
        invariant(batch.missingEnd, "a flushed batch is not missing its end")
        batchParts += batch.parts
        batchValues += batch.runs.reduce(0) { $0 + $1.count }
    }
    invariant(batchParts == decodedFrames, "\(decodedFrames) frames decoded, \(batchParts) parts in batches")
    invariant(batchValues == decodedValues, "\(decodedValues) values decoded, \(batchValues) in batches")
    return 0
}

private func same(_ a: [[Double?]], _ b: [[Double?]]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in x.count == y.count && zip(x, y).allSatisfy { $0 == $1 } }
}

private func check(_ decoded: CompactFrame.Decoded, _ bytes: [UInt8]) {
    let fields = decoded.schema.fields
    invariant(decoded.runs.count == fields.count, "\(decoded.runs.count) runs for \(fields.count) fields")
    invariant(decoded.runs.contains { !$0.isEmpty }, "no field in a decoded frame")
    invariant(decoded.runs.allSatisfy { $0.count <= CompactFrame.maximumRun }, "a run longer than 8")
    for (field, run) in zip(fields, decoded.runs) {
        for value in run {
            guard let value else { continue }
            invariant(value.isFinite, "\(field.name): \(value)")
            // Off the scale: a code above steps. Those decode, but the encoder refuses them.
            guard let code = field.code(value), Int(code) <= field.steps else { return }
        }
    }
    let encoded: CompactFrame.Encoded
    do {
        encoded = try CompactFrame.encode(decoded.runs, schema: decoded.schema, limit: bytes.count)
    } catch {
        invariant(false, "decoded runs do not encode in \(bytes.count) bytes: \(error)")
        return
    }
    invariant(encoded.frames.count == 1 && encoded.trimmed.allSatisfy { $0 == 0 }, "re-encoded into \(encoded.frames.count) frames")
    var frame = encoded.frames[0]
    invariant(frame.count <= bytes.count, "re-encoded frame longer than the input")
    frame[0] = frame[0] & 0xFC | bytes[0] & 0x03  // M and C are the batch's, not the values'
    guard let again = try? CompactFrame.decode(frame, schemas: schemas) else {
        invariant(false, "a re-encoded frame does not decode")
        return
    }
    invariant(again.schema == decoded.schema && again.more == decoded.more && again.continued == decoded.continued,
              "re-encoded frame's header differs")
    invariant(same(again.runs, decoded.runs), "re-encoded frame decodes to other values")
    guard let canonical = try? CompactFrame.encode(again.runs, schema: again.schema, limit: frame.count) else {
        invariant(false, "a re-encoded frame's values do not encode")
        return
    }
    var second = canonical.frames[0]
    second[0] = second[0] & 0xFC | bytes[0] & 0x03
    invariant(canonical.frames.count == 1 && second == frame, "encoding is not canonical")
}
