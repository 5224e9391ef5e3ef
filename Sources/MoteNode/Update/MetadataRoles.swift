import MoteHAL

/// The four top-level roles' signed parts (TUF specification 4.3 to 4.6), with python-tuf's
/// checks: exactly the four role names in root, positive versions and thresholds, non-negative
/// lengths, non-empty hashes, delegated roles with exactly one of `paths` and
/// `path_hash_prefixes`, and delegations with exactly one of `roles` and `succinct_roles`.

/// The top-level roles, in the order root.json lists them.
public enum TUFRoleName: Equatable, Sendable, CaseIterable {
    case root, timestamp, snapshot, targets

    public var name: String {
        switch self {
        case .root: "root"
        case .timestamp: "timestamp"
        case .snapshot: "snapshot"
        case .targets: "targets"
        }
    }

    /// "root.json".
    public var fileName: String { name + ".json" }

    public init?(name: String) {
        for role in Self.allCases where role.name.utf8.elementsEqual(name.utf8) {
            self = role
            return
        }
        return nil
    }
}

// MARK: - root.json

public struct TUFRoot: TUFSignedRole {
    public static let type = "root"
    public var common: TUFCommon
    /// Absent in some older repositories; python-tuf reads absence as unknown.
    public var consistentSnapshot: Bool?
    public var keys: TUFKeyTable
    public var root: TUFRoleKeys
    public var timestamp: TUFRoleKeys
    public var snapshot: TUFRoleKeys
    public var targets: TUFRoleKeys

    public subscript(role: TUFRoleName) -> TUFRoleKeys {
        switch role {
        case .root: root
        case .timestamp: timestamp
        case .snapshot: snapshot
        case .targets: targets
        }
    }

    public init(reading signed: JSONObject, _ reader: TUFReader, at path: JSONPath) throws(TUFError) {
        common = try TUFCommon(reading: signed, type: Self.type, reader, at: path)
        if let value = signed["consistent_snapshot"] {
            consistentSnapshot = try reader.bool(value, at: path.appending(key: "consistent_snapshot"))
        }
        keys = try TUFKeyTable(reading: reader.member(signed, "keys", at: path), reader, at: path.appending(key: "keys"))
        let rolesPath = path.appending(key: "roles")
        let roles = try reader.object(reader.member(signed, "roles", at: path), at: rolesPath)
        for member in roles.members where TUFRoleName(name: member.key) == nil {
            throw reader.fail(rolesPath.appending(key: member.key), "not a top-level role (root.json delegates to root, timestamp, snapshot and targets only)")
        }
        func role(_ name: TUFRoleName) throws(TUFError) -> TUFRoleKeys {
            let rolePath = rolesPath.appending(key: name.name)
            return try TUFRoleKeys(reading: reader.object(reader.member(roles, name.name, at: rolesPath), at: rolePath), reader, at: rolePath)
        }
        root = try role(.root)
        timestamp = try role(.timestamp)
        snapshot = try role(.snapshot)
        targets = try role(.targets)
    }
}

// MARK: - timestamp.json and snapshot.json

/// A hash of a file: the algorithm's name as metadata writes it ("sha256", "sha512") and the digest.
public struct TUFHash: Equatable, Sendable {
    public var algorithm: String
    public var digest: [UInt8]

    public init(algorithm: String, digest: [UInt8]) {
        self.algorithm = algorithm
        self.digest = digest
    }

    /// `hashes`: a non-empty object of algorithm to hex digest.
    static func read(_ value: JSONValue, _ reader: TUFReader, at path: JSONPath) throws(TUFError) -> [TUFHash] {
        let object = try reader.object(value, at: path)
        guard !object.members.isEmpty else { throw reader.fail(path, "expected at least one hash, found none") }
        var hashes: [TUFHash] = []
        for member in object.members {
            let text = try reader.string(member.value, at: path.appending(key: member.key))
            guard !text.isEmpty, let digest = Hex.decode(text) else {
                throw reader.fail(path.appending(key: member.key), "expected a hex digest, found \"\(text)\"")
            }
            hashes.append(TUFHash(algorithm: member.key, digest: digest))
        }
        return hashes
    }
}

/// What timestamp and snapshot say of another metadata file: `{"version", "length"?, "hashes"?}`.
public struct TUFMetaFile: Equatable, Sendable {
    public var version: Int64
    public var length: Int64?
    public var hashes: [TUFHash]?

    public init(version: Int64, length: Int64? = nil, hashes: [TUFHash]? = nil) {
        self.version = version
        self.length = length
        self.hashes = hashes
    }

