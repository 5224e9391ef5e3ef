import MoteHAL

/// Why a fetch failed, from a `TUFRemote`.
public struct TUFFetchError: Error, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// The repository does not have the file (HTTP 404 or 403, no such file).
        case notFound
        /// More than `maxLength` bytes came (the fetch stopped there).
        case tooLarge
        case failed
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String = "") {
        self.kind = kind
        self.reason = reason
    }
}

/// Where the repository's files come from: a libcurl fetcher for http(s):// and file:// on the
/// board, files in tests. Names are relative to the metadata base ("1.root.json",
/// "timestamp.json", "3.snapshot.json") and to the target base ("firmware/HASH.a.bin").
/// Every fetch is capped: more than `maxLength` bytes is `.tooLarge`, never read on.
public protocol TUFRemote {
    func fetchMetadata(_ name: String, maxLength: Int) throws(TUFFetchError) -> [UInt8]
    /// Streams the target into the file `into` (never whole in memory), which then holds at
    /// most `maxLength` bytes. A file already there is resumed: its bytes are kept and only the
    /// rest is fetched after them; one of `maxLength` bytes is not fetched again; a longer one
    /// is `.tooLarge`. A body shorter than `maxLength` is not an error here (the checks that
    /// follow decide). Returns how many bytes this call fetched.
    func fetchTarget(_ path: String, into file: String, maxLength: Int) throws(TUFFetchError) -> Int
}

/// The metadata and target directories: whole files, replaced atomically and durably, and the
/// chunked reads, renames and removals of streamed target downloads.
public protocol TUFStorage {
    /// The file's bytes, or nil when it is missing, unreadable or longer than `maxLength`.
    func read(_ path: String, maxLength: Int) -> [UInt8]?
    /// Replaces the file (temp + fsync + rename); the reason when that fails.
    func write(_ path: String, _ bytes: [UInt8]) -> String?
    /// The file's size in bytes; nil when it is missing or cannot be looked at.
    func size(_ path: String) -> Int64?
    /// Hands the file to `body` in order, a chunk at a time (memory stays at one chunk); the
    /// reason when it cannot be opened or a read fails.
    func readChunks(_ path: String, _ body: (ArraySlice<UInt8>) -> Void) -> String?
    /// Makes `from` durable (fsync) and renames it to `to` atomically; the reason when that fails.
    func commit(_ from: String, to: String) -> String?
    /// Removes the file (a missing one is no failure); the reason when that fails.
    func remove(_ path: String) -> String?
}

/// File names of the client, as python-tuf's ngclient makes them.
public enum TUFNames {
    /// "targets.json", or a delegated role's name URL-escaped (`quote(name, "")`) + ".json".
    public static func metadataFile(_ role: String) -> String { escape(role) + ".json" }

    /// Python's `urllib.parse.quote(text, safe="")`: every byte but A-Z a-z 0-9 _ . - ~ as %XX.
    public static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        for b in text.utf8 {
            let unreserved = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "~")
            if unreserved {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(contentsOf: Hex.encode([b], uppercase: true).utf8)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The target's path on the repository: "dir/HASH.name" under consistent snapshots (the
    /// first hash the targets metadata lists), else the path itself.
    public static func targetPath(_ target: TUFTargetFile, consistentSnapshot: Bool) -> String {
        guard consistentSnapshot, let hash = target.hashes.first else { return target.path }
        let bytes = Array(target.path.utf8)
        let hashText = Hex.encode(hash.digest)
        if let slash = bytes.lastIndex(of: UInt8(ascii: "/")) {
            return String(decoding: bytes[...slash], as: UTF8.self) + hashText + "." + String(decoding: bytes[(slash + 1)...], as: UTF8.self)
        }
        return hashText + "." + target.path
    }
}

/// The TUF client workflow (specification section 5) over a remote and a storage, as python-tuf's
/// `ngclient.Updater`: `refresh()` updates root version by version, then timestamp, snapshot and
/// targets; `targetInfo(path)` walks the delegations; `download` fetches a target and checks its
/// length and hashes. Every verified metadata file is stored in `metadataDirectory` exactly as
/// received, without a version prefix (root.json, timestamp.json, snapshot.json, targets.json,
/// ROLE.json); stored files are loaded at the start and one that does not verify is ignored.
public struct TUFUpdater<Crypto: UpdateCrypto, Remote: TUFRemote, Storage: TUFStorage> {
    public var remote: Remote
    public var storage: Storage
    public let metadataDirectory: String
    public let limits: TUFLimits
    public private(set) var trusted: TUFTrustedMetadata<Crypto>
    /// During `refresh`, the verified timestamp, snapshot and targets wait here and are stored
    /// only when the whole refresh succeeded: a refused file leaves the metadata directory as it
    /// was (roots are stored as each verifies, as the specification's step 5.3.8 says).
    var pending: [(file: String, bytes: [UInt8])]?

