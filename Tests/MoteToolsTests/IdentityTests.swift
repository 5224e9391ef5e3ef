import Foundation
import MoteHAL
import Testing
@testable import MoteTools

/// `motectl identity` (docs/identity.md), mostly through the built motectl itself: exact files,
/// modes, messages and exit statuses.
@Suite struct IdentityTests {
    /// RFC 8410 section 10.3's example Ed25519 private key; section 10.1's public key is its own.
    static let rfcKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
        -----END PRIVATE KEY-----

        """
    static let rfcPublicKey = "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"
    /// RFC 8410 section 7: the DER of every Ed25519 PKCS#8 key begins with these 16 bytes.
    static let pkcs8Prefix = "302e020100300506032b657004220420"

    // MARK: The pieces

    @Test func randomEUIsAreLocallyAdministeredUnicast() {
        #expect(DeviceIdentity.localEUI64(random: 0) == [0x02, 0, 0, 0, 0, 0, 0, 0])
        #expect(DeviceIdentity.localEUI64(random: .max) == [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(DeviceIdentity.localEUI64(random: 0x0123_4567_89AB_CDEF) == [0x02, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF])
        #expect(DeviceIdentity.defaultDeviceID(devEUI: [0x02, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]) == "mote-0223456789abcdef")
        for _ in 0..<64 {
            let identity = try? DeviceIdentity.new()
            #expect(identity.map { $0.devEUI[0] & 0x03 } == 0x02)
        }
    }

    @Test func pemRoundTripsTheRFCKey() throws {
        let key = try Ed25519PEM.privateKey(from: Self.rfcKeyPEM)
        #expect(Ed25519PEM.text(for: key) == Self.rfcKeyPEM)
        #expect(Hex.encode(Ed25519PEM.der(for: key)) == Self.pkcs8Prefix + "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842")
        #expect(Hex.encode(key.publicKey.rawRepresentation) == Self.rfcPublicKey)
        // CRLF line ends and surrounding blank lines are fine.
        let crlf = "\r\n" + Self.rfcKeyPEM.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(Hex.encode(try Ed25519PEM.privateKey(from: crlf).publicKey.rawRepresentation) == Self.rfcPublicKey)
    }

    @Test func pemRefusals() {
        func message(_ text: String) -> String? {
            do { _ = try Ed25519PEM.privateKey(from: text); return nil } catch { return error.message }
        }
        #expect(message("") == "not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)")
        #expect(message("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGb\n-----END ENCRYPTED PRIVATE KEY-----\n")
            == "an encrypted key: decrypt it first (openssl pkey -in KEY -out PLAIN.pem)")
        #expect(message("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n") == "the PEM body is not base64")
        // An X25519 key (OID 1.3.101.110): the same shape, the wrong algorithm.
        #expect(message("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n")
            == "not an Ed25519 private key (RFC 8410: 48 bytes of DER beginning 302e020100300506032b657004220420)")
    }

    /// A failure once some files are in place removes them, the temporary files and the
    /// directories it made.
    @Test(arguments: [1, 2, 3]) func aFailedWriteLeavesNothing(after files: Int) throws {
        let scratch = try Scratch()
        let directory = IdentityDirectory(scratch.path("new/identity"))
        let identity = try DeviceIdentity.imported(deviceID: "gate-7", devEUI: "70B3D57ED0000001", appKey: String(repeating: "A", count: 32),
                                                   deviceKey: ("k.pem", Self.rfcKeyPEM))
        let written = ["device-key.pem", "app-key", "identity.toml"][files - 1]
        #expect(throws: IdentityError.system(directory.file(written), "write", EIO)) {
            try directory.write(identity, failingAfter: files)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.root) == [])
        #expect(IdentityError.system("d/app-key", "write", EIO).description == "d/app-key: cannot write: Input/output error")
    }

    // MARK: motectl identity new

    @Test(arguments: ["000", "077"]) func newWritesThreeFilesInTheirModesWhateverTheUmask(umask: String) throws {
        let scratch = try Scratch()
        let result = try motectl(["identity", "new", scratch.path("dev")], umask: umask)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(scratch.mode("dev") == 0o700)
        #expect(scratch.mode("dev/identity.toml") == 0o644)
        #expect(scratch.mode("dev/device-key.pem") == 0o600)
        #expect(scratch.mode("dev/app-key") == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("dev")).sorted() == ["app-key", "device-key.pem", "identity.toml"])

        let toml = try scratch.text("dev/identity.toml").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(toml.count == 6)
        #expect(toml[0] == "# Mote device identity (motectl identity, docs/identity.md). Secrets: device-key.pem, app-key.")
        let devEUI = try #require(Self.value(toml[2], key: "dev_eui"))
        #expect(IdentityDirectory.isHex(devEUI, count: 16, uppercase: true))
        let first = try #require(UInt8(devEUI.prefix(2), radix: 16))
        #expect(first & 0x02 == 0x02, "locally administered")
        #expect(first & 0x01 == 0, "unicast")
        #expect(toml[1] == "device_id = \"mote-\(devEUI.lowercased())\"")
        #expect(toml[3] == "join_eui = \"0000000000000000\"")
        let publicKey = try #require(Self.value(toml[4], key: "public_key"))
        #expect(IdentityDirectory.isHex(publicKey, count: 64, uppercase: false))
        #expect(toml[5] == "")

        let appKey = try scratch.text("dev/app-key")
        #expect(appKey.utf8.count == 33 && appKey.hasSuffix("\n") && IdentityDirectory.isHex(appKey.dropLast(), count: 32, uppercase: true))
        let pem = try scratch.text("dev/device-key.pem").split(separator: "\n").map(String.init)
        #expect(pem.count == 3 && pem[0] == "-----BEGIN PRIVATE KEY-----" && pem[2] == "-----END PRIVATE KEY-----")
        let der = try #require(Data(base64Encoded: pem[1]))
        #expect(der.count == 48 && Hex.encode(der.prefix(16)) == Self.pkcs8Prefix)

        #expect(result.stdout == """
            device_id: mote-\(devEUI.lowercased())
            dev_eui: \(devEUI)
            join_eui: 0000000000000000
            public_key: \(publicKey)
            wrote \(scratch.path("dev"))/device-key.pem (0600), \(scratch.path("dev"))/app-key (0600), \(scratch.path("dev"))/identity.toml (0644)

