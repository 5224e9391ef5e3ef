import MoteHAL

/// Why the update client refused something: the file ("timestamp.json", "2.root.json",
/// "firmware/a.bin"), what kind of failure, and the reason as a person reads it:
/// `timestamp.json: version 3 is lower than the trusted version 5 (rollback)`.
public struct TUFUpdateError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// Not readable metadata (bad JSON, wrong shape, wrong `_type`).
        case malformed
        /// Fewer valid signatures than the threshold.
        case threshold
        /// A version lower than the trusted one, or a file listed before missing now.
        case rollback
        /// A version other than the one root, timestamp or snapshot names.
        case versionMismatch
        /// Expired at the reference time.
        case expired
        /// Length or hash other than the trusted metadata says.
        case lengthOrHash
        /// The repository does not have it.
        case notFound
        /// More bytes than allowed (the download was cut off there).
        case tooLarge
        /// Fetching failed otherwise (network, I/O).
        case fetch
        /// Writing to the metadata or target directory failed.
        case storage
        /// The workflow was used out of order (no timestamp yet, ...), or nothing was found.
        case state
        /// Beyond TUF: the target is for other hardware or not newer than what is installed.
        case refused
    }

    public var file: String
    public var kind: Kind
    public var reason: String

    public init(file: String, _ kind: Kind, _ reason: String) {
        self.file = file
        self.kind = kind
        self.reason = reason
    }

    public var description: String { file + ": " + reason }
}

/// The limits of the client, python-tuf's `UpdaterConfig` defaults.
public struct TUFLimits: Equatable, Sendable {
    public var maxRootRotations = 256
    public var maxDelegations = 32
    public var rootMaxLength = 512_000
    public var timestampMaxLength = 16_384
    public var snapshotMaxLength = 2_000_000
    public var targetsMaxLength = 5_000_000

    public init() {}
}

/// The trusted metadata of one refresh, checked in the order of the TUF specification's client
/// workflow (section 5): root (and each newer root, signed by the old root's and its own root
/// thresholds), then timestamp, snapshot, targets and delegated targets. A file is trusted only
/// after every check; a refused file leaves the trusted set as it was. The model is python-tuf's
/// `ngclient/_internal/trusted_metadata_set.py`.
///
/// `referenceTime` is fixed when the set is made: every expiry is checked against it, so a
/// refresh that takes long cannot see metadata expire half-way.
public struct TUFTrustedMetadata<Crypto: UpdateCrypto> {
    public private(set) var root: TUFMetadata<TUFRoot>
    public private(set) var timestamp: TUFMetadata<TUFTimestamp>?
    public private(set) var snapshot: TUFMetadata<TUFSnapshot>?
    /// "targets" and the delegated roles, in the order they were trusted.
    public private(set) var targets: [(name: String, metadata: TUFMetadata<TUFTargets>)] = []
    public let referenceTime: Int64

    /// Trusts `rootBytes` (the local root: shipped with the board or stored by an earlier
    /// refresh) when it is signed by its own root threshold. Expiry is checked later: an expired
    /// local root is the normal start of an update that brings a newer one.
    public init(rootBytes: [UInt8], referenceTime: Int64) throws(TUFUpdateError) {
        self.referenceTime = referenceTime
        let file = "root.json"
        let new = try Self.parse(TUFRoot.self, rootBytes, file: file)
        try Self.checkSignatures(new.envelope, role: new.signed.root, keys: new.signed.keys, file: file, whose: "")
        root = new
    }

    public func trustedTargets(_ name: String) -> TUFMetadata<TUFTargets>? {
        for entry in targets where entry.name.utf8.elementsEqual(name.utf8) { return entry.metadata }
        return nil
    }

    // MARK: root

