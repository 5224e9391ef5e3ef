import Foundation
import Testing
import MoteNode
import MoteHAL

/// Tests/corpus/tuf: a repository python-tuf's Metadata API made (Tests/peers/tuf_fixtures.py,
/// which also checks python-tuf verifies it), and the canonical bytes python-tuf signed.
enum TUFFixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("corpus/tuf")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    // The fixture's keyids (SHA-256 of each key's canonical form, as python-tuf computes them).
    static let rootA = "7ab6b86cb2c9684b0ddc10896153aa2595decf4d4327a5ff1a8ab7422c828b12"
    static let rootB = "c3f860ca5da4454d33496ca33bb48f0cdcd5b731be7316b67ca191db0185aa26"
    static let timestamp = "8bf5a507dc237a32c90c0a23b34bab6b386826145a5b726da75c91d466e4bf33"
    static let snapshot = "3336b222894653a1c328c2636b5ada9d8c2f53be3b927369d64e7087014bf619"
    static let targets = "e9d933784bfeb1d51791fdd145c115646e16ccff141fedbfaf2dea96bb2abf0e"
    static let ecdsa = "82c656c8236c8ad8d86975f01bd054189305e887581e5e40bb552f0bb21b1718"
    static let firmware = "91a6b26476bdd31d34f4f34e89e00b20be72acfc23f262676613e97fc39e97ac"
}

private func error<Role: TUFSignedRole>(_ text: String, as _: Role.Type, file: String) -> String? {
    do throws(TUFError) {
        _ = try TUFMetadata<Role>.parse(Array(text.utf8), file: file)
        return nil
    } catch {
        return error.description
    }
}

/// The fixture file with one exact edit (which must apply once, or the test is wrong).
private func edited(_ name: String, _ old: String, _ new: String) throws -> String {
    let text = try TUFFixture.text(name)
    let parts = text.components(separatedBy: old)
    #expect(parts.count == 2, "\(name): \"\(old)\" occurs \(parts.count - 1) times")
    return parts.joined(separator: new)
}

@Suite struct TUFMetadataTests {
    @Test func root() throws {
        let root = try TUFMetadata<TUFRoot>.parse(TUFFixture.bytes("root.json"), file: "root.json")
        #expect(root.envelope.signatures.map(\.keyid) == [TUFFixture.rootA, TUFFixture.rootB])
        #expect(root.envelope.signatures[0].sig == "ee7285a82ef85a010c3151e7328fb6f289cb3e59e5906058d75c7c4bf6545ed72727fcc33f0996332236e1a85b150e50a18c7e7fcac4dc498e6ea10064794806")
        #expect(root.envelope.signatures[0].bytes?.count == 64)
        let signed = root.signed
        #expect(signed.common == TUFCommon(specVersion: "1.0.31", version: 1, expiresText: "2030-01-01T00:00:00Z", expires: 1_893_456_000))
        #expect(signed.consistentSnapshot == true)
        #expect(signed.keys.entries.map(\.keyid) == [TUFFixture.snapshot, TUFFixture.rootA, TUFFixture.ecdsa, TUFFixture.timestamp, TUFFixture.rootB, TUFFixture.targets])
        let rootA = try #require(signed.keys[TUFFixture.rootA])
        #expect(rootA.keytype == "ed25519")
        #expect(rootA.scheme == "ed25519")
        #expect(rootA.publicValue == "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c")
        #expect(rootA.usable == TUFUsableKey(scheme: .ed25519, publicKey: Hex.decode("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c")!))
        let pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEBicAePeP8YLDQV8h3TEbDhblb1jW\nsQZ7gBq7n/3dVrfpk6X5TlxBYulm8fU/eB1c9NeQ4ra41998TDUwZhRS5Q==\n-----END PUBLIC KEY-----\n"
        let ecdsa = try #require(signed.keys[TUFFixture.ecdsa])
        #expect(ecdsa.keytype == "ecdsa")
        #expect(ecdsa.usable == TUFUsableKey(scheme: .ecdsaP256SHA256, publicKey: Array(pem.utf8)))
        #expect(signed.root == TUFRoleKeys(keyids: [TUFFixture.rootA, TUFFixture.rootB], threshold: 2))
        #expect(signed.timestamp == TUFRoleKeys(keyids: [TUFFixture.timestamp], threshold: 1))
        #expect(signed.snapshot == TUFRoleKeys(keyids: [TUFFixture.snapshot], threshold: 1))
        #expect(signed[.targets] == TUFRoleKeys(keyids: [TUFFixture.targets, TUFFixture.ecdsa], threshold: 1))
        // The unknown fields are kept in the received object, and signed.
        #expect(root.envelope.signed["x-mote-note"] == .string("unknown fields are signed too"))
        #expect(root.envelope.canonicalSigned == (try TUFFixture.bytes("root.canonical")))
    }