    init(reading value: JSONValue, _ reader: TUFReader, at path: JSONPath) throws(TUFError) {
        let object = try reader.object(value, at: path)
        version = try reader.positiveInteger(object, "version", at: path)
        if object["length"] != nil { length = try reader.nonNegativeInteger(object, "length", at: path) }
        if let value = object["hashes"] { hashes = try TUFHash.read(value, reader, at: path.appending(key: "hashes")) }
    }
}

public struct TUFMetaEntry: Equatable, Sendable {
    /// "targets.json", or a delegated role's "<name>.json".
    public var name: String
    public var file: TUFMetaFile

    public init(name: String, file: TUFMetaFile) {
        self.name = name
        self.file = file
    }
}

public struct TUFTimestamp: TUFSignedRole {
    public static let type = "timestamp"
    public var common: TUFCommon
    /// `meta."snapshot.json"`, the one entry the specification gives timestamp.
    public var snapshot: TUFMetaFile

    public init(reading signed: JSONObject, _ reader: TUFReader, at path: JSONPath) throws(TUFError) {
        common = try TUFCommon(reading: signed, type: Self.type, reader, at: path)
        let metaPath = path.appending(key: "meta")
        let meta = try reader.object(reader.member(signed, "meta", at: path), at: metaPath)
        snapshot = try TUFMetaFile(reading: reader.member(meta, "snapshot.json", at: metaPath), reader, at: metaPath.appending(key: "snapshot.json"))
    }
}

public struct TUFSnapshot: TUFSignedRole {
    public static let type = "snapshot"
    public var common: TUFCommon
    /// In document order.
    public var meta: [TUFMetaEntry]

    public subscript(name: String) -> TUFMetaFile? {
        for entry in meta where entry.name.utf8.elementsEqual(name.utf8) { return entry.file }
        return nil
    }

    public init(reading signed: JSONObject, _ reader: TUFReader, at path: JSONPath) throws(TUFError) {
        common = try TUFCommon(reading: signed, type: Self.type, reader, at: path)
        let metaPath = path.appending(key: "meta")
        var meta: [TUFMetaEntry] = []
        for member in try reader.object(reader.member(signed, "meta", at: path), at: metaPath).members {
            meta.append(TUFMetaEntry(name: member.key, file: try TUFMetaFile(reading: member.value, reader, at: metaPath.appending(key: member.key))))
        }
        self.meta = meta
    }
}

// MARK: - targets.json (and delegated targets roles, which have the same shape)

public struct TUFTargetFile: Equatable, Sendable {
    /// The target's path as the repository names it ("firmware/mote-1.2.0-aarch64.bin").
    public var path: String
    public var length: Int64
    public var hashes: [TUFHash]
    /// `custom`, whatever the repository put there (the update client reads the hardware id).
    public var custom: JSONValue?

    public init(path: String, length: Int64, hashes: [TUFHash], custom: JSONValue? = nil) {
        self.path = path
        self.length = length
        self.hashes = hashes
        self.custom = custom
    }
}

public struct TUFDelegatedRole: Equatable, Sendable {
    public var name: String
    public var keys: TUFRoleKeys
    public var terminating: Bool
    /// Exactly one of `paths` (shell-style patterns) and `pathHashPrefixes` (hex prefixes of the
    /// SHA-256 of the target path) is set.
    public var paths: [String]?
    public var pathHashPrefixes: [String]?

    public init(name: String, keys: TUFRoleKeys, terminating: Bool, paths: [String]? = nil, pathHashPrefixes: [String]? = nil) {
        self.name = name
        self.keys = keys
        self.terminating = terminating
        self.paths = paths
        self.pathHashPrefixes = pathHashPrefixes
    }
}

/// TAP 15's succinct hash bin delegation: 2^bitLength roles "<namePrefix>-<bin in hex>".
public struct TUFSuccinctRoles: Equatable, Sendable {
    public var keys: TUFRoleKeys
    /// 1...32.
    public var bitLength: Int64
    public var namePrefix: String

    public init(keys: TUFRoleKeys, bitLength: Int64, namePrefix: String) {
        self.keys = keys
        self.bitLength = bitLength
        self.namePrefix = namePrefix
    }
}

public struct TUFDelegations: Equatable, Sendable {
    public var keys: TUFKeyTable
    /// In order of priority (the order the file lists them); empty when `succinctRoles` is set.
    public var roles: [TUFDelegatedRole]
    public var succinctRoles: TUFSuccinctRoles?

