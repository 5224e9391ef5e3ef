import MoteHAL

/// TUF metadata (The Update Framework specification 1.0, section 4) read from the JSON a board
/// downloads: the signature envelope and the signed part of each top-level role. Reading checks
/// the shapes and ranges the specification and python-tuf's Metadata API require and names the
/// file and JSON path of what is wrong; it verifies nothing (signatures: `TUFSignatures`; versions,
/// expiry and hashes: the update client).
///
/// Fields the model does not know stay in `envelope.signed`, the object as received: signatures
/// are checked over its canonical form (`envelope.canonicalSigned`), never over a re-serialized
/// model, so a field added by a newer repository cannot break verification.
public struct TUFMetadata<Signed: TUFSignedRole>: Equatable, Sendable {
    public var envelope: TUFEnvelope
    public var signed: Signed

    public init(envelope: TUFEnvelope, signed: Signed) {
        self.envelope = envelope
        self.signed = signed
    }

    /// Reads one metadata file. `file` names it in errors ("root.json", "2.root.json", ...).
    public static func parse(_ bytes: [UInt8], file: String, maxDepth: Int = JSON.defaultMaxDepth) throws(TUFError) -> TUFMetadata<Signed> {
        let envelope = try TUFEnvelope.parse(bytes, file: file, maxDepth: maxDepth)
        let reader = TUFReader(file: file)
        let signed = try Signed(reading: envelope.signed, reader, at: JSONPath([.key("signed")]))
        return TUFMetadata(envelope: envelope, signed: signed)
    }
}

/// The signed part of one role's metadata.
public protocol TUFSignedRole: Equatable, Sendable {
    /// The `_type` this role's metadata carries: "root", "timestamp", "snapshot", "targets".
    static var type: String { get }
    init(reading signed: JSONObject, _ reader: TUFReader, at path: JSONPath) throws(TUFError)
}

/// "snapshot.json: signed.meta."targets.json".version: expected a positive integer, found 0".
public struct TUFError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// As `JSONPath` writes it; empty when the fault is in the file as a whole (bad JSON).
    public var path: String
    public var reason: String

    public init(file: String, path: String, reason: String) {
        self.file = file
        self.path = path
        self.reason = reason
    }

    public var description: String { file + ": " + (path.isEmpty ? "" : path + ": ") + reason }
}

// MARK: - The envelope

public struct TUFSignature: Equatable, Sendable {
    public var keyid: String
    /// The signature's hex as received; `bytes` is nil when it is not hex (such a signature
    /// counts for nothing, like any other that does not verify).
    public var sig: String

    public init(keyid: String, sig: String) {
        self.keyid = keyid
        self.sig = sig
    }

    public var bytes: [UInt8]? { Hex.decode(sig) }
}

/// `{"signatures": [{"keyid": ..., "sig": ...}, ...], "signed": {...}}`.
public struct TUFEnvelope: Equatable, Sendable {
    public var signatures: [TUFSignature]
    /// The signed object exactly as received, unknown fields included.
    public var signed: JSONObject
    /// `CanonicalJSON.encode(signed)`: the bytes every signature is over.
    public var canonicalSigned: [UInt8]

    public init(signatures: [TUFSignature], signed: JSONObject, canonicalSigned: [UInt8]) {
        self.signatures = signatures
        self.signed = signed
        self.canonicalSigned = canonicalSigned
    }

