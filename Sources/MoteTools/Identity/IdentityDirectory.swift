import Crypto
import Foundation
import MoteHAL
import MoteNode

/// A directory holding one identity: identity.toml (0644), device-key.pem (0600), app-key (0600),
/// the directory itself 0700 (docs/identity.md).
public struct IdentityDirectory: Sendable {
    public static let identityFile = "identity.toml"
    public static let deviceKeyFile = "device-key.pem"
    public static let appKeyFile = "app-key"

    /// As the user wrote it, without trailing slashes: messages name files as `DIR/identity.toml`.
    public let path: String

    public init(_ path: String) {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed
    }

    public func file(_ name: String) -> String { path == "/" ? "/" + name : path + "/" + name }

    // MARK: Writing

    /// Writes the identity's three files, or nothing. Refuses when DIR is not a directory, is one
    /// with another mode than 0700, or holds any of the three files. Creates DIR (and missing
    /// parents) with mode 0700. Each file is written to a temporary name created with O_EXCL in
    /// its final mode, synced, then hard-linked to its name (which, unlike rename, fails rather
    /// than replace a file that appeared meanwhile); on any failure everything written so far,
    /// and any directory created, is removed again.
    public func write(_ identity: DeviceIdentity) throws(IdentityError) {
        try write(identity, failingAfter: nil)
    }

    /// `failingAfter`: the tests' fault, an EIO once that many files are in place.
    func write(_ identity: DeviceIdentity, failingAfter: Int?) throws(IdentityError) {
        let files: [(name: String, mode: mode_t, text: String)] = [
            (Self.deviceKeyFile, 0o600, identity.deviceKeyPEM),
            (Self.appKeyFile, 0o600, identity.appKeyText),
            (Self.identityFile, 0o644, identity.identityTOML),  // last: a complete identity.toml means a complete identity
        ]
        if let status = FileStatus.of(path) {
            guard status.isDirectory else { throw .notDirectory(path) }
            guard status.permissions == 0o700 else { throw .directoryMode(path, status.permissions) }
        }
        for name in [Self.identityFile, Self.deviceKeyFile, Self.appKeyFile] where FileStatus.of(file(name), follow: false) != nil {
            throw .exists(file(name))
        }

        var created: [String] = []
        var written: [String] = []
        do throws(IdentityError) {
            created = try makeDirectories()
            for entry in files {
                try Self.writeNew(file(entry.name), in: path, mode: entry.mode, contents: Array(entry.text.utf8))
                written.append(file(entry.name))
                if written.count == failingAfter { throw .system(file(entry.name), "write", EIO) }
            }
            try Self.syncDirectory(path)
            if !created.isEmpty { try Self.syncDirectory(Self.parent(of: created.last!)) }
        } catch {
            for name in written.reversed() { unlink(name) }
            for directory in created { rmdir(directory) }
            throw error
        }
    }

    /// Creates DIR and its missing parents, each 0700 whatever the umask; returns them deepest
    /// first (the order to remove them in).
    private func makeDirectories() throws(IdentityError) -> [String] {
        var missing: [String] = []
        var next = path
        while FileStatus.of(next) == nil {
            missing.append(next)
            next = Self.parent(of: next)
        }
        var created: [String] = []
        do throws(IdentityError) {
            for directory in missing.reversed() {
                guard mkdir(directory, 0o700) == 0 else { throw .system(directory, "create the directory", errno) }
                created.insert(directory, at: 0)
                guard chmod(directory, 0o700) == 0 else { throw .system(directory, "set mode 0700", errno) }
            }
        } catch {
            for directory in created { rmdir(directory) }
            throw error
        }
        return created
    }

