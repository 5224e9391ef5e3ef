import CFetch
import MoteHAL

/// Why a fetch failed, in kinds the update client acts on.
public enum FetchError: Error, Equatable, CustomStringConvertible {
    /// The body is longer than the limit (declared so, or it kept coming): TUF's endless-data
    /// attack, or a wrong length in the metadata. Nothing past the limit was kept.
    case tooLarge(limit: Int)
    /// Connecting took longer than `connectTimeout`, the whole fetch longer than `timeout`, or
    /// the data came slower than the low-speed limit (TUF's slow-retrieval attack).
    case timedOut
    /// The server answered with this status (>= 400, not 404).
    case httpStatus(Int)
    /// HTTP 404, or a file:// path that does not exist: for TUF, "there is no next root".
    case notFound
    /// Anything else libcurl reports (name lookup, connection refused, TLS verification, a
    /// redirect to another scheme, a server that cannot resume): its CURLcode and its text.
    case transfer(code: Int32, message: String)
    /// The output file could not be opened, written or synced.
    case file(Errno)
    /// libcurl cannot be loaded (the shim loads it on the first fetch), and why:
    /// "libcurl.so.4 cannot be loaded: <the loader's reason> (install libcurl4)".
    case unavailable(String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): return "more than \(limit) bytes (the limit)"
        case .timedOut: return "timed out"
        case .httpStatus(let status): return "HTTP status \(status)"
        case .notFound: return "not found"
        case .transfer(let code, let message): return message + " (curl error \(code))"
        case .file(let errno): return "cannot write the output file (\(errno.name))"
        case .unavailable(let reason): return reason
        }
    }

    // The CURLcodes the mapping names (curl/curl.h).
    static let curlHTTPReturnedError: Int32 = 22
    static let curlOperationTimedOut: Int32 = 28
    static let curlFileCouldNotReadFile: Int32 = 37

    /// The error for a transfer's outcome, or nil when it succeeded. `limit` is what the
    /// caller asked for, as `.tooLarge` reports it.
    static func from(code: Int32, httpStatus: Int32, tooLarge: Bool, sinkErrno: Int32, sourceErrno: Int32,
                     message: String, limit: Int) -> FetchError? {
        if code == 0 { return nil }
        if code == Int32(MOTE_FETCH_UNAVAILABLE) { return .unavailable(message) }
        if tooLarge { return .tooLarge(limit: limit) }
        if sinkErrno != 0 { return .file(Errno(sinkErrno)) }
        switch code {
        case curlOperationTimedOut: return .timedOut
        case curlHTTPReturnedError: return httpStatus == 404 ? .notFound : .httpStatus(Int(httpStatus))
        case curlFileCouldNotReadFile where sourceErrno == Errno.ENOENT.rawValue: return .notFound
        default: return .transfer(code: code, message: message)
        }
    }
}

/// HTTP(S) and file:// downloads through libcurl, with a limit on every body.
///
/// URLs are http, https or file. TLS peers are verified against the system's CA bundle, or
/// against `caFile` only. Redirects are followed, at most 5, from http to http or https and from
/// https to https only; never to file:// or another scheme (a redirect there is
/// `.transfer(code: 1, ...)`). The body is the bytes as served: no content decoding.
public struct Fetcher {
    public var connectTimeout: TimeSpan
    /// The whole fetch; nil: no limit (the low-speed limit still stops a stalled one).
    public var timeout: TimeSpan?
    /// A fetch fails when fewer than `lowSpeedBytes` a second arrive for `lowSpeedTime`.
    public var lowSpeedBytes: Int
    public var lowSpeedTime: TimeSpan
    /// PEM CA certificates to trust instead of the system's (a private update server).
    public var caFile: String?

