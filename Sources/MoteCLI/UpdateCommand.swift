import MoteHAL
import MoteLinux
import MoteNode

/// `mote update apply|guard|status`: the A/B slots of /opt/mote (docs/updates.md).
///
/// `apply` is the developer and CI entry point for the install half: it takes the expected
/// SHA-256 (and length) of each file on the command line, where the update client will hand
/// over what it verified from signed TUF metadata. `check`, which fetches and verifies that
/// metadata, comes with the client and is not here yet.
enum UpdateCommand {
    static let usage = """
        usage: mote update apply --image DIR --sha256 NAME=HEX... [--length NAME=BYTES]... --version N
                                 [--hardware ID] [--root DIR]
               mote update guard [--root DIR] [--max-starts N]
               mote update status [--root DIR] [--max-starts N]

          apply    install DIR/mote (and DIR/node.toml when named) into the slot `stable` does not
                   point at, check every copy's length and SHA-256 from disk, and switch
                   /opt/mote/current to it on trial; a file that does not match installs
                   nothing. Restart the node afterwards (systemctl restart mote). A developer
                   and CI entry point: the update client will pass what signed metadata says.
          guard    before each start of the node, as root (ExecStartPre=+/opt/mote/stable/mote
                   update guard): repair what an interrupted step left; confirm a trial slot
                   that marked itself healthy, count its starts, or revert to the stable slot
                   after --max-starts (default 3) starts without a health mark
          status   the links, the trial and each slot's version and check

          --sha256 NAME=HEX  a file of the image (mote or node.toml) and its SHA-256
          --length NAME=N    its length in bytes (default: the file's size now)
          --version N        the image's version, kept in the slot's manifest
          --hardware ID      the board id the image is for, kept in the manifest
          --root DIR         the board's root (default /); tests use a directory
        """

    static func run(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else { return Report.usage(UsageError("update needs apply, guard or status"), usage) }
        if command == "--help" || command == "-h" {
            Console.line(usage)
            return ExitCode.ok
        }
        let parsed: Arguments
        switch Arguments.parse(Array(arguments.dropFirst()), valued: ["--image", "--version", "--hardware", "--root", "--max-starts"],
                               flags: ["--help"], repeated: ["--sha256", "--length"]) {
        case .success(let arguments): parsed = arguments
        case .failure(let error): return Report.usage(error, usage)
        }
        if parsed.has("--help") {
            Console.line(usage)
            return ExitCode.ok
        }
        if let extra = parsed.positionals.first { return Report.usage(UsageError("unexpected argument '\(extra)'"), usage) }
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
            return Report.usage(UsageError("unknown update command '\(command)' (apply, guard or status)"), usage)
        }
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
