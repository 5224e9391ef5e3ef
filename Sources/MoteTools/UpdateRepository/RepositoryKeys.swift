import Crypto
import Foundation
import MoteHAL
import MoteNode

/// A TUF public key as root.json lists it and `motectl keys new` writes it to NAME.pub:
/// `{"keytype": ..., "keyval": {"public": ...}, "scheme": ...}`, the forms securesystemslib's
/// `SSlibKey.from_crypto` makes: ed25519/ed25519 with the raw 32 bytes in hex, and
/// ecdsa/ecdsa-sha2-nistp256 with the SubjectPublicKeyInfo PEM (64-character lines, a final
/// newline, as pyca/cryptography writes it).
public struct TUFPublicKey: Equatable, Sendable {
    public var keytype: String
    public var scheme: String
    public var publicValue: String

    public init(keytype: String, scheme: String, publicValue: String) {
        self.keytype = keytype
        self.scheme = scheme
        self.publicValue = publicValue
    }

    /// The key object, as in root.json's `keys`.
    var json: JSONValue {
        .object(JSONObject([
            JSONMember(key: "keytype", value: .string(keytype)),
            JSONMember(key: "keyval", value: .object(JSONObject([JSONMember(key: "public", value: .string(publicValue))]))),
            JSONMember(key: "scheme", value: .string(scheme)),
        ]))
    }

    /// securesystemslib's default keyid: the hex SHA-256 of the key object's canonical JSON.
    public var keyid: String { Hex.encode(Array(SHA256.hash(data: RepositoryJSON.canonical(json)))) }

    /// NAME.pub's text: the key object, pretty-printed.
    public var fileText: String { RepositoryJSON.pretty(json) }

    /// Reads a key object; `file` and `path` name it in errors.
    static func read(_ value: JSONValue, _ reader: RepositoryReader, at path: String) throws(RepositoryError) -> TUFPublicKey {
        let object = try reader.object(value, at: path)
        let keyvalPath = RepositoryReader.join(path, "keyval")
        let keyval = try reader.object(try reader.member(object, "keyval", at: path), at: keyvalPath)
        return TUFPublicKey(keytype: try reader.string(object, "keytype", at: path),
                            scheme: try reader.string(object, "scheme", at: path),
                            publicValue: try reader.string(keyval, "public", at: keyvalPath))
    }

    /// Whether `signature` (the bytes of a TUF signature's hex) is this key's over `message`.
    /// Keys of other types than the two above verify nothing.
    public func verifies(_ signature: [UInt8], over message: [UInt8]) -> Bool {
        switch (keytype, scheme) {
        case ("ed25519", "ed25519"):
            guard let raw = Hex.decode(publicValue), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
            return key.isValidSignature(signature, for: message)
        case ("ecdsa", "ecdsa-sha2-nistp256"), ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256"):
            guard let key = try? P256.Signing.PublicKey(pemRepresentation: publicValue),
                  let der = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(der, for: message)
        default:
            return false
        }
    }

    /// "ed25519" or "ecdsa-p256", as `motectl keys new --type` names them; the keytype otherwise.
    public var typeName: String {
        switch (keytype, scheme) {
        case ("ed25519", "ed25519"): "ed25519"
        case (_, "ecdsa-sha2-nistp256"): "ecdsa-p256"
        default: keytype + "/" + scheme
        }
    }
}

/// A private key that signs repository metadata: Ed25519 (stored as RFC 8410 PKCS#8 PEM, through
/// `Ed25519PEM`) or ECDSA P-256 (PKCS#8 PEM as swift-crypto writes it). Signatures are as
/// securesystemslib makes them: Ed25519's 64 bytes; ECDSA over SHA-256, DER-encoded.
public struct RepositorySigningKey: Sendable {
    public enum KeyType: String, CaseIterable, Sendable {
        case ed25519
        case ecdsaP256 = "ecdsa-p256"
    }

    enum Secret: Sendable {
        case ed25519(Curve25519.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
    }

    let secret: Secret

    init(_ secret: Secret) {
        self.secret = secret
    }

    public static func generate(_ type: KeyType) -> RepositorySigningKey {
        switch type {
        case .ed25519: RepositorySigningKey(.ed25519(Curve25519.Signing.PrivateKey()))
        case .ecdsaP256: RepositorySigningKey(.p256(P256.Signing.PrivateKey()))
        }
    }