            """)
        // Two identities never share a key or an AppKey.
        #expect(try motectl(["identity", "new", scratch.path("other")]).status == 0)
        #expect(try scratch.text("other/app-key") != appKey)
        #expect(try scratch.text("other/device-key.pem") != scratch.text("dev/device-key.pem"))
    }

    @Test func newTakesGivenValues() throws {
        let scratch = try Scratch()
        let result = try motectl(["identity", "new", scratch.path("d"), "--device-id", "pump_3", "--dev-eui", "70b3d57ed0000001", "--join-eui", "0102030405060708"])
        #expect(result.status == 0)
        let toml = try scratch.text("d/identity.toml").split(separator: "\n").map(String.init)
        #expect(Array(toml[1...3]) == ["device_id = \"pump_3\"", "dev_eui = \"70B3D57ED0000001\"", "join_eui = \"0102030405060708\""])
    }

    /// Any one of the three files is enough to refuse, and nothing changes: not the file, not its
    /// mtime, nothing added.
    @Test(arguments: ["identity.toml", "device-key.pem", "app-key"]) func newRefusesWhenAnyFileExists(_ name: String) throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path("d"), withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try Data("kept\n".utf8).write(to: URL(fileURLWithPath: scratch.path("d/" + name)))
        let before = try scratch.snapshot("d")
        let result = try motectl(["identity", "new", scratch.path("d")])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "motectl: \(scratch.path("d"))/\(name) exists: an identity is never overwritten (remove it first or choose another directory)\n")
        #expect(try scratch.snapshot("d") == before)
        #expect(before.count == 1)
    }

    @Test func newAndImportRefuseAnExistingIdentityAndChangeNothing() throws {
        let scratch = try Scratch()
        #expect(try motectl(["identity", "new", scratch.path("d")]).status == 0)
        let before = try scratch.snapshot("d")
        #expect(before.count == 3)
        let refusal = "motectl: \(scratch.path("d"))/identity.toml exists: an identity is never overwritten (remove it first or choose another directory)\n"
        for arguments in [["identity", "new", scratch.path("d") + "/"],
                          ["identity", "import", scratch.path("d"), "--device-id", "x", "--dev-eui", "70B3D57ED0000001", "--app-key", String(repeating: "0", count: 32)]] {
            let result = try motectl(arguments)
            #expect(result.status == 1)
            #expect(result.stderr == refusal)
            #expect(try scratch.snapshot("d") == before)
        }
    }

    @Test func anExistingDirectoryMustBe0700() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path("d"), withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        let result = try motectl(["identity", "new", scratch.path("d")])
        #expect(result.status == 1)
        #expect(result.stderr == "motectl: \(scratch.path("d")): mode 0755; an identity directory must be 0700 (chmod 700 \(scratch.path("d")), or name a new directory)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("d")) == [])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: scratch.path("d"))
        #expect(try motectl(["identity", "new", scratch.path("d")]).status == 0)

        try Data().write(to: URL(fileURLWithPath: scratch.path("file")))
        #expect(try motectl(["identity", "new", scratch.path("file")]).stderr == "motectl: \(scratch.path("file")): not a directory\n")
    }

    // MARK: motectl identity import

    @Test func importWritesExactlyTheGivenValues() throws {
        let scratch = try Scratch()
        try Data(Self.rfcKeyPEM.utf8).write(to: URL(fileURLWithPath: scratch.path("key.pem")))
        let result = try motectl(["identity", "import", scratch.path("d"), "--device-id", "gate-7", "--dev-eui", "70b3d57ed0000001",
                                  "--app-key", "000102030405060708090a0b0c0d0e0f", "--join-eui", "0102030405060708", "--device-key", scratch.path("key.pem")])
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(try scratch.text("d/identity.toml") == """
            # Mote device identity (motectl identity, docs/identity.md). Secrets: device-key.pem, app-key.
            device_id = "gate-7"
            dev_eui = "70B3D57ED0000001"
            join_eui = "0102030405060708"
            public_key = "\(Self.rfcPublicKey)"