    public static func parse(_ bytes: [UInt8], file: String, maxDepth: Int = JSON.defaultMaxDepth) throws(TUFError) -> TUFEnvelope {
        let document: JSONValue
        do throws(JSONError) {
            document = try JSON.parse(bytes, maxDepth: maxDepth)
        } catch {
            throw TUFError(file: file, path: "", reason: "not valid JSON: " + error.description)
        }
        let reader = TUFReader(file: file)
        let root = try reader.object(document, at: JSONPath())
        var signatures: [TUFSignature] = []
        let list = JSONPath([.key("signatures")])
        for (k, element) in try reader.array(reader.member(root, "signatures", at: JSONPath()), at: list).enumerated() {
            let path = list.appending(index: k)
            let entry = try reader.object(element, at: path)
            signatures.append(TUFSignature(keyid: try reader.string(entry, "keyid", at: path), sig: try reader.string(entry, "sig", at: path)))
        }
        let signedPath = JSONPath([.key("signed")])
        let signed = try reader.object(reader.member(root, "signed", at: JSONPath()), at: signedPath)
        let canonical: [UInt8]
        do throws(CanonicalJSONError) {
            canonical = try CanonicalJSON.encode(.object(signed))
        } catch {
            throw TUFError(file: file, path: signedPath.description + (error.path.isEmpty ? "" : "." + error.path), reason: error.reason)
        }
        return TUFEnvelope(signatures: signatures, signed: signed, canonicalSigned: canonical)
    }
}

// MARK: - Fields every role has

/// `_type`, `spec_version`, `version` and `expires`.
public struct TUFCommon: Equatable, Sendable {
    public var specVersion: String
    /// Positive.
    public var version: Int64
    /// As written: "2030-01-01T00:00:00Z".
    public var expiresText: String
    /// The same instant in seconds since 1970-01-01T00:00:00Z.
    public var expires: Int64

    public init(specVersion: String, version: Int64, expiresText: String, expires: Int64) {
        self.specVersion = specVersion
        self.version = version
        self.expiresText = expiresText
        self.expires = expires
    }

    /// The major version of the specification this client implements; a file of another major
    /// version is refused (python-tuf does the same).
    public static let specificationMajor = "1"

    init(reading signed: JSONObject, type: String, _ reader: TUFReader, at path: JSONPath) throws(TUFError) {
        let found = try reader.string(signed, "_type", at: path)
        guard found.utf8.elementsEqual(type.utf8) else {
            throw reader.fail(path.appending(key: "_type"), "expected \"\(type)\", found \"\(found)\"")
        }
        specVersion = try reader.string(signed, "spec_version", at: path)
        let parts = specVersion.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) else {
            throw reader.fail(path.appending(key: "spec_version"), "\"\(specVersion)\" is not a version (MAJOR.MINOR or MAJOR.MINOR.PATCH)")
        }
        guard parts[0].elementsEqual(Self.specificationMajor.utf8) else {
            throw reader.fail(path.appending(key: "spec_version"), "specification version \(specVersion) is not supported (this client reads \(Self.specificationMajor).x)")
        }
        version = try reader.positiveInteger(signed, "version", at: path)
        expiresText = try reader.string(signed, "expires", at: path)
        guard let seconds = TUFTime.parse(expiresText) else {
            throw reader.fail(path.appending(key: "expires"), "\"\(expiresText)\" is not a UTC time written YYYY-MM-DDTHH:MM:SSZ")
        }
        expires = seconds
    }
}

/// TUF's one time format, "YYYY-MM-DDTHH:MM:SSZ" (UTC, no fractions, no offsets), and the civil
/// calendar to convert it without a C library.
public enum TUFTime {
    /// Seconds since the Unix epoch, or nil when `text` is not exactly that format or not a real
    /// date (month 13, February 30, hour 24, second 60: Python's datetime refuses leap seconds too).
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "Z") else { return nil }
        func number(_ start: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for k in start..<(start + count) {
                guard b[k] >= 0x30 && b[k] <= 0x39 else { return nil }
                value = value * 10 + Int64(b[k] - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return nil }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 60 else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second
    }

    public static func isLeapYear(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to the proleptic Gregorian date: the era arithmetic of Howard
    /// Hinnant's "chrono-compatible low-level date algorithms" (`days_from_civil`).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400                                            // 0...399
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1  // 0...365
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear   // 0...146096
        return era * 146097 + dayOfEra - 719468
    }
}

// MARK: - Keys and the roles they sign for

/// A key as metadata lists it. Keys of a type or scheme Mote does not verify are kept (they may
/// sign for roles that have other keys enough) but `usable` is nil and `unusableReason` says why.
public struct TUFKey: Equatable, Sendable {
    public var keytype: String
    public var scheme: String
    /// `keyval.public` as written: hex for Ed25519, PEM text for ECDSA and RSA.
    public var publicValue: String
    public var usable: TUFUsableKey?
    public var unusableReason: String

