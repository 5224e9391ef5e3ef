import Foundation
import MoteHAL
import MoteNode

/// The JSON the repository writes: canonical JSON to sign, pretty JSON to store.
enum RepositoryJSON {
    /// The bytes TUF signs: securesystemslib's canonical JSON, by the board's own encoder
    /// (MoteNode's `CanonicalJSON`, the one the update client verifies with). The one place
    /// metadata is canonicalized. Only integers, strings, booleans, arrays and objects reach it (the
    /// repository builds every value itself), so the encoder cannot refuse.
    static func canonical(_ value: JSONValue) -> [UInt8] {
        do {
            return try CanonicalJSON.encode(value)
        } catch {
            preconditionFailure("the repository built metadata canonical JSON refuses: \(error)")
        }
    }

    /// The files' form: keys sorted, two spaces an indent level, a final newline; strings escape
    /// only what JSON requires. (Signatures are over `canonical`, so the layout is free.)
    static func pretty(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: "", into: &out)
        return out + "\n"
    }

    private static func write(_ value: JSONValue, indent: String, into out: inout String) {
        let inner = indent + "  "
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let n): out += String(n)
        case .number(let text): out += text
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            guard !elements.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (k, element) in elements.enumerated() {
                out += inner
                write(element, indent: inner, into: &out)
                out += k == elements.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let object):
            guard !object.members.isEmpty else { out += "{}"; return }
            out += "{\n"
            let order = object.members.indices.sorted { a, b in
                object.members[a].key.utf8.lexicographicallyPrecedes(object.members[b].key.utf8)
            }
            for (k, index) in order.enumerated() {
                out += inner
                writeString(object.members[index].key, into: &out)
                out += ": "
                write(object.members[index].value, indent: inner, into: &out)
                out += k == order.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    out += "\\u00" + Hex.byte(UInt8(scalar.value))
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// Why a repository command failed. `description` is the message after "motectl: ".
public enum RepositoryError: Error, Equatable, CustomStringConvertible {
    /// A bad command-line value: the option, what is wrong.
    case badOption(String, String)
    /// A file that is never overwritten exists: the path, why it stays.
    case exists(String, String)
    case missing(String)
    /// A private key file others can read.
    case secretMode(String, UInt32)
    /// A file's content is wrong: the file (and JSON path), what is wrong.
    case invalid(String, String)
    /// Not enough keys to sign a role: the role, the threshold, how many given keys are the role's.
    case threshold(String, String)
    case crypto(String)
    /// A system call failed: the path, the operation, errno.
    case system(String, String, Int32)

    public var description: String {
        switch self {
        case .badOption(let option, let message): "\(option): \(message)"
        case .exists(let path, let why): "\(path) exists: \(why)"
        case .missing(let path): "\(path): no such file or directory"
        case .secretMode(let path, let mode): "\(path): mode \(IdentityError.octal(mode)); a private key must be 0600 (chmod 600 \(path))"
        case .invalid(let path, let message): "\(path): \(message)"
        case .threshold(let role, let message): "\(role): \(message)"
        case .crypto(let message): message
        case .system(let path, let operation, let code): "\(path): cannot \(operation): \(String(cString: strerror(code)))"
        }
    }
}

/// Reads fields of a parsed metadata file, naming the file and JSON path of what is wrong.
struct RepositoryReader {
    let file: String

    static func join(_ path: String, _ key: String) -> String {
        let text = JSONPath([.key(key)]).description  // quoted unless [A-Za-z0-9_-]+
        return path.isEmpty ? text : path + "." + text
    }

    func fail(_ path: String, _ reason: String) -> RepositoryError {
        .invalid(path.isEmpty ? file : file + ": " + path, reason)
    }

    func object(_ value: JSONValue, at path: String) throws(RepositoryError) -> JSONObject {
        guard case .object(let object) = value else { throw fail(path, "expected an object, found \(value.typeName)") }
        return object
    }

    func member(_ object: JSONObject, _ key: String, at path: String) throws(RepositoryError) -> JSONValue {
        guard let value = object[key] else { throw fail(Self.join(path, key), "missing") }
        return value
    }

    func string(_ object: JSONObject, _ key: String, at path: String) throws(RepositoryError) -> String {
        let value = try member(object, key, at: path)
        guard case .string(let text) = value else { throw fail(Self.join(path, key), "expected a string, found \(value.typeName)") }
        return text
    }

    func integer(_ object: JSONObject, _ key: String, at path: String, minimum: Int64 = 0) throws(RepositoryError) -> Int64 {
        let value = try member(object, key, at: path)
        guard case .integer(let n) = value, n >= minimum else {
            throw fail(Self.join(path, key), "expected an integer of at least \(minimum), found \(value.typeName)")
        }
        return n
    }

    func array(_ object: JSONObject, _ key: String, at path: String) throws(RepositoryError) -> [JSONValue] {
        let value = try member(object, key, at: path)
        guard case .array(let elements) = value else { throw fail(Self.join(path, key), "expected an array, found \(value.typeName)") }
        return elements
    }

    func strings(_ object: JSONObject, _ key: String, at path: String) throws(RepositoryError) -> [String] {
        var result: [String] = []
        for (k, element) in try array(object, key, at: path).enumerated() {
            guard case .string(let text) = element else { throw fail(Self.join(path, key) + "[\(k)]", "expected a string, found \(element.typeName)") }
            result.append(text)
        }
        return result
    }

    /// TUF's "2030-01-01T00:00:00Z".
    func time(_ object: JSONObject, _ key: String, at path: String) throws(RepositoryError) -> Date {
        let text = try string(object, key, at: path)
        guard let date = RepositoryTime.parse(text) else {
            throw fail(Self.join(path, key), "\"\(text)\" is not a time like 2030-01-01T00:00:00Z")
        }
        return date
    }
}

/// TUF's expiry times: ISO 8601 in UTC to the second, "2030-01-01T00:00:00Z".
public enum RepositoryTime {
    static func formatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }

    public static func text(_ date: Date) -> String { formatter().string(from: date) }

    public static func parse(_ text: String) -> Date? {
        guard text.hasSuffix("Z"), text.utf8.count == 20 else { return nil }
        return formatter().date(from: text)
    }

    /// Whole seconds: metadata times have no fractions.
    static func truncated(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)) }
}