    /// A newer root (`file` is "N.root.json"): signed by the trusted root's root threshold and
    /// its own, and exactly one version newer.
    public mutating func updateRoot(_ bytes: [UInt8], file: String) throws(TUFUpdateError) {
        guard timestamp == nil else { throw TUFUpdateError(file: file, .state, "a root cannot be updated after the timestamp") }
        let new = try Self.parse(TUFRoot.self, bytes, file: file)
        try Self.checkSignatures(new.envelope, role: root.signed.root, keys: root.signed.keys, file: file, whose: " of the trusted root (version \(root.signed.common.version))")
        try Self.checkSignatures(new.envelope, role: new.signed.root, keys: new.signed.keys, file: file, whose: " of its own root role")
        let trusted = root.signed.common.version, version = new.signed.common.version
        guard version == trusted + 1 else {
            throw TUFUpdateError(file: file, version < trusted + 1 ? .rollback : .versionMismatch,
                                 "version \(version), expected \(trusted + 1) (the trusted root is version \(trusted))")
        }
        root = new
    }

    /// After the last root: the trusted root must not have expired.
    public func checkFinalRoot() throws(TUFUpdateError) {
        try checkExpiry(root.signed.common, file: "root.json")
    }

    // MARK: timestamp

    /// Returns false (and trusts nothing new) when the timestamp has the trusted version: the
    /// repository has not changed. A timestamp that verifies but has expired is kept for the
    /// rollback checks of the next one and the error thrown: python-tuf does the same.
    @discardableResult
    public mutating func updateTimestamp(_ bytes: [UInt8]) throws(TUFUpdateError) -> Bool {
        let file = "timestamp.json"
        guard snapshot == nil else { throw TUFUpdateError(file: file, .state, "the timestamp cannot be updated after the snapshot") }
        try checkFinalRoot()
        let new = try Self.parse(TUFTimestamp.self, bytes, file: file)
        try Self.checkSignatures(new.envelope, role: root.signed.timestamp, keys: root.signed.keys, file: file, whose: "")
        let newMeta = new.signed.snapshot
        if let old = timestamp {
            let trusted = old.signed.common.version, version = new.signed.common.version
            if version < trusted {
                throw TUFUpdateError(file: file, .rollback, "version \(version) is lower than the trusted version \(trusted) (rollback)")
            }
            if version == trusted { return false }
            let oldMeta = old.signed.snapshot
            if newMeta.version < oldMeta.version {
                throw TUFUpdateError(file: file, .rollback, "snapshot.json version \(newMeta.version) is lower than the trusted version \(oldMeta.version) (rollback)")
            }
        }
        timestamp = new
        try checkExpiry(new.signed.common, file: file)
        return true
    }

    func finalTimestamp(for file: String) throws(TUFUpdateError) -> TUFMetaFile {
        guard let timestamp else { throw TUFUpdateError(file: file, .state, "no trusted timestamp yet") }
        try checkExpiry(timestamp.signed.common, file: "timestamp.json")
        return timestamp.signed.snapshot
    }

    // MARK: snapshot

    /// `local`: the stored snapshot, whose hashes an earlier refresh checked (it may be older
    /// than the timestamp's: then it is kept for the rollback checks and the error thrown).
    public mutating func updateSnapshot(_ bytes: [UInt8], local: Bool = false) throws(TUFUpdateError) {
        let file = "snapshot.json"
        guard targets.isEmpty else { throw TUFUpdateError(file: file, .state, "the snapshot cannot be updated after targets") }
        let meta = try finalTimestamp(for: file)
        if !local { try Self.checkLengthAndHashes(bytes, length: meta.length, hashes: meta.hashes, file: file, whose: "timestamp.json") }
        let new = try Self.parse(TUFSnapshot.self, bytes, file: file)
        try Self.checkSignatures(new.envelope, role: root.signed.snapshot, keys: root.signed.keys, file: file, whose: "")
        if let old = snapshot {
            for entry in old.signed.meta {
                guard let now = new.signed[entry.name] else {
                    throw TUFUpdateError(file: file, .rollback, "\(entry.name) is no longer listed (the trusted snapshot version \(old.signed.common.version) lists it)")
                }
                if now.version < entry.file.version {
                    throw TUFUpdateError(file: file, .rollback, "\(entry.name) version \(now.version) is lower than the trusted version \(entry.file.version) (rollback)")
                }
            }
        }
        snapshot = new
        try checkFinalSnapshot()
    }

