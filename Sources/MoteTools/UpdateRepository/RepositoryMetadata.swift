import Foundation
import MoteHAL
import MoteNode

/// The four top-level roles' metadata as the repository writes them (TUF specification 1.0,
/// section 4; the fields python-tuf's `tuf/api/metadata.py` reads). Reading accepts what
/// python-tuf's repository API writes too (extra fields in `meta` entries, delegations).
public enum RepositoryRole: String, CaseIterable, Sendable {
    case root, targets, snapshot, timestamp

    /// Periods until a freshly signed role expires, unless `--expires` says otherwise: the
    /// conventions of python-tuf's examples. Timestamp and snapshot are re-signed often (by a
    /// cron job, say); root is signed rarely, with offline keys.
    public var defaultPeriod: TimeInterval {
        switch self {
        case .root: 365 * 86_400
        case .targets: 90 * 86_400
        case .snapshot: 7 * 86_400
        case .timestamp: 86_400
        }
    }
}

/// The version of the specification the metadata says it follows: python-tuf 7's.
let specificationVersion = "1.0.31"

public struct RoleKeys: Equatable, Sendable {
    public var keyids: [String]
    public var threshold: Int

    public init(keyids: [String], threshold: Int) {
        self.keyids = keyids
        self.threshold = threshold
    }
}

/// What every role's signed part has.
public struct CommonFields: Equatable, Sendable {
    public var version: Int64
    public var expires: Date

    func members(type: String) -> [JSONMember] {
        [JSONMember(key: "_type", value: .string(type)),
         JSONMember(key: "spec_version", value: .string(specificationVersion)),
         JSONMember(key: "version", value: .integer(version)),
         JSONMember(key: "expires", value: .string(RepositoryTime.text(expires)))]
    }

    static func read(_ object: JSONObject, _ reader: RepositoryReader, type: String) throws(RepositoryError) -> CommonFields {
        let found = try reader.string(object, "_type", at: "signed")
        guard found == type else { throw reader.fail("signed._type", "expected \"\(type)\", found \"\(found)\"") }
        let spec = try reader.string(object, "spec_version", at: "signed")
        guard spec.split(separator: ".").first == "1" else {
            throw reader.fail("signed.spec_version", "\"\(spec)\": only specification 1.x is understood")
        }
        return CommonFields(version: try reader.integer(object, "version", at: "signed", minimum: 1),
                            expires: try reader.time(object, "expires", at: "signed"))
    }
}

public struct RootMetadata: Equatable, Sendable {
    public var common: CommonFields
    public var consistentSnapshot: Bool
    public var keys: [String: TUFPublicKey]
    public var roles: [RepositoryRole: RoleKeys]

    var signed: JSONValue {
        let keyMembers = keys.map { JSONMember(key: $0.key, value: $0.value.json) }
        let roleMembers = RepositoryRole.allCases.map { role in
            let keys = roles[role] ?? RoleKeys(keyids: [], threshold: 1)
            return JSONMember(key: role.rawValue, value: .object(JSONObject([
                JSONMember(key: "keyids", value: .array(keys.keyids.map { .string($0) })),
                JSONMember(key: "threshold", value: .integer(Int64(keys.threshold))),
            ])))
        }
        return .object(JSONObject(common.members(type: "root") + [
            JSONMember(key: "consistent_snapshot", value: .bool(consistentSnapshot)),
            JSONMember(key: "keys", value: .object(JSONObject(keyMembers))),
            JSONMember(key: "roles", value: .object(JSONObject(roleMembers))),
        ]))
    }