    public var publicKey: TUFPublicKey {
        switch secret {
        case .ed25519(let key):
            return TUFPublicKey(keytype: "ed25519", scheme: "ed25519", publicValue: Hex.encode(key.publicKey.rawRepresentation))
        case .p256(let key):
            var pem = key.publicKey.pemRepresentation
            if !pem.hasSuffix("\n") { pem += "\n" }
            return TUFPublicKey(keytype: "ecdsa", scheme: "ecdsa-sha2-nistp256", publicValue: pem)
        }
    }

    public var keyid: String { publicKey.keyid }

    /// NAME.key's text: PKCS#8 PEM.
    public var pemText: String {
        switch secret {
        case .ed25519(let key):
            return Ed25519PEM.text(for: key)
        case .p256(let key):
            let pem = key.pemRepresentation
            return pem.hasSuffix("\n") ? pem : pem + "\n"
        }
    }

    public func sign(_ message: [UInt8]) throws(RepositoryError) -> [UInt8] {
        do {
            switch secret {
            case .ed25519(let key): return Array(try key.signature(for: message))
            case .p256(let key): return Array(try key.signature(for: message).derRepresentation)
            }
        } catch {
            throw .crypto("cannot sign with key \(keyid): \(error)")
        }
    }

    /// A PEM private key of either type: PKCS#8 ("PRIVATE KEY"), or SEC 1 ("EC PRIVATE KEY") for P-256.
    public static func parse(pem text: String, file: String) throws(RepositoryError) -> RepositorySigningKey {
        let ed25519Failure: String
        do {
            return RepositorySigningKey(.ed25519(try Ed25519PEM.privateKey(from: text)))
        } catch {
            ed25519Failure = error.message
        }
        if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") { throw .invalid(file, ed25519Failure) }
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: text) { return RepositorySigningKey(.p256(key)) }
        throw .invalid(file, "not an Ed25519 or ECDSA P-256 private key in PEM (PKCS#8, as motectl keys new writes it)")
    }

    /// Reads a private key file, refusing one that others can read (its mode must be 0600).
    public static func load(_ path: String) throws(RepositoryError) -> RepositorySigningKey {
        guard let status = FileStatus.of(path) else { throw .missing(path) }
        guard status.permissions == 0o600 else { throw .secretMode(path, status.permissions) }
        return try parse(pem: try RepositoryFiles.readText(path), file: path)
    }
}

/// `motectl keys new`: NAME.key (0600, the private key) and NAME.pub (0644, the TUF key object).
public enum RepositoryKeyFiles {
    /// Writes both files or neither; never replaces an existing file. Returns the key.
    @discardableResult
    public static func write(_ key: RepositorySigningKey, name: String) throws(RepositoryError) -> RepositorySigningKey {
        let privatePath = name + ".key", publicPath = name + ".pub"
        for path in [privatePath, publicPath] where FileStatus.of(path, follow: false) != nil {
            throw .exists(path, "a key is never overwritten (remove it first or choose another name)")
        }
        let directory = IdentityDirectory.parent(of: name)
        guard FileStatus.of(directory)?.isDirectory == true else { throw .missing(directory) }
        try RepositoryFiles.mapping { () throws(IdentityError) in
            try IdentityDirectory.writeNew(privatePath, in: directory, mode: 0o600, contents: Array(key.pemText.utf8))
        }
        do {
            try RepositoryFiles.mapping { () throws(IdentityError) in
                try IdentityDirectory.writeNew(publicPath, in: directory, mode: 0o644, contents: Array(key.publicKey.fileText.utf8))
                try IdentityDirectory.syncDirectory(directory)
            }
        } catch {
            unlink(privatePath)
            throw error
        }
        return key
    }

    /// A public key file (NAME.pub), or the public half of a private key file (NAME.key).
    public static func loadPublic(_ path: String) throws(RepositoryError) -> TUFPublicKey {
        let text = try RepositoryFiles.readText(path)
        if text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----") {
            return try RepositorySigningKey.load(path).publicKey
        }
        let value = try RepositoryFiles.parseJSON(Array(text.utf8), file: path)
        return try TUFPublicKey.read(value, RepositoryReader(file: path), at: "")
    }
}