    func checkFinalSnapshot() throws(TUFUpdateError) {
        let file = "snapshot.json"
        guard let snapshot else { throw TUFUpdateError(file: file, .state, "no trusted snapshot yet") }
        try checkExpiry(snapshot.signed.common, file: file)
        let meta = try finalTimestamp(for: file)
        guard snapshot.signed.common.version == meta.version else {
            throw TUFUpdateError(file: file, .versionMismatch, "version \(snapshot.signed.common.version), but timestamp.json names version \(meta.version)")
        }
    }

    // MARK: targets

    /// `targets.json` (delegator "root") or a delegated role's file (delegator: the targets role
    /// that delegates it, already trusted).
    public mutating func updateTargets(_ bytes: [UInt8], role: String, delegator: String) throws(TUFUpdateError) {
        let file = TUFNames.metadataFile(role)
        try checkFinalSnapshot()
        let keys: TUFKeyTable, roleKeys: TUFRoleKeys
        if delegator.utf8.elementsEqual("root".utf8) {
            keys = root.signed.keys
            roleKeys = root.signed.targets
        } else {
            guard let parent = trustedTargets(delegator), let delegations = parent.signed.delegations else {
                throw TUFUpdateError(file: file, .state, "the delegating role \"\(delegator)\" is not trusted")
            }
            guard let found = Self.delegatedKeys(delegations, role: role) else {
                throw TUFUpdateError(file: file, .state, "\"\(delegator)\" does not delegate to \"\(role)\"")
            }
            keys = delegations.keys
            roleKeys = found
        }
        guard let meta = snapshot!.signed[role + ".json"] else {
            throw TUFUpdateError(file: file, .state, "snapshot.json does not list \(role).json")
        }
        try Self.checkLengthAndHashes(bytes, length: meta.length, hashes: meta.hashes, file: file, whose: "snapshot.json")
        let new = try Self.parse(TUFTargets.self, bytes, file: file)
        try Self.checkSignatures(new.envelope, role: roleKeys, keys: keys, file: file, whose: "")
        guard new.signed.common.version == meta.version else {
            throw TUFUpdateError(file: file, new.signed.common.version < meta.version ? .rollback : .versionMismatch,
                                 "version \(new.signed.common.version), but snapshot.json names version \(meta.version)")
        }
        try checkExpiry(new.signed.common, file: file)
        targets.append((role, new))
    }

    static func delegatedKeys(_ delegations: TUFDelegations, role: String) -> TUFRoleKeys? {
        for candidate in delegations.roles where candidate.name.utf8.elementsEqual(role.utf8) { return candidate.keys }
        if let succinct = delegations.succinctRoles, TUFDelegationSearch.isSuccinctRole(role, succinct) { return succinct.keys }
        return nil
    }

    // MARK: the checks

    func checkExpiry(_ common: TUFCommon, file: String) throws(TUFUpdateError) {
        if referenceTime >= common.expires {
            throw TUFUpdateError(file: file, .expired, "expired at \(common.expiresText)")
        }
    }

    static func parse<Role: TUFSignedRole>(_: Role.Type, _ bytes: [UInt8], file: String) throws(TUFUpdateError) -> TUFMetadata<Role> {
        do throws(TUFError) {
            return try TUFMetadata<Role>.parse(bytes, file: file)
        } catch {
            throw TUFUpdateError(file: file, .malformed, (error.path.isEmpty ? "" : error.path + ": ") + error.reason)
        }
    }

