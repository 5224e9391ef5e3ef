import MoteHAL
import MoteLinux
import MoteNode

/// `mote --fetch URL --max-bytes N [--output FILE [--resume]]`: one download through the same
/// libcurl transfer and limits the update client uses, for checking a board's connectivity to
/// its update server (and for the tests of those limits).
enum FetchCommand {
    static let usage = """
        usage: mote --fetch URL --max-bytes N [--output FILE [--resume]] [--ca-file FILE]
                    [--connect-timeout SECONDS] [--timeout SECONDS] [--low-speed BYTES]
                    [--low-speed-time SECONDS]
        Fetches an http, https or file URL and prints its body, or writes it to FILE (--resume:
        fetches only what FILE lacks, up to N bytes in all). A body longer than N bytes fails
        as soon as it is; so does a fetch slower than --low-speed bytes a second (default 100)
        for --low-speed-time seconds (default 30). --connect-timeout defaults to 15 seconds,
        --timeout (the whole fetch) to none. TLS is verified against the system's CA
        certificates, or only those in --ca-file. Exit 0 done, 1 the fetch failed, 2 usage.
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: Arguments
        switch Arguments.parse(arguments, valued: ["--max-bytes", "--output", "--ca-file", "--connect-timeout", "--timeout",
                                                   "--low-speed", "--low-speed-time"],
                               flags: ["--resume", "--help"]) {
        case .success(let a): parsed = a
        case .failure(let e): return Report.usage(e, usage)
        }
        if parsed.has("--help") {
            Console.line(usage)
            return ExitCode.ok
        }
        guard parsed.positionals.count == 1 else {
            return Report.usage(UsageError(parsed.positionals.isEmpty ? "--fetch needs a URL" : "--fetch takes one URL"), usage)
        }
        let url = parsed.positionals[0]
        guard parsed.values["--max-bytes"] != nil else { return Report.usage(UsageError("--fetch needs --max-bytes N"), usage) }
        let maximum: Int, connect: Int, timeout: Int, lowSpeed: Int, lowSpeedTime: Int
        switch (parsed.number("--max-bytes", default: 0, range: 0...Int.max),
                parsed.number("--connect-timeout", default: 15, range: 1...86400), parsed.number("--timeout", default: 0, range: 0...86400 * 7),
                parsed.number("--low-speed", default: 100, range: 0...Int(Int32.max)), parsed.number("--low-speed-time", default: 30, range: 0...86400)) {
        case (.success(let m), .success(let c), .success(let t), .success(let l), .success(let lt)):
            (maximum, connect, timeout, lowSpeed, lowSpeedTime) = (m, c, t, l, lt)
        case (.failure(let e), _, _, _, _), (_, .failure(let e), _, _, _), (_, _, .failure(let e), _, _),
             (_, _, _, .failure(let e), _), (_, _, _, _, .failure(let e)):
            return Report.usage(e, usage)
        }
        let output = parsed.values["--output"]
        if parsed.has("--resume") && output == nil { return Report.usage(UsageError("--resume needs --output FILE"), usage) }

        let fetcher = Fetcher(connectTimeout: .seconds(Int64(connect)), timeout: timeout > 0 ? .seconds(Int64(timeout)) : nil,
                              lowSpeedBytes: lowSpeed, lowSpeedTime: .seconds(Int64(lowSpeedTime)), caFile: parsed.values["--ca-file"])
        do throws(FetchError) {
            if let output {
                let file = try fetcher.fetchToFile(url, path: output, expectedLength: maximum, resume: parsed.has("--resume"))
                Console.line("\(output): \(file.length) bytes (\(file.fetched) fetched)")
            } else {
                Console.write(bytes: try fetcher.fetch(url, maximumLength: maximum))
            }
        } catch {
            if case .file(let errno) = error, let output { return Report.fail("\(output): cannot write (\(errno.name))") }
            return Report.fail("fetch \(url): \(error.description)")
        }
        return ExitCode.ok
    }
}
