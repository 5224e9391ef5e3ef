import CCrypto
import MoteNode

/// The update verifier's cryptography from the board's OpenSSL libcrypto (CCrypto): SHA-256 and
/// SHA-512 streamed, and the signature checks of TUF's ed25519, ecdsa-sha2-nistp256 and
/// rsassa-pss-sha256 keys. The shim loads libcrypto.so.3 on first use, not at start-up.
public enum LibCrypto: UpdateCrypto {
    /// Nil when libcrypto is loaded (this loads it), else why it cannot be:
    /// "libcrypto.so.3 cannot be loaded: <the loader's reason> (install libssl3)". `verify` then
    /// throws it as a `.failed` reason; a hasher cannot throw, so commands that hash ask first.
    public static var unavailable: String? {
        mote_crypto_unavailable().map { String(cString: $0) }
    }

    /// SHA-256 (FIPS 180-4), streamed through one libcrypto context.
    public final class SHA256: UpdateHasher {
        public static let digestLength = 32
        private let context = HashContext(algorithm: Int32(MOTE_CRYPTO_SHA256))
        public init() {}
        public func update(_ bytes: ArraySlice<UInt8>) { context.update(bytes) }
        public func finalize() -> [UInt8] { context.finalize(length: Self.digestLength) }
    }

    /// SHA-512 (FIPS 180-4), streamed through one libcrypto context.
    public final class SHA512: UpdateHasher {
        public static let digestLength = 64
        private let context = HashContext(algorithm: Int32(MOTE_CRYPTO_SHA512))
        public init() {}
        public func update(_ bytes: ArraySlice<UInt8>) { context.update(bytes) }
        public func finalize() -> [UInt8] { context.finalize(length: Self.digestLength) }
    }

    public static func verify(scheme: SignatureScheme, publicKey: [UInt8], message: [UInt8], signature: [UInt8]) throws(CryptoError) {
        let code = publicKey.withUnsafeBufferPointer { key in
            message.withUnsafeBufferPointer { text in
                signature.withUnsafeBufferPointer { mote_crypto_verify(scheme.code, key.baseAddress, key.count, text.baseAddress, text.count, $0.baseAddress, $0.count) }
            }
        }
        if let error = failure(code, scheme: scheme, keyLength: publicKey.count, unavailable: unavailable) { throw error }
    }

    /// The error for mote_crypto_verify's `code`, or nil for a valid signature. `unavailable` is
    /// why libcrypto cannot be loaded, read only for MOTE_CRYPTO_UNAVAILABLE.
    static func failure(_ code: Int32, scheme: SignatureScheme, keyLength: Int, unavailable: @autoclosure () -> String?) -> CryptoError? {
        switch Int(code) {
        case MOTE_CRYPTO_VALID: return nil
        case MOTE_CRYPTO_INVALID_SIGNATURE: return CryptoError(.invalidSignature, scheme: scheme)
        case MOTE_CRYPTO_BAD_KEY:
            return CryptoError(.badKey, scheme: scheme, reason: scheme == .ed25519
                ? "\(keyLength) bytes, not the 32 of a raw Ed25519 public key"
                : "not a PEM public key (-----BEGIN PUBLIC KEY-----, SubjectPublicKeyInfo)")
        case MOTE_CRYPTO_WRONG_KEY_TYPE:
            return CryptoError(.badKey, scheme: scheme, reason: scheme == .rsaPSSSHA256 ? "not an RSA key" : "not an EC key on P-256")
        case MOTE_CRYPTO_UNAVAILABLE: return CryptoError(.failed, scheme: scheme, reason: unavailable() ?? "libcrypto cannot be loaded")
        default: return CryptoError(.failed, scheme: scheme, reason: "libcrypto failed (code \(code))")
        }
    }
}

extension SignatureScheme {
    fileprivate var code: Int32 {
        switch self {
        case .ed25519: return Int32(MOTE_CRYPTO_ED25519)
        case .ecdsaP256SHA256: return Int32(MOTE_CRYPTO_ECDSA_P256_SHA256)
        case .rsaPSSSHA256: return Int32(MOTE_CRYPTO_RSA_PSS_SHA256)
        }
    }
}

/// One libcrypto digest context; freed with the last reference.
final class HashContext {
    private let handle: OpaquePointer

    init(algorithm: Int32) {
        // NULL when libcrypto cannot be loaded (commands check `LibCrypto.unavailable` first) or
        // memory ran out: nothing sensible to go on with.
        guard let handle = mote_crypto_hash_new(algorithm) else {
            fatalError(LibCrypto.unavailable ?? "libcrypto: cannot allocate a digest context")
        }
        self.handle = handle
    }

    deinit { mote_crypto_hash_free(handle) }

    func update(_ bytes: ArraySlice<UInt8>) {
        let rc = bytes.withUnsafeBufferPointer { mote_crypto_hash_update(handle, $0.baseAddress, $0.count) }
        // libcrypto's software digests cannot fail on an update; a hash that silently skipped
        // bytes would be worse than stopping.
        if rc != 0 { fatalError("libcrypto: digest update failed") }
    }

    func finalize(length: Int) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: length)
        let written = digest.withUnsafeMutableBufferPointer { mote_crypto_hash_final(handle, $0.baseAddress, $0.count) }
        if Int(written) != length { fatalError("libcrypto: digest final failed") }
        return digest
    }
}