    @Test func timestampAndSnapshot() throws {
        let timestamp = try TUFMetadata<TUFTimestamp>.parse(TUFFixture.bytes("timestamp.json"), file: "timestamp.json")
        #expect(timestamp.envelope.signatures.map(\.keyid) == [TUFFixture.timestamp])
        #expect(timestamp.signed.common == TUFCommon(specVersion: "1.0.31", version: 7, expiresText: "2027-01-02T03:04:05Z", expires: 1_798_859_045))
        #expect(timestamp.signed.snapshot == TUFMetaFile(version: 5, length: 999, hashes: [TUFHash(algorithm: "sha256", digest: [UInt8](repeating: 0xFF, count: 32))]))
        #expect(timestamp.envelope.canonicalSigned == (try TUFFixture.bytes("timestamp.canonical")))

        let snapshot = try TUFMetadata<TUFSnapshot>.parse(TUFFixture.bytes("snapshot.json"), file: "snapshot.json")
        #expect(snapshot.signed.common == TUFCommon(specVersion: "1.0.31", version: 5, expiresText: "2027-12-31T00:00:00Z", expires: 1_830_211_200))
        #expect(snapshot.signed.meta == [
            TUFMetaEntry(name: "firmware.json", file: TUFMetaFile(version: 3, length: 1234, hashes: [TUFHash(algorithm: "sha256", digest: [UInt8](repeating: 1, count: 32))])),
            TUFMetaEntry(name: "targets.json", file: TUFMetaFile(version: 2)),
        ])
        #expect(snapshot.signed["targets.json"]?.version == 2)
        #expect(snapshot.signed["root.json"] == nil)
        #expect(snapshot.envelope.canonicalSigned == (try TUFFixture.bytes("snapshot.canonical")))
    }

    @Test func targetsAndDelegations() throws {
        let targets = try TUFMetadata<TUFTargets>.parse(TUFFixture.bytes("targets.json"), file: "targets.json")
        #expect(targets.signed.common == TUFCommon(specVersion: "1.0.31", version: 2, expiresText: "2028-02-29T12:00:00Z", expires: 1_835_438_400))
        // The path is written with \u escapes (a surrogate pair for the emoji) and read back whole.
        let path = "config/n\u{F6}de-\u{1F600}.toml"
        #expect(targets.signed.targets == [TUFTargetFile(path: path, length: 0, hashes: [
            TUFHash(algorithm: "sha256", digest: Hex.decode("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")!),
            TUFHash(algorithm: "sha512", digest: Hex.decode("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")!),
        ])])
        #expect(targets.signed[path]?.length == 0)
        let delegations = try #require(targets.signed.delegations)
        #expect(delegations.keys.entries.map(\.keyid) == [TUFFixture.firmware])
        #expect(delegations.roles == [
            TUFDelegatedRole(name: "firmware", keys: TUFRoleKeys(keyids: [TUFFixture.firmware], threshold: 1), terminating: true, paths: ["firmware/*"]),
            TUFDelegatedRole(name: "bins", keys: TUFRoleKeys(keyids: [TUFFixture.firmware], threshold: 1), terminating: false, pathHashPrefixes: ["00", "8f"]),
        ])
        #expect(delegations.succinctRoles == nil)
        // The canonical bytes hold the path as raw UTF-8, as python-tuf signed it.
        #expect(targets.envelope.canonicalSigned == (try TUFFixture.bytes("targets.canonical")))

        let firmware = try TUFMetadata<TUFTargets>.parse(TUFFixture.bytes("firmware.json"), file: "firmware.json")
        #expect(firmware.signed.common.version == 3)
        #expect(firmware.signed.common.expires == 1_877_558_399)
        let image = try #require(firmware.signed["firmware/mote-1.2.0-aarch64.bin"])
        #expect(image.length == 413_696)
        #expect(image.hashes == [TUFHash(algorithm: "sha256", digest: [UInt8](repeating: 0xAA, count: 32))])
        #expect(image.custom == .object(JSONObject([
            JSONMember(key: "hardware", value: .array([.string("raspberry-pi-4b"), .string("raspberry-pi-zero-2w")])),
            JSONMember(key: "slot_size", value: .integer(1_048_576)),
        ])))
        #expect(firmware.signed.delegations == nil)
        #expect(firmware.envelope.canonicalSigned == (try TUFFixture.bytes("firmware.canonical")))
    }

    @Test func unknownFieldsAndOrderReachTheCanonicalBytes() throws {
        // Reordered members and an unknown field: the signed bytes are the received object's
        // canonical form, with the unknown field in its sorted place.
        let text = #"{"signed":{"version":1,"x-new":{"b":1,"a":[true]},"_type":"timestamp","spec_version":"1.0","expires":"2030-01-01T00:00:00Z","meta":{"snapshot.json":{"version":1,"x-extra":null}}},"signatures":[],"x-top":1}"#
        let timestamp = try TUFMetadata<TUFTimestamp>.parse(Array(text.utf8), file: "timestamp.json")
        #expect(String(decoding: timestamp.envelope.canonicalSigned, as: UTF8.self)
            == #"{"_type":"timestamp","expires":"2030-01-01T00:00:00Z","meta":{"snapshot.json":{"version":1,"x-extra":null}},"spec_version":"1.0","version":1,"x-new":{"a":[true],"b":1}}"#)
        #expect(timestamp.envelope.signatures.isEmpty)
        #expect(timestamp.signed.snapshot == TUFMetaFile(version: 1))
    }

    @Test func errorsNameTheFileAndPath() throws {
        #expect(error(try edited("snapshot.json", "\"version\": 2", "\"version\": 0"), as: TUFSnapshot.self, file: "snapshot.json")
            == #"snapshot.json: signed.meta."targets.json".version: expected a positive integer, found 0"#)
        #expect(error(try edited("snapshot.json", "\"version\": 2", "\"version\": 2.0"), as: TUFSnapshot.self, file: "snapshot.json")
            == #"snapshot.json: signed.meta."targets.json".version: 2.0 is not an integer, and canonical JSON has integers only"#)
        #expect(error(try edited("snapshot.json", "\"version\": 2", "\"version\": \"2\""), as: TUFSnapshot.self, file: "snapshot.json")
            == #"snapshot.json: signed.meta."targets.json".version: expected a positive integer, found a string"#)
        #expect(error(try edited("snapshot.json", "\"version\": 2", "\"version\": 99999999999999999999"), as: TUFSnapshot.self, file: "snapshot.json")
            == #"snapshot.json: signed.meta."targets.json".version: expected a positive integer, found 99999999999999999999"#)
        #expect(error(try edited("snapshot.json", "\"length\": 1234", "\"length\": -1"), as: TUFSnapshot.self, file: "snapshot.json")
            == #"snapshot.json: signed.meta."firmware.json".length: expected a non-negative integer, found -1"#)
        #expect(error(try edited("snapshot.json", "\"sha256\": \"0101", "\"sha256\": \"x101"), as: TUFSnapshot.self, file: "snapshot.json")
            == #"snapshot.json: signed.meta."firmware.json".hashes.sha256: expected a hex digest, found "x101010101010101010101010101010101010101010101010101010101010101""#)
        // A float anywhere in signed fails before any role field is read: it cannot be signed.
        #expect(error(try edited("snapshot.json", "\"length\": 1234", "\"length\": 1234.5"), as: TUFSnapshot.self, file: "snapshot.json")
            == #"snapshot.json: signed.meta."firmware.json".length: 1234.5 is not an integer, and canonical JSON has integers only"#)
        #expect(error(try edited("timestamp.json", "\"snapshot.json\"", "\"snapshot\""), as: TUFTimestamp.self, file: "timestamp.json")
            == #"timestamp.json: signed.meta."snapshot.json": required, missing"#)
        #expect(error(try edited("timestamp.json", "\"_type\": \"timestamp\"", "\"_type\": \"snapshot\""), as: TUFTimestamp.self, file: "timestamp.json")
            == #"timestamp.json: signed._type: expected "timestamp", found "snapshot""#)
        #expect(error(try TUFFixture.text("timestamp.json"), as: TUFSnapshot.self, file: "timestamp.json")
            == #"timestamp.json: signed._type: expected "snapshot", found "timestamp""#)
        #expect(error(try edited("timestamp.json", "\"1.0.31\"", "\"2.0.0\""), as: TUFTimestamp.self, file: "timestamp.json")
            == "timestamp.json: signed.spec_version: specification version 2.0.0 is not supported (this client reads 1.x)")
        #expect(error(try edited("timestamp.json", "\"1.0.31\"", "\"1\""), as: TUFTimestamp.self, file: "timestamp.json")
            == #"timestamp.json: signed.spec_version: "1" is not a version (MAJOR.MINOR or MAJOR.MINOR.PATCH)"#)
        #expect(error(try edited("timestamp.json", "\"1.0.31\"", "\"1.0.x\""), as: TUFTimestamp.self, file: "timestamp.json")
            == #"timestamp.json: signed.spec_version: "1.0.x" is not a version (MAJOR.MINOR or MAJOR.MINOR.PATCH)"#)
        #expect(error(try edited("timestamp.json", "2027-01-02T03:04:05Z", "2027-02-29T03:04:05Z"), as: TUFTimestamp.self, file: "timestamp.json")
            == #"timestamp.json: signed.expires: "2027-02-29T03:04:05Z" is not a UTC time written YYYY-MM-DDTHH:MM:SSZ"#)
        #expect(error(try edited("timestamp.json", "\"version\": 7", "\"version\": -7"), as: TUFTimestamp.self, file: "timestamp.json")
            == "timestamp.json: signed.version: expected a positive integer, found -7")
        #expect(error(try edited("timestamp.json", "\"signed\"", "\"signed-not\""), as: TUFTimestamp.self, file: "timestamp.json")
            == "timestamp.json: signed: required, missing")
        #expect(error(try edited("timestamp.json", "\"sig\": \"2dc6", "\"sig\": 2, \"x\": \"2dc6"), as: TUFTimestamp.self, file: "timestamp.json")
            == "timestamp.json: signatures[0].sig: expected a string, found an integer")
        #expect(error(#"{"signatures": {}, "signed": {}}"#, as: TUFTimestamp.self, file: "timestamp.json")
            == "timestamp.json: signatures: expected an array, found an object")
        #expect(error("[]", as: TUFTimestamp.self, file: "timestamp.json") == "timestamp.json: expected an object, found an array")
        #expect(error(#"{"signatures": [], "signed": {"a": 1, "a": 2}}"#, as: TUFTimestamp.self, file: "2.root.json")
            == #"2.root.json: not valid JSON: offset 38: duplicate key "a" (first at offset 30)"#)
        #expect(error(#"{"signatures": []"#, as: TUFTimestamp.self, file: "timestamp.json")
            == "timestamp.json: not valid JSON: offset 17: expected ',' or '}' in an object, found end of input")
    }

    @Test func rootErrors() throws {
        #expect(error(try edited("root.json", "\"threshold\": 2", "\"threshold\": 0"), as: TUFRoot.self, file: "root.json")
            == "root.json: signed.roles.root.threshold: expected a positive integer, found 0")
        #expect(error(try edited("root.json", "\"timestamp\": {", "\"mirror\": {"), as: TUFRoot.self, file: "root.json")
            == "root.json: signed.roles.mirror: not a top-level role (root.json delegates to root, timestamp, snapshot and targets only)")
        #expect(error(try edited("root.json", "\"consistent_snapshot\": true", "\"consistent_snapshot\": 1"), as: TUFRoot.self, file: "root.json")
            == "root.json: signed.consistent_snapshot: expected true or false, found an integer")
        #expect(error(try edited("root.json", "\"keyval\": {\n     \"public\": \"ca93", "\"keyval\": {\n     \"private\": \"ca93"), as: TUFRoot.self, file: "root.json")
            == "root.json: signed.keys.3336b222894653a1c328c2636b5ada9d8c2f53be3b927369d64e7087014bf619.keyval.public: required, missing")
        let twice = try edited("root.json", "\"c3f860ca5da4454d33496ca33bb48f0cdcd5b731be7316b67ca191db0185aa26\"\n    ],\n    \"threshold\": 2",
                               "\"7ab6b86cb2c9684b0ddc10896153aa2595decf4d4327a5ff1a8ab7422c828b12\"\n    ],\n    \"threshold\": 2")
        #expect(error(twice, as: TUFRoot.self, file: "root.json")
            == #"root.json: signed.roles.root.keyids[1]: keyid "7ab6b86cb2c9684b0ddc10896153aa2595decf4d4327a5ff1a8ab7422c828b12" is listed twice"#)
        // Absent consistent_snapshot is unknown, not false.
        let absent = try TUFMetadata<TUFRoot>.parse(Array(try edited("root.json", "\"consistent_snapshot\": true,", "").utf8), file: "root.json")
        #expect(absent.signed.consistentSnapshot == nil)
    }

    @Test func unusableKeysAreKept() throws {
        let text = try edited("root.json", "\"keytype\": \"ecdsa\"", "\"keytype\": \"ecdsa-sk\"")
        let root = try TUFMetadata<TUFRoot>.parse(Array(text.utf8), file: "root.json")
        let key = try #require(root.signed.keys[TUFFixture.ecdsa])
        #expect(key.usable == nil)
        #expect(key.unusableReason == #"key type "ecdsa-sk" with scheme "ecdsa-sha2-nistp256" is not supported (ed25519/ed25519, ecdsa/ecdsa-sha2-nistp256, rsa/rsassa-pss-sha256)"#)
        #expect(TUFKey(keytype: "ed25519", scheme: "ed25519", publicValue: "abcd").unusableReason == "an ed25519 public key is 64 hex digits")
        #expect(TUFKey(keytype: "ed25519", scheme: "ed25519", publicValue: String(repeating: "g", count: 64)).usable == nil)
        #expect(TUFKey(keytype: "rsa", scheme: "rsassa-pss-sha256", publicValue: "PEM").usable == TUFUsableKey(scheme: .rsaPSSSHA256, publicKey: Array("PEM".utf8)))
        #expect(TUFKey(keytype: "rsa", scheme: "rsa-pkcs1v15-sha256", publicValue: "PEM").usable == nil)
        #expect(TUFKey(keytype: "ecdsa-sha2-nistp256", scheme: "ecdsa-sha2-nistp256", publicValue: "PEM").usable?.scheme == .ecdsaP256SHA256)
        #expect(TUFKey(keytype: "ecdsa", scheme: "ecdsa-sha2-nistp384", publicValue: "PEM").usable == nil)
        #expect(TUFKey(keytype: "rsa", scheme: "rsassa-pss-sha256", publicValue: "").unusableReason == "the public key is empty")
    }

    @Test func delegationErrors() throws {
        #expect(error(try edited("targets.json", "\"paths\": [\n      \"firmware/*\"\n     ],", "\"paths\": [\"firmware/*\"], \"path_hash_prefixes\": [],"),
                      as: TUFTargets.self, file: "targets.json")
            == #"targets.json: signed.delegations.roles[0]: expected exactly one of "paths" and "path_hash_prefixes", found both"#)
        #expect(error(try edited("targets.json", "\"path_hash_prefixes\": [\n      \"00\",\n      \"8f\"\n     ],", ""),
                      as: TUFTargets.self, file: "targets.json")
            == #"targets.json: signed.delegations.roles[1]: expected exactly one of "paths" and "path_hash_prefixes", found neither"#)
        #expect(error(try edited("targets.json", "\"name\": \"bins\"", "\"name\": \"firmware\""), as: TUFTargets.self, file: "targets.json")
            == #"targets.json: signed.delegations.roles[1].name: role "firmware" is delegated twice"#)
        #expect(error(try edited("targets.json", "\"name\": \"bins\"", "\"name\": \"snapshot\""), as: TUFTargets.self, file: "targets.json")
            == #"targets.json: signed.delegations.roles[1].name: "snapshot" is a top-level role and cannot be delegated"#)
        #expect(error(try edited("targets.json", "\"terminating\": false", "\"terminating\": null"), as: TUFTargets.self, file: "targets.json")
            == "targets.json: signed.delegations.roles[1].terminating: expected true or false, found null")
        #expect(error(try edited("targets.json", "\"roles\": [", "\"succinct_roles\": {\"keyids\": [], \"threshold\": 1, \"bit_length\": 8, \"name_prefix\": \"bin\"}, \"roles\": ["),
                      as: TUFTargets.self, file: "targets.json")
            == #"targets.json: signed.delegations: expected exactly one of "roles" and "succinct_roles", found both"#)
        #expect(error(try edited("firmware.json", "\"length\": 413696", "\"length\": 413696, \"hashes\": {}"), as: TUFTargets.self, file: "firmware.json")
            == #"firmware.json: not valid JSON: offset 664: duplicate key "hashes" (first at offset 541)"#)
        #expect(error(try edited("firmware.json", "\"sha256\": \"aaaa", "\"x\": 1, \"sha256\": \"aaaa"), as: TUFTargets.self, file: "firmware.json")
            == #"firmware.json: signed.targets."firmware/mote-1.2.0-aarch64.bin".hashes.x: expected a string, found an integer"#)
        #expect(error(try edited("firmware.json", "\"sha256\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", ""),
                      as: TUFTargets.self, file: "firmware.json")
            == #"firmware.json: signed.targets."firmware/mote-1.2.0-aarch64.bin".hashes: expected at least one hash, found none"#)

        let succinct = #"{"signatures":[],"signed":{"_type":"targets","spec_version":"1.0","version":1,"expires":"2030-01-01T00:00:00Z","targets":{},"delegations":{"keys":{},"succinct_roles":{"keyids":["k"],"threshold":1,"bit_length":8,"name_prefix":"bin"}}}}"#
        let parsed = try TUFMetadata<TUFTargets>.parse(Array(succinct.utf8), file: "targets.json")
        #expect(parsed.signed.delegations == TUFDelegations(keys: TUFKeyTable(), succinctRoles: TUFSuccinctRoles(keys: TUFRoleKeys(keyids: ["k"], threshold: 1), bitLength: 8, namePrefix: "bin")))
        #expect(error(succinct.replacingOccurrences(of: "\"bit_length\":8", with: "\"bit_length\":33"), as: TUFTargets.self, file: "targets.json")
            == "targets.json: signed.delegations.succinct_roles.bit_length: expected 1 to 32, found 33")
    }
}

