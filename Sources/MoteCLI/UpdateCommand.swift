import MoteHAL
import MoteLinux
import MoteNode

/// `mote update check|apply|guard|watch|status`: signed updates into the A/B slots of /opt/mote (docs/updates.md).
///
/// `check` (UpdateCheck.swift) fetches and verifies signed TUF metadata and the image, then
/// installs it as `apply` does. `apply` is the developer and CI entry point for the install
/// half: it takes the expected SHA-256 (and length) of each file on the command line.
enum UpdateCommand {
    static let usage = """
        usage: mote update check [--config FILE] [--root DIR] [--dry-run] [--if-due] [--restart] [--time T]
               mote update apply --image DIR --sha256 NAME=HEX... [--length NAME=BYTES]... --version N
                                 [--hardware ID] [--root DIR]
               mote update guard [--root DIR] [--max-starts N]
               mote update watch [--root DIR] [--timeout DURATION] [--time SECONDS] [--restart]
               mote update status [--root DIR] [--max-starts N]

          check    read [update] of FILE (default ROOT/opt/mote/current/node.toml), refresh the
                   signed TUF metadata, and when the image target for this board has an image
                   version above the installed one, download it, verify it and install it as
                   apply does, on trial. --dry-run: say what would be installed, download
                   nothing; --if-due: nothing when the last check is younger than
                   check_interval; --restart: then systemctl restart mote.service; --time T:
                   the time (YYYY-MM-DDTHH:MM:SSZ or seconds since 1970) instead of the clock
          apply    install DIR/mote (and DIR/node.toml when named) into the slot `stable` does not
                   point at, check every copy's length and SHA-256 from disk, and switch
                   /opt/mote/current to it on trial; a file that does not match installs
                   nothing. Restart the node afterwards (systemctl restart mote). A developer
                   and CI entry point: check passes what signed metadata says.
          guard    before each start of the node, as root (ExecStartPre=+/opt/mote/stable/mote
                   update guard): repair what an interrupted step left; confirm a trial slot
                   that marked itself healthy, count its starts, or revert to the stable slot
                   after --max-starts (default 3) starts without a health mark
          watch    every minute, as root (mote-update-watch.timer): confirm a trial slot that
                   marked itself healthy now, or revert one that has not --timeout (default
                   10m) after its last start; prints a line only when it does either.
                   --restart: restart mote.service after a revert. --time SECONDS: the
                   clock, seconds since boot (default: now; the guard times starts so), for tests
          status   the links, the trial and each slot's version and check

          --sha256 NAME=HEX  a file of the image (mote or node.toml) and its SHA-256
          --length NAME=N    its length in bytes (default: the file's size now)
          --version N        the image's version, kept in the slot's manifest
          --hardware ID      the board id the image is for, kept in the manifest
          --root DIR         the board's root (default /); tests use a directory
        """

    static func run(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else { return Report.usage(UsageError("update needs check, apply, guard, watch or status"), usage) }
        if command == "--help" || command == "-h" {
            Console.line(usage)
            return ExitCode.ok
        }
        if command == "check" { return check(Array(arguments.dropFirst())) }
        if command == "watch" { return watch(Array(arguments.dropFirst())) }
        let (options, status) = parse(Array(arguments.dropFirst()), valued: ["--image", "--version", "--hardware", "--root", "--max-starts"],
                                      flags: [], repeated: ["--sha256", "--length"])
        guard let parsed = options else { return status }
        let maximum: Int
        switch parsed.number("--max-starts", default: 3, range: 1...100) {
        case .success(let value): maximum = value
        case .failure(let error): return Report.usage(error, usage)
        }
        // Every subcommand checks slots by their SHA-256.
        if let reason = LibCrypto.unavailable { return Report.fail("update \(command): " + reason + "; nothing changed") }
        let store = SlotStore<LibCrypto.SHA256>(root: parsed.values["--root"] ?? "/", maximumStarts: maximum)
        switch command {
        case "apply": return apply(parsed, store: store)
        case "guard":
            do {
                let report = try store.guardStart()
                for action in report.actions { Console.line("mote update guard: " + action) }
                Console.line("mote update guard: starting slot \(report.current)")
                return ExitCode.ok
            } catch {
                return Report.fail("update guard: " + error.message)
            }
        case "status":
            for line in store.status() { Console.line(line) }
            return ExitCode.ok
        default:
            return Report.usage(UsageError("unknown update command '\(command)' (check, apply, guard, watch or status)"), usage)
        }
    }

    /// A subcommand's options; nil with the exit status when there is nothing more to do
    /// (the usage printed for --help, or a usage error).
    static func parse(_ arguments: [String], valued: Set<String>, flags: Set<String>, repeated: Set<String> = []) -> (Arguments?, Int32) {
        let parsed: Arguments
        switch Arguments.parse(arguments, valued: valued, flags: flags.union(["--help"]), repeated: repeated) {
        case .success(let arguments): parsed = arguments
        case .failure(let error): return (nil, Report.usage(error, usage))
        }
        if parsed.has("--help") {
            Console.line(usage)
            return (nil, ExitCode.ok)
        }
        if let extra = parsed.positionals.first { return (nil, Report.usage(UsageError("unexpected argument '\(extra)'"), usage)) }
        return (parsed, ExitCode.ok)
    }