    /// "a/b" -> "a", "a" -> ".", "/a" -> "/". (NSString.deletingLastPathComponent traps on a
    /// one-component path in this Foundation.)
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        var parent = String(path[..<slash])
        while parent.hasSuffix("/") { parent.removeLast() }
        return parent.isEmpty ? "/" : parent
    }

    /// `path` with `contents`, created new: a temporary file opened O_CREAT|O_EXCL with `mode`
    /// (fchmod'ed to it, so the umask cannot change it), written, fsync'ed, then linked to `path`.
    static func writeNew(_ path: String, in directory: String, mode: mode_t, contents: [UInt8]) throws(IdentityError) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var random = SystemRandomNumberGenerator()
        let temporary = directory + "/." + name + "." + Hex.encode((0..<6).map { _ in UInt8.random(in: 0...255, using: &random) })
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .system(temporary, "create", errno) }
        defer { unlink(temporary) }
        do throws(IdentityError) {
            guard fchmod(fd, mode) == 0 else { throw .system(temporary, "set mode \(IdentityError.octal(UInt32(mode)))", errno) }
            var offset = 0
            while offset < contents.count {
                let count = contents[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw .system(temporary, "write", errno)
                }
                offset += count
            }
            guard fsync(fd) == 0 else { throw .system(temporary, "sync", errno) }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw .system(temporary, "close", errno) }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { throw .exists(path) }
            throw .system(path, "create", errno)
        }
    }

    static func syncDirectory(_ directory: String) throws(IdentityError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(directory, "open", errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .system(directory, "sync", errno) }
    }

    // MARK: Reading

    /// What `motectl identity show` prints: identity.toml's fields, never a secret.
    public struct Summary: Equatable, Sendable {
        public var deviceID: String
        public var devEUI: String
        public var joinEUI: String
        public var publicKey: String

        /// One `key: value` line per field of identity.toml.
        public var text: String {
            "device_id: \(deviceID)\ndev_eui: \(devEUI)\njoin_eui: \(joinEUI)\npublic_key: \(publicKey)\n"
        }
    }

    /// Reads and checks the identity: identity.toml's four fields in their formats, both secrets
    /// mode 0600 and well-formed, device-key.pem's public key equal to public_key.
    public func load() throws(IdentityError) -> Summary {
        let summary = try readIdentityFile()

        let keyPath = file(Self.deviceKeyFile)
        let keyText = try Self.readSecret(keyPath)
        let key: Curve25519.Signing.PrivateKey
        do {
            key = try Ed25519PEM.privateKey(from: keyText)
        } catch {
            throw .invalid(keyPath, error.message)
        }
        let derived = Hex.encode(key.publicKey.rawRepresentation)
        guard derived == summary.publicKey else {
            throw .invalid(keyPath, "its public key \(derived) is not identity.toml's public_key \(summary.publicKey) (the files are from different identities)")
        }

        let appKeyPath = file(Self.appKeyFile)
        let appKey = try Self.readSecret(appKeyPath)
        guard appKey.utf8.count == 33, appKey.hasSuffix("\n"), Self.isHex(appKey.dropLast(), count: 32, uppercase: true) else {
            throw .invalid(appKeyPath, "expected 32 upper-case hex digits and a newline (the LoRaWAN AppKey)")
        }
        return summary
    }

    private func readIdentityFile() throws(IdentityError) -> Summary {
        let path = file(Self.identityFile)
        let text = try Self.read(path)
        let (document, errors) = TOML.parse(text)
        if let first = errors.first { throw .invalid("\(path):\(first.position)", first.message) }
        for entry in document.entries where !["device_id", "dev_eui", "join_eui", "public_key"].contains(entry.key) {
            throw .invalid("\(path):\(entry.keyPosition)", "unknown key '\(entry.key)' (an identity has device_id, dev_eui, join_eui and public_key)")
        }
        func field(_ key: String, _ valid: (String) -> Bool, _ expected: String) throws(IdentityError) -> String {
            guard let entry = document[key] else { throw .invalid(path, "\(key): missing") }
            guard case .string(let value) = entry.node.value, valid(value) else {
                throw .invalid("\(path):\(entry.node.position)", "\(key): expected \(expected)")
            }
            return value
        }
        return Summary(
            deviceID: try field("device_id", NodeConfiguration.isIdentifier, "a string of letters, digits, '_' and '-'"),
            devEUI: try field("dev_eui", { Self.isHex($0, count: 16, uppercase: true) }, "16 upper-case hex digits in a string"),
            joinEUI: try field("join_eui", { Self.isHex($0, count: 16, uppercase: true) }, "16 upper-case hex digits in a string"),
            publicKey: try field("public_key", { Self.isHex($0, count: 64, uppercase: false) }, "64 lower-case hex digits in a string (the raw Ed25519 public key)"))
    }

    static func isHex(_ text: some StringProtocol, count: Int, uppercase: Bool) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (uppercase ? (UInt8(ascii: "A")...UInt8(ascii: "F")) : (UInt8(ascii: "a")...UInt8(ascii: "f"))).contains(byte)
        }
    }

    /// A secret's text, after checking it is a regular file of mode 0600.
    static func readSecret(_ path: String) throws(IdentityError) -> String {
        guard let status = FileStatus.of(path) else { throw .missing(path) }
        guard status.permissions == 0o600 else { throw .secretMode(path, status.permissions) }
        return try read(path)
    }

    static func read(_ path: String) throws(IdentityError) -> String {
        guard FileStatus.of(path) != nil else { throw .missing(path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .invalid(path, "cannot read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .invalid(path, "not UTF-8 text") }
        return text
    }
}

/// stat(2), the fields the identity needs.
struct FileStatus {
    var mode: mode_t

    var isDirectory: Bool { mode & S_IFMT == S_IFDIR }
    var permissions: UInt32 { UInt32(mode & 0o7777) }

    /// nil when nothing is there; `follow: false` sees a symbolic link (even a dangling one) itself.
    static func of(_ path: String, follow: Bool = true) -> FileStatus? {
        var buffer = stat()
        let result = follow ? stat(path, &buffer) : lstat(path, &buffer)
        return result == 0 ? FileStatus(mode: buffer.st_mode) : nil
    }
}
