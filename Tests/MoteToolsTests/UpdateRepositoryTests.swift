import Crypto
import Foundation
import MoteHAL
import Testing
@testable import MoteTools

/// `motectl keys` and `motectl repo` (docs/update-repository.md): exact metadata bytes from fixed
/// keys and a fixed clock, key files and their modes, thresholds, and refusals that write nothing.
/// python-tuf's client judges the same repositories in Tests/peers/tuf_repo_peer.py; the
/// signatures below are also the ones python's Ed25519 makes over securesystemslib's canonical
/// JSON of each file's `signed` with the same seeds (checked when they were recorded).
@Suite struct UpdateRepositoryTests {
    /// An Ed25519 key whose 32-byte seed is `byte` repeated.
    static func seeded(_ byte: UInt8) -> RepositorySigningKey {
        RepositorySigningKey(.ed25519(try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: byte, count: 32))))
    }

    /// securesystemslib's `SSlibKey.from_crypto` keyid and public value of `seeded(1...4)`.
    static let pythonKeys: [(keyid: String, publicValue: String)] = [
        ("7ab6b86cb2c9684b0ddc10896153aa2595decf4d4327a5ff1a8ab7422c828b12", "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"),
        ("c3f860ca5da4454d33496ca33bb48f0cdcd5b731be7316b67ca191db0185aa26", "8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394"),
        ("8bf5a507dc237a32c90c0a23b34bab6b386826145a5b726da75c91d466e4bf33", "ed4928c628d1c2c6eae90338905995612959273a5c63f93636c14614ac8737d1"),
        ("3336b222894653a1c328c2636b5ada9d8c2f53be3b927369d64e7087014bf619", "ca93ac1705187071d67b83c7ff0efe8108e8ec4530575d7726879333dbdabe7c"),
    ]

    /// 2026-12-03T12:00:00Z.
    static let clock = Date(timeIntervalSince1970: 1_796_299_200)

    final class Lines: @unchecked Sendable {
        var all: [String] = []
        func append(_ line: String) { all.append(line) }
    }

    static func repository(_ path: String, lines: Lines = Lines()) -> UpdateRepository {
        var repository = UpdateRepository(path)
        repository.now = { clock }
        repository.progress = { lines.append($0) }
        return repository
    }

    /// root 1, targets 2, snapshot 3, timestamp 4, each threshold 1.
    static func initialize(_ repository: UpdateRepository, consistent: Bool = true) throws {
        try repository.initialize(keys: [.root: [seeded(1)], .targets: [seeded(2)], .snapshot: [seeded(3)], .timestamp: [seeded(4)]],
                                  thresholds: [:], consistentSnapshot: consistent)
    }

    static func sha256(_ path: String) throws -> String {
        Hex.encode(Array(SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path)))))
    }

    // MARK: Keys

    @Test func ed25519KeyidsAndPublicValuesAreSecuresystemslibs() {
        for (k, expected) in Self.pythonKeys.enumerated() {
            let key = Self.seeded(UInt8(k + 1)).publicKey
            #expect(key.keytype == "ed25519" && key.scheme == "ed25519")
            #expect(key.publicValue == expected.publicValue)
            #expect(key.keyid == expected.keyid)
        }
    }

    @Test func ecdsaKeysAreSPKIPEMAndSignDERSignatures() throws {
        let key = RepositorySigningKey.generate(.ecdsaP256)
        let publicKey = key.publicKey
        #expect(publicKey.keytype == "ecdsa" && publicKey.scheme == "ecdsa-sha2-nistp256")
        let lines = publicKey.publicValue.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "-----BEGIN PUBLIC KEY-----" && lines.dropLast().last == "-----END PUBLIC KEY-----" && lines.last == "")
        #expect(lines.count == 5 && lines[1].count == 64 && lines[2].count == 60)  // 91 bytes of DER
        // securesystemslib's canonical JSON writes the PEM's newlines as they are, unescaped.
        let canonical = "{\"keytype\":\"ecdsa\",\"keyval\":{\"public\":\"" + publicKey.publicValue + "\"},\"scheme\":\"ecdsa-sha2-nistp256\"}"
        #expect(publicKey.keyid == Hex.encode(Array(SHA256.hash(data: Array(canonical.utf8)))))

        let message = Array("{\"_type\":\"timestamp\"}".utf8)
        let signature = try key.sign(message)
        #expect(signature[0] == 0x30)  // a DER SEQUENCE
        #expect(publicKey.verifies(signature, over: message))
        #expect(!publicKey.verifies(signature, over: message + [0x20]))
        let reread = try RepositorySigningKey.parse(pem: key.pemText, file: "k.key")
        #expect(reread.publicKey == publicKey)
        #expect(key.pemText.hasPrefix("-----BEGIN PRIVATE KEY-----\n") && key.pemText.hasSuffix("-----END PRIVATE KEY-----\n"))
    }

    @Test func ed25519PrivateKeysAreRFC8410PKCS8() throws {
        let key = Self.seeded(1)
        #expect(key.pemText == Ed25519PEM.text(for: try Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 32))))
        #expect(try RepositorySigningKey.parse(pem: key.pemText, file: "k.key").keyid == Self.pythonKeys[0].keyid)
        #expect(throws: RepositoryError.invalid("k.key", "not an Ed25519 or ECDSA P-256 private key in PEM (PKCS#8, as motectl keys new writes it)")) {
            try RepositorySigningKey.parse(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", file: "k.key")
        }
    }

    @Test(arguments: ["000", "077"]) func keysNewWritesThePrivateKey0600WhateverTheUmask(umask: String) throws {
        let scratch = try Scratch()
        for type in ["ed25519", "ecdsa-p256"] {
            let result = try IdentityTests().motectl(["keys", "new", "--type", type, "--out", scratch.path(type)], umask: umask)
            #expect(result.status == 0 && result.stderr == "")
            #expect(scratch.mode(type + ".key") == 0o600)
            #expect(scratch.mode(type + ".pub") == 0o644)
            let key = try RepositorySigningKey.load(scratch.path(type + ".key"))
            #expect(try RepositoryKeyFiles.loadPublic(scratch.path(type + ".pub")) == key.publicKey)
            #expect(result.stdout == "wrote \(scratch.path(type)).key (0600) and \(scratch.path(type)).pub: \(type) key \(key.keyid)\n")
        }
    }

    @Test(arguments: ["k.key", "k.pub"]) func keysNewNeverOverwrites(_ existing: String) throws {
        let scratch = try Scratch()
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: scratch.path(existing)))
        let before = try scratch.snapshot("")
        let result = try IdentityTests().motectl(["keys", "new", "--out", scratch.path("k")])
        #expect(result.status == 1 && result.stdout == "")
        #expect(result.stderr == "motectl: \(scratch.path(existing)) exists: a key is never overwritten (remove it first or choose another name)\n")
        #expect(try scratch.snapshot("") == before)
    }

    @Test func keysNewRefusesAnUnknownType() throws {
        let scratch = try Scratch()
        let result = try IdentityTests().motectl(["keys", "new", "--type", "rsa", "--out", scratch.path("k")])
        #expect(result.status == 1 && result.stderr == "motectl: --type rsa: expected ed25519 or ecdsa-p256\n")
        #expect(try scratch.snapshot("") == [])
    }

    @Test func aPrivateKeyOthersCanReadIsRefused() throws {
        let scratch = try Scratch()
        try RepositoryKeyFiles.write(Self.seeded(1), name: scratch.path("root"))
        chmod(scratch.path("root.key"), 0o644)
        let result = try IdentityTests().motectl(["repo", "init", scratch.path("repo"), "--root-key", scratch.path("root.key"),
                                                  "--targets-key", scratch.path("root.key"), "--snapshot-key", scratch.path("root.key"), "--timestamp-key", scratch.path("root.key")])
        #expect(result.status == 1)
        #expect(result.stderr == "motectl: \(scratch.path("root.key")): mode 0644; a private key must be 0600 (chmod 600 \(scratch.path("root.key")))\n")
        #expect(FileStatus.of(scratch.path("repo")) == nil)
    }

    // MARK: Exact metadata

    static let targetsV2 = """
        {
          "signatures": [
            {
              "keyid": "c3f860ca5da4454d33496ca33bb48f0cdcd5b731be7316b67ca191db0185aa26",
              "sig": "8012ec5b9d846347cb3989bd32b0cde29adfa425dc02c4c82db2737b4020dc22b550ca67e4c376048b48d8660dcfa546d75b5a0e85370d6e08aba8bb4fddfd0c"
            }
          ],
          "signed": {
            "_type": "targets",
            "expires": "2027-03-03T12:00:00Z",
            "spec_version": "1.0.31",
            "targets": {
              "images/mote-aarch64": {
                "custom": {
                  "mote": {
                    "hardware_ids": [
                      "raspberry-pi-4b"
                    ],
                    "image_version": 7
                  }
                },
                "hashes": {
                  "sha256": "00267f8336c007a3c62952fa0841f74214012722d0513c288d691fbba509f263"
                },
                "length": 13
              }
            },
            "version": 2
          }
        }

        """

    static let timestampV2 = """
        {
          "signatures": [
            {
              "keyid": "3336b222894653a1c328c2636b5ada9d8c2f53be3b927369d64e7087014bf619",
              "sig": "4e6bf90defc92c9bcea0f35e4b0a2d4c923baf49002f1856efced000d03cd4a7790450e121cb7600f873832c8da1c43410c7da230731733be09f70122d559b09"
            }
          ],
          "signed": {
            "_type": "timestamp",
            "expires": "2026-12-04T12:00:00Z",
            "meta": {
              "snapshot.json": {
                "version": 2
              }
            },
            "spec_version": "1.0.31",
            "version": 2
          }
        }

        """

    @Test func initAndAddTargetWriteExactMetadata() throws {
        let scratch = try Scratch()
        let lines = Lines()
        let repository = Self.repository(scratch.path("repo"), lines: lines)
        try Self.initialize(repository)
        try Data("a Mote image\n".utf8).write(to: URL(fileURLWithPath: scratch.path("image")))
        try repository.addTarget(file: scratch.path("image"), name: "images/mote-aarch64",
                                 fields: MoteTargetFields(hardwareIDs: ["raspberry-pi-4b"], imageVersion: 7),
                                 keys: [Self.seeded(2), Self.seeded(3), Self.seeded(4)])
        let metadata = scratch.path("repo/metadata")
        #expect(try FileManager.default.contentsOfDirectory(atPath: metadata).sorted()
            == ["1.root.json", "1.snapshot.json", "1.targets.json", "2.snapshot.json", "2.targets.json", "root.json", "timestamp.json"])
        #expect(try scratch.text("repo/metadata/2.targets.json") == Self.targetsV2)
        #expect(try scratch.text("repo/metadata/timestamp.json") == Self.timestampV2)
        #expect(try Self.sha256(metadata + "/1.root.json") == "70e372459da230f5c5f9e0a4a263c0fc01df516f2b00459324dec6011ff9433a")
        #expect(try Self.sha256(metadata + "/root.json") == "70e372459da230f5c5f9e0a4a263c0fc01df516f2b00459324dec6011ff9433a")
        #expect(try Self.sha256(metadata + "/2.snapshot.json") == "266cf60ef8fcd953539ac3407fa1f8575f78a00d3299783ad4e7a6d810075c28")
        let digest = "00267f8336c007a3c62952fa0841f74214012722d0513c288d691fbba509f263"
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("repo/targets/images")) == [digest + ".mote-aarch64"])
        #expect(try scratch.text("repo/targets/images/\(digest).mote-aarch64") == "a Mote image\n")
        let repo = scratch.path("repo")
        #expect(lines.all == [
            "created \(repo)/metadata and \(repo)/targets",
            "signed 1.root.json (root version 1, expires 2027-12-03T12:00:00Z, 1 signature of threshold 1)",
            "signed root.json (root version 1, expires 2027-12-03T12:00:00Z, 1 signature of threshold 1)",
            "signed 1.targets.json (targets version 1, expires 2027-03-03T12:00:00Z, 1 signature of threshold 1)",
            "signed 1.snapshot.json (snapshot version 1, expires 2026-12-10T12:00:00Z, 1 signature of threshold 1)",
            "signed timestamp.json (timestamp version 1, expires 2026-12-04T12:00:00Z, 1 signature of threshold 1)",
            "stored \(repo)/targets/images/\(digest).mote-aarch64 (13 bytes, sha256 \(digest))",
            "signed 2.targets.json (targets version 2, expires 2027-03-03T12:00:00Z, 1 signature of threshold 1)",
            "signed 2.snapshot.json (snapshot version 2, expires 2026-12-10T12:00:00Z, 1 signature of threshold 1)",
            "signed timestamp.json (timestamp version 2, expires 2026-12-04T12:00:00Z, 1 signature of threshold 1)",
        ])
        let status = try repository.status()
        #expect(status.problems == [])
        #expect(status.roles.map(\.version) == [1, 2, 2, 2])
        #expect(status.roles.map(\.validKeyIDs) == Self.pythonKeys.map { [$0.keyid] })
        #expect(RepositoryStatusText.text(status, now: Self.clock) == """
            consistent snapshots: yes
            root: version 1, expires 2027-12-03T12:00:00Z (in 365 days), 1 valid signature of threshold 1
              key 7ab6b86cb2c9684b0ddc10896153aa2595decf4d4327a5ff1a8ab7422c828b12 ed25519 signed
            targets: version 2, expires 2027-03-03T12:00:00Z (in 90 days), 1 valid signature of threshold 1
              key c3f860ca5da4454d33496ca33bb48f0cdcd5b731be7316b67ca191db0185aa26 ed25519 signed
            snapshot: version 2, expires 2026-12-10T12:00:00Z (in 7 days), 1 valid signature of threshold 1
              key 8bf5a507dc237a32c90c0a23b34bab6b386826145a5b726da75c91d466e4bf33 ed25519 signed
            timestamp: version 2, expires 2026-12-04T12:00:00Z (in 1 day), 1 valid signature of threshold 1
              key 3336b222894653a1c328c2636b5ada9d8c2f53be3b927369d64e7087014bf619 ed25519 signed
            target files: 1
              images/mote-aarch64: 13 bytes, sha256 00267f8336c007a3c62952fa0841f74214012722d0513c288d691fbba509f263, image_version 7, hardware_ids raspberry-pi-4b

            """)
    }

    @Test func withoutConsistentSnapshotsTargetsKeepTheirNamesAndMetadataHasPlainNamesToo() throws {
        let scratch = try Scratch()
        let repository = Self.repository(scratch.path("repo"))
        try Self.initialize(repository, consistent: false)
        try Data("x".utf8).write(to: URL(fileURLWithPath: scratch.path("image")))
        try repository.addTarget(file: scratch.path("image"), name: "mote", fields: MoteTargetFields(hardwareIDs: ["simulated"], imageVersion: 1),
                                 keys: [Self.seeded(2), Self.seeded(3), Self.seeded(4)])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("repo/targets")) == ["mote"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("repo/metadata")).sorted()
            == ["1.root.json", "1.snapshot.json", "1.targets.json", "2.snapshot.json", "2.targets.json", "root.json", "snapshot.json", "targets.json", "timestamp.json"])
        #expect(try scratch.text("repo/metadata/targets.json") == scratch.text("repo/metadata/2.targets.json"))
        #expect(try repository.status().problems == [])
    }

    @Test func largeFilesReportHashingProgress() throws {
        let scratch = try Scratch()
        let lines = Lines()
        let repository = Self.repository(scratch.path("repo"), lines: lines)
        try Self.initialize(repository)
        let image = scratch.path("big")
        FileManager.default.createFile(atPath: image, contents: nil)
        truncate(image, 20 << 20)
        try repository.addTarget(file: image, name: "big", fields: MoteTargetFields(hardwareIDs: ["generic-aarch64"], imageVersion: 1),
                                 keys: [Self.seeded(2), Self.seeded(3), Self.seeded(4)])
        #expect(lines.all.filter { $0.hasPrefix("hashing ") } == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20].enumerated().map { k, mib in
            "hashing \(image): \((k + 1) * 10)% (\(mib) of 20 MiB)"
        })
    }

    // MARK: Refusals and thresholds

    @Test func initRefusesAThresholdAboveTheKeysAndARepositoryTwice() throws {
        let scratch = try Scratch()
        let repository = Self.repository(scratch.path("repo"))
        #expect(throws: RepositoryError.badOption("--root-threshold", "2 is not between 1 and the role's 1 key")) {
            try repository.initialize(keys: [.root: [Self.seeded(1)], .targets: [Self.seeded(2)], .snapshot: [Self.seeded(3)], .timestamp: [Self.seeded(4)]],
                                      thresholds: [.root: 2], consistentSnapshot: true)
        }
        #expect(FileStatus.of(scratch.path("repo")) == nil)
        #expect(throws: RepositoryError.badOption("--timestamp-key", "timestamp needs at least one key")) {
            try repository.initialize(keys: [.root: [Self.seeded(1)], .targets: [Self.seeded(2)], .snapshot: [Self.seeded(3)]], thresholds: [:], consistentSnapshot: true)
        }
        try Self.initialize(repository)
        let before = try scratch.snapshot("repo/metadata")
        #expect(throws: RepositoryError.exists(scratch.path("repo/metadata/root.json"), "a repository is never initialized twice (motectl repo rotate changes its keys)")) {
            try Self.initialize(repository)
        }
        #expect(try scratch.snapshot("repo/metadata") == before)
    }

    @Test func addTargetNeedsEveryRolesThresholdAndWritesNothingWithout() throws {
        let scratch = try Scratch()
        let repository = Self.repository(scratch.path("repo"))
        try Self.initialize(repository)
        try Data("x".utf8).write(to: URL(fileURLWithPath: scratch.path("image")))
        let before = try scratch.snapshot("repo/metadata")
        let fields = MoteTargetFields(hardwareIDs: ["raspberry-pi-4b"], imageVersion: 1)
        #expect(throws: RepositoryError.threshold("timestamp", "needs 1 of its 1 keys to sign, 0 given (--key with the private keys of: 3336b222894653a1)")) {
            try repository.addTarget(file: scratch.path("image"), name: "mote", fields: fields, keys: [Self.seeded(2), Self.seeded(3)])
        }
        #expect(throws: RepositoryError.badOption("--key", "key \(Self.pythonKeys[0].keyid) is not a key of targets, snapshot or timestamp")) {
            try repository.addTarget(file: scratch.path("image"), name: "mote", fields: fields, keys: [Self.seeded(1), Self.seeded(2), Self.seeded(3), Self.seeded(4)])
        }
        #expect(throws: RepositoryError.badOption("--name \"../mote\"", "a target name is a relative path of letters, digits, '.', '_' and '-' (such as mote-aarch64 or images/mote-armv7)")) {
            try repository.addTarget(file: scratch.path("image"), name: "../mote", fields: fields, keys: [Self.seeded(2), Self.seeded(3), Self.seeded(4)])
        }
        #expect(throws: RepositoryError.badOption("--hardware-id \"pi 4\"", "a hardware id is a board id: letters, digits, '_' and '-' (such as raspberry-pi-4b)")) {
            try repository.addTarget(file: scratch.path("image"), name: "mote", fields: MoteTargetFields(hardwareIDs: ["pi 4"], imageVersion: 1),
                                     keys: [Self.seeded(2), Self.seeded(3), Self.seeded(4)])
        }
        #expect(try scratch.snapshot("repo/metadata") == before)
        #expect(try scratch.snapshot("repo/targets") == [])
    }

    @Test func theImageVersionMustIncreaseForEachBoard() throws {
        let scratch = try Scratch()
        let repository = Self.repository(scratch.path("repo"))
        try Self.initialize(repository)
        try Data("x".utf8).write(to: URL(fileURLWithPath: scratch.path("image")))
        let keys = [Self.seeded(2), Self.seeded(3), Self.seeded(4)]
        try repository.addTarget(file: scratch.path("image"), name: "pi", fields: MoteTargetFields(hardwareIDs: ["raspberry-pi-4b", "raspberry-pi-5"], imageVersion: 7), keys: keys)
        let before = try scratch.snapshot("repo/metadata")
        #expect(throws: RepositoryError.badOption("--image-version", "7 is not above image_version 7 of target pi for raspberry-pi-5; boards refuse an image that is not newer than theirs")) {
            try repository.addTarget(file: scratch.path("image"), name: "pi5", fields: MoteTargetFields(hardwareIDs: ["raspberry-pi-5"], imageVersion: 7), keys: keys)
        }
        #expect(try scratch.snapshot("repo/metadata") == before)
        // Another board has its own sequence; a greater version replaces the target of that name.
        try repository.addTarget(file: scratch.path("image"), name: "bbb", fields: MoteTargetFields(hardwareIDs: ["beaglebone-black"], imageVersion: 1), keys: keys)
        try repository.addTarget(file: scratch.path("image"), name: "pi", fields: MoteTargetFields(hardwareIDs: ["raspberry-pi-4b"], imageVersion: 8), keys: keys)
        let status = try repository.status()
        #expect(status.targets.map { "\($0.name) \($0.entry.mote!.imageVersion) \($0.entry.mote!.hardwareIDs)" } == ["bbb 1 [\"beaglebone-black\"]", "pi 8 [\"raspberry-pi-4b\"]"])
        #expect(status.roles.map(\.version) == [1, 4, 4, 4])
    }

    @Test func rootRotationIsSignedByTheOldAndTheNewThreshold() throws {
        let scratch = try Scratch()
        let repository = Self.repository(scratch.path("repo"))
        try Self.initialize(repository)
        let ecdsa = RepositorySigningKey.generate(.ecdsaP256)
        let before = try scratch.snapshot("repo/metadata")
        #expect(throws: RepositoryError.threshold("root (version 2)", "needs 2 of its 2 keys to sign, 1 given (--sign-with with the private keys of: 7ab6b86cb2c9684b, \(ecdsa.keyid.prefix(16)))")) {
            try repository.rotate(.root, removing: [], adding: [ecdsa.publicKey], threshold: 2, keys: [Self.seeded(1)])
        }
        #expect(try scratch.snapshot("repo/metadata") == before)
        try repository.rotate(.root, removing: [], adding: [ecdsa.publicKey], threshold: 2, keys: [Self.seeded(1), ecdsa])
        // Out goes key 1: version 2's threshold (keys 1 and ecdsa) and version 3's (ecdsa and 5) must both sign.
        #expect(throws: RepositoryError.threshold("root (version 2, the keys clients trust now)",
                                                  "needs 2 of its 2 keys to sign, 1 given (--sign-with with the private keys of: 7ab6b86cb2c9684b, \(ecdsa.keyid.prefix(16)))")) {
            try repository.rotate(.root, removing: ["7ab6b8"], adding: [Self.seeded(5).publicKey], threshold: nil, keys: [ecdsa, Self.seeded(5)])
        }
        try repository.rotate(.root, removing: ["7ab6b8"], adding: [Self.seeded(5).publicKey], threshold: nil, keys: [Self.seeded(1), ecdsa, Self.seeded(5)])
        let v3 = try SignedFile.read(try RepositoryFiles.readBytes(scratch.path("repo/metadata/3.root.json")), name: "3.root.json")
        let v2 = try RootMetadata.read(try SignedFile.read(try RepositoryFiles.readBytes(scratch.path("repo/metadata/2.root.json")), name: "2").signed, RepositoryReader(file: "2"))
        let root = try RootMetadata.read(v3.signed, RepositoryReader(file: "3"))
        #expect(root.roles[.root] == RoleKeys(keyids: [ecdsa.keyid, Self.seeded(5).keyid], threshold: 2))
        #expect(root.keys[Self.pythonKeys[0].keyid] == nil)
        #expect(v3.validKeyIDs(v2.roles[.root]!, keys: v2.keys).sorted() == [Self.pythonKeys[0].keyid, ecdsa.keyid].sorted())
        #expect(v3.validKeyIDs(root.roles[.root]!, keys: root.keys).sorted() == [ecdsa.keyid, Self.seeded(5).keyid].sorted())
        #expect(try scratch.text("repo/metadata/root.json") == scratch.text("repo/metadata/3.root.json"))
        #expect(throws: RepositoryError.badOption("--threshold", "3 is not between 1 and root's 2 keys")) {
            try repository.rotate(.root, removing: [], adding: [], threshold: 3, keys: [ecdsa, Self.seeded(5)])
        }
        #expect(try repository.status().problems == [])
    }

    @Test func aRotatedOutKeySignsNothingAndItsMetadataIsAProblemUntilResigned() throws {
        let scratch = try Scratch()
        let lines = Lines()
        var repository = Self.repository(scratch.path("repo"), lines: lines)
        repository.now = { Date() }  // motectl repo status below reads the real clock
        try Self.initialize(repository)
        try repository.rotate(.targets, removing: [Self.pythonKeys[1].keyid], adding: [Self.seeded(6).publicKey], threshold: nil, keys: [Self.seeded(1)])
        #expect(lines.all.last == "next: motectl repo resign \(scratch.path("repo")) --role targets --key ... with targets's new keys; until then clients refuse its metadata")
        let file = scratch.path("repo/metadata/1.targets.json")
        #expect(try repository.status().problems == ["\(file): 0 valid signatures of targets's threshold 1; clients refuse it (motectl repo resign)"])
        let cli = try IdentityTests().motectl(["repo", "status", scratch.path("repo")])
        #expect(cli.status == 1 && cli.stderr == "motectl: \(scratch.path("repo")): 1 problem: clients refuse this repository\n")
        #expect(cli.stdout.hasSuffix("problem: \(file): 0 valid signatures of targets's threshold 1; clients refuse it (motectl repo resign)\n"))
        #expect(throws: RepositoryError.badOption("--key", "key \(Self.pythonKeys[1].keyid) is not a key of targets, snapshot or timestamp")) {
            try repository.resign(.targets, keys: [Self.seeded(2), Self.seeded(3), Self.seeded(4)])
        }
        try repository.resign(.targets, keys: [Self.seeded(6), Self.seeded(3), Self.seeded(4)])
        let status = try repository.status()
        #expect(status.problems == [])
        #expect(status.roles.map(\.version) == [2, 2, 2, 2])
        #expect(status.roles[1].validKeyIDs == [Self.seeded(6).keyid])
    }

    @Test func resignBumpsTheRoleAndTheRolesThatListIt() throws {
        let scratch = try Scratch()
        let repository = Self.repository(scratch.path("repo"))
        try Self.initialize(repository)
        try repository.resign(.timestamp, keys: [Self.seeded(4)])
        #expect(try repository.status().roles.map(\.version) == [1, 1, 1, 2])
        try repository.resign(.snapshot, keys: [Self.seeded(3), Self.seeded(4)])
        #expect(try repository.status().roles.map(\.version) == [1, 1, 2, 3])
        var later = repository
        later.now = { Self.clock.addingTimeInterval(86_400 * 3) }
        #expect(try later.status().problems == ["\(scratch.path("repo/metadata/timestamp.json")): expired 2026-12-04T12:00:00Z; clients refuse it (motectl repo resign)"])
        later.periods[.timestamp] = 3_600
        try later.resign(.timestamp, keys: [Self.seeded(4)])
        let status = try later.status()
        #expect(status.problems == [] && status.roles[3].expires == Self.clock.addingTimeInterval(86_400 * 3 + 3_600))
    }
}