    static func check(_ arguments: [String]) -> Int32 {
        let (options, status) = parse(arguments, valued: ["--config", "--root", "--time"], flags: ["--dry-run", "--if-due", "--restart"])
        guard let parsed = options else { return status }
        // Signatures and slots are checked by libcrypto: without it, say so, not "not signed".
        if let reason = LibCrypto.unavailable { return Report.fail("update check: " + reason + "; nothing checked") }
        var check = UpdateCheck(root: parsed.values["--root"] ?? "/")
        check.config = parsed.values["--config"]
        check.dryRun = parsed.has("--dry-run")
        check.ifDue = parsed.has("--if-due")
        check.restart = parsed.has("--restart")
        if let text = parsed.values["--time"] {
            guard let seconds = TUFTime.parse(text) ?? Int64(text), seconds >= 0 else {
                return Report.usage(UsageError("option --time needs YYYY-MM-DDTHH:MM:SSZ or seconds since 1970, not '\(text)'"), usage)
            }
            check.time = seconds
        }
        if check.dryRun && check.restart { return Report.usage(UsageError("--dry-run installs nothing to restart: not with --restart"), usage) }
        return check.run()
    }

    static func watch(_ arguments: [String]) -> Int32 {
        let (options, status) = parse(arguments, valued: ["--root", "--timeout", "--time"], flags: ["--restart"])
        guard let parsed = options else { return status }
        if let reason = LibCrypto.unavailable { return Report.fail("update watch: " + reason + "; nothing changed") }
        var timeout: Int64 = 600
        if let text = parsed.values["--timeout"] {
            guard let span = DurationText.parse(text), span.nanoseconds >= 1_000_000_000, span.nanoseconds % 1_000_000_000 == 0 else {
                return Report.usage(UsageError("option --timeout needs a duration of whole seconds such as 10m or 90s, not '\(text)'"), usage)
            }
            timeout = span.nanoseconds / 1_000_000_000
        }
        var now = BootClock.seconds()
        if let text = parsed.values["--time"] {
            guard let seconds = Int64(text), seconds >= 0 else {
                return Report.usage(UsageError("option --time needs seconds since boot, not '\(text)'"), usage)
            }
            now = seconds
        }
        let store = SlotStore<LibCrypto.SHA256>(root: parsed.values["--root"] ?? "/")
        let report: SlotStore<LibCrypto.SHA256>.WatchReport
        do {
            report = try store.watch(now: now, timeout: timeout)
        } catch {
            return Report.fail("update watch: " + error.message)
        }
        // Quiet when there is nothing to do: it runs every minute.
        guard let action = report.action else { return ExitCode.ok }
        Console.line("mote update watch: " + action)
        if report.reverted != nil, parsed.has("--restart") {
            Console.flush()
            if let failure = Process.restart(unit: "mote.service") {
                return Report.fail("update watch: \(failure); \(store.currentLink) points at the stable slot, which mote.service runs at its next start")
            }
        }
        return ExitCode.ok
    }

    static func apply(_ parsed: Arguments, store: SlotStore<LibCrypto.SHA256>) -> Int32 {
        guard let directory = parsed.values["--image"], !directory.isEmpty else { return Report.usage(UsageError("apply needs --image DIR"), usage) }
        guard let versionText = parsed.values["--version"], let version = Int64(versionText), version >= 0 else {
            return Report.usage(UsageError("apply needs --version N, a whole number"), usage)
        }
        var lengths: [String: Int64] = [:]
        for item in parsed.lists["--length"] ?? [] {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let length = Int64(parts[1]), length >= 0 else {
                return Report.usage(UsageError("option --length needs NAME=BYTES, not '\(item)'"), usage)
            }
            lengths[parts[0]] = length
        }
        var files: [VerifiedImage.File] = []
        for item in parsed.lists["--sha256"] ?? [] {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let digest = Hex.decode(parts[1].utf8), digest.count == 32 else {
                return Report.usage(UsageError("option --sha256 needs NAME=HEX with 64 hex digits, not '\(item)'"), usage)
            }
            guard VerifiedImage.fileNames.contains(parts[0]) else {
                return Report.usage(UsageError("option --sha256: a slot holds " + VerifiedImage.fileNames.joined(separator: " and ") + ", not '\(parts[0])'"), usage)
            }
            guard !files.contains(where: { $0.name == parts[0] }) else { return Report.usage(UsageError("option --sha256: \(parts[0]) given twice"), usage) }
            let path = directory + "/" + parts[0]
            guard let length = lengths[parts[0]] ?? Files.size(path) else { return Report.fail("update apply: \(path): no such file; nothing installed") }
            files.append(VerifiedImage.File(name: parts[0], path: path, length: length, sha256: digest))
        }
        for name in lengths.keys where !files.contains(where: { $0.name == name }) {
            return Report.usage(UsageError("option --length \(name)=...: no --sha256 for \(name)"), usage)
        }
        guard files.contains(where: { $0.name == "mote" }) else { return Report.usage(UsageError("apply needs --sha256 mote=HEX"), usage) }
        do {
            let slot = try store.apply(VerifiedImage(files: files, version: version, hardwareID: parsed.values["--hardware"] ?? ""))
            Console.line("mote update apply: installed version \(version) into slot \(slot) and switched \(store.currentLink) to it, on trial; "
                         + "restart the node to start it (systemctl restart mote)")
            return ExitCode.ok
        } catch {
            return Report.fail("update apply: " + error.message)
        }
    }
}