/// File reading and atomic writing for the repository.
enum RepositoryFiles {
    static func readBytes(_ path: String) throws(RepositoryError) -> [UInt8] {
        guard FileStatus.of(path) != nil else { throw .missing(path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .invalid(path, "cannot read it") }
        return Array(data)
    }

    static func readText(_ path: String) throws(RepositoryError) -> String {
        let bytes = try readBytes(path)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalid(path, "not UTF-8 text") }
        return text
    }

    static func parseJSON(_ bytes: [UInt8], file: String) throws(RepositoryError) -> JSONValue {
        do {
            return try JSON.parse(bytes)
        } catch {
            throw .invalid(file, "not JSON: \(error)")
        }
    }

    /// Identity's file helpers throw `IdentityError`; the repository's callers see `RepositoryError`.
    static func mapping(_ body: () throws(IdentityError) -> Void) throws(RepositoryError) {
        do {
            try body()
        } catch {
            switch error {
            case .exists(let path): throw .exists(path, "never overwritten")
            case .system(let path, let operation, let code): throw .system(path, operation, code)
            default: throw .crypto(error.description)
            }
        }
    }

    /// Writes `path` (mode 0644) through a temporary file in the same directory, synced, then
    /// renamed over it: a reader (a web server) sees the old file or the new one, never a part.
    static func replace(_ path: String, contents: [UInt8]) throws(RepositoryError) {
        let directory = IdentityDirectory.parent(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let temporary = directory + "/." + name + ".new"
        unlink(temporary)  // left by an interrupted run
        try mapping { () throws(IdentityError) in
            try IdentityDirectory.writeNew(temporary, in: directory, mode: 0o644, contents: contents)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .system(path, "replace", code)
        }
    }

    /// Creates `path` (mode 0644) and refuses when it exists.
    static func create(_ path: String, contents: [UInt8]) throws(RepositoryError) {
        try mapping { () throws(IdentityError) in
            try IdentityDirectory.writeNew(path, in: IdentityDirectory.parent(of: path), mode: 0o644, contents: contents)
        }
    }

    /// Creates `path` and its missing parents (mode 0755 under the umask).
    static func makeDirectory(_ path: String) throws(RepositoryError) {
        if let status = FileStatus.of(path) {
            guard status.isDirectory else { throw .invalid(path, "not a directory") }
            return
        }
        let parent = IdentityDirectory.parent(of: path)
        if parent != path { try makeDirectory(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw .system(path, "create the directory", errno) }
    }

    static func syncDirectory(_ path: String) throws(RepositoryError) {
        try mapping { () throws(IdentityError) in try IdentityDirectory.syncDirectory(path) }
    }
}
