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

    public func fetchTarget(_ path: String, maxLength: Int) throws(TUFFetchError) -> [UInt8] {
        try Self.read(targetDirectory + "/" + path, maxLength: maxLength)
    }

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

    public func fetchTarget(_ path: String, maxLength: Int) throws(TUFFetchError) -> [UInt8] {
        try fetch(targetURL + path, maxLength: maxLength)
    }

    func fetch(_ url: String, maxLength: Int) throws(TUFFetchError) -> [UInt8] {
        do throws(FetchError) {
            return try fetcher.fetch(url, maximumLength: maxLength)
        } catch {
            switch error {
            case .notFound, .httpStatus(403): throw TUFFetchError(.notFound, url)
            case .tooLarge: throw TUFFetchError(.tooLarge, url)
            default: throw TUFFetchError(.failed, url + ": " + error.description)
            }
        }
    }
}
