// Fuzz target: JSON.parse, CanonicalJSON.encode and TUFMetadata.parse for every role on any
// bytes. No trap; a JSON error points into the input (or just past it); canonical bytes do not
// depend on member order, and when they hold no control character (the only way canonical JSON
// is not JSON) they parse back to a value with the same canonical bytes; metadata that reads has
// canonical signed bytes that are the received object's.
import MoteNode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTUFMetadata(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    do throws(JSONError) {
        let value = try JSON.parse(bytes, maxDepth: 16)
        if let canonical = try? CanonicalJSON.encode(value) {
            invariant((try? CanonicalJSON.encode(reversed(value))) == canonical, "canonical bytes depend on member order")
            if !canonical.contains(where: { $0 < 0x20 }) {
                guard let again = try? JSON.parse(canonical, maxDepth: 16) else {
                    invariant(false, "canonical bytes without control characters are not JSON")
                    return 0
                }
                invariant((try? CanonicalJSON.encode(again)) == canonical, "canonical bytes are not a fixed point")
            }
        }
    } catch {
        invariant(error.offset >= 0 && error.offset <= bytes.count, "error outside the input: \(error)")
        invariant(!error.reason.isEmpty, "an error without a reason")
    }
    check(TUFRoot.self, bytes, "root.json")
    check(TUFTimestamp.self, bytes, "timestamp.json")
    check(TUFSnapshot.self, bytes, "snapshot.json")
    check(TUFTargets.self, bytes, "targets.json")
    return 0
}

private func check<Role: TUFSignedRole>(_: Role.Type, _ bytes: [UInt8], _ file: String) {
    do throws(TUFError) {
        let metadata = try TUFMetadata<Role>.parse(bytes, file: file, maxDepth: 16)
        invariant((try? CanonicalJSON.encode(.object(metadata.envelope.signed))) == metadata.envelope.canonicalSigned,
                  "\(file): canonicalSigned is not the received object's canonical form")
    } catch {
        invariant(error.file == file && error.description.hasPrefix(file + ": "), "an error naming another file: \(error)")
    }
}

/// The same value with every object's members in reverse order.
private func reversed(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let object): return .object(JSONObject(object.members.reversed().map { JSONMember(key: $0.key, value: reversed($0.value)) }))
    case .array(let elements): return .array(elements.map(reversed))
    default: return value
    }
}
