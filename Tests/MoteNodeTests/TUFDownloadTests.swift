import Foundation
import Testing
import MoteHAL
import MoteLinux
import MoteNode

/// A repository of one target body that writes into the `.part` as a resuming fetcher does
/// (after the bytes there, at most `maxLength` in all) and counts the bytes it handed over.
final class CountingRemote: TUFRemote {
    var body: [UInt8]
    var fetched = 0
    var names: [String] = []

    init(body: [UInt8]) { self.body = body }

    func fetchMetadata(_ name: String, maxLength: Int) throws(TUFFetchError) -> [UInt8] {
        throw TUFFetchError(.notFound, name)
    }

    func fetchTarget(_ path: String, into file: String, maxLength: Int) throws(TUFFetchError) -> Int {
        names.append(path)
        if Files.size(file) == nil, let errno = Files.writeAtomically(file, bytes: []) { throw TUFFetchError(.failed, errno.name) }
        let have = Int(Files.size(file)!)
        if have > maxLength { throw TUFFetchError(.tooLarge, file) }
        guard have < body.count else { return 0 }
        let rest = Array(body[have...].prefix(maxLength - have))
        if let errno = Files.append(file, rest) { throw TUFFetchError(.failed, errno.name) }
        fetched += rest.count
        if body.count > maxLength { throw TUFFetchError(.tooLarge, path) }
        return rest.count
    }
}

