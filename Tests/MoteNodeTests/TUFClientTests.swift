import Foundation
import Testing
import MoteHAL
import MoteLinux
import MoteNode

/// The client workflow's pieces on their own; the workflow end to end, against python-tuf
/// repositories and every attack, is Tests/peers/tuf_client_peer.py.
@Suite struct TUFClientTests {
    static let june2026 = TUFTime.parse("2026-06-01T00:00:00Z")!

    @Test func namesAreEscapedAsPythonQuotes() {
        // urllib.parse.quote("firmware/nöde 1.bin", "")
        #expect(TUFNames.escape("firmware/nöde 1.bin") == "firmware%2Fn%C3%B6de%201.bin")
        #expect(TUFNames.escape("a-b_c.d~e") == "a-b_c.d~e")
        #expect(TUFNames.metadataFile("role/x") == "role%2Fx.json")
    }

    @Test func consistentTargetPathsPrefixTheFirstHash() {
        let target = TUFTargetFile(path: "firmware/a.bin", length: 1, hashes: [TUFHash(algorithm: "sha256", digest: [0xAB, 0x01]), TUFHash(algorithm: "sha512", digest: [0xFF])])
        #expect(TUFNames.targetPath(target, consistentSnapshot: true) == "firmware/ab01.a.bin")
        #expect(TUFNames.targetPath(target, consistentSnapshot: false) == "firmware/a.bin")
        var top = target
        top.path = "a.bin"
        #expect(TUFNames.targetPath(top, consistentSnapshot: true) == "ab01.a.bin")
    }

    @Test func pathPatternsMatchPartByPartAsFnmatch() {
        #expect(TUFDelegationSearch.pathMatches("firmware/a.bin", pattern: "firmware/*"))
        #expect(!TUFDelegationSearch.pathMatches("firmware/x/a.bin", pattern: "firmware/*"))
        #expect(!TUFDelegationSearch.pathMatches("a.txt", pattern: "*.bin"))
        // Python's fnmatch.fnmatch on the same pairs: True, False, True, False, True, True.
        let pairs: [(String, String, Bool)] = [("a.bin", "[ab].bin", true), ("c.bin", "[ab].bin", false), ("b.bin", "[!a].bin", true),
                                               ("ab.bin", "?.bin", false), ("a.bin", "*", true), ("[.bin", "[.bin", true)]
        for (path, pattern, want) in pairs {
            #expect(TUFDelegationSearch.pathMatches(path, pattern: pattern) == want, "\(path) \(pattern)")
        }
    }

    @Test func succinctBinsAsTAP15() {
        // Python: sha256(path)[:4] >> (32 - bits), zero-padded hex.
        let bins8 = TUFSuccinctRoles(keys: TUFRoleKeys(keyids: [], threshold: 1), bitLength: 8, namePrefix: "bins")
        #expect(TUFDelegationSearch.succinctRole(bins8, path: "a.txt", LibCrypto.self) == "bins-18")
        #expect(TUFDelegationSearch.succinctRole(bins8, path: "firmware/mote.bin", LibCrypto.self) == "bins-4d")
        let bins5 = TUFSuccinctRoles(keys: TUFRoleKeys(keyids: [], threshold: 1), bitLength: 5, namePrefix: "bins")
        #expect(TUFDelegationSearch.succinctRole(bins5, path: "a.txt", LibCrypto.self) == "bins-03")
    }

    static func message(_ body: () throws(TUFUpdateError) -> Void) -> String? {
        do throws(TUFUpdateError) {
            try body()
            return nil
        } catch {
            return error.description
        }
    }

    @Test func theFixtureRootIsTrustedAndItsTimestampVerifies() throws {
        var set = try TUFTrustedMetadata<LibCrypto>(rootBytes: TUFFixture.bytes("root.json"), referenceTime: Self.june2026)
        #expect(try set.updateTimestamp(TUFFixture.bytes("timestamp.json")))
        // The same version again: nothing new, nothing refused.
        #expect(try !set.updateTimestamp(TUFFixture.bytes("timestamp.json")))
        // The fixture's timestamp names a snapshot of 999 bytes: the real one is refused.
        let snapshot = try TUFFixture.bytes("snapshot.json")
        #expect(Self.message { () throws(TUFUpdateError) in try set.updateSnapshot(snapshot) } == "snapshot.json: \(snapshot.count) bytes, but timestamp.json says 999")
        #expect(set.snapshot == nil)
    }