    /// Trusts `metadataDirectory/root.json`.
    public init(metadataDirectory: String, remote: Remote, storage: Storage, referenceTime: Int64, limits: TUFLimits = TUFLimits()) throws(TUFUpdateError) {
        self.remote = remote
        self.storage = storage
        self.metadataDirectory = metadataDirectory
        self.limits = limits
        guard let bytes = storage.read(metadataDirectory + "/root.json", maxLength: limits.rootMaxLength) else {
            throw TUFUpdateError(file: "root.json", .state, "no trusted root in \(metadataDirectory) (init the metadata directory with a trusted root first)")
        }
        trusted = try TUFTrustedMetadata<Crypto>(rootBytes: bytes, referenceTime: referenceTime)
    }

    /// Stores a trusted root to start from: `bytes` must be a root signed by its own threshold.
    public static func initialize(metadataDirectory: String, rootBytes: [UInt8], storage: Storage, referenceTime: Int64) throws(TUFUpdateError) {
        _ = try TUFTrustedMetadata<Crypto>(rootBytes: rootBytes, referenceTime: referenceTime)
        if let reason = storage.write(metadataDirectory + "/root.json", rootBytes) {
            throw TUFUpdateError(file: "root.json", .storage, "cannot write \(metadataDirectory)/root.json: \(reason)")
        }
    }

    public mutating func refresh() throws(TUFUpdateError) {
        try loadRoot()
        pending = []
        defer { pending = nil }
        try loadTimestamp()
        try loadSnapshot()
        _ = try loadTargets("targets", delegator: "root")
        let verified = pending ?? []
        pending = nil
        for (file, bytes) in verified { try persist(file, bytes) }
    }

    mutating func loadRoot() throws(TUFUpdateError) {
        let first = trusted.root.signed.common.version + 1
        for version in first..<(first + Int64(limits.maxRootRotations)) {
            let name = "\(version).root.json"
            let bytes: [UInt8]
            do throws(TUFFetchError) {
                bytes = try remote.fetchMetadata(name, maxLength: limits.rootMaxLength)
            } catch {
                if error.kind == .notFound { break }
                throw Self.fetchFailure(error, file: name, maxLength: limits.rootMaxLength)
            }
            try trusted.updateRoot(bytes, file: name)
            try persist("root.json", bytes)
        }
        try trusted.checkFinalRoot()
    }

    mutating func loadTimestamp() throws(TUFUpdateError) {
        if let local = storage.read(metadataDirectory + "/timestamp.json", maxLength: limits.timestampMaxLength) {
            do throws(TUFUpdateError) { try trusted.updateTimestamp(local) } catch {}
        }
        let bytes = try fetch("timestamp.json", maxLength: limits.timestampMaxLength)
        guard try trusted.updateTimestamp(bytes) else { return }
        try persist("timestamp.json", bytes)
    }

    mutating func loadSnapshot() throws(TUFUpdateError) {
        if let local = storage.read(metadataDirectory + "/snapshot.json", maxLength: limits.snapshotMaxLength) {
            do throws(TUFUpdateError) {
                try trusted.updateSnapshot(local, local: true)
                return
            } catch {}
        }
        let meta = try trusted.finalTimestamp(for: "snapshot.json")
        let name = trusted.root.signed.consistentSnapshot == true ? "\(meta.version).snapshot.json" : "snapshot.json"
        let bytes = try fetch(name, maxLength: meta.length.map { Int(clamping: $0) } ?? limits.snapshotMaxLength)
        try trusted.updateSnapshot(bytes)
        try persist("snapshot.json", bytes)
    }

    mutating func loadTargets(_ role: String, delegator: String) throws(TUFUpdateError) -> TUFMetadata<TUFTargets> {
        if let known = trusted.trustedTargets(role) { return known }
        let file = TUFNames.metadataFile(role)
        if let local = storage.read(metadataDirectory + "/" + file, maxLength: limits.targetsMaxLength) {
            do throws(TUFUpdateError) {
                try trusted.updateTargets(local, role: role, delegator: delegator)
                if let known = trusted.trustedTargets(role) { return known }
            } catch {}
        }
        guard let meta = trusted.snapshot?.signed[role + ".json"] else {
            throw TUFUpdateError(file: file, .state, "snapshot.json does not list \(role).json")
        }
        let name = trusted.root.signed.consistentSnapshot == true ? "\(meta.version).\(file)" : file
        let bytes = try fetch(name, maxLength: meta.length.map { Int(clamping: $0) } ?? limits.targetsMaxLength)
        try trusted.updateTargets(bytes, role: role, delegator: delegator)
        try persist(file, bytes)
        guard let known = trusted.trustedTargets(role) else { throw TUFUpdateError(file: file, .state, "not trusted after the update") }
        return known
    }