@Suite struct TUFDownloadTests {
    let directory: String
    let body: [UInt8] = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }

    init() throws {
        var template = Array("/tmp/mote-tuf-download-test-XXXXXX".utf8CString)
        directory = String(cString: mkdtemp(&template)!)
        _ = Files.writeAtomically(directory + "/metadata/root.json", bytes: try TUFFixture.bytes("root.json"))
    }

    func target(_ bytes: [UInt8], length: Int64? = nil) -> TUFTargetFile {
        TUFTargetFile(path: "firmware/a.bin", length: length ?? Int64(bytes.count),
                      hashes: [TUFHash(algorithm: "sha256", digest: LibCrypto.SHA256.hash(bytes)), TUFHash(algorithm: "sha512", digest: LibCrypto.SHA512.hash(bytes))])
    }

    func updater(_ remote: CountingRemote) throws -> TUFUpdater<LibCrypto, CountingRemote, TUFFileStorage> {
        try TUFUpdater<LibCrypto, CountingRemote, TUFFileStorage>(metadataDirectory: directory + "/metadata", remote: remote, storage: TUFFileStorage(),
                                                                  referenceTime: TUFClientTests.june2026)
    }

    func file(_ path: String) -> [UInt8]? { Files.readBytes(path).bytes }

    static func error(_ body: () throws(TUFUpdateError) -> Void) -> TUFUpdateError? {
        do throws(TUFUpdateError) {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func aPartialDownloadIsResumedAfterItsBytes() throws {
        let remote = CountingRemote(body: body)
        let updater = try updater(remote)
        let local = directory + "/a.bin"
        _ = Files.writeAtomically(local + ".part", bytes: Array(body[..<50_000]))
        try updater.download(target(body), to: local)
        #expect(remote.fetched == 50_000)
        // Consistent snapshots: the first hash prefixes the name.
        #expect(remote.names == ["firmware/" + Hex.encode(LibCrypto.SHA256.hash(body)) + ".a.bin"])
        #expect(file(local) == body)
        #expect(!Files.exists(local + ".part"))
    }

    @Test func aPartWithWrongBytesIsRemovedAndTheNextDownloadStartsOver() throws {
        let remote = CountingRemote(body: body)
        let updater = try updater(remote)
        let local = directory + "/a.bin"
        var poisoned = Array(body[..<50_000])
        poisoned[10] ^= 0xFF
        _ = Files.writeAtomically(local + ".part", bytes: poisoned)
        var wrong = body
        wrong[10] ^= 0xFF
        let error = Self.error { () throws(TUFUpdateError) in try updater.download(target(body), to: local) }
        #expect(error?.kind == .lengthOrHash)
        #expect(error?.description == "firmware/a.bin: sha256 \(Hex.encode(LibCrypto.SHA256.hash(wrong))), but the targets metadata says \(Hex.encode(LibCrypto.SHA256.hash(body)))")
        #expect(remote.fetched == 50_000)
        #expect(!Files.exists(local + ".part"))
        #expect(!Files.exists(local))

        try updater.download(target(body), to: local)
        #expect(remote.fetched == 50_000 + 100_000)
        #expect(file(local) == body)
        #expect(!Files.exists(local + ".part"))
    }

    @Test func aBodyLongerThanTheLengthIsRefused() throws {
        let remote = CountingRemote(body: body + [1, 2, 3])
        let updater = try updater(remote)
        let local = directory + "/a.bin"
        let error = Self.error { () throws(TUFUpdateError) in try updater.download(target(body), to: local) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.description == "firmware/a.bin: more than the 100000 bytes allowed")
        #expect(remote.fetched == 100_000)
        #expect(!Files.exists(local + ".part"))
        #expect(!Files.exists(local))
    }

    @Test func aHashMismatchNamesTheTarget() throws {
        var other = body
        other[99_999] ^= 1
        let remote = CountingRemote(body: other)
        let updater = try updater(remote)
        let local = directory + "/a.bin"
        let error = Self.error { () throws(TUFUpdateError) in try updater.download(target(body), to: local) }
        #expect(error?.file == "firmware/a.bin")
        #expect(error?.kind == .lengthOrHash)
        #expect(error?.description == "firmware/a.bin: sha256 \(Hex.encode(LibCrypto.SHA256.hash(other))), but the targets metadata says \(Hex.encode(LibCrypto.SHA256.hash(body)))")
        #expect(!Files.exists(local + ".part"))
        #expect(!Files.exists(local))
    }

    @Test func aShortBodyIsALengthMismatch() throws {
        let remote = CountingRemote(body: Array(body[..<99_000]))
        let updater = try updater(remote)
        let local = directory + "/a.bin"
        let error = Self.error { () throws(TUFUpdateError) in try updater.download(target(body), to: local) }
        #expect(error?.description == "firmware/a.bin: 99000 bytes, but the targets metadata says 100000")
        #expect(!Files.exists(local + ".part"))
    }

    @Test func isCachedReadsTheFileBack() throws {
        let updater = try updater(CountingRemote(body: body))
        let local = directory + "/a.bin"
        #expect(!updater.isCached(target(body), at: local))
        _ = Files.writeAtomically(local, bytes: body)
        #expect(updater.isCached(target(body), at: local))
        var changed = body
        changed[70_000] ^= 0x80
        _ = Files.writeAtomically(local, bytes: changed)
        #expect(!updater.isCached(target(body), at: local))
        _ = Files.writeAtomically(local, bytes: body + [0])
        #expect(!updater.isCached(target(body), at: local))
    }

    @Test func theFileRemoteCopiesInChunksResumesAndCaps() throws {
        _ = Files.writeAtomically(directory + "/repo/t.bin", bytes: body)
        let remote = try #require(TUFFileRemote(metadataURL: "file://" + directory + "/repo", targetURL: "file://" + directory + "/repo"))
        let part = directory + "/t.bin.part"
        _ = Files.writeAtomically(part, bytes: Array(body[..<30_000]))
        #expect(try remote.fetchTarget("t.bin", into: part, maxLength: 100_000) == 70_000)
        #expect(file(part) == body)
        #expect(try remote.fetchTarget("t.bin", into: part, maxLength: 100_000) == 0)
        _ = Files.remove(part)
        #expect(Self.fetchError(remote, "t.bin", into: part, maxLength: 99_999) == TUFFetchError(.tooLarge, directory + "/repo/t.bin"))
        #expect(!Files.exists(part))
        #expect(Self.fetchError(remote, "none", into: part, maxLength: 10) == TUFFetchError(.notFound, directory + "/repo/none"))
    }

    static func fetchError(_ remote: TUFFileRemote, _ path: String, into file: String, maxLength: Int) -> TUFFetchError? {
        do throws(TUFFetchError) {
            _ = try remote.fetchTarget(path, into: file, maxLength: maxLength)
            return nil
        } catch {
            return error
        }
    }
}
