// Fuzz target: CayenneLPP.decode on any bytes. No trap; an error points into the frame; a frame
// that decodes is records back to back, and encoding its records gives the same bytes (every
// value a decoder reads is a count over the field's counts per unit, so it fits and rounds back).
import MoteNode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCayenneLPPDecode(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    let records: [CayenneLPP.Record]
    do {
        records = try CayenneLPP.decode(bytes)
    } catch {
        switch error {
        case .empty: invariant(bytes.isEmpty, "empty for \(bytes.count) bytes")
        case .unknownType(let offset, let code):
            invariant(offset >= 1 && offset < bytes.count && bytes[offset] == code, "unknown type \(code) at \(offset) of \(bytes.count)")
            invariant(CayenneLPP.DataType(rawValue: code) == nil, "type \(code) is known")
        case .truncated(let offset, let type, let needed, let available):
            invariant(offset >= 0 && offset < bytes.count && available == bytes.count - offset && available < needed,
                      "truncated at \(offset): \(available) of \(needed), frame \(bytes.count)")
            invariant(type == nil ? needed == 2 : needed == type!.recordSize, "truncated: needs \(needed)")
        }
        return 0
    }
    invariant(!records.isEmpty, "no records from \(bytes.count) bytes")
    invariant(records.reduce(0) { $0 + $1.type.recordSize } == bytes.count, "records do not cover the frame")
    var frame = CayenneLPP(capacity: bytes.count)
    for record in records {
        invariant(record.values.count == record.type.fields.count, "\(record.type.name) with \(record.values.count) values")
        do {
            try frame.add(channel: record.channel, record.type, values: record.values)
        } catch {
            invariant(false, "a decoded record does not encode: \(error)")
        }
    }
    invariant(frame.bytes == bytes, "re-encoded frame differs")
    return 0
}
