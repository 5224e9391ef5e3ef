import Crypto
import Foundation
import MoteHAL
import MoteNode

/// One device's identity: its id and LoRaWAN EUIs (public), its Ed25519 key and LoRaWAN AppKey
/// (secret). docs/identity.md describes the three files `IdentityDirectory` keeps it in.
public struct DeviceIdentity: Sendable {
    public var deviceID: String
    /// EUI-64, 8 bytes.
    public var devEUI: [UInt8]
    /// EUI-64, 8 bytes; LoRaWAN 1.0's AppEUI.
    public var joinEUI: [UInt8]
    /// The LoRaWAN AppKey, 16 bytes.
    public var appKey: [UInt8]
    public var signingKey: Curve25519.Signing.PrivateKey

    public init(deviceID: String, devEUI: [UInt8], joinEUI: [UInt8], appKey: [UInt8], signingKey: Curve25519.Signing.PrivateKey) {
        self.deviceID = deviceID
        self.devEUI = devEUI
        self.joinEUI = joinEUI
        self.appKey = appKey
        self.signingKey = signingKey
    }

    /// The raw 32-byte Ed25519 public key.
    public var publicKey: [UInt8] { Array(signingKey.publicKey.rawRepresentation) }

    /// `motectl identity new`: a new key and AppKey; the DevEUI random unless given, the device id
    /// derived from it unless given, the JoinEUI zero unless given.
    public static func new(deviceID: String? = nil, devEUI: String? = nil, joinEUI: String? = nil) throws(IdentityError) -> DeviceIdentity {
        let eui = try devEUI.map { text throws(IdentityError) in try parseHex(text, option: "--dev-eui", bytes: 8) }
            ?? localEUI64(random: UInt64.random(in: .min ... .max))
        let join = try joinEUI.map { text throws(IdentityError) in try parseHex(text, option: "--join-eui", bytes: 8) }
            ?? [UInt8](repeating: 0, count: 8)
        let id = deviceID ?? defaultDeviceID(devEUI: eui)
        try checkDeviceID(id)
        return DeviceIdentity(deviceID: id, devEUI: eui, joinEUI: join, appKey: newAppKey(), signingKey: Curve25519.Signing.PrivateKey())
    }

    /// `motectl identity import`: given values; a new key when `deviceKey` (the PEM file's path and
    /// text) is nil. Every value is checked before anything is written.
    public static func imported(deviceID: String, devEUI: String, appKey: String, joinEUI: String? = nil,
                                deviceKey: (path: String, text: String)? = nil) throws(IdentityError) -> DeviceIdentity {
        try checkDeviceID(deviceID)
        let eui = try parseHex(devEUI, option: "--dev-eui", bytes: 8)
        let join = try joinEUI.map { text throws(IdentityError) in try parseHex(text, option: "--join-eui", bytes: 8) }
            ?? [UInt8](repeating: 0, count: 8)
        let key = try parseHex(appKey, option: "--app-key", bytes: 16, secret: true)
        var signingKey = Curve25519.Signing.PrivateKey()
        if let deviceKey {
            do {
                signingKey = try Ed25519PEM.privateKey(from: deviceKey.text)
            } catch {
                throw .badOption("--device-key", "\(deviceKey.path): \(error.message)")
            }
        }
        return DeviceIdentity(deviceID: deviceID, devEUI: eui, joinEUI: join, appKey: key, signingKey: signingKey)
    }

