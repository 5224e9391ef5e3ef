import MoteHAL
import MoteLinux
import MoteNode

/// `mote tuf-client` and the desktop `mote-tuf-client`: the TUF client command-line contract
/// of the TUF conformance suite, over the same updater the board's update check uses.
///
///     CLIENT --metadata-dir DIR init TRUSTED_ROOT_FILE
///     CLIENT --metadata-url URL --metadata-dir DIR refresh
///     CLIENT --metadata-url URL --metadata-dir DIR --target-name NAME [--target-name NAME ...]
///            --target-dir DIR --target-base-url URL download
///
/// Exit 0 on success, 1 on any failure (the reason on stderr). `--time YYYY-MM-DDTHH:MM:SSZ`
/// (for tests) fixes the reference time for expiry instead of the wall clock. Mote's own:
/// `--hardware-id ID` and `--installed-image-version N` make download refuse an image whose
/// `custom.mote` is for other boards or not newer (`MoteTargetInfo`).
public enum TUFClientCommand {
    public static let usage = """
        usage: CLIENT --metadata-dir DIR init TRUSTED_ROOT_FILE
               CLIENT --metadata-url URL --metadata-dir DIR refresh
               CLIENT --metadata-url URL --metadata-dir DIR --target-name NAME [--target-name NAME ...] --target-dir DIR --target-base-url URL download
               (any of them: --time YYYY-MM-DDTHH:MM:SSZ fixes the reference time, for tests;
                download: --hardware-id ID and --installed-image-version N refuse a Mote image
                for other boards or not newer, by its custom.mote fields)
        """

    struct Invocation {
        var metadataDirectory: String?
        var metadataURL: String?
        var targetNames: [String] = []
        var targetDirectory: String?
        var targetBaseURL: String?
        var time: Int64?
        var hardwareID: String?
        var installedImageVersion: Int64?
        var positionals: [String] = []
    }

    /// `program` names the command in messages ("mote tuf-client", "mote-tuf-client").
    public static func run(_ arguments: [String], program: String) -> Int32 {
        defer { Console.flush() }
        var invocation = Invocation()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" {
                Console.line(usage)
                return 0
            }
            guard argument.hasPrefix("--") else {
                invocation.positionals.append(argument)
                continue
            }
            let known = ["--metadata-dir", "--metadata-url", "--target-name", "--target-dir", "--target-base-url", "--time", "--hardware-id", "--installed-image-version"]
            guard known.contains(argument) else { return fail(program, "unknown option '\(argument)'") }
            guard index < arguments.count else { return fail(program, "option \(argument) needs a value") }
            let value = arguments[index]
            index += 1
            switch argument {
            case "--metadata-dir": invocation.metadataDirectory = value
            case "--metadata-url": invocation.metadataURL = value
            case "--target-name": invocation.targetNames.append(value)
            case "--target-dir": invocation.targetDirectory = value
            case "--target-base-url": invocation.targetBaseURL = value
            case "--hardware-id": invocation.hardwareID = value
            case "--installed-image-version":
                guard let number = Int64(value), number >= 0 else { return fail(program, "option --installed-image-version needs a whole number, not '\(value)'") }
                invocation.installedImageVersion = number
            case "--time":
                guard let seconds = TUFTime.parse(value) else { return fail(program, "option --time needs YYYY-MM-DDTHH:MM:SSZ, not '\(value)'") }
                invocation.time = seconds
            default: return fail(program, "unknown option '\(argument)'")
            }
        }
        guard let command = invocation.positionals.first else { return fail(program, "no command (init, refresh or download)") }
        guard let metadataDirectory = invocation.metadataDirectory else { return fail(program, "\(command) needs --metadata-dir DIR") }
        // Every command checks signatures: without libcrypto each would count as not signed.
        if let reason = LibCrypto.unavailable { return fail(program, reason) }
        let now = invocation.time ?? WallClock.secondsSinceEpoch()
        let storage = TUFFileStorage()
        switch command {
        case "init":
            guard invocation.positionals.count == 2 else { return fail(program, "init takes one argument: TRUSTED_ROOT_FILE") }
            let file = invocation.positionals[1]
            guard let bytes = storage.read(file, maxLength: TUFLimits().rootMaxLength) else {
                return fail(program, "\(file): cannot read (missing, unreadable or more than \(TUFLimits().rootMaxLength) bytes)")
            }
            do throws(TUFUpdateError) {
                try TUFUpdater<LibCrypto, TUFFileRemote, TUFFileStorage>.initialize(metadataDirectory: metadataDirectory, rootBytes: bytes, storage: storage, referenceTime: now)
            } catch {
                return fail(program, error.description)
            }
            return 0
        case "refresh", "download":
            guard invocation.positionals.count == 1 else { return fail(program, "\(command) takes no arguments") }
            guard let metadataURL = invocation.metadataURL else { return fail(program, "\(command) needs --metadata-url URL") }
            var targetURL: String?
            if command == "download" {
                guard !invocation.targetNames.isEmpty else { return fail(program, "download needs --target-name NAME") }
                guard invocation.targetDirectory != nil else { return fail(program, "download needs --target-dir DIR") }
                guard let base = invocation.targetBaseURL else { return fail(program, "download needs --target-base-url URL") }
                targetURL = base
            }
            let work = Perform(invocation: invocation, command: command, storage: storage, now: now, program: program)
            guard let status = TUFRemoteChoice.use(metadataURL: metadataURL, targetURL: targetURL, work) else {
                return fail(program, "\(metadataURL): expected an http://, https:// or file:// URL or a directory")
            }
            return status
        default:
            return fail(program, "unknown command '\(command)' (init, refresh or download)")
        }
    }

    struct Perform: TUFRemoteUser {
        var invocation: Invocation
        var command: String
        var storage: TUFFileStorage
        var now: Int64
        var program: String

        func use<Remote: TUFRemote>(_ remote: Remote) -> Int32 {
            perform(invocation, command: command, remote: remote, storage: storage, now: now, program: program)
        }
    }

    static func perform<Remote: TUFRemote>(_ invocation: Invocation, command: String, remote: Remote, storage: TUFFileStorage, now: Int64, program: String) -> Int32 {
        do throws(TUFUpdateError) {
            var updater = try TUFUpdater<LibCrypto, Remote, TUFFileStorage>(metadataDirectory: invocation.metadataDirectory!, remote: remote, storage: storage, referenceTime: now)
            try updater.refresh()
            guard command == "download", let targetDirectory = invocation.targetDirectory else { return 0 }
            for name in invocation.targetNames {
                guard let target = try updater.targetInfo(name) else {
                    throw TUFUpdateError(file: name, .state, "no trusted targets role lists this target")
                }
                let local = targetDirectory + "/" + TUFNames.escape(name)
                if invocation.hardwareID != nil || invocation.installedImageVersion != nil {
                    try MoteTargetInfo(target).check(target: name, hardwareID: invocation.hardwareID, installedVersion: invocation.installedImageVersion)
                }
                if updater.isCached(target, at: local) { continue }
                try updater.download(target, to: local)
            }
            return 0
        } catch {
            return fail(program, error.description)
        }
    }

    static func fail(_ program: String, _ message: String) -> Int32 {
        Console.line("\(program): \(message)", to: .error)
        return 1
    }
}
