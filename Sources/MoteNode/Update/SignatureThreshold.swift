/// Counting a role's valid signatures against its threshold (TUF specification 5.3.4, 5.4.2,
/// 5.5.3, 5.6.3), the same for every role: root's own keys, timestamp, snapshot, targets and
/// delegated roles.
///
/// Each KEY counts once: a keyid the role lists twice, two signatures under one keyid, or two
/// keyids whose keys are the same key (same scheme, same key bytes, PEM whitespace aside) add one
/// signature at most, so one stolen key cannot meet a threshold of two. Signatures by keyids the
/// role does not list are ignored, and so are keyids the key table lacks and keys Mote cannot use.
public enum TUFSignatures {
    /// `message` is the canonical signed bytes (`TUFEnvelope.canonicalSigned`).
    public static func count<Crypto: UpdateCrypto>(
        _ crypto: Crypto.Type, role: TUFRoleKeys, keys: TUFKeyTable, signatures: [TUFSignature], message: [UInt8]
    ) -> TUFSignatureCount {
        var result = TUFSignatureCount(threshold: role.threshold)
        var seenKeyIDs: [String] = []
        // The identity of each key counted so far, with the keyid that counted it.
        var counted: [(identity: [UInt8], keyid: String)] = []
        for keyid in role.keyids {
            guard !seenKeyIDs.contains(where: { $0.utf8.elementsEqual(keyid.utf8) }) else { continue }
            seenKeyIDs.append(keyid)
            let candidates = signatures.filter { $0.keyid.utf8.elementsEqual(keyid.utf8) }
            guard !candidates.isEmpty, let key = keys[keyid] else { continue }
            guard let usable = key.usable else {
                result.rejected.append(TUFRejectedSignature(keyid: keyid, reason: "unusable key: " + key.unusableReason))
                continue
            }
            let identity = usable.identity
            if let earlier = counted.first(where: { $0.identity == identity }) {
                result.rejected.append(TUFRejectedSignature(keyid: keyid, reason: "the same key as keyid \(earlier.keyid), which counted already"))
                continue
            }
            var reason = ""
            var valid = false
            for candidate in candidates {
                guard let signature = candidate.bytes else {
                    reason = "the signature is not hex"
                    continue
                }
                do throws(CryptoError) {
                    try Crypto.verify(scheme: usable.scheme, publicKey: usable.publicKey, message: message, signature: signature)
                    valid = true
                    break
                } catch {
                    reason = error.description
                }
            }
            if valid {
                result.verified.append(keyid)
                counted.append((identity, keyid))
            } else {
                result.rejected.append(TUFRejectedSignature(keyid: keyid, reason: reason))
            }
        }
        return result
    }
}

public struct TUFSignatureCount: Equatable, Sendable {
    public var threshold: Int64
    /// The keyids whose signatures verified, one per distinct key, in the order the role lists them.
    public var verified: [String]
    /// Signatures by the role's keys that did not count, and why.
    public var rejected: [TUFRejectedSignature]

    public init(threshold: Int64, verified: [String] = [], rejected: [TUFRejectedSignature] = []) {
        self.threshold = threshold
        self.verified = verified
        self.rejected = rejected
    }

    public var isMet: Bool { Int64(verified.count) >= threshold }
}

public struct TUFRejectedSignature: Equatable, Sendable {
    public var keyid: String
    public var reason: String

    public init(keyid: String, reason: String) {
        self.keyid = keyid
        self.reason = reason
    }
}
