import Crypto
import Foundation
import MoteHAL
import MoteNode

/// A TUF repository of static files (docs/update-repository.md):
/// DIR/metadata/{N.root.json, root.json, N.targets.json, N.snapshot.json, timestamp.json} (plus
/// targets.json and snapshot.json without consistent snapshots) and DIR/targets/ (HASH.NAME with
/// consistent snapshots, NAME without), the layout python-tuf's ngclient fetches from a
/// metadata and a target base URL. Every command reads the current state, checks everything
/// (keys, thresholds, values), and only then writes: target files first, then targets,
/// snapshot, root, and timestamp.json last, each replaced atomically, so a web server serving
/// DIR meanwhile never serves a mix a client would accept.
public struct UpdateRepository {
    public let path: String
    /// The clock: injected by tests.
    public var now: () -> Date = { Date() }
    /// Progress lines ("signed 2.targets.json ...", hashing percentages).
    public var progress: (String) -> Void = { _ in }
    /// Overrides of `RepositoryRole.defaultPeriod`.
    public var periods: [RepositoryRole: TimeInterval] = [:]

    public init(_ path: String) {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed
    }

    public var metadataDirectory: String { path + "/metadata" }
    public var targetsDirectory: String { path + "/targets" }
    func metadataFile(_ name: String) -> String { metadataDirectory + "/" + name }

    func expiry(_ role: RepositoryRole) -> Date {
        RepositoryTime.truncated(now()).addingTimeInterval(periods[role] ?? role.defaultPeriod)
    }

    // MARK: State

    /// The repository as the newest metadata describes it.
    public struct State {
        public var root: RootMetadata
        public var targets: TargetsMetadata
        public var snapshot: MetaVersionMetadata
        public var timestamp: MetaVersionMetadata
        public var files: [RepositoryRole: SignedFile]
    }

    public func load() throws(RepositoryError) -> State {
        guard FileStatus.of(metadataFile("root.json")) != nil else {
            throw .invalid(path, "not a repository: no metadata/root.json (motectl repo init makes one)")
        }
        let rootFile = try read("root.json")
        let root = try RootMetadata.read(rootFile.signed, RepositoryReader(file: rootFile.name))
        let timestampFile = try read("timestamp.json")
        let timestamp = try MetaVersionMetadata.read(timestampFile.signed, RepositoryReader(file: timestampFile.name), type: "timestamp", required: "snapshot.json")
        let snapshotName = (root.consistentSnapshot ? "\(timestamp.versions["snapshot.json"]!)." : "") + "snapshot.json"
        let snapshotFile = try read(snapshotName)
        let snapshot = try MetaVersionMetadata.read(snapshotFile.signed, RepositoryReader(file: snapshotFile.name), type: "snapshot", required: "targets.json")
        let targetsName = (root.consistentSnapshot ? "\(snapshot.versions["targets.json"]!)." : "") + "targets.json"
        let targetsFile = try read(targetsName)
        let targets = try TargetsMetadata.read(targetsFile.signed, RepositoryReader(file: targetsFile.name))
        return State(root: root, targets: targets, snapshot: snapshot, timestamp: timestamp,
                     files: [.root: rootFile, .timestamp: timestampFile, .snapshot: snapshotFile, .targets: targetsFile])
    }

    private func read(_ name: String) throws(RepositoryError) -> SignedFile {
        let file = metadataFile(name)
        return try SignedFile.read(try RepositoryFiles.readBytes(file), name: file)
    }

    // MARK: Signing

    /// The given keys that sign for `requirements` (each a label for messages and a role's keys
    /// in some root), after checking each requirement's threshold is met and every given key
    /// belongs to at least one of them.
    func signers(_ keys: [RepositorySigningKey], option: String,
                 for requirements: [(label: String, role: RoleKeys, root: RootMetadata)]) throws(RepositoryError) -> [(keyid: String, key: RepositorySigningKey)] {
        var chosen: [(keyid: String, key: RepositorySigningKey)] = []
        func keyid(of key: RepositorySigningKey, in root: RootMetadata, role: RoleKeys) -> String? {
            let publicKey = key.publicKey
            return role.keyids.first { root.keys[$0] == publicKey }
        }
        for key in keys {
            let matches = requirements.compactMap { keyid(of: key, in: $0.root, role: $0.role) }
            guard let first = matches.first else {
                let labels = requirements.map(\.label)
                throw .badOption(option, "key \(key.keyid) is not a key of \(labels.count == 1 ? labels[0] : labels.dropLast().joined(separator: ", ") + " or " + labels.last!)")
            }
            if !chosen.contains(where: { $0.keyid == first }) { chosen.append((first, key)) }
        }
        for requirement in requirements {
            let given = chosen.filter { requirement.role.keyids.contains($0.keyid) }.count
            if given < requirement.role.threshold {
                throw .threshold(requirement.label, "needs \(requirement.role.threshold) of its \(requirement.role.keyids.count) keys to sign, \(given) given "
                    + "(\(option) with the private keys of: \(requirement.role.keyids.map { String($0.prefix(16)) }.joined(separator: ", ")))")
            }
        }
        return chosen
    }