@Suite struct TUFTimeTests {
    /// Values from Python's datetime (`datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")` in UTC).
    @Test func knownInstants() {
        let known: [(String, Int64)] = [
            ("1970-01-01T00:00:00Z", 0), ("1969-12-31T23:59:59Z", -1), ("2000-02-29T00:00:00Z", 951_782_400),
            ("2023-11-14T22:13:20Z", 1_700_000_000), ("2038-01-19T03:14:08Z", 2_147_483_648),
            ("2100-03-01T00:00:00Z", 4_107_542_400), ("1900-03-01T00:00:00Z", -2_203_891_200),
            ("9999-12-31T23:59:59Z", 253_402_300_799), ("0001-01-01T00:00:00Z", -62_135_596_800),
            ("2028-02-29T12:00:00Z", 1_835_438_400),
        ]
        for (text, seconds) in known {
            #expect(TUFTime.parse(text) == seconds, "\(text)")
        }
    }

    @Test func refusedTexts() {
        for text in ["2030-01-01T00:00:00", "2030-01-01 00:00:00Z", "2030-1-01T00:00:00Z", "2030-01-01T00:00:00.5Z",
                     "2030-01-01T00:00:00+00:00", "2030-13-01T00:00:00Z", "2030-00-10T00:00:00Z", "2030-01-00T00:00:00Z",
                     "2030-04-31T00:00:00Z", "2100-02-29T00:00:00Z", "2030-01-01T24:00:00Z", "2030-01-01T00:60:00Z",
                     "2030-01-01T00:00:60Z", "0000-01-01T00:00:00Z", "+030-01-01T00:00:00Z", "2030-01-01t00:00:00z", ""] {
            #expect(TUFTime.parse(text) == nil, "\(text)")
        }
        #expect(TUFTime.parse("2000-02-29T00:00:00Z") != nil)
        #expect(TUFTime.isLeapYear(2000) && TUFTime.isLeapYear(2024) && !TUFTime.isLeapYear(1900) && !TUFTime.isLeapYear(2023))
    }