    static func checkSignatures(_ envelope: TUFEnvelope, role: TUFRoleKeys, keys: TUFKeyTable, file: String, whose: String) throws(TUFUpdateError) {
        let count = TUFSignatures.count(Crypto.self, role: role, keys: keys, signatures: envelope.signatures, message: envelope.canonicalSigned)
        guard count.isMet else {
            throw TUFUpdateError(file: file, .threshold, "signed by \(count.verified.count) of the \(count.threshold) keys its threshold\(whose) needs")
        }
    }

    /// Each listed hash must match (sha256 and sha512 are known; another algorithm fails).
    static func checkLengthAndHashes(_ bytes: [UInt8], length: Int64?, hashes: [TUFHash]?, file: String, whose: String) throws(TUFUpdateError) {
        var digests = TUFDigests<Crypto>(hashes: hashes)
        digests.update(bytes[...])
        try digests.check(length: length, hashes: hashes, file: file, whose: whose)
    }
}

/// The length and the listed hashes of bytes that come in pieces (a target read back from its
/// file in chunks): `update` with each piece in order, then `check` once. The one comparison
/// behind `checkLengthAndHashes`, so a whole file in memory and a streamed one fail alike.
public struct TUFDigests<Crypto: UpdateCrypto> {
    public private(set) var count: Int64 = 0
    let sha256: Crypto.SHA256?
    let sha512: Crypto.SHA512?

    /// Hashes only what `hashes` lists (sha256, sha512; any other algorithm fails in `check`).
    public init(hashes: [TUFHash]?) {
        let list = hashes ?? []
        sha256 = list.contains { $0.algorithm.utf8.elementsEqual("sha256".utf8) } ? Crypto.SHA256() : nil
        sha512 = list.contains { $0.algorithm.utf8.elementsEqual("sha512".utf8) } ? Crypto.SHA512() : nil
    }

    public mutating func update(_ bytes: ArraySlice<UInt8>) {
        count += Int64(bytes.count)
        sha256?.update(bytes)
        sha512?.update(bytes)
    }

    /// The length first, then each hash in the order listed; the error names `file` and says
    /// what `whose` (the metadata that lists it) expected.
    public func check(length: Int64?, hashes: [TUFHash]?, file: String, whose: String) throws(TUFUpdateError) {
        if let length, count != length {
            throw TUFUpdateError(file: file, .lengthOrHash, "\(count) bytes, but \(whose) says \(length)")
        }
        let sha256Digest = sha256?.finalize()
        let sha512Digest = sha512?.finalize()
        for hash in hashes ?? [] {
            let digest: [UInt8]
            if hash.algorithm.utf8.elementsEqual("sha256".utf8), let sha256Digest {
                digest = sha256Digest
            } else if hash.algorithm.utf8.elementsEqual("sha512".utf8), let sha512Digest {
                digest = sha512Digest
            } else {
                throw TUFUpdateError(file: file, .lengthOrHash, "hash algorithm \"\(hash.algorithm)\" is not supported (sha256, sha512)")
            }
            guard digest == hash.digest else {
                throw TUFUpdateError(file: file, .lengthOrHash, "\(hash.algorithm) \(Hex.encode(digest)), but \(whose) says \(Hex.encode(hash.digest))")
            }
        }
    }
}