    public init(keytype: String, scheme: String, publicValue: String) {
        self.keytype = keytype
        self.scheme = scheme
        self.publicValue = publicValue
        (usable, unusableReason) = Self.classify(keytype: keytype, scheme: scheme, publicValue: publicValue)
    }

    /// The pairs of TUF's key types and schemes that `UpdateCrypto` verifies. "ecdsa-sha2-nistp256"
    /// as a keytype is the older spelling python-tuf still reads.
    static func classify(keytype: String, scheme: String, publicValue: String) -> (TUFUsableKey?, String) {
        let pairs: [(String, SignatureScheme)] = [("ed25519", .ed25519), ("ecdsa", .ecdsaP256SHA256),
                                                  ("ecdsa-sha2-nistp256", .ecdsaP256SHA256), ("rsa", .rsaPSSSHA256)]
        for (type, known) in pairs where type.utf8.elementsEqual(keytype.utf8) && known.name.utf8.elementsEqual(scheme.utf8) {
            if known == .ed25519 {
                guard publicValue.utf8.count == 64, let raw = Hex.decode(publicValue) else {
                    return (nil, "an ed25519 public key is 64 hex digits")
                }
                return (TUFUsableKey(scheme: known, publicKey: raw), "")
            }
            guard !publicValue.isEmpty else { return (nil, "the public key is empty") }
            return (TUFUsableKey(scheme: known, publicKey: Array(publicValue.utf8)), "")
        }
        return (nil, "key type \"\(keytype)\" with scheme \"\(scheme)\" is not supported (ed25519/ed25519, ecdsa/ecdsa-sha2-nistp256, rsa/rsassa-pss-sha256)")
    }
}

/// What `UpdateCrypto.verify` takes: the scheme and the decoded key.
public struct TUFUsableKey: Equatable, Sendable {
    public var scheme: SignatureScheme
    /// Ed25519: the 32 raw bytes. ECDSA, RSA: the PEM text's bytes.
    public var publicKey: [UInt8]

    public init(scheme: SignatureScheme, publicKey: [UInt8]) {
        self.scheme = scheme
        self.publicKey = publicKey
    }

    /// Two keyids name one key when this is equal: the scheme and the key, ignoring the
    /// whitespace PEM text may differ in.
    var identity: [UInt8] {
        var bytes: [UInt8] = Array(scheme.name.utf8) + [0]
        for b in publicKey where !(b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D) { bytes.append(b) }
        return bytes
    }
}

public struct TUFKeyEntry: Equatable, Sendable {
    public var keyid: String
    public var key: TUFKey

    public init(keyid: String, key: TUFKey) {
        self.keyid = keyid
        self.key = key
    }
}

/// `keys`: keyid to key, in document order.
public struct TUFKeyTable: Equatable, Sendable {
    public var entries: [TUFKeyEntry]

    public init(_ entries: [TUFKeyEntry] = []) {
        self.entries = entries
    }

    public subscript(keyid: String) -> TUFKey? {
        for entry in entries where entry.keyid.utf8.elementsEqual(keyid.utf8) { return entry.key }
        return nil
    }

    init(reading value: JSONValue, _ reader: TUFReader, at path: JSONPath) throws(TUFError) {
        var entries: [TUFKeyEntry] = []
        for member in try reader.object(value, at: path).members {
            let keyPath = path.appending(key: member.key)
            let object = try reader.object(member.value, at: keyPath)
            let keyval = try reader.object(reader.member(object, "keyval", at: keyPath), at: keyPath.appending(key: "keyval"))
            let key = TUFKey(keytype: try reader.string(object, "keytype", at: keyPath),
                             scheme: try reader.string(object, "scheme", at: keyPath),
                             publicValue: try reader.string(keyval, "public", at: keyPath.appending(key: "keyval")))
            entries.append(TUFKeyEntry(keyid: member.key, key: key))
        }
        self.entries = entries
    }
}