    /// Every day from 1969 to 2401 is one day after the one before, and each year starts where
    /// the day count says.
    @Test func calendarIsContinuous() {
        var expected = TUFTime.daysFromCivil(year: 1969, month: 1, day: 1)
        #expect(expected == -365)
        for year: Int64 in 1969...2400 {
            for month: Int64 in 1...12 {
                let days: Int64 = month == 2 ? (TUFTime.isLeapYear(year) ? 29 : 28) : ([4, 6, 9, 11].contains(month) ? 30 : 31)
                for day in 1...days {
                    #expect(TUFTime.daysFromCivil(year: year, month: month, day: day) == expected)
                    expected += 1
                }
            }
        }
        #expect(expected == TUFTime.daysFromCivil(year: 2401, month: 1, day: 1))
    }
}

/// A stand-in for the platform's crypto: a "signature" is valid when it is "ok:" + the key +
/// the message, so the counting logic is tested without any real primitive. It records calls.
enum RecordingCrypto: UpdateCrypto {
    struct Call: Equatable {
        var scheme: SignatureScheme
        var publicKey: [UInt8]
        var message: [UInt8]
        var signature: [UInt8]
    }

    nonisolated(unsafe) static var calls: [Call] = []

    final class UnusedHasher: UpdateHasher {
        static var digestLength: Int { 32 }
        init() {}
        func update(_ bytes: ArraySlice<UInt8>) { Issue.record("the signature count hashes nothing") }
        func finalize() -> [UInt8] { [] }
    }
    typealias SHA256 = UnusedHasher
    typealias SHA512 = UnusedHasher