    public init(keys: TUFKeyTable, roles: [TUFDelegatedRole] = [], succinctRoles: TUFSuccinctRoles? = nil) {
        self.keys = keys
        self.roles = roles
        self.succinctRoles = succinctRoles
    }

    init(reading value: JSONValue, _ reader: TUFReader, at path: JSONPath) throws(TUFError) {
        let object = try reader.object(value, at: path)
        keys = try TUFKeyTable(reading: reader.member(object, "keys", at: path), reader, at: path.appending(key: "keys"))
        let rolesValue = object["roles"], succinctValue = object["succinct_roles"]
        guard (rolesValue == nil) != (succinctValue == nil) else {
            throw reader.fail(path, "expected exactly one of \"roles\" and \"succinct_roles\", found \(rolesValue == nil ? "neither" : "both")")
        }
        roles = []
        if let rolesValue {
            let rolesPath = path.appending(key: "roles")
            for (k, element) in try reader.array(rolesValue, at: rolesPath).enumerated() {
                let rolePath = rolesPath.appending(index: k)
                let role = try Self.readRole(element, reader, at: rolePath)
                if roles.contains(where: { $0.name.utf8.elementsEqual(role.name.utf8) }) {
                    throw reader.fail(rolePath.appending(key: "name"), "role \"\(role.name)\" is delegated twice")
                }
                roles.append(role)
            }
        }
        if let succinctValue {
            let succinctPath = path.appending(key: "succinct_roles")
            let succinct = try reader.object(succinctValue, at: succinctPath)
            let bits = try reader.positiveInteger(succinct, "bit_length", at: succinctPath)
            guard bits <= 32 else { throw reader.fail(succinctPath.appending(key: "bit_length"), "expected 1 to 32, found \(bits)") }
            succinctRoles = TUFSuccinctRoles(keys: try TUFRoleKeys(reading: succinct, reader, at: succinctPath), bitLength: bits,
                                             namePrefix: try reader.string(succinct, "name_prefix", at: succinctPath))
        }
    }

    static func readRole(_ value: JSONValue, _ reader: TUFReader, at path: JSONPath) throws(TUFError) -> TUFDelegatedRole {
        let object = try reader.object(value, at: path)
        let name = try reader.string(object, "name", at: path)
        guard !name.isEmpty, TUFRoleName(name: name) == nil else {
            throw reader.fail(path.appending(key: "name"), name.isEmpty ? "a delegated role needs a name" : "\"\(name)\" is a top-level role and cannot be delegated")
        }
        let keys = try TUFRoleKeys(reading: object, reader, at: path)
        let terminating = try reader.bool(reader.member(object, "terminating", at: path), at: path.appending(key: "terminating"))
        let hasPaths = object["paths"] != nil, hasPrefixes = object["path_hash_prefixes"] != nil
        guard hasPaths != hasPrefixes else {
            throw reader.fail(path, "expected exactly one of \"paths\" and \"path_hash_prefixes\", found \(hasPaths ? "both" : "neither")")
        }
        return TUFDelegatedRole(name: name, keys: keys, terminating: terminating,
                                paths: hasPaths ? try reader.stringArray(object, "paths", at: path) : nil,
                                pathHashPrefixes: hasPrefixes ? try reader.stringArray(object, "path_hash_prefixes", at: path) : nil)
    }
}

public struct TUFTargets: TUFSignedRole {
    public static let type = "targets"
    public var common: TUFCommon
    /// In document order.
    public var targets: [TUFTargetFile]
    public var delegations: TUFDelegations?

    public subscript(path: String) -> TUFTargetFile? {
        for target in targets where target.path.utf8.elementsEqual(path.utf8) { return target }
        return nil
    }

    public init(reading signed: JSONObject, _ reader: TUFReader, at path: JSONPath) throws(TUFError) {
        common = try TUFCommon(reading: signed, type: Self.type, reader, at: path)
        let targetsPath = path.appending(key: "targets")
        var targets: [TUFTargetFile] = []
        for member in try reader.object(reader.member(signed, "targets", at: path), at: targetsPath).members {
            let targetPath = targetsPath.appending(key: member.key)
            let object = try reader.object(member.value, at: targetPath)
            targets.append(TUFTargetFile(path: member.key, length: try reader.nonNegativeInteger(object, "length", at: targetPath),
                                         hashes: try TUFHash.read(reader.member(object, "hashes", at: targetPath), reader, at: targetPath.appending(key: "hashes")),
                                         custom: object["custom"]))
        }
        self.targets = targets
        if let value = signed["delegations"] {
            delegations = try TUFDelegations(reading: value, reader, at: path.appending(key: "delegations"))
        }
    }
}