/// Which delegated roles may sign for a target path (TUF specification 5.6.7.2 and TAP 15).
public enum TUFDelegationSearch {
    /// `paths` patterns: the target path and the pattern have the same number of "/"-separated
    /// parts and each part matches shell-style (`*`, `?`, `[...]`; a part's `*` never crosses a
    /// "/"), as python-tuf's `_is_target_in_pathpattern`.
    public static func pathMatches(_ path: String, pattern: String) -> Bool {
        let parts = Array(path.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        let patternParts = Array(pattern.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == patternParts.count else { return false }
        for (part, patternPart) in zip(parts, patternParts) where !fnmatch(Array(part), Array(patternPart)) { return false }
        return true
    }

    /// Python's `fnmatch.fnmatch` on one part (case-sensitive, as on POSIX).
    static func fnmatch(_ text: [UInt8], _ pattern: [UInt8]) -> Bool {
        var t = 0, p = 0
        var starP = -1, starT = 0
        while t < text.count {
            if p < pattern.count {
                let c = pattern[p]
                if c == UInt8(ascii: "*") {
                    starP = p
                    starT = t
                    p += 1
                    continue
                }
                if c == UInt8(ascii: "?") {
                    t += 1
                    p += 1
                    continue
                }
                if c == UInt8(ascii: "["), let (matched, next) = bracket(pattern, p, text[t]) {
                    if matched {
                        t += 1
                        p = next
                        continue
                    }
                } else if c == text[t] {
                    t += 1
                    p += 1
                    continue
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }

    /// A `[...]` set at `start`: whether `byte` is in it and the index after it; nil when the
    /// bracket does not close (then Python matches "[" literally).
    static func bracket(_ pattern: [UInt8], _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var k = start + 1
        var negate = false
        if k < pattern.count && pattern[k] == UInt8(ascii: "!") {
            negate = true
            k += 1
        }
        var matched = false
        var first = true
        while k < pattern.count {
            let c = pattern[k]
            if c == UInt8(ascii: "]") && !first { return (matched != negate, k + 1) }
            first = false
            if k + 2 < pattern.count && pattern[k + 1] == UInt8(ascii: "-") && pattern[k + 2] != UInt8(ascii: "]") {
                if byte >= c && byte <= pattern[k + 2] { matched = true }
                k += 3
            } else {
                if byte == c { matched = true }
                k += 1
            }
        }
        return nil
    }

    public static func isDelegated<Crypto: UpdateCrypto>(_ role: TUFDelegatedRole, path: String, _: Crypto.Type) -> Bool {
        if let patterns = role.paths {
            return patterns.contains { pathMatches(path, pattern: $0) }
        }
        let digest = Hex.encode(Crypto.SHA256.hash(Array(path.utf8)))
        return (role.pathHashPrefixes ?? []).contains { digest.utf8.starts(with: $0.utf8) }
    }

    /// The bin role a target path belongs to (TAP 15): the first `bitLength` bits of the path's
    /// SHA-256, in lower-case hex padded to the width of the largest bin.
    public static func succinctRole<Crypto: UpdateCrypto>(_ succinct: TUFSuccinctRoles, path: String, _: Crypto.Type) -> String {
        let digest = Crypto.SHA256.hash(Array(path.utf8))
        let first = UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3])
        let bin = first >> UInt32(32 - succinct.bitLength)
        return succinct.namePrefix + "-" + binSuffix(bin, succinct)
    }

    static func binSuffix(_ bin: UInt32, _ succinct: TUFSuccinctRoles) -> String {
        let largest = (UInt64(1) << UInt64(succinct.bitLength)) - 1
        let width = hexDigits(largest).utf8.count
        var text = hexDigits(UInt64(bin))
        while text.utf8.count < width { text = "0" + text }
        return text
    }

    static func hexDigits(_ value: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var v = value
        var out: [UInt8] = []
        repeat {
            out.append(digits[Int(v & 15)])
            v >>= 4
        } while v > 0
        return String(decoding: out.reversed(), as: UTF8.self)
    }

    static func isSuccinctRole(_ name: String, _ succinct: TUFSuccinctRoles) -> Bool {
        let prefix = succinct.namePrefix + "-"
        guard name.utf8.starts(with: prefix.utf8) else { return false }
        let suffix = Array(name.utf8.dropFirst(prefix.utf8.count))
        let largest = (UInt64(1) << UInt64(succinct.bitLength)) - 1
        guard suffix.count == hexDigits(largest).utf8.count, let bytes = Hex.decode(suffix.count % 2 == 0 ? suffix : [0x30] + suffix) else { return false }
        guard suffix.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return false }
        var value: UInt64 = 0
        for b in bytes { value = value << 8 | UInt64(b) }
        return value <= largest
    }
}