    static func read(_ object: JSONObject, _ reader: RepositoryReader) throws(RepositoryError) -> RootMetadata {
        let common = try CommonFields.read(object, reader, type: "root")
        var consistent = false  // python-tuf's reading of an absent field
        if let value = object["consistent_snapshot"] {
            guard case .bool(let b) = value else { throw reader.fail("signed.consistent_snapshot", "expected a boolean, found \(value.typeName)") }
            consistent = b
        }
        var keys: [String: TUFPublicKey] = [:]
        for member in try reader.object(try reader.member(object, "keys", at: "signed"), at: "signed.keys").members {
            keys[member.key] = try TUFPublicKey.read(member.value, reader, at: RepositoryReader.join("signed.keys", member.key))
        }
        let rolesObject = try reader.object(try reader.member(object, "roles", at: "signed"), at: "signed.roles")
        var roles: [RepositoryRole: RoleKeys] = [:]
        for role in RepositoryRole.allCases {
            let path = RepositoryReader.join("signed.roles", role.rawValue)
            let entry = try reader.object(try reader.member(rolesObject, role.rawValue, at: "signed.roles"), at: path)
            let keyids = try reader.strings(entry, "keyids", at: path)
            for keyid in keyids where keys[keyid] == nil {
                throw reader.fail(path + ".keyids", "\(keyid) is not in signed.keys")
            }
            roles[role] = RoleKeys(keyids: keyids, threshold: Int(try reader.integer(entry, "threshold", at: path, minimum: 1)))
        }
        return RootMetadata(common: common, consistentSnapshot: consistent, keys: keys, roles: roles)
    }
}

/// The custom fields Mote's update client checks: which boards an image is for, and its version,
/// which must be greater than the installed image's.
/// `"custom": {"mote": {"hardware_ids": ["raspberry-pi-4b"], "image_version": 7}}`.
public struct MoteTargetFields: Equatable, Sendable {
    public var hardwareIDs: [String]
    public var imageVersion: Int64

    public init(hardwareIDs: [String], imageVersion: Int64) {
        self.hardwareIDs = hardwareIDs
        self.imageVersion = imageVersion
    }

    var json: JSONValue {
        .object(JSONObject([
            JSONMember(key: "hardware_ids", value: .array(hardwareIDs.map { .string($0) })),
            JSONMember(key: "image_version", value: .integer(imageVersion)),
        ]))
    }

    /// The fields in a target's `custom`, nil when it has no "mote" object.
    static func read(_ custom: JSONValue?, _ reader: RepositoryReader, at path: String) throws(RepositoryError) -> MoteTargetFields? {
        guard let custom, case .object(let object) = custom, let mote = object["mote"] else { return nil }
        let motePath = RepositoryReader.join(path, "mote")
        let fields = try reader.object(mote, at: motePath)
        return MoteTargetFields(hardwareIDs: try reader.strings(fields, "hardware_ids", at: motePath),
                                imageVersion: try reader.integer(fields, "image_version", at: motePath, minimum: 1))
    }
}

public struct TargetEntry: Equatable, Sendable {
    public var length: Int64
    /// Algorithm name to lower-case hex digest; the repository writes "sha256".
    public var hashes: [String: String]
    /// The target's `custom` as read or written, other fields than "mote" included.
    var custom: JSONValue?

    public var mote: MoteTargetFields? { try? MoteTargetFields.read(custom, RepositoryReader(file: ""), at: "") }

    var json: JSONValue {
        var members = [JSONMember(key: "length", value: .integer(length)),
                       JSONMember(key: "hashes", value: .object(JSONObject(hashes.map { JSONMember(key: $0.key, value: .string($0.value)) })))]
        if let custom { members.append(JSONMember(key: "custom", value: custom)) }
        return .object(JSONObject(members))
    }
}

public struct TargetsMetadata: Equatable, Sendable {
    public var common: CommonFields
    public var targets: [String: TargetEntry]
    /// Kept as read: the repository makes no delegations but keeps those python-tuf's API made.
    var delegations: JSONValue?

    var signed: JSONValue {
        var members = common.members(type: "targets")
        members.append(JSONMember(key: "targets", value: .object(JSONObject(targets.map { JSONMember(key: $0.key, value: $0.value.json) }))))
        if let delegations { members.append(JSONMember(key: "delegations", value: delegations)) }
        return .object(JSONObject(members))
    }

    static func read(_ object: JSONObject, _ reader: RepositoryReader) throws(RepositoryError) -> TargetsMetadata {
        let common = try CommonFields.read(object, reader, type: "targets")
        var targets: [String: TargetEntry] = [:]
        for member in try reader.object(try reader.member(object, "targets", at: "signed"), at: "signed.targets").members {
            let path = RepositoryReader.join("signed.targets", member.key)
            let entry = try reader.object(member.value, at: path)
            var hashes: [String: String] = [:]
            for hash in try reader.object(try reader.member(entry, "hashes", at: path), at: path + ".hashes").members {
                guard case .string(let digest) = hash.value else { throw reader.fail(RepositoryReader.join(path + ".hashes", hash.key), "expected a string") }
                hashes[hash.key] = digest
            }
            _ = try MoteTargetFields.read(entry["custom"], reader, at: path + ".custom")
            targets[member.key] = TargetEntry(length: try reader.integer(entry, "length", at: path), hashes: hashes, custom: entry["custom"])
        }
        return TargetsMetadata(common: common, targets: targets, delegations: object["delegations"])
    }
}