    static func sign(_ publicKey: [UInt8], _ message: [UInt8]) -> String {
        Hex.encode(Array("ok:".utf8) + publicKey + message)
    }

    static func verify(scheme: SignatureScheme, publicKey: [UInt8], message: [UInt8], signature: [UInt8]) throws(CryptoError) {
        calls.append(Call(scheme: scheme, publicKey: publicKey, message: message, signature: signature))
        guard signature == Array("ok:".utf8) + publicKey + message else { throw CryptoError(.invalidSignature, scheme: scheme) }
    }
}

/// Serialized: the recording double's call list is shared.
@Suite(.serialized) struct TUFSignatureCountTests {
    static let message = Array("{\"_type\":\"timestamp\"}".utf8)
    static let keyA = [UInt8](repeating: 0xA1, count: 32)
    static let keyB = [UInt8](repeating: 0xB2, count: 32)
    static let pem = "-----BEGIN PUBLIC KEY-----\nMFkwEw\nYHKoZI\n-----END PUBLIC KEY-----\n"

    static let keys = TUFKeyTable([
        TUFKeyEntry(keyid: "a", key: TUFKey(keytype: "ed25519", scheme: "ed25519", publicValue: Hex.encode(keyA))),
        TUFKeyEntry(keyid: "b", key: TUFKey(keytype: "ed25519", scheme: "ed25519", publicValue: Hex.encode(keyB))),
        // The same key as "a" under another keyid (upper-case hex: the same bytes).
        TUFKeyEntry(keyid: "a-again", key: TUFKey(keytype: "ed25519", scheme: "ed25519", publicValue: Hex.encode(keyA, uppercase: true))),
        TUFKeyEntry(keyid: "e", key: TUFKey(keytype: "ecdsa", scheme: "ecdsa-sha2-nistp256", publicValue: pem)),
        // The same ECDSA key as "e", its PEM laid out differently.
        TUFKeyEntry(keyid: "e-again", key: TUFKey(keytype: "ecdsa", scheme: "ecdsa-sha2-nistp256", publicValue: pem.replacingOccurrences(of: "\n", with: "\r\n"))),
        TUFKeyEntry(keyid: "x", key: TUFKey(keytype: "sphincs", scheme: "sphincs-shake-128s", publicValue: "00")),
    ])

