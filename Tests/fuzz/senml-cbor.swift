// Fuzz target: CBORReader.decode and SenML.decodeResolved on any bytes. No trap; a CBOR error
// points into the input; a decoded item written back (preferred serialization) reads back the
// same (NaN aside, compared as bytes) and writes to the same bytes again; SenML records decoded
// and encoded again decode to themselves, and resolve to valid names.
import MoteNode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSenMLCBOR(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    do {
        let item = try CBORReader.decode(bytes)
        var writer = CBORWriter()
        writer.value(item)
        invariant(writer.bytes.count <= bytes.count, "written back longer: \(writer.bytes.count) of \(bytes.count)")
        guard let again = try? CBORReader.decode(writer.bytes) else {
            invariant(false, "written back, the item does not read")
            return 0
        }
        if !hasNaN(item) { invariant(again == item, "written back, the item reads otherwise") }
        var second = CBORWriter()
        second.value(again)
        invariant(second.bytes == writer.bytes, "preferred serialization is not a fixed point")
    } catch {
        switch error {
        case .empty: invariant(bytes.isEmpty, "empty for \(bytes.count) bytes")
        case .truncated(let offset, let needed, let available):
            // An item may start just past the end (the last of an array's items, say).
            invariant(offset >= 0 && offset <= bytes.count && available < needed && available <= bytes.count - offset, "truncated: \(error)")
        case .indefiniteLength(let offset), .reservedAdditionalInfo(let offset, _), .unsupportedTag(let offset, _),
             .unsupportedSimpleValue(let offset, _), .invalidUTF8(let offset), .tooDeep(let offset, _):
            invariant(offset >= 0 && offset < bytes.count, "error outside the input: \(error)")
        case .trailingBytes(let offset, let count):
            invariant(offset >= 1 && count >= 1 && offset + count == bytes.count, "trailing: \(error)")
        }
    }

    if let records = try? SenML.decode(bytes) {
        invariant(!records.isEmpty, "an empty pack decoded")
        do {
            let encoded = try SenML.encode(records)
            invariant((try? SenML.decode(encoded)) == records, "records encoded again decode otherwise")
        } catch {
            invariant(false, "decoded records do not encode: \(error)")
        }
    }
    if let resolved = try? SenML.decodeResolved(bytes) {
        for record in resolved {
            invariant(SenML.validName(record.name), "resolved name \(record.name) is not valid")
            invariant(record.value != nil || record.sum != nil, "a resolved record without value or sum")
        }
    }
    return 0
}

private func hasNaN(_ item: CBORValue) -> Bool {
    switch item {
    case .float(let value): return value.isNaN
    case .array(let items): return items.contains { hasNaN($0) }
    case .map(let pairs): return pairs.contains { hasNaN($0.key) || hasNaN($0.value) }
    default: return false
    }
}
