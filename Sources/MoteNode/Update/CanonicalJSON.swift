/// The canonical JSON that TUF signs over, byte for byte what securesystemslib's
/// `formats.encode_canonical` writes (python-tuf signs and verifies `encode_canonical(signed)`
/// encoded as UTF-8):
/// - no whitespace; object members sorted by key, arrays in order;
/// - strings as their raw UTF-8 between double quotes, escaping only `"` and `\` with a backslash
///   (control characters and non-ASCII are written as they are, unescaped);
/// - integers in decimal, `true`, `false`, `null`; any other number is refused.
/// Python sorts keys by code point, which for valid Unicode is the order of their UTF-8 bytes.
public enum CanonicalJSON {
    public static func encode(_ value: JSONValue) throws(CanonicalJSONError) -> [UInt8] {
        var out: [UInt8] = []
        var path = JSONPath()
        try write(value, into: &out, path: &path)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8], path: inout JSONPath) throws(CanonicalJSONError) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let n): out.append(contentsOf: String(n).utf8)
        case .number(let text):
            // An integer beyond Int64 is still an integer to Python; JSON's grammar already keeps
            // its digits canonical (no leading zeros, no "+"; "-0" is an Int64 and never here).
            guard JSONValue.isIntegerText(text) else {
                throw CanonicalJSONError(path: path.description, reason: "\(text) is not an integer, and canonical JSON has integers only")
            }
            out.append(contentsOf: text.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (k, element) in elements.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                path.append(index: k)
                try write(element, into: &out, path: &path)
                path.removeLast()
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (k, index) in sortedIndices(object.members).enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                let member = object.members[index]
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                path.append(key: member.key)
                try write(member.value, into: &out, path: &path)
                path.removeLast()
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The members' indices in the order of their keys' UTF-8 bytes; equal keys (which only the
    /// parser's duplicate check sees) keep document order.
    static func sortedIndices(_ members: [JSONMember]) -> [Int] {
        var order = Array(members.indices)
        order.sort { a, b in
            let x = members[a].key.utf8, y = members[b].key.utf8
            if x.elementsEqual(y) { return a < b }
            return x.lexicographicallyPrecedes(y)
        }
        return order
    }
}

public struct CanonicalJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where, as `JSONPath` writes it ("" for the document itself).
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { path.isEmpty ? reason : path + ": " + reason }
}

/// A place in a document, written for messages the way a reader would look it up:
/// `signed.meta."targets.json".version`, `signatures[0].keyid`. Keys other than
/// [A-Za-z0-9_-]+ are quoted, with `"` and `\` escaped.
public struct JSONPath: Equatable, Sendable, CustomStringConvertible {
    public enum Component: Equatable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    public mutating func append(key: String) { components.append(.key(key)) }
    public mutating func append(index: Int) { components.append(.index(index)) }
    public mutating func removeLast() { components.removeLast() }

    public func appending(key: String) -> JSONPath { JSONPath(components + [.key(key)]) }
    public func appending(index: Int) -> JSONPath { JSONPath(components + [.index(index)]) }

    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let k):
                text += "[\(k)]"
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += Self.keyText(key)
            }
        }
        return text
    }

    static func keyText(_ key: String) -> String {
        let bare = !key.isEmpty && key.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
        if bare { return key }
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        for b in key.utf8 {
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(b)
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }
}