    /// A random EUI-64 that cannot collide with an assigned one: the first byte's
    /// locally-administered bit (0x02) set and its multicast bit (0x01) clear (IEEE 802, as for
    /// MAC addresses; LoRaWAN DevEUIs are EUI-64s).
    public static func localEUI64(random: UInt64) -> [UInt8] {
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: random >> (56 - 8 * $0)) }
        bytes[0] = bytes[0] & ~0x01 | 0x02
        return bytes
    }

    /// "mote-" and the DevEUI in lower case.
    public static func defaultDeviceID(devEUI: [UInt8]) -> String {
        "mote-" + Hex.encode(devEUI)
    }

    private static func newAppKey() -> [UInt8] {
        SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
    }

    private static func checkDeviceID(_ id: String) throws(IdentityError) {
        guard NodeConfiguration.isIdentifier(id) else {
            throw .badOption("--device-id", "\"\(id)\" is not a valid device id: use letters, digits, '_' and '-'")
        }
    }

    /// Exactly `bytes` bytes of hex, either case. A secret is not echoed back: its message says
    /// what was wrong with it instead.
    static func parseHex(_ text: String, option: String, bytes: Int, secret: Bool = false) throws(IdentityError) -> [UInt8] {
        if let value = Hex.decode(text), value.count == bytes { return value }
        let expected = "expected \(bytes * 2) hex digits (\(bytes) bytes)"
        guard secret else {
            throw .badOption("\(option) \"\(text)\"", expected + ", such as " + String("70B3D57ED00000010123456789ABCDEF".prefix(bytes * 2)))
        }
        let count = text.unicodeScalars.count
        let what = count == bytes * 2 ? "\(count) characters, not all hex digits" : "\(count) character\(count == 1 ? "" : "s")"
        throw .badOption(option, expected + "; the value given has " + what)
    }

    // MARK: The files' contents

    /// identity.toml: the public part.
    public var identityTOML: String {
        """
        # Mote device identity (motectl identity, docs/identity.md). Secrets: device-key.pem, app-key.
        device_id = "\(deviceID)"
        dev_eui = "\(Hex.encode(devEUI, uppercase: true))"
        join_eui = "\(Hex.encode(joinEUI, uppercase: true))"
        public_key = "\(Hex.encode(publicKey))"

        """
    }

    /// device-key.pem: the Ed25519 private key as PKCS#8 PEM.
    public var deviceKeyPEM: String { Ed25519PEM.text(for: signingKey) }

    /// app-key: 32 upper-case hex digits and a newline.
    public var appKeyText: String { Hex.encode(appKey, uppercase: true) + "\n" }
}

/// Why an identity cannot be made, written or shown. `description` is the message after
/// "motectl: ".
public enum IdentityError: Error, Equatable, CustomStringConvertible {
    /// A bad command-line value: the option (and the value, unless secret), what is wrong.
    case badOption(String, String)
    /// One of the three files exists already.
    case exists(String)
    /// DIR exists but is a file.
    case notDirectory(String)
    /// DIR exists with another mode than 0700.
    case directoryMode(String, UInt32)
    /// A secret file's mode is not 0600.
    case secretMode(String, UInt32)
    /// A file of the identity is missing.
    case missing(String)
    /// A file's content is wrong: the path (with line:column where there is one), what is wrong.
    case invalid(String, String)
    /// A system call failed: the path, the operation, errno.
    case system(String, String, Int32)

    public var description: String {
        switch self {
        case .badOption(let option, let message):
            return "\(option): \(message)"
        case .exists(let path):
            return "\(path) exists: an identity is never overwritten (remove it first or choose another directory)"
        case .notDirectory(let path):
            return "\(path): not a directory"
        case .directoryMode(let path, let mode):
            return "\(path): mode \(Self.octal(mode)); an identity directory must be 0700 (chmod 700 \(path), or name a new directory)"
        case .secretMode(let path, let mode):
            return "\(path): mode \(Self.octal(mode)); a secret must be 0600"
        case .missing(let path):
            return "\(path): missing (motectl identity new or import writes it)"
        case .invalid(let path, let message):
            return "\(path): \(message)"
        case .system(let path, let operation, let code):
            return "\(path): cannot \(operation): \(String(cString: strerror(code)))"
        }
    }

    /// "0644": permission bits as chmod writes them.
    static func octal(_ mode: UInt32) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
