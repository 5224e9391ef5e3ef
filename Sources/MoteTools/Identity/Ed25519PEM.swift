import Crypto
import Foundation

/// Ed25519 private keys as PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), the form OpenSSL writes
/// and reads. Swift Crypto has no PEM for Curve25519 keys, and the encoding is fixed: RFC 8410
/// section 7 gives the DER of an Ed25519 OneAsymmetricKey (version 0, no attributes, no public
/// key) as 16 constant bytes followed by the 32-byte seed. Encoding only: the key itself is
/// Swift Crypto's.
public enum Ed25519PEM {
    /// RFC 8410 section 7: SEQUENCE (46 bytes) { INTEGER 0, SEQUENCE { OID 1.3.101.112 (id-Ed25519) },
    /// OCTET STRING (34) { OCTET STRING (32) { seed } } }.
    static let derPrefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    static let begin = "-----BEGIN PRIVATE KEY-----"
    static let end = "-----END PRIVATE KEY-----"

    /// The PKCS#8 DER: 48 bytes.
    public static func der(for key: Curve25519.Signing.PrivateKey) -> [UInt8] {
        derPrefix + Array(key.rawRepresentation)
    }

    /// The PEM text, base64 in lines of 64 (RFC 7468), ending in a newline.
    public static func text(for key: Curve25519.Signing.PrivateKey) -> String {
        let body = Data(der(for: key)).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return begin + "\n" + body + "\n" + end + "\n"
    }

    public struct ParseError: Error, Equatable {
        public var message: String
    }

    /// The key in PEM text: one PRIVATE KEY block (whitespace and CRLF allowed around and in the
    /// base64), whose DER is RFC 8410's Ed25519 form exactly.
    public static func privateKey(from text: String) throws(ParseError) -> Curve25519.Signing.PrivateKey {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if lines.first == "-----BEGIN ENCRYPTED PRIVATE KEY-----" {
            throw ParseError(message: "an encrypted key: decrypt it first (openssl pkey -in KEY -out PLAIN.pem)")
        }
        guard lines.count >= 3, lines.first == begin, lines.last == end else {
            throw ParseError(message: "not a PKCS#8 PEM private key (\(begin) ... \(end))")
        }
        guard let der = Data(base64Encoded: lines.dropFirst().dropLast().joined()) else {
            throw ParseError(message: "the PEM body is not base64")
        }
        guard der.count == derPrefix.count + 32, der.starts(with: derPrefix) else {
            throw ParseError(message: "not an Ed25519 private key (RFC 8410: 48 bytes of DER beginning 302e020100300506032b657004220420)")
        }
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: der.dropFirst(derPrefix.count))
        } catch {
            throw ParseError(message: "not an Ed25519 private key: \(error)")
        }
    }
}