/// Who signs for a role: `{"keyids": [...], "threshold": n}`.
public struct TUFRoleKeys: Equatable, Sendable {
    /// Unique (python-tuf refuses a role that lists a keyid twice, and so does this).
    public var keyids: [String]
    /// At least 1.
    public var threshold: Int64

    public init(keyids: [String], threshold: Int64) {
        self.keyids = keyids
        self.threshold = threshold
    }

    init(reading object: JSONObject, _ reader: TUFReader, at path: JSONPath) throws(TUFError) {
        keyids = try reader.stringArray(object, "keyids", at: path)
        for (k, keyid) in keyids.enumerated() where keyids[..<k].contains(where: { $0.utf8.elementsEqual(keyid.utf8) }) {
            throw reader.fail(path.appending(key: "keyids").appending(index: k), "keyid \"\(keyid)\" is listed twice")
        }
        threshold = try reader.positiveInteger(object, "threshold", at: path)
    }
}

// MARK: - Reading with errors that name the place

/// The checks every reader above uses, each failing with the file and the JSON path.
public struct TUFReader: Sendable {
    public let file: String

    public init(file: String) {
        self.file = file
    }

    public func fail(_ path: JSONPath, _ reason: String) -> TUFError {
        TUFError(file: file, path: path.description, reason: reason)
    }

    public func member(_ object: JSONObject, _ key: String, at path: JSONPath) throws(TUFError) -> JSONValue {
        guard let value = object[key] else { throw fail(path.appending(key: key), "required, missing") }
        return value
    }

    public func object(_ value: JSONValue, at path: JSONPath) throws(TUFError) -> JSONObject {
        guard case .object(let object) = value else { throw fail(path, "expected an object, found \(value.typeName)") }
        return object
    }

    public func array(_ value: JSONValue, at path: JSONPath) throws(TUFError) -> [JSONValue] {
        guard case .array(let elements) = value else { throw fail(path, "expected an array, found \(value.typeName)") }
        return elements
    }

    public func string(_ value: JSONValue, at path: JSONPath) throws(TUFError) -> String {
        guard case .string(let text) = value else { throw fail(path, "expected a string, found \(value.typeName)") }
        return text
    }

    public func string(_ object: JSONObject, _ key: String, at path: JSONPath) throws(TUFError) -> String {
        try string(member(object, key, at: path), at: path.appending(key: key))
    }

    public func bool(_ value: JSONValue, at path: JSONPath) throws(TUFError) -> Bool {
        guard case .bool(let b) = value else { throw fail(path, "expected true or false, found \(value.typeName)") }
        return b
    }

    public func stringArray(_ object: JSONObject, _ key: String, at path: JSONPath) throws(TUFError) -> [String] {
        let arrayPath = path.appending(key: key)
        var strings: [String] = []
        for (k, element) in try array(member(object, key, at: path), at: arrayPath).enumerated() {
            strings.append(try string(element, at: arrayPath.appending(index: k)))
        }
        return strings
    }

    /// An integer of at least `minimum` (1 or 0), named in the message as TUF's readers say it.
    func integer(_ value: JSONValue, minimum: Int64, at path: JSONPath) throws(TUFError) -> Int64 {
        let wanted = minimum == 1 ? "a positive integer" : "a non-negative integer"
        switch value {
        case .integer(let n) where n >= minimum: return n
        case .integer(let n): throw fail(path, "expected \(wanted), found \(n)")
        case .number(let text): throw fail(path, "expected \(wanted), found \(text)")
        default: throw fail(path, "expected \(wanted), found \(value.typeName)")
        }
    }

    public func positiveInteger(_ object: JSONObject, _ key: String, at path: JSONPath) throws(TUFError) -> Int64 {
        try integer(member(object, key, at: path), minimum: 1, at: path.appending(key: key))
    }

    public func nonNegativeInteger(_ object: JSONObject, _ key: String, at path: JSONPath) throws(TUFError) -> Int64 {
        try integer(member(object, key, at: path), minimum: 0, at: path.appending(key: key))
    }
}