    /// One file to write: its name under metadata/, its bytes, the line reported.
    struct Output {
        var name: String
        var bytes: [UInt8]
        var line: String
    }

    func signed(_ role: RepositoryRole, _ signed: JSONValue, version: Int64, expires: Date, names: [String],
                by keys: [(keyid: String, key: RepositorySigningKey)], in root: RootMetadata) throws(RepositoryError) -> [Output] {
        let roleKeys = root.roles[role]!
        let signing = keys.filter { roleKeys.keyids.contains($0.keyid) }
        let bytes = try SignedFile.bytes(signed: signed, keys: signing)
        return names.map { name in
            Output(name: name, bytes: bytes, line: "signed \(name) (\(role.rawValue) version \(version), expires \(RepositoryTime.text(expires)), "
                + "\(signing.count) signature\(signing.count == 1 ? "" : "s") of threshold \(roleKeys.threshold))")
        }
    }

    func write(_ outputs: [Output]) throws(RepositoryError) {
        for output in outputs {
            try RepositoryFiles.replace(metadataFile(output.name), contents: output.bytes)
            progress(output.line)
        }
        try RepositoryFiles.syncDirectory(metadataDirectory)
    }

    /// Targets (when `targets` is given), snapshot (when it or targets changed) and timestamp,
    /// each with the next version and a fresh expiry, signed by `keys`.
    func publish(_ state: State, targets: TargetsMetadata?, snapshot: Bool, keys: [RepositorySigningKey], option: String) throws(RepositoryError) -> [Output] {
        let root = state.root
        var requirements: [(label: String, role: RoleKeys, root: RootMetadata)] = []
        if targets != nil { requirements.append(("targets", root.roles[.targets]!, root)) }
        if targets != nil || snapshot { requirements.append(("snapshot", root.roles[.snapshot]!, root)) }
        requirements.append(("timestamp", root.roles[.timestamp]!, root))
        let chosen = try signers(keys, option: option, for: requirements)

        var outputs: [Output] = []
        var snapshotMeta = state.snapshot
        if var targets {
            targets.common = CommonFields(version: state.targets.common.version + 1, expires: expiry(.targets))
            let version = targets.common.version
            outputs += try signed(.targets, targets.signed, version: version, expires: targets.common.expires,
                                  names: ["\(version).targets.json"] + (root.consistentSnapshot ? [] : ["targets.json"]), by: chosen, in: root)
            snapshotMeta.versions["targets.json"] = version
        }
        if targets != nil || snapshot {
            snapshotMeta.common = CommonFields(version: state.snapshot.common.version + 1, expires: expiry(.snapshot))
            let version = snapshotMeta.common.version
            outputs += try signed(.snapshot, snapshotMeta.signed(type: "snapshot"), version: version, expires: snapshotMeta.common.expires,
                                  names: ["\(version).snapshot.json"] + (root.consistentSnapshot ? [] : ["snapshot.json"]), by: chosen, in: root)
        }
        var timestamp = state.timestamp
        timestamp.common = CommonFields(version: state.timestamp.common.version + 1, expires: expiry(.timestamp))
        timestamp.versions = ["snapshot.json": snapshotMeta.common.version]
        outputs += try signed(.timestamp, timestamp.signed(type: "timestamp"), version: timestamp.common.version, expires: timestamp.common.expires,
                              names: ["timestamp.json"], by: chosen, in: root)
        return outputs
    }

    // MARK: repo init