    @Test func anExpiredRootStopsTheTimestamp() throws {
        var set = try TUFTrustedMetadata<LibCrypto>(rootBytes: TUFFixture.bytes("root.json"), referenceTime: TUFTime.parse("2030-01-01T00:00:00Z")!)
        let timestamp = try TUFFixture.bytes("timestamp.json")
        #expect(Self.message { () throws(TUFUpdateError) in try set.updateTimestamp(timestamp) } == "root.json: expired at 2030-01-01T00:00:00Z")
        #expect(set.timestamp == nil)
    }

    @Test func anExpiredTimestampIsKeptForRollbackChecksButRefused() throws {
        var set = try TUFTrustedMetadata<LibCrypto>(rootBytes: TUFFixture.bytes("root.json"), referenceTime: TUFTime.parse("2027-01-02T03:04:05Z")!)
        let timestamp = try TUFFixture.bytes("timestamp.json")
        #expect(Self.message { () throws(TUFUpdateError) in try set.updateTimestamp(timestamp) } == "timestamp.json: expired at 2027-01-02T03:04:05Z")
        #expect(set.timestamp?.signed.common.version == 7)
        let snapshot = try TUFFixture.bytes("snapshot.json")
        #expect(Self.message { () throws(TUFUpdateError) in try set.updateSnapshot(snapshot) } == "timestamp.json: expired at 2027-01-02T03:04:05Z")
    }

    @Test func aTamperedRootIsNotTrusted() throws {
        let text = try TUFFixture.text("root.json")
        let tampered = text.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2")
        #expect(tampered != text)
        #expect(Self.message { () throws(TUFUpdateError) in _ = try TUFTrustedMetadata<LibCrypto>(rootBytes: Array(tampered.utf8), referenceTime: Self.june2026) }
            == "root.json: signed by 0 of the 2 keys its threshold needs")
        #expect(Self.message { () throws(TUFUpdateError) in _ = try TUFTrustedMetadata<LibCrypto>(rootBytes: Array("{}".utf8), referenceTime: Self.june2026) }
            == "root.json: signatures: required, missing")
    }

    @Test func moteCustomFields() throws {
        let custom = JSONValue.object(JSONObject([JSONMember(key: "mote", value: .object(JSONObject([
            JSONMember(key: "hardware_ids", value: .array([.string("raspberry-pi-4b"), .string("raspberry-pi-5")])),
            JSONMember(key: "image_version", value: .integer(7)),
        ])))]))
        let info = try MoteTargetInfo(TUFTargetFile(path: "mote-aarch64", length: 1, hashes: [], custom: custom))
        #expect(info == MoteTargetInfo(hardwareIDs: ["raspberry-pi-4b", "raspberry-pi-5"], imageVersion: 7))
        #expect(Self.message { () throws(TUFUpdateError) in try info.check(target: "mote-aarch64", hardwareID: "raspberry-pi-5", installedVersion: 6) } == nil)
        #expect(Self.message { () throws(TUFUpdateError) in try info.check(target: "mote-aarch64", hardwareID: "beaglebone-black", installedVersion: nil) }
            == "mote-aarch64: the image is for raspberry-pi-4b, raspberry-pi-5, not for this board (beaglebone-black)")
        #expect(Self.message { () throws(TUFUpdateError) in try info.check(target: "mote-aarch64", hardwareID: nil, installedVersion: 7) }
            == "mote-aarch64: image version 7 is not above the installed version 7 (downgrade)")
        #expect(Self.message { () throws(TUFUpdateError) in _ = try MoteTargetInfo(TUFTargetFile(path: "x", length: 1, hashes: [])) }
            == "x: custom.mote is missing: not a Mote image (no hardware ids, no image version)")
    }
}
