import Glibc
import Testing
import MoteHAL
@testable import MoteLinux

/// FetchError's mapping of libcurl's outcomes, and Fetcher on real file:// URLs through the real
/// libcurl (the HTTP(S) misbehaviours are Tests/peers/fetch_peer.py's, against real servers).
@Suite struct FetchTests {
    let directory: String
    /// 700 bytes of every byte value.
    let content: [UInt8] = (0..<700).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }

    init() {
        var template = Array("/tmp/mote-fetch-test-XXXXXX".utf8CString)
        directory = String(cString: mkdtemp(&template)!)
        _ = Files.writeAtomically(directory + "/source.bin", bytes: content)
    }

    func map(code: Int32, status: Int32 = 0, tooLarge: Bool = false, sinkErrno: Int32 = 0, sourceErrno: Int32 = 0) -> FetchError? {
        FetchError.from(code: code, httpStatus: status, tooLarge: tooLarge, sinkErrno: sinkErrno, sourceErrno: sourceErrno,
                        message: "the text", limit: 16384)
    }

    @Test func errorsMapToKindsTheUpdateClientActsOn() {
        #expect(map(code: 0) == nil)
        #expect(map(code: 0, status: 200) == nil)
        // The sink's or the header check's refusal comes back as CURLE_WRITE_ERROR (23).
        #expect(map(code: 23, tooLarge: true) == .tooLarge(limit: 16384))
        #expect(map(code: 23) == .transfer(code: 23, message: "the text"))
        #expect(map(code: 23, sinkErrno: 28) == .file(.ENOSPC))
        #expect(map(code: 28) == .timedOut)
        #expect(map(code: 22, status: 404) == .notFound)
        #expect(map(code: 22, status: 403) == .httpStatus(403))
        #expect(map(code: 22, status: 500) == .httpStatus(500))
        #expect(map(code: 37, sourceErrno: 2) == .notFound)
        #expect(map(code: 37, sourceErrno: 13) == .transfer(code: 37, message: "the text"))
        #expect(map(code: 60) == .transfer(code: 60, message: "the text"))
        #expect(map(code: 33) == .transfer(code: 33, message: "the text"))
        // MOTE_FETCH_UNAVAILABLE: libcurl could not be loaded (the shim's text says why).
        #expect(map(code: -1) == .unavailable("the text"))
    }

    @Test func descriptionsSayWhatHappened() {
        #expect(FetchError.tooLarge(limit: 1024).description == "more than 1024 bytes (the limit)")
        #expect(FetchError.timedOut.description == "timed out")
        #expect(FetchError.httpStatus(500).description == "HTTP status 500")
        #expect(FetchError.notFound.description == "not found")
        #expect(FetchError.transfer(code: 7, message: "Couldn't connect to server").description == "Couldn't connect to server (curl error 7)")
        #expect(FetchError.file(.ENOSPC).description == "cannot write the output file (ENOSPC)")
        let unloadable = "libcurl.so.4 cannot be loaded: libcurl.so.4: cannot open shared object file: No such file or directory (install libcurl4)"
        #expect(FetchError.unavailable(unloadable).description == unloadable)
    }

    @Test func aFileURLFetchesItsBytes() throws {
        let fetcher = Fetcher()
        #expect(try fetcher.fetch("file://" + directory + "/source.bin", maximumLength: 700) == content)
        #expect(throws: FetchError.tooLarge(limit: 699)) { try fetcher.fetch("file://" + directory + "/source.bin", maximumLength: 699) }
        #expect(throws: FetchError.notFound) { try fetcher.fetch("file://" + directory + "/2.root.json", maximumLength: 700) }
        _ = Files.writeAtomically(directory + "/empty", bytes: [])
        #expect(try fetcher.fetch("file://" + directory + "/empty", maximumLength: 700) == [])
    }

    @Test func aTargetResumesAfterThePartWritten() throws {
        let fetcher = Fetcher()
        let url = "file://" + directory + "/source.bin"
        let path = directory + "/target"
        _ = Files.writeAtomically(path, bytes: Array(content[0..<300]))
        let first = try fetcher.fetchToFile(url, path: path, expectedLength: 700, resume: true)
        #expect(first.length == 700 && first.fetched == 400)
        #expect(Files.readBytes(path).bytes == content)
        let again = try fetcher.fetchToFile(url, path: path, expectedLength: 700, resume: true)
        #expect(again.length == 700 && again.fetched == 0)
        // Without resume the file starts over.
        let fresh = try fetcher.fetchToFile(url, path: path, expectedLength: 700, resume: false)
        #expect(fresh.length == 700 && fresh.fetched == 700)
        #expect(Files.readBytes(path).bytes == content)
    }

    @Test func aTargetNeverGrowsPastItsExpectedLength() throws {
        let fetcher = Fetcher()
        let url = "file://" + directory + "/source.bin"
        let path = directory + "/target"
        #expect(throws: FetchError.tooLarge(limit: 500)) { try fetcher.fetchToFile(url, path: path, expectedLength: 500, resume: false) }
        #expect((Files.readBytes(path).bytes?.count ?? -1) <= 500)
        // A partial file already longer than expected is refused and left alone.
        _ = Files.writeAtomically(path, bytes: content)
        #expect(throws: FetchError.tooLarge(limit: 600)) { try fetcher.fetchToFile(url, path: path, expectedLength: 600, resume: true) }
        #expect(Files.readBytes(path).bytes == content)
        // A full disk, as the kernel's /dev/full reports it on every write.
        #expect(throws: FetchError.file(.ENOSPC)) { try fetcher.fetchToFile(url, path: "/dev/full", expectedLength: 700, resume: false) }
        #expect(throws: FetchError.file(.ENOENT)) {
            try fetcher.fetchToFile(url, path: directory + "/no/such/target", expectedLength: 700, resume: false)
        }
    }
}