    /// A new repository: version 1 of every role, no targets. Every role's keys are private
    /// keys (init signs all four); each role needs `threshold` of them, 1 ≤ threshold ≤ count.
    public func initialize(keys: [RepositoryRole: [RepositorySigningKey]], thresholds: [RepositoryRole: Int], consistentSnapshot: Bool) throws(RepositoryError) {
        for name in ["root.json", "1.root.json", "timestamp.json"] where FileStatus.of(metadataFile(name), follow: false) != nil {
            throw .exists(metadataFile(name), "a repository is never initialized twice (motectl repo rotate changes its keys)")
        }
        var root = RootMetadata(common: CommonFields(version: 1, expires: expiry(.root)), consistentSnapshot: consistentSnapshot, keys: [:], roles: [:])
        for role in RepositoryRole.allCases {
            let option = "--\(role.rawValue)-key"
            let given = keys[role] ?? []
            guard !given.isEmpty else { throw .badOption(option, "\(role.rawValue) needs at least one key") }
            var keyids: [String] = []
            for key in given {
                guard !keyids.contains(key.keyid) else { throw .badOption(option, "key \(key.keyid) given twice") }
                keyids.append(key.keyid)
                root.keys[key.keyid] = key.publicKey
            }
            let threshold = thresholds[role] ?? 1
            guard threshold >= 1, threshold <= keyids.count else {
                throw .badOption("--\(role.rawValue)-threshold", "\(threshold) is not between 1 and the role's \(keyids.count) key\(keyids.count == 1 ? "" : "s")")
            }
            root.roles[role] = RoleKeys(keyids: keyids, threshold: threshold)
        }
        let chosen = (keys[.root] ?? []).map { (keyid: $0.keyid, key: $0) }
        let others = [RepositoryRole.targets, .snapshot, .timestamp].flatMap { keys[$0] ?? [] }

        var outputs = try signed(.root, root.signed, version: 1, expires: root.common.expires, names: ["1.root.json", "root.json"], by: chosen, in: root)
        let emptyTargets = TargetsMetadata(common: CommonFields(version: 0, expires: Date()), targets: [:], delegations: nil)
        let state = State(root: root, targets: emptyTargets,
                          snapshot: MetaVersionMetadata(common: CommonFields(version: 0, expires: Date()), versions: [:]),
                          timestamp: MetaVersionMetadata(common: CommonFields(version: 0, expires: Date()), versions: [:]), files: [:])
        outputs += try publish(state, targets: emptyTargets, snapshot: true, keys: others, option: "--targets-key")
        try RepositoryFiles.makeDirectory(metadataDirectory)
        try RepositoryFiles.makeDirectory(targetsDirectory)
        progress("created \(metadataDirectory) and \(targetsDirectory)")
        try write(outputs)
    }

    // MARK: repo add-target