            """)
        #expect(try scratch.text("d/app-key") == "000102030405060708090A0B0C0D0E0F\n")
        #expect(try scratch.text("d/device-key.pem") == Self.rfcKeyPEM)
        #expect([scratch.mode("d"), scratch.mode("d/identity.toml"), scratch.mode("d/device-key.pem"), scratch.mode("d/app-key")] == [0o700, 0o644, 0o600, 0o600])
        #expect(result.stdout == """
            device_id: gate-7
            dev_eui: 70B3D57ED0000001
            join_eui: 0102030405060708
            public_key: \(Self.rfcPublicKey)
            wrote \(scratch.path("d"))/device-key.pem (0600), \(scratch.path("d"))/app-key (0600), \(scratch.path("d"))/identity.toml (0644)

            """)
        let show = try motectl(["identity", "show", scratch.path("d")])
        #expect(show.status == 0)
        #expect(show.stdout == "device_id: gate-7\ndev_eui: 70B3D57ED0000001\njoin_eui: 0102030405060708\npublic_key: \(Self.rfcPublicKey)\n")
        #expect(!show.stdout.contains("000102030405060708090A0B0C0D0E0F") && !show.stdout.contains("MC4CAQ"))
    }

    @Test func importWithoutAKeyMakesOne() throws {
        let scratch = try Scratch()
        let result = try motectl(["identity", "import", scratch.path("d"), "--device-id", "gate-7", "--dev-eui", "70B3D57ED0000001",
                                  "--app-key", "000102030405060708090A0B0C0D0E0F"])
        #expect(result.status == 0)
        #expect(try scratch.text("d/device-key.pem").hasPrefix("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI"))
        #expect(try motectl(["identity", "show", scratch.path("d")]).status == 0)
    }

    /// Each bad value is named by its option (a secret is not echoed), and nothing is created.
    @Test func badValuesNameTheirOptionAndWriteNothing() throws {
        let scratch = try Scratch()
        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: scratch.path("bad.pem")))
        let d = scratch.path("d")
        let good = ["--device-id", "gate-7", "--dev-eui", "70B3D57ED0000001", "--app-key", String(repeating: "A", count: 32)]
        let cases: [([String], String)] = [
            (["new", d, "--dev-eui", "70B3"], #"--dev-eui "70B3": expected 16 hex digits (8 bytes), such as 70B3D57ED0000001"#),
            (["new", d, "--dev-eui", "70B3D57ED000000G"], #"--dev-eui "70B3D57ED000000G": expected 16 hex digits (8 bytes), such as 70B3D57ED0000001"#),
            (["new", d, "--join-eui", "0x0000000000000000"], #"--join-eui "0x0000000000000000": expected 16 hex digits (8 bytes), such as 70B3D57ED0000001"#),
            (["new", d, "--device-id", "gate 7"], #"--device-id: "gate 7" is not a valid device id: use letters, digits, '_' and '-'"#),
            (["import", d, "--device-id", "gate-7", "--dev-eui", "70B3D57ED00000", "--app-key", String(repeating: "A", count: 32)],
             #"--dev-eui "70B3D57ED00000": expected 16 hex digits (8 bytes), such as 70B3D57ED0000001"#),
            (["import", d, "--device-id", "gate-7", "--dev-eui", "70B3D57ED0000001", "--app-key", String(repeating: "A", count: 31)],
             "--app-key: expected 32 hex digits (16 bytes); the value given has 31 characters"),
            (["import", d, "--device-id", "gate-7", "--dev-eui", "70B3D57ED0000001", "--app-key", String(repeating: "Z", count: 32)],
             "--app-key: expected 32 hex digits (16 bytes); the value given has 32 characters, not all hex digits"),
            (["import", d] + good + ["--join-eui", "12"], #"--join-eui "12": expected 16 hex digits (8 bytes), such as 70B3D57ED0000001"#),
            (["import", d] + good + ["--device-key", scratch.path("bad.pem")],
             "--device-key: \(scratch.path("bad.pem")): not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)"),
            (["import", d] + good + ["--device-key", scratch.path("absent.pem")], "--device-key: \(scratch.path("absent.pem")): cannot read it"),
        ]
        for (arguments, message) in cases {
            let result = try motectl(["identity"] + arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr == "motectl: \(message)\n")
            #expect(result.stdout == "")
            #expect(!FileManager.default.fileExists(atPath: d), "\(arguments) wrote \(d)")
        }
    }

    // MARK: motectl identity show

    @Test(arguments: ["app-key", "device-key.pem"]) func showRefusesASecretThatIsNot0600(_ secret: String) throws {
        let scratch = try Scratch()
        #expect(try motectl(["identity", "new", scratch.path("d")]).status == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: scratch.path("d/" + secret))
        let result = try motectl(["identity", "show", scratch.path("d")])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "motectl: \(scratch.path("d"))/\(secret): mode 0644; a secret must be 0600\n")
    }

    @Test func showRefusesAKeyFromAnotherIdentity() throws {
        let scratch = try Scratch()
        try Data(Self.rfcKeyPEM.utf8).write(to: URL(fileURLWithPath: scratch.path("key.pem")))
        let values = ["--device-id", "gate-7", "--dev-eui", "70B3D57ED0000001", "--app-key", String(repeating: "A", count: 32)]
        #expect(try motectl(["identity", "import", scratch.path("a")] + values + ["--device-key", scratch.path("key.pem")]).status == 0)
        #expect(try motectl(["identity", "import", scratch.path("b")] + values).status == 0)
        let other = try #require(Self.value(try scratch.text("b/identity.toml").split(separator: "\n").map(String.init)[4], key: "public_key"))
        try FileManager.default.removeItem(atPath: scratch.path("b/device-key.pem"))
        try FileManager.default.copyItem(atPath: scratch.path("a/device-key.pem"), toPath: scratch.path("b/device-key.pem"))
        #expect(scratch.mode("b/device-key.pem") == 0o600)
        let result = try motectl(["identity", "show", scratch.path("b")])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "motectl: \(scratch.path("b"))/device-key.pem: its public key \(Self.rfcPublicKey) is not identity.toml's public_key \(other) (the files are from different identities)\n")
    }

    @Test func showNamesWhatIsMissingOrMalformed() throws {
        let scratch = try Scratch()
        let d = scratch.path("d")
        #expect(try motectl(["identity", "show", d]).stderr == "motectl: \(d)/identity.toml: missing (motectl identity new or import writes it)\n")
        #expect(try motectl(["identity", "new", d, "--dev-eui", "70B3D57ED0000001"]).status == 0)
        let original = try scratch.text("d/identity.toml")
        func show(_ toml: String) throws -> String {
            try Data(toml.utf8).write(to: URL(fileURLWithPath: scratch.path("d/identity.toml")))
            return try motectl(["identity", "show", d]).stderr
        }
        #expect(try show(original.replacingOccurrences(of: "70B3D57ED0000001", with: "70b3d57ed0000001"))
            == "motectl: \(d)/identity.toml:3:11: dev_eui: expected 16 upper-case hex digits in a string\n")
        #expect(try show(original + "board = \"raspberry-pi-4b\"\n")
            == "motectl: \(d)/identity.toml:6:1: unknown key 'board' (an identity has device_id, dev_eui, join_eui and public_key)\n")
        #expect(try show(original.replacingOccurrences(of: "join_eui", with: "# join_eui"))
            == "motectl: \(d)/identity.toml: join_eui: missing\n")
        _ = try show(original)
        try Data("00\n".utf8).write(to: URL(fileURLWithPath: scratch.path("d/app-key")))
        #expect(try motectl(["identity", "show", d]).stderr == "motectl: \(d)/app-key: expected 32 upper-case hex digits and a newline (the LoRaWAN AppKey)\n")
        try FileManager.default.removeItem(atPath: scratch.path("d/device-key.pem"))
        #expect(try motectl(["identity", "show", d]).stderr == "motectl: \(d)/device-key.pem: missing (motectl identity new or import writes it)\n")
    }

    // MARK: OpenSSL interop

    static let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// OpenSSL reads device-key.pem as an Ed25519 key with identity.toml's public key, and an
    /// OpenSSL key imports to the same bytes and public key.
    @Test(.enabled(if: openssl != nil, "openssl is not installed (Debian: apt-get install openssl); the OpenSSL interop check did not run"))
    func openSSLAgrees() throws {
        let openssl = try #require(Self.openssl)
        let scratch = try Scratch()
        #expect(try motectl(["identity", "new", scratch.path("d")]).status == 0)
        let publicKey = try #require(Self.value(try scratch.text("d/identity.toml").split(separator: "\n").map(String.init)[4], key: "public_key"))
        let text = try Self.run(openssl, ["pkey", "-in", scratch.path("d/device-key.pem"), "-noout", "-text"])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("ED25519 Private-Key:\n"))
        let der = try Self.run(openssl, ["pkey", "-in", scratch.path("d/device-key.pem"), "-pubout", "-outform", "DER"])
        #expect(der.status == 0)
        #expect(der.output.count == 44)
        #expect(Hex.encode(der.output.suffix(32)) == publicKey)

        let generated = try Self.run(openssl, ["genpkey", "-algorithm", "ed25519", "-out", scratch.path("openssl.pem")])
        #expect(generated.status == 0)
        let theirs = try Self.run(openssl, ["pkey", "-in", scratch.path("openssl.pem"), "-pubout", "-outform", "DER"])
        #expect(try motectl(["identity", "import", scratch.path("e"), "--device-id", "e", "--dev-eui", "70B3D57ED0000002",
                             "--app-key", String(repeating: "B", count: 32), "--device-key", scratch.path("openssl.pem")]).status == 0)
        #expect(try scratch.text("e/device-key.pem") == scratch.text("openssl.pem"))
        #expect(Self.value(try scratch.text("e/identity.toml").split(separator: "\n").map(String.init)[4], key: "public_key")
            == Hex.encode(theirs.output.suffix(32)))
    }

    // MARK: Helpers

    static func value(_ line: String, key: String) -> String? {
        let prefix = key + " = \""
        guard line.hasPrefix(prefix), line.hasSuffix("\"") else { return nil }
        return String(line.dropFirst(prefix.count).dropLast())
    }

    /// The motectl built beside this test bundle, under `umask` (its mode bits must not depend on it).
    func motectl(_ arguments: [String], umask: String = "022") throws -> (status: Int32, stdout: String, stderr: String) {
        let tool = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("motectl").path
        try #require(FileManager.default.isExecutableFile(atPath: tool), "no motectl at \(tool): swift build --product motectl")
        let result = try Self.run("/bin/sh", ["-c", "umask \(umask) && exec \"$0\" \"$@\"", tool] + arguments)
        return (result.status, result.stdout, result.stderr)
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: Data, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let messages = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data, String(decoding: data, as: UTF8.self), String(decoding: messages, as: UTF8.self))
    }
}

/// A fresh temporary directory, removed at the end of the test.
final class Scratch {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ relative: String) -> String { root + "/" + relative }

    func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    func mode(_ relative: String) -> UInt32? {
        var status = stat()
        return stat(path(relative), &status) == 0 ? UInt32(status.st_mode & 0o7777) : nil
    }

    /// Every entry under `relative`: name, mode, bytes and modification time to the nanosecond.
    func snapshot(_ relative: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path(relative)).sorted().map { name in
            var status = stat()
            let file = path(relative + "/" + name)
            guard lstat(file, &status) == 0 else { return name + " gone" }
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: file))).map { Hex.encode($0) } ?? "unreadable"
            return "\(name) \(String(status.st_mode, radix: 8)) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) \(bytes)"
        }
    }
}
