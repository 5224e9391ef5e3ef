import CClock
import MoteHAL
import MoteNode

/// The update client's metadata and target directories on the board's file system: whole files
/// read with a size cap, written atomically and durably (`Files.writeAtomically`: temp, fsync,
/// rename).
public struct TUFFileStorage: TUFStorage {
    public init() {}

    public func read(_ path: String, maxLength: Int) -> [UInt8]? {
        guard Files.exists(path) else { return nil }
        let (bytes, _) = Files.readBytes(path)
        guard let bytes, bytes.count <= maxLength else { return nil }
        return bytes
    }

    public func write(_ path: String, _ bytes: [UInt8]) -> String? {
        Files.writeAtomically(path, bytes: bytes)?.name
    }

    public func size(_ path: String) -> Int64? {
        Files.size(path)
    }

    public func readChunks(_ path: String, _ body: (ArraySlice<UInt8>) -> Void) -> String? {
        Files.readChunks(path, body)?.name
    }

    /// fsync of the file, then `Files.rename` (both directories fsync'd).
    public func commit(_ from: String, to: String) -> String? {
        if let errno = Files.sync(from) { return "fsync: " + errno.name }
        return Files.rename(from, to: to)?.name
    }

    public func remove(_ path: String) -> String? {
        guard Files.exists(path) else { return nil }
        return Files.remove(path)?.name
    }
}

/// A repository in local directories: `file://DIR` or a plain path, for the metadata and the
/// targets. (http(s):// goes through the libcurl fetcher.)
public struct TUFFileRemote: TUFRemote {
    public let metadataDirectory: String
    public let targetDirectory: String

    /// Nil when a URL is not file:// or a path.
    public init?(metadataURL: String, targetURL: String = "") {
        guard let metadata = Self.path(metadataURL), let targets = Self.path(targetURL) else { return nil }
        metadataDirectory = metadata
        targetDirectory = targets
    }

    static func path(_ url: String) -> String? {
        var text = url
        if text.utf8.starts(with: "file://".utf8) {
            text = String(decoding: Array(text.utf8.dropFirst(7)), as: UTF8.self)
        } else if text.utf8.contains(UInt8(ascii: ":")) && text.utf8.starts(with: "http".utf8) {
            return nil
        }
        while text.utf8.count > 1 && text.utf8.last == UInt8(ascii: "/") { text = String(decoding: Array(text.utf8.dropLast()), as: UTF8.self) }
        return text
    }

    public func fetchMetadata(_ name: String, maxLength: Int) throws(TUFFetchError) -> [UInt8] {
        try Self.read(metadataDirectory + "/" + name, maxLength: maxLength)
    }

    /// A chunked copy (64 KiB reads, appended and fsync'd a MiB at a time) after the bytes
    /// `file` has already; a source longer than `maxLength` is `.tooLarge` and nothing is copied.
    public func fetchTarget(_ path: String, into file: String, maxLength: Int) throws(TUFFetchError) -> Int {
        let source = targetDirectory + "/" + path
        guard Files.exists(source) else { throw TUFFetchError(.notFound, source) }
        guard let sourceSize = Files.size(source) else { throw TUFFetchError(.failed, "cannot look at \(source)") }
        guard sourceSize <= Int64(maxLength) else { throw TUFFetchError(.tooLarge, source) }
        var have: Int64 = 0
        if let existing = Files.size(file) {
            have = existing
        } else if let errno = Files.writeAtomically(file, bytes: []) {
            throw TUFFetchError(.failed, "cannot create \(file) (\(errno.name))")
        }
        guard have < Int64(maxLength) else {
            if have > Int64(maxLength) { throw TUFFetchError(.tooLarge, file) }
            return 0
        }
        var offset: Int64 = 0, fetched = 0
        var pending: [UInt8] = []
        pending.reserveCapacity(Self.appendSize)
        var failure: TUFFetchError?
        let readFailure = Files.readChunks(source) { chunk in
            guard failure == nil else { return }
            var piece = chunk
            if offset < have {
                let skip = Int(min(Int64(piece.count), have - offset))
                piece = piece.dropFirst(skip)
                offset += Int64(skip)
            }
            guard !piece.isEmpty else { return }
            if offset + Int64(piece.count) > Int64(maxLength) {
                failure = TUFFetchError(.tooLarge, source)
                return
            }
            offset += Int64(piece.count)
            pending.append(contentsOf: piece)
            if pending.count >= Self.appendSize {
                if let errno = Files.append(file, pending) {
                    failure = TUFFetchError(.failed, "cannot write \(file) (\(errno.name))")
                    return
                }
                fetched += pending.count
                pending.removeAll(keepingCapacity: true)
            }
        }
        if let failure { throw failure }
        if let readFailure { throw TUFFetchError(.failed, "cannot read \(source) (\(readFailure.name))") }
        if !pending.isEmpty {
            if let errno = Files.append(file, pending) { throw TUFFetchError(.failed, "cannot write \(file) (\(errno.name))") }
            fetched += pending.count
        }
        return fetched
    }