    /// Target names: relative paths of letters, digits, '.', '_', '-' in '/'-separated
    /// components, none of them empty, "." or "..".
    public static func checkTargetName(_ name: String) throws(RepositoryError) {
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = name.utf8.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x5F || b == 0x2D || b == 0x2F
        }
        guard allowed, components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw .badOption("--name \"\(name)\"", "a target name is a relative path of letters, digits, '.', '_' and '-' (such as mote-aarch64 or images/mote-armv7)")
        }
    }

    /// Adds (or replaces) a target: copies FILE into targets/ (as HASH.NAME with consistent
    /// snapshots) while hashing it, then signs new targets, snapshot and timestamp metadata.
    /// Refuses an image version not above every other target's for a board it names.
    public func addTarget(file: String, name: String, fields: MoteTargetFields, keys: [RepositorySigningKey]) throws(RepositoryError) {
        try Self.checkTargetName(name)
        guard !fields.hardwareIDs.isEmpty else { throw .badOption("--hardware-id", "a target needs at least one hardware id (a board id such as raspberry-pi-4b)") }
        for id in fields.hardwareIDs where !NodeConfiguration.isIdentifier(id) {
            throw .badOption("--hardware-id \"\(id)\"", "a hardware id is a board id: letters, digits, '_' and '-' (such as raspberry-pi-4b)")
        }
        guard fields.imageVersion >= 1 else { throw .badOption("--image-version", "\(fields.imageVersion): an image version is a positive integer") }
        let state = try load()
        for (other, entry) in state.targets.targets.sorted(by: { $0.key < $1.key }) {
            guard let mote = entry.mote else { continue }
            let shared = mote.hardwareIDs.filter(fields.hardwareIDs.contains)
            if !shared.isEmpty, mote.imageVersion >= fields.imageVersion {
                throw .badOption("--image-version", "\(fields.imageVersion) is not above image_version \(mote.imageVersion) of target \(other) for \(shared.joined(separator: ", ")); "
                    + "boards refuse an image that is not newer than theirs")
            }
        }
        _ = try signers(keys, option: "--key", for: [("targets", state.root.roles[.targets]!, state.root), ("snapshot", state.root.roles[.snapshot]!, state.root),
                                                     ("timestamp", state.root.roles[.timestamp]!, state.root)])
        guard let status = FileStatus.of(file), !status.isDirectory else { throw .missing(file) }

        let (length, digest) = try copyTarget(file, name: name, consistent: state.root.consistentSnapshot)
        var targets = state.targets
        var custom = JSONObject()
        if case .object(let old) = targets.targets[name]?.custom ?? .null { custom.members = old.members.filter { $0.key != "mote" } }
        custom.members.append(JSONMember(key: "mote", value: fields.json))
        targets.targets[name] = TargetEntry(length: length, hashes: ["sha256": digest], custom: .object(custom))
        try write(try publish(state, targets: targets, snapshot: true, keys: keys, option: "--key"))
    }

    /// Copies FILE to its place under targets/ while hashing it (a progress line every 10% of a
    /// file over 16 MiB); returns its length and hex SHA-256.
    func copyTarget(_ file: String, name: String, consistent: Bool) throws(RepositoryError) -> (Int64, String) {
        guard let input = FileHandle(forReadingAtPath: file) else { throw .invalid(file, "cannot open it for reading") }
        defer { try? input.close() }
        let directory = IdentityDirectory.parent(of: targetsDirectory + "/" + name)
        try RepositoryFiles.makeDirectory(directory)
        let temporary = directory + "/.incoming-" + Hex.encode((0..<6).map { _ in UInt8.random(in: 0...255) })
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o644]),
              let output = FileHandle(forWritingAtPath: temporary) else { throw .system(temporary, "create", errno) }
        var done = false
        defer { if !done { unlink(temporary) } }
        let total = Int64(FileStatus.size(file) ?? 0)
        var hasher = SHA256()
        var length: Int64 = 0
        var reported = 0
        do {
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                try output.write(contentsOf: chunk)
                length += Int64(chunk.count)
                if total > 16 << 20 {
                    let tenths = Int(length * 10 / total)
                    if tenths > reported {
                        reported = tenths
                        progress("hashing \(file): \(tenths * 10)% (\(length >> 20) of \(total >> 20) MiB)")
                    }
                }
            }
            try output.synchronize()
            try output.close()
        } catch {
            throw .invalid(file, "cannot copy it into \(directory): \(error.localizedDescription)")
        }
        let digest = Hex.encode(Array(hasher.finalize()))
        let base = name.split(separator: "/").last.map(String.init)!
        let final = directory + "/" + (consistent ? digest + "." + base : base)
        guard rename(temporary, final) == 0 else { throw .system(final, "create", errno) }
        done = true
        progress("stored \(final) (\(length) bytes, sha256 \(digest))")
        return (length, digest)
    }

    // MARK: repo resign

    /// New versions with fresh expiries: `timestamp`; `snapshot` and timestamp; `targets`,
    /// snapshot and timestamp; or `root` (a new root version, signed by its threshold).
    public func resign(_ role: RepositoryRole, keys: [RepositorySigningKey]) throws(RepositoryError) {
        if role == .root {
            try rotate(.root, removing: [], adding: [], threshold: nil, keys: keys)
            return
        }
        let state = try load()
        try write(try publish(state, targets: role == .targets ? state.targets : nil, snapshot: role == .snapshot, keys: keys, option: "--key"))
    }

    // MARK: repo rotate

    /// A new root version in which `role` has lost the keys `removing` (keyids or their unique
    /// prefixes) and gained `adding`, with `threshold` if given. It is signed by the threshold
    /// of the old root's root keys and the threshold of the new one's (TUF 5.3.4: a client
    /// trusts N+1.root.json only so), and written as N+1.root.json and root.json. A rotated
    /// role's own metadata is still signed by its old keys: re-sign it (`resign`) next, or
    /// clients refuse it.
    public func rotate(_ role: RepositoryRole, removing: [String], adding: [TUFPublicKey], threshold: Int?, keys: [RepositorySigningKey]) throws(RepositoryError) {
        let state = try load()
        let old = state.root
        var root = old
        var roleKeys = old.roles[role]!
        for prefix in removing {
            let matches = roleKeys.keyids.filter { $0.hasPrefix(prefix.lowercased()) }
            guard matches.count == 1, !prefix.isEmpty else {
                throw .badOption("--remove-key \(prefix)", matches.isEmpty ? "not a key of \(role.rawValue) (its keys: \(roleKeys.keyids.map { String($0.prefix(16)) }.joined(separator: ", ")))"
                    : "matches \(matches.count) of \(role.rawValue)'s keys; give more of the keyid")
            }
            roleKeys.keyids.removeAll { $0 == matches[0] }
        }
        for key in adding {
            guard !roleKeys.keyids.contains(key.keyid) else { throw .badOption("--add-key", "key \(key.keyid) is already a key of \(role.rawValue)") }
            roleKeys.keyids.append(key.keyid)
            root.keys[key.keyid] = key
        }
        if let threshold { roleKeys.threshold = threshold }
        guard roleKeys.threshold >= 1, roleKeys.threshold <= roleKeys.keyids.count else {
            throw .badOption("--threshold", "\(roleKeys.threshold) is not between 1 and \(role.rawValue)'s \(roleKeys.keyids.count) key\(roleKeys.keyids.count == 1 ? "" : "s")")
        }
        root.roles[role] = roleKeys
        let used = Set(root.roles.values.flatMap(\.keyids))
        root.keys = root.keys.filter { used.contains($0.key) }
        root.common = CommonFields(version: old.common.version + 1, expires: expiry(.root))

        let version = root.common.version
        let chosen = try signers(keys, option: "--sign-with", for: [("root (version \(old.common.version), the keys clients trust now)", old.roles[.root]!, old),
                                                                    ("root (version \(version))", root.roles[.root]!, root)])
        let bytes = try SignedFile.bytes(signed: root.signed, keys: chosen)
        let line = "root version \(version), expires \(RepositoryTime.text(root.common.expires)), \(chosen.count) signature\(chosen.count == 1 ? "" : "s")"
        try RepositoryFiles.create(metadataFile("\(version).root.json"), contents: bytes)
        progress("signed \(version).root.json (\(line))")
        try write([Output(name: "root.json", bytes: bytes, line: "signed root.json (\(line))")])
        if role != .root && (!removing.isEmpty || !adding.isEmpty) {
            progress("next: motectl repo resign \(path) --role \(role.rawValue) --key ... with \(role.rawValue)'s new keys; until then clients refuse its metadata")
        }
    }

    // MARK: repo status

    public struct RoleStatus: Equatable, Sendable {
        public var role: RepositoryRole
        public var file: String
        public var version: Int64
        public var expires: Date
        public var keys: RoleKeys
        public var validKeyIDs: [String]
    }

    public struct Status {
        public var consistentSnapshot: Bool
        public var roles: [RoleStatus]
        public var keys: [String: TUFPublicKey]
        public var targets: [(name: String, entry: TargetEntry)]
        /// What a client would refuse: under threshold, expired.
        public var problems: [String]
    }

    public func status() throws(RepositoryError) -> Status {
        let state = try load()
        let versions: [RepositoryRole: CommonFields] = [.root: state.root.common, .targets: state.targets.common,
                                                        .snapshot: state.snapshot.common, .timestamp: state.timestamp.common]
        var roles: [RoleStatus] = []
        var problems: [String] = []
        let time = now()
        for role in RepositoryRole.allCases {
            let file = state.files[role]!
            let keys = state.root.roles[role]!
            let valid = file.validKeyIDs(keys, keys: state.root.keys)
            let common = versions[role]!
            roles.append(RoleStatus(role: role, file: file.name, version: common.version, expires: common.expires, keys: keys, validKeyIDs: valid))
            if valid.count < keys.threshold {
                problems.append("\(file.name): \(valid.count) valid signature\(valid.count == 1 ? "" : "s") of \(role.rawValue)'s threshold \(keys.threshold); clients refuse it (motectl repo resign)")
            }
            if common.expires <= time { problems.append("\(file.name): expired \(RepositoryTime.text(common.expires)); clients refuse it (motectl repo resign)") }
        }
        return Status(consistentSnapshot: state.root.consistentSnapshot, roles: roles, keys: state.root.keys,
                      targets: state.targets.targets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, problems: problems)
    }
}

extension FileStatus {
    static func size(_ path: String) -> Int? {
        var buffer = stat()
        return stat(path, &buffer) == 0 ? Int(buffer.st_size) : nil
    }
}
