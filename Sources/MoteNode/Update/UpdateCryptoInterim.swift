// INTERIM: a verbatim copy of branch `crypto`'s Sources/MoteNode/Update/UpdateCrypto.swift (commit 4f139f0),
// so the tufjson branch builds on its own. Delete this file when both are merged: the compiler
// names every declaration here as a redeclaration until it is gone.

/// The cryptography the update verifier needs, from the platform: MoteLinux's `LibCrypto` (the
/// board's OpenSSL libcrypto) on Linux, anything else in tests. MoteNode cannot import MoteLinux,
/// so the verifier is generic over this (`Verifier<Crypto: UpdateCrypto>`), never an existential.
/// Nothing here is written by hand: the conformance calls a real library.
public protocol UpdateCrypto {
    associatedtype SHA256: UpdateHasher
    associatedtype SHA512: UpdateHasher

    /// Returns when `signature` is one of `message` by `publicKey` under `scheme`; throws why
    /// not otherwise. The key is as TUF metadata carries it, decoded: Ed25519's 32 raw bytes (the
    /// hex of `keyval.public`), the PEM text's bytes for ECDSA and RSA.
    static func verify(scheme: SignatureScheme, publicKey: [UInt8], message: [UInt8], signature: [UInt8]) throws(CryptoError)
}

/// A streamed hash: any number of `update`s, then `finalize`, which also starts it over.
/// A class: it owns the library's context, freed with the last reference.
public protocol UpdateHasher: AnyObject {
    /// 32 for SHA-256, 64 for SHA-512.
    static var digestLength: Int { get }
    init()
    func update(_ bytes: ArraySlice<UInt8>)
    func finalize() -> [UInt8]
}

extension UpdateHasher {
    public func update(_ bytes: [UInt8]) { update(bytes[...]) }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        let hasher = Self()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

/// The signature schemes of TUF keys that Mote verifies, by the names metadata gives them.
public enum SignatureScheme: Equatable, Sendable, CaseIterable {
    /// RFC 8032 Ed25519; keytype "ed25519".
    case ed25519
    /// ECDSA on P-256 with SHA-256, DER signatures; keytype "ecdsa" (or the older "ecdsa-sha2-nistp256").
    case ecdsaP256SHA256
    /// RSASSA-PSS with SHA-256 and MGF1-SHA-256; keytype "rsa".
    case rsaPSSSHA256

    /// The `scheme` of a TUF key.
    public var name: String {
        switch self {
        case .ed25519: return "ed25519"
        case .ecdsaP256SHA256: return "ecdsa-sha2-nistp256"
        case .rsaPSSSHA256: return "rsassa-pss-sha256"
        }
    }

    public init?(name: String) {
        for scheme in Self.allCases where scheme.name == name {
            self = scheme
            return
        }
        return nil
    }
}

/// Why a signature did not verify.
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The key was read, and the signature is not one of the message by it.
        case invalidSignature
        /// The key cannot be used for the scheme: unreadable, or of another type or curve.
        case badKey
        /// The library failed otherwise (out of memory).
        case failed
    }

    public var kind: Kind
    public var scheme: SignatureScheme
    /// What exactly, for `badKey` and `failed` (empty for `invalidSignature`).
    public var reason: String

    public init(_ kind: Kind, scheme: SignatureScheme, reason: String = "") {
        self.kind = kind
        self.scheme = scheme
        self.reason = reason
    }

    public var description: String {
        let what: String
        switch kind {
        case .invalidSignature: what = "invalid signature"
        case .badKey: what = "bad key"
        case .failed: what = "verification failed"
        }
        return scheme.name + ": " + what + (reason.isEmpty ? "" : ": " + reason)
    }
}