    public init(connectTimeout: TimeSpan = .seconds(15), timeout: TimeSpan? = nil, lowSpeedBytes: Int = 100,
                lowSpeedTime: TimeSpan = .seconds(30), caFile: String? = nil) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.lowSpeedBytes = lowSpeedBytes
        self.lowSpeedTime = lowSpeedTime
        self.caFile = caFile
    }

    /// The body of `url`, at most `maximumLength` bytes (TUF metadata: a known length, or an
    /// upper bound such as 16 KiB for timestamp.json). A longer body is `.tooLarge`.
    public func fetch(_ url: String, maximumLength: Int) throws(FetchError) -> [UInt8] {
        var body: UnsafeMutablePointer<UInt8>? = nil
        var result = mote_fetch_result()
        withOptions(maxBytes: maximumLength, resumeFrom: 0) { options in
            _ = url.withCString { mote_fetch_memory($0, &options, &body, &result) }
        }
        defer { mote_fetch_free(body) }
        if let error = Self.error(result, limit: maximumLength) { throw error }
        guard let body, result.received > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: body, count: Int(result.received)))
    }

    /// Downloads `url` into the file at `path` (a target of known length), never letting the
    /// file grow past `expectedLength`. With `resume` the file's bytes are kept and the rest is
    /// fetched after them (an HTTP Range request; a server that ignores ranges is
    /// `.transfer(code: 33, ...)`); without, the file starts empty. A file already
    /// `expectedLength` long is not fetched again; a longer one is `.tooLarge` and left as it is.
    ///
    /// Returns the file's length and how much of it this call fetched. A body shorter than
    /// expected is not an error here: the length and hash checks that follow decide.
    @discardableResult
    public func fetchToFile(_ url: String, path: String, expectedLength: Int, resume: Bool) throws(FetchError) -> (length: Int, fetched: Int) {
        var existing: Int64 = 0
        let fd = path.withCString { mote_fetch_open_output($0, resume, &existing) }
        guard fd >= 0 else { throw .file(Errno(-fd)) }
        let have = Int(clamping: existing)  // more than a 32-bit Int is more than any expected length
        guard have < expectedLength else {
            let closed = mote_fetch_close_output(fd)
            if have > expectedLength { throw .tooLarge(limit: expectedLength) }
            if closed != 0 { throw .file(Errno(-closed)) }
            return (have, 0)
        }
        var result = mote_fetch_result()
        withOptions(maxBytes: expectedLength - have, resumeFrom: have) { options in
            _ = url.withCString { mote_fetch_descriptor($0, &options, fd, &result) }
        }
        let closed = mote_fetch_close_output(fd)
        if let error = Self.error(result, limit: expectedLength) { throw error }
        if closed != 0 { throw .file(Errno(-closed)) }
        return (have + Int(result.received), Int(result.received))
    }

    private func withOptions(maxBytes: Int, resumeFrom: Int, _ body: (inout mote_fetch_options) -> Void) {
        var options = mote_fetch_options()
        options.max_bytes = Int64(maxBytes)
        options.resume_from = Int64(resumeFrom)
        options.connect_timeout_ms = Self.milliseconds(connectTimeout)
        options.timeout_ms = timeout.map(Self.milliseconds) ?? 0
        options.low_speed_bytes = Int32(clamping: lowSpeedBytes)
        options.low_speed_seconds = Int32(clamping: (lowSpeedTime.nanoseconds + 999_999_999) / 1_000_000_000)
        guard let caFile else { return body(&options) }
        caFile.withCString { path in
            options.ca_file = path
            body(&options)
        }
    }

    /// At least 1 ms: libcurl reads 0 as "its default".
    private static func milliseconds(_ span: TimeSpan) -> Int32 {
        Int32(clamping: max(span.nanoseconds / 1_000_000, 1))
    }

    private static func error(_ result: mote_fetch_result, limit: Int) -> FetchError? {
        let message = withUnsafeBytes(of: result.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return FetchError.from(code: result.curl_code, httpStatus: result.http_status, tooLarge: result.too_large,
                               sinkErrno: result.sink_errno, sourceErrno: result.source_errno, message: message, limit: limit)
    }
}