    /// The target `path` as the first role in the pre-order depth-first walk of the delegations
    /// lists it (specification 5.6.7): a terminating role that may sign for the path ends the
    /// search after its subtree; at most `limits.maxDelegations` roles are visited. Nil when no
    /// role lists it. Call `refresh()` first.
    public mutating func targetInfo(_ path: String) throws(TUFUpdateError) -> TUFTargetFile? {
        var toVisit: [(role: String, delegator: String)] = [("targets", "root")]
        var visited: [String] = []
        while visited.count < limits.maxDelegations, let (role, delegator) = toVisit.popLast() {
            if visited.contains(where: { $0.utf8.elementsEqual(role.utf8) }) { continue }
            let targets = try loadTargets(role, delegator: delegator).signed
            if let target = targets[path] { return target }
            visited.append(role)
            guard let delegations = targets.delegations else { continue }
            var children: [(role: String, delegator: String)] = []
            for child in delegations.roles where TUFDelegationSearch.isDelegated(child, path: path, Crypto.self) {
                children.append((child.name, role))
                if child.terminating {
                    toVisit = []
                    break
                }
            }
            if let succinct = delegations.succinctRoles {
                children.append((TUFDelegationSearch.succinctRole(succinct, path: path, Crypto.self), role))
                toVisit = []
            }
            toVisit.append(contentsOf: children.reversed())
        }
        return nil
    }

    /// True when `localPath` holds the target already: its length and hashes match (read back
    /// in chunks, never whole in memory).
    public func isCached(_ target: TUFTargetFile, at localPath: String) -> Bool {
        guard let size = storage.size(localPath), size == target.length else { return false }
        do throws(TUFUpdateError) {
            try check(target, file: localPath)
            return true
        } catch {
            return false
        }
    }

    /// Fetches the target into `localPath + ".part"` (at most its length; a `.part` left by an
    /// earlier call is resumed after its bytes), checks its length and every listed hash reading
    /// the file back in chunks, and only then renames it to `localPath` (fsync + rename: a failed
    /// download never leaves anything at `localPath`). A body that does not match, or is longer
    /// than the length, removes the `.part` (it is never resumed) and throws; a fetch that fails
    /// otherwise keeps it for the next call.
    public func download(_ target: TUFTargetFile, to localPath: String) throws(TUFUpdateError) {
        let name = TUFNames.targetPath(target, consistentSnapshot: trusted.root.signed.consistentSnapshot == true)
        let part = localPath + ".part"
        let cap = Int(clamping: target.length)
        do throws(TUFFetchError) {
            _ = try remote.fetchTarget(name, into: part, maxLength: cap)
        } catch {
            var failure = Self.fetchFailure(error, file: target.path, maxLength: cap)
            if error.kind == .tooLarge { failure.reason += removePart(part) }
            throw failure
        }
        do throws(TUFUpdateError) {
            try check(target, file: part)
        } catch {
            var failure = error
            failure.reason += removePart(part)
            throw failure
        }
        if let reason = storage.commit(part, to: localPath) {
            throw TUFUpdateError(file: target.path, .storage, "cannot rename \(part) to \(localPath): \(reason) (the checked \(part) is kept)")
        }
    }

    /// Length and hashes of the file at `file`, read in chunks, against the targets metadata.
    func check(_ target: TUFTargetFile, file: String) throws(TUFUpdateError) {
        var digests = TUFDigests<Crypto>(hashes: target.hashes)
        if let reason = storage.readChunks(file, { digests.update($0) }) {
            throw TUFUpdateError(file: target.path, .storage, "cannot read \(file): \(reason)")
        }
        try digests.check(length: target.length, hashes: target.hashes, file: target.path, whose: "the targets metadata")
    }

    /// Removes a refused partial download; what the error adds when that fails (the message
    /// is the check's own otherwise).
    func removePart(_ part: String) -> String {
        guard let reason = storage.remove(part) else { return "" }
        return " (\(part) could not be removed: \(reason))"
    }

    func fetch(_ name: String, maxLength: Int) throws(TUFUpdateError) -> [UInt8] {
        do throws(TUFFetchError) {
            return try remote.fetchMetadata(name, maxLength: maxLength)
        } catch {
            throw Self.fetchFailure(error, file: name, maxLength: maxLength)
        }
    }

    static func fetchFailure(_ error: TUFFetchError, file: String, maxLength: Int) -> TUFUpdateError {
        switch error.kind {
        case .notFound: return TUFUpdateError(file: file, .notFound, "not found on the repository" + (error.reason.isEmpty ? "" : " (" + error.reason + ")"))
        case .tooLarge: return TUFUpdateError(file: file, .tooLarge, "more than the \(maxLength) bytes allowed")
        case .failed: return TUFUpdateError(file: file, .fetch, "fetch failed: " + error.reason)
        }
    }

    mutating func persist(_ file: String, _ bytes: [UInt8]) throws(TUFUpdateError) {
        if pending != nil {
            pending!.append((file, bytes))
            return
        }
        if let reason = storage.write(metadataDirectory + "/" + file, bytes) {
            throw TUFUpdateError(file: file, .storage, "cannot write \(metadataDirectory)/\(file): \(reason)")
        }
    }
}