    func count(_ keyids: [String], threshold: Int64, _ signatures: [TUFSignature]) -> TUFSignatureCount {
        RecordingCrypto.calls = []
        return TUFSignatures.count(RecordingCrypto.self, role: TUFRoleKeys(keyids: keyids, threshold: threshold), keys: Self.keys,
                                   signatures: signatures, message: Self.message)
    }

    func good(_ keyid: String, _ key: [UInt8]) -> TUFSignature {
        TUFSignature(keyid: keyid, sig: RecordingCrypto.sign(key, Self.message))
    }

    @Test func twoKeysMeetTwo() {
        let result = count(["a", "b"], threshold: 2, [good("b", Self.keyB), good("a", Self.keyA)])
        #expect(result == TUFSignatureCount(threshold: 2, verified: ["a", "b"]))
        #expect(result.isMet)
        #expect(RecordingCrypto.calls.map(\.publicKey) == [Self.keyA, Self.keyB])
        #expect(RecordingCrypto.calls.allSatisfy { $0.scheme == .ed25519 && $0.message == Self.message })
    }

    @Test func oneKeySigningTwiceCountsOnce() {
        let result = count(["a", "b"], threshold: 2, [good("a", Self.keyA), good("a", Self.keyA)])
        #expect(result == TUFSignatureCount(threshold: 2, verified: ["a"]))
        #expect(!result.isMet)
        #expect(RecordingCrypto.calls.count == 1)
    }

