import ArgumentParser
import Foundation
import MoteTools

/// `motectl identity new|import|show DIR`: a device's ids and keys, in a directory provisioning
/// copies to /etc/mote/identity (docs/identity.md).
struct IdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Make, import or show a device identity: its id, LoRaWAN EUIs and AppKey, and Ed25519 key.",
        discussion: """
            DIR holds identity.toml (0644: device_id, dev_eui, join_eui, public_key), device-key.pem \
            (0600: the Ed25519 private key, PKCS#8 PEM) and app-key (0600: the LoRaWAN AppKey), and \
            is itself 0700. An identity is never overwritten: new and import write nothing when any \
            of the three files exists or any value is wrong. Errors exit with status 1. See \
            docs/identity.md.
            """,
        subcommands: [New.self, Import.self, Show.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Make a new identity in DIR: a new key and AppKey, a random DevEUI unless given."
        )

        @Argument(help: ArgumentHelp("The identity directory (created with mode 0700).", valueName: "DIR"))
        var directory: String

        @Option(name: .customLong("device-id"), help: ArgumentHelp("Letters, digits, '_' and '-' (default: mote- and the DevEUI in lower case).", valueName: "ID"))
        var deviceID: String?

        @Option(name: .customLong("dev-eui"), help: ArgumentHelp("The DevEUI, 16 hex digits (default: random, locally administered).", valueName: "HEX16"))
        var devEUI: String?

        @Option(name: .customLong("join-eui"), help: ArgumentHelp("The JoinEUI (AppEUI), 16 hex digits (default: 0000000000000000).", valueName: "HEX16"))
        var joinEUI: String?

        func run() throws {
            try identityRun { () throws(IdentityError) in
                let identity = try DeviceIdentity.new(deviceID: deviceID, devEUI: devEUI, joinEUI: joinEUI)
                try report(IdentityDirectory(directory), writing: identity)
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Write an identity in DIR from given values (a new key unless --device-key)."
        )

        @Argument(help: ArgumentHelp("The identity directory (created with mode 0700).", valueName: "DIR"))
        var directory: String

        @Option(name: .customLong("device-id"), help: ArgumentHelp("Letters, digits, '_' and '-'.", valueName: "ID"))
        var deviceID: String

        @Option(name: .customLong("dev-eui"), help: ArgumentHelp("The DevEUI, 16 hex digits.", valueName: "HEX16"))
        var devEUI: String

        @Option(name: .customLong("app-key"), help: ArgumentHelp("The LoRaWAN AppKey, 32 hex digits.", valueName: "HEX32"))
        var appKey: String

        @Option(name: .customLong("join-eui"), help: ArgumentHelp("The JoinEUI (AppEUI), 16 hex digits (default: 0000000000000000).", valueName: "HEX16"))
        var joinEUI: String?

        @Option(name: .customLong("device-key"), help: ArgumentHelp("An Ed25519 private key, PKCS#8 PEM (openssl genpkey -algorithm ed25519).", valueName: "PEM_FILE"))
        var deviceKey: String?

        func run() throws {
            try identityRun { () throws(IdentityError) in
                var key: (path: String, text: String)?
                if let deviceKey {
                    guard let data = FileManager.default.contents(atPath: deviceKey), let text = String(data: data, encoding: .utf8) else {
                        throw IdentityError.badOption("--device-key", "\(deviceKey): cannot read it")
                    }
                    key = (deviceKey, text)
                }
                let identity = try DeviceIdentity.imported(deviceID: deviceID, devEUI: devEUI, appKey: appKey, joinEUI: joinEUI, deviceKey: key)
                try report(IdentityDirectory(directory), writing: identity)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print identity.toml's fields (never a secret) after checking both secrets and the key.",
            discussion: """
                Exit status 1 when a file is missing or malformed, a secret's mode is not 0600, or \
                device-key.pem's public key is not identity.toml's public_key.
                """
        )

        @Argument(help: ArgumentHelp("The identity directory.", valueName: "DIR"))
        var directory: String

        func run() throws {
            try identityRun { () throws(IdentityError) in
                print(try IdentityDirectory(directory).load().text, terminator: "")
            }
        }
    }
}

/// Writes the identity and prints its public fields and the files written.
private func report(_ directory: IdentityDirectory, writing identity: DeviceIdentity) throws(IdentityError) {
    try directory.write(identity)
    print(try directory.load().text, terminator: "")
    print("wrote \(directory.file(IdentityDirectory.deviceKeyFile)) (0600), \(directory.file(IdentityDirectory.appKeyFile)) (0600), "
        + "\(directory.file(IdentityDirectory.identityFile)) (0644)")
}

/// Runs `body`, printing an identity error as `motectl: MESSAGE` and exiting with status 1.
private func identityRun(_ body: () throws(IdentityError) -> Void) throws {
    do {
        try body()
    } catch {
        FileHandle.standardError.write(Data(("motectl: \(error)\n").utf8))
        throw ExitCode(1)
    }
}