    static let appendSize = 1 << 20

    static func read(_ path: String, maxLength: Int) throws(TUFFetchError) -> [UInt8] {
        guard Files.exists(path) else { throw TUFFetchError(.notFound, path) }
        let (bytes, errno) = Files.readBytes(path)
        guard let bytes else { throw TUFFetchError(.failed, "cannot read \(path) (\(errno?.name ?? "?"))") }
        guard bytes.count <= maxLength else { throw TUFFetchError(.tooLarge, path) }
        return bytes
    }
}

/// The wall clock (CLOCK_REALTIME) in whole seconds since 1970-01-01T00:00:00Z: the update
/// client's reference time for expiry.
public enum WallClock {
    public static func secondsSinceEpoch() -> Int64 {
        mote_clock_realtime_ns() / 1_000_000_000
    }
}

/// A repository at http(s):// or file:// URLs, through the libcurl `Fetcher`: every body capped
/// at the length the client allows. "not found" is HTTP 404 or 403 (python-tuf ends the root
/// rotation on either) or a missing file.
public struct TUFFetchRemote: TUFRemote {
    public let metadataURL: String
    public let targetURL: String
    public var fetcher: Fetcher

    public init(metadataURL: String, targetURL: String, fetcher: Fetcher = Fetcher()) {
        self.metadataURL = Self.base(metadataURL)
        self.targetURL = Self.base(targetURL)
        self.fetcher = fetcher
    }

    /// True for the URLs libcurl is used for.
    public static func handles(_ url: String) -> Bool {
        url.utf8.starts(with: "http://".utf8) || url.utf8.starts(with: "https://".utf8) || url.utf8.starts(with: "file://".utf8)
    }

    static func base(_ url: String) -> String { url.utf8.last == UInt8(ascii: "/") || url.isEmpty ? url : url + "/" }

    public func fetchMetadata(_ name: String, maxLength: Int) throws(TUFFetchError) -> [UInt8] {
        try fetch(metadataURL + name, maxLength: maxLength)
    }

    /// `Fetcher.fetchToFile` with resume (an HTTP Range request after the file's bytes); a
    /// server that cannot resume (curl error 33) gets the whole body again into an empty file,
    /// so a `.part` is never stuck there.
    public func fetchTarget(_ path: String, into file: String, maxLength: Int) throws(TUFFetchError) -> Int {
        let url = targetURL + path
        do throws(FetchError) {
            return try fetcher.fetchToFile(url, path: file, expectedLength: maxLength, resume: true).fetched
        } catch {
            guard case .transfer(Self.curlRangeError, _) = error else { throw Self.failure(error, url: url) }
        }
        do throws(FetchError) {
            return try fetcher.fetchToFile(url, path: file, expectedLength: maxLength, resume: false).fetched
        } catch {
            throw Self.failure(error, url: url)
        }
    }

    /// CURLE_RANGE_ERROR: the server does not support or ignored the Range request.
    static let curlRangeError: Int32 = 33

    func fetch(_ url: String, maxLength: Int) throws(TUFFetchError) -> [UInt8] {
        do throws(FetchError) {
            return try fetcher.fetch(url, maximumLength: maxLength)
        } catch {
            throw Self.failure(error, url: url)
        }
    }

    static func failure(_ error: FetchError, url: String) -> TUFFetchError {
        switch error {
        case .notFound, .httpStatus(403): return TUFFetchError(.notFound, url)
        case .tooLarge: return TUFFetchError(.tooLarge, url)
        default: return TUFFetchError(.failed, url + ": " + error.description)
        }
    }
}
