import ArgumentParser
import Foundation
import MoteNode
import MoteTools

/// `motectl keys new`: a signing key for the update repository.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make signing keys for the update repository (Ed25519 or ECDSA P-256).",
        subcommands: [New.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Write NAME.key (0600: the private key, PKCS#8 PEM) and NAME.pub (the TUF public key); print the keyid.",
            discussion: "Neither file is ever overwritten. See docs/update-repository.md."
        )

        @Option(name: .customLong("type"), help: ArgumentHelp("ed25519 or ecdsa-p256.", valueName: "TYPE"))
        var type: String = "ed25519"

        @Option(name: .customLong("out"), help: ArgumentHelp("The files' path without .key/.pub.", valueName: "NAME"))
        var out: String

        func run() throws {
            try repositoryRun { () throws(RepositoryError) in
                guard let type = RepositorySigningKey.KeyType(rawValue: type) else {
                    throw .badOption("--type \(type)", "expected ed25519 or ecdsa-p256")
                }
                let key = try RepositoryKeyFiles.write(.generate(type), name: out)
                print("wrote \(out).key (0600) and \(out).pub: \(type.rawValue) key \(key.keyid)")
            }
        }
    }
}

/// `motectl repo init|add-target|resign|rotate|status DIR`: the TUF repository boards update from.
struct RepoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "Make and maintain the TUF repository of signed updates: static files any web server can serve.",
        discussion: """
            DIR/metadata holds the signed metadata (N.root.json, root.json, N.targets.json, N.snapshot.json, \
            timestamp.json), DIR/targets the images. Keys are files from motectl keys new. Nothing is written \
            unless every key, threshold and value checks out. See docs/update-repository.md.
            """,
        subcommands: [Init.self, AddTarget.self, Resign.self, Rotate.self, Status.self]
    )

    struct Expiry: ParsableArguments {
        @Option(name: .customLong("expires"), help: ArgumentHelp(
            "ROLE=DURATION: how long ROLE's new metadata stays valid (default root=365d, targets=90d, snapshot=7d, timestamp=1d).",
            valueName: "ROLE=DURATION"))
        var expires: [String] = []

        func apply(to repository: inout UpdateRepository) throws(RepositoryError) {
            for text in expires {
                let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let role = RepositoryRole(rawValue: parts[0]) else {
                    throw .badOption("--expires \(text)", "expected ROLE=DURATION with ROLE root, targets, snapshot or timestamp (such as timestamp=1d)")
                }
                guard let span = DurationText.parse(parts[1]), span.nanoseconds >= 1_000_000_000 else {
                    throw .badOption("--expires \(text)", "\"\(parts[1])\" is not a duration of a second or more; write it like \"12h\", \"7d\" or \"365d\"")
                }
                repository.periods[role] = TimeInterval(span.nanoseconds / 1_000_000_000)
            }
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Make a new repository in DIR: version 1 of every role, no targets, signed by the given private keys."
        )

        @Argument(help: ArgumentHelp("The repository directory.", valueName: "DIR"))
        var directory: String

        @Option(name: .customLong("root-key"), help: ArgumentHelp("A root private key (repeat for several).", valueName: "KEY"))
        var rootKeys: [String] = []
        @Option(name: .customLong("root-threshold"), help: "How many root keys must sign root metadata.")
        var rootThreshold = 1
        @Option(name: .customLong("targets-key"), help: ArgumentHelp("A targets private key (repeat for several).", valueName: "KEY"))
        var targetsKeys: [String] = []
        @Option(name: .customLong("targets-threshold"))
        var targetsThreshold = 1
        @Option(name: .customLong("snapshot-key"), help: ArgumentHelp("A snapshot private key.", valueName: "KEY"))
        var snapshotKeys: [String] = []
        @Option(name: .customLong("snapshot-threshold"))
        var snapshotThreshold = 1
        @Option(name: .customLong("timestamp-key"), help: ArgumentHelp("A timestamp private key.", valueName: "KEY"))
        var timestampKeys: [String] = []
        @Option(name: .customLong("timestamp-threshold"))
        var timestampThreshold = 1

        @Flag(name: .customLong("consistent-snapshot"), inversion: .prefixedNo,
              help: "Store metadata as N.ROLE.json and targets as HASH.NAME, so files never change while clients read them.")
        var consistentSnapshot = true

        @OptionGroup var expiry: Expiry

        func run() throws {
            try repositoryRun { () throws(RepositoryError) in
                var repository = repositoryWithProgress(directory)
                try expiry.apply(to: &repository)
                var keys: [RepositoryRole: [RepositorySigningKey]] = [:]
                for (role, paths) in [(RepositoryRole.root, rootKeys), (.targets, targetsKeys), (.snapshot, snapshotKeys), (.timestamp, timestampKeys)] {
                    keys[role] = try paths.map { path throws(RepositoryError) in try RepositorySigningKey.load(path) }
                }
                try repository.initialize(keys: keys, thresholds: [.root: rootThreshold, .targets: targetsThreshold,
                                                                   .snapshot: snapshotThreshold, .timestamp: timestampThreshold],
                                          consistentSnapshot: consistentSnapshot)
            }
        }
    }

    struct AddTarget: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-target",
            abstract: "Add an image (or replace one of the same name) for the given boards, and sign new targets, snapshot and timestamp.",
            discussion: "--key gives the private keys of targets, snapshot and timestamp (each role needs its threshold)."
        )

        @Argument(help: ArgumentHelp("The repository directory.", valueName: "DIR"))
        var directory: String
        @Argument(help: ArgumentHelp("The image file.", valueName: "FILE"))
        var file: String
        @Option(name: .customLong("name"), help: ArgumentHelp("The target's name (default: FILE's base name).", valueName: "NAME"))
        var name: String?
        @Option(name: .customLong("hardware-id"), help: ArgumentHelp("A board id the image is for (repeat for several); other boards refuse it.", valueName: "ID"))
        var hardwareIDs: [String] = []
        @Option(name: .customLong("image-version"), help: ArgumentHelp("The image's version: boards install only a greater one than theirs.", valueName: "N"))
        var imageVersion: Int64
        @Option(name: .customLong("key"), help: ArgumentHelp("A private key of targets, snapshot or timestamp (repeat).", valueName: "KEY"))
        var keys: [String] = []
        @OptionGroup var expiry: Expiry

        func run() throws {
            try repositoryRun { () throws(RepositoryError) in
                var repository = repositoryWithProgress(directory)
                try expiry.apply(to: &repository)
                let signing = try keys.map { path throws(RepositoryError) in try RepositorySigningKey.load(path) }
                let targetName = name ?? (file.split(separator: "/").last.map(String.init) ?? file)
                try repository.addTarget(file: file, name: targetName, fields: MoteTargetFields(hardwareIDs: hardwareIDs, imageVersion: imageVersion), keys: signing)
            }
        }
    }

    struct Resign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resign",
            abstract: "Sign ROLE's metadata again with a new version and a fresh expiry (and the roles that list it: snapshot, timestamp).",
            discussion: "timestamp: timestamp only; snapshot: snapshot and timestamp; targets: all three; root: a new root version."
        )

        @Argument(help: ArgumentHelp("The repository directory.", valueName: "DIR"))
        var directory: String
        @Option(name: .customLong("role"), help: ArgumentHelp("timestamp, snapshot, targets or root.", valueName: "ROLE"))
        var role: String
        @Option(name: .customLong("key"), help: ArgumentHelp("A private key of the roles signed (repeat).", valueName: "KEY"))
        var keys: [String] = []
        @OptionGroup var expiry: Expiry

        func run() throws {
            try repositoryRun { () throws(RepositoryError) in
                guard let role = RepositoryRole(rawValue: role) else { throw .badOption("--role \(role)", "expected timestamp, snapshot, targets or root") }
                var repository = repositoryWithProgress(directory)
                try expiry.apply(to: &repository)
                try repository.resign(role, keys: try keys.map { path throws(RepositoryError) in try RepositorySigningKey.load(path) })
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Change a role's keys or threshold in a new root version, signed by the thresholds of both the old and the new root keys.",
            discussion: "After rotating targets, snapshot or timestamp, re-sign that role with its new keys (motectl repo resign)."
        )

        @Argument(help: ArgumentHelp("The repository directory.", valueName: "DIR"))
        var directory: String
        @Option(name: .customLong("role"), help: ArgumentHelp("root, targets, snapshot or timestamp.", valueName: "ROLE"))
        var role: String
        @Option(name: .customLong("remove-key"), help: ArgumentHelp("A keyid (or a unique prefix of one) to take out of the role.", valueName: "KEYID"))
        var removeKeys: [String] = []
        @Option(name: .customLong("add-key"), help: ArgumentHelp("A public key file (NAME.pub) to add to the role.", valueName: "PUB"))
        var addKeys: [String] = []
        @Option(name: .customLong("threshold"), help: "The role's new threshold.")
        var threshold: Int?
        @Option(name: .customLong("sign-with"), help: ArgumentHelp("A root private key, old or new (repeat).", valueName: "KEY"))
        var signWith: [String] = []
        @OptionGroup var expiry: Expiry

        func run() throws {
            try repositoryRun { () throws(RepositoryError) in
                guard let role = RepositoryRole(rawValue: role) else { throw .badOption("--role \(role)", "expected root, targets, snapshot or timestamp") }
                var repository = repositoryWithProgress(directory)
                try expiry.apply(to: &repository)
                let adding = try addKeys.map { path throws(RepositoryError) in try RepositoryKeyFiles.loadPublic(path) }
                let keys = try signWith.map { path throws(RepositoryError) in try RepositorySigningKey.load(path) }
                try repository.rotate(role, removing: removeKeys, adding: adding, threshold: threshold, keys: keys)
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Print each role's version, expiry, keys and valid signatures, and the targets.",
            discussion: "Exit status 1 when a client would refuse the repository: a role under its threshold or expired."
        )

        @Argument(help: ArgumentHelp("The repository directory.", valueName: "DIR"))
        var directory: String

        func run() throws {
            try repositoryRun { () throws(RepositoryError) in
                let status = try UpdateRepository(directory).status()
                print(RepositoryStatusText.text(status, now: Date()), terminator: "")
                if !status.problems.isEmpty {
                    throw .invalid(directory, "\(status.problems.count) problem\(status.problems.count == 1 ? "" : "s"): clients refuse this repository")
                }
            }
        }
    }
}

private func repositoryWithProgress(_ directory: String) -> UpdateRepository {
    var repository = UpdateRepository(directory)
    repository.progress = { line in print(line) }
    return repository
}

/// Runs `body`, printing a repository error as `motectl: MESSAGE` and exiting with status 1.
private func repositoryRun(_ body: () throws(RepositoryError) -> Void) throws {
    do {
        try body()
    } catch {
        FileHandle.standardError.write(Data(("motectl: \(error)\n").utf8))
        throw ExitCode(1)
    }
}