/// Snapshot lists the targets metadata's version; timestamp, snapshot's.
public struct MetaVersionMetadata: Equatable, Sendable {
    public var common: CommonFields
    /// "targets.json" for snapshot (delegated roles too, when python-tuf's API made them);
    /// "snapshot.json" for timestamp.
    public var versions: [String: Int64]

    func signed(type: String) -> JSONValue {
        let meta = versions.map { JSONMember(key: $0.key, value: .object(JSONObject([JSONMember(key: "version", value: .integer($0.value))]))) }
        return .object(JSONObject(common.members(type: type) + [JSONMember(key: "meta", value: .object(JSONObject(meta)))]))
    }

    static func read(_ object: JSONObject, _ reader: RepositoryReader, type: String, required: String) throws(RepositoryError) -> MetaVersionMetadata {
        let common = try CommonFields.read(object, reader, type: type)
        var versions: [String: Int64] = [:]
        for member in try reader.object(try reader.member(object, "meta", at: "signed"), at: "signed.meta").members {
            let path = RepositoryReader.join("signed.meta", member.key)
            versions[member.key] = try reader.integer(try reader.object(member.value, at: path), "version", at: path, minimum: 1)
        }
        guard versions[required] != nil else { throw reader.fail("signed.meta", "no \"\(required)\"") }
        return MetaVersionMetadata(common: common, versions: versions)
    }
}

/// A metadata file as read: its signed part as written (signatures are over its canonical form)
/// and its signatures.
public struct SignedFile: Sendable {
    public var name: String
    var signed: JSONObject
    public var signatures: [(keyid: String, sig: String)]

    static func read(_ bytes: [UInt8], name: String) throws(RepositoryError) -> SignedFile {
        let reader = RepositoryReader(file: name)
        let top = try reader.object(try RepositoryFiles.parseJSON(bytes, file: name), at: "")
        let signed = try reader.object(try reader.member(top, "signed", at: ""), at: "signed")
        var signatures: [(String, String)] = []
        for (k, value) in try reader.array(top, "signatures", at: "").enumerated() {
            let signature = try reader.object(value, at: "signatures[\(k)]")
            signatures.append((try reader.string(signature, "keyid", at: "signatures[\(k)]"), try reader.string(signature, "sig", at: "signatures[\(k)]")))
        }
        return SignedFile(name: name, signed: signed, signatures: signatures)
    }

    /// The keyids of `role`'s keys whose signatures verify, each counted once.
    func validKeyIDs(_ role: RoleKeys, keys: [String: TUFPublicKey]) -> [String] {
        let message = RepositoryJSON.canonical(.object(signed))
        var valid: [String] = []
        for signature in signatures where role.keyids.contains(signature.keyid) && !valid.contains(signature.keyid) {
            if let key = keys[signature.keyid], let bytes = Hex.decode(signature.sig), key.verifies(bytes, over: message) {
                valid.append(signature.keyid)
            }
        }
        return valid
    }

    /// The file's bytes: `signed` signed by `keys` (each signature over its canonical JSON),
    /// signatures in keyid order.
    static func bytes(signed: JSONValue, keys: [(keyid: String, key: RepositorySigningKey)]) throws(RepositoryError) -> [UInt8] {
        let message = RepositoryJSON.canonical(signed)
        var signatures: [JSONValue] = []
        for entry in keys.sorted(by: { $0.keyid < $1.keyid }) {
            let sig = try entry.key.sign(message)
            signatures.append(.object(JSONObject([JSONMember(key: "keyid", value: .string(entry.keyid)),
                                                  JSONMember(key: "sig", value: .string(Hex.encode(sig)))])))
        }
        let envelope = JSONValue.object(JSONObject([JSONMember(key: "signatures", value: .array(signatures)),
                                                    JSONMember(key: "signed", value: signed)]))
        return Array(RepositoryJSON.pretty(envelope).utf8)
    }
}