    @Test func twoKeyidsForOneKeyCountOnce() {
        let result = count(["a", "a-again"], threshold: 2, [good("a", Self.keyA), good("a-again", Self.keyA)])
        #expect(result == TUFSignatureCount(threshold: 2, verified: ["a"], rejected: [
            TUFRejectedSignature(keyid: "a-again", reason: "the same key as keyid a, which counted already"),
        ]))
        #expect(!result.isMet)
        #expect(RecordingCrypto.calls.count == 1)

        let pem = count(["e", "e-again"], threshold: 2, [good("e", Array(Self.pem.utf8)), good("e-again", Array(Self.pem.replacingOccurrences(of: "\n", with: "\r\n").utf8))])
        #expect(pem.verified == ["e"])
        #expect(pem.rejected == [TUFRejectedSignature(keyid: "e-again", reason: "the same key as keyid e, which counted already")])
        #expect(RecordingCrypto.calls.map(\.scheme) == [.ecdsaP256SHA256])
    }

    @Test func aKeyidListedTwiceCountsOnce() {
        let result = count(["a", "a"], threshold: 2, [good("a", Self.keyA)])
        #expect(result == TUFSignatureCount(threshold: 2, verified: ["a"]))
        #expect(RecordingCrypto.calls.count == 1)
    }

    @Test func ignoredAndRejected() {
        let result = count(["a", "b", "x", "missing"], threshold: 1, [
            good("outsider", Self.keyA),                               // not the role's: ignored, never verified
            good("missing", Self.keyA),                                // the role's, but no such key: ignored
            TUFSignature(keyid: "x", sig: "00"),                       // unusable key
            TUFSignature(keyid: "b", sig: "not hex"),                  // unreadable signature
            TUFSignature(keyid: "a", sig: RecordingCrypto.sign(Self.keyB, Self.message)),  // another key's signature
        ])
        #expect(result == TUFSignatureCount(threshold: 1, verified: [], rejected: [
            TUFRejectedSignature(keyid: "a", reason: "ed25519: invalid signature"),
            TUFRejectedSignature(keyid: "b", reason: "the signature is not hex"),
            TUFRejectedSignature(keyid: "x", reason: #"unusable key: key type "sphincs" with scheme "sphincs-shake-128s" is not supported (ed25519/ed25519, ecdsa/ecdsa-sha2-nistp256, rsa/rsassa-pss-sha256)"#),
        ]))
        #expect(!result.isMet)
        #expect(RecordingCrypto.calls.count == 1)
        #expect(RecordingCrypto.calls.first?.publicKey == Self.keyA)
    }

    @Test func aBadSignatureBeforeAGoodOneUnderOneKeyid() {
        let result = count(["a"], threshold: 1, [TUFSignature(keyid: "a", sig: "00ff"), good("a", Self.keyA)])
        #expect(result == TUFSignatureCount(threshold: 1, verified: ["a"]))
        #expect(RecordingCrypto.calls.count == 2)
    }

    /// With the fixture: the message handed to the crypto is the canonical signed bytes python-tuf
    /// signed, and each of root's two keys is asked once (the double refuses real signatures).
    @Test func fixtureRootAsksForTheCanonicalBytes() throws {
        let root = try TUFMetadata<TUFRoot>.parse(TUFFixture.bytes("root.json"), file: "root.json")
        RecordingCrypto.calls = []
        let result = TUFSignatures.count(RecordingCrypto.self, role: root.signed.root, keys: root.signed.keys,
                                         signatures: root.envelope.signatures, message: root.envelope.canonicalSigned)
        #expect(result.verified.isEmpty)
        #expect(result.rejected.map(\.keyid) == [TUFFixture.rootA, TUFFixture.rootB])
        let canonical = try TUFFixture.bytes("root.canonical")
        #expect(RecordingCrypto.calls.map(\.message) == [canonical, canonical])
        #expect(RecordingCrypto.calls.map(\.publicKey) == [
            Hex.decode("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c")!,
            Hex.decode("8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394")!,
        ])
        #expect(RecordingCrypto.calls.map { Hex.encode($0.signature) } == root.envelope.signatures.map(\.sig))
    }
}
