import ArgumentParser
import Foundation
import MoteCLI
import MoteNode

/// `motectl check NODE.toml`: validates a node file and its board file on the desktop, with the
/// same parser and messages as the node, and prints the normalized node.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a node file (and its board file) and print the normalized node.",
        discussion: """
            Every problem is printed as FILE:LINE:COLUMN: KEY: MESSAGE, all of them, and the exit \
            status is 78 (the one the node itself refuses to start with). docs/configuration.md \
            documents every key.
            """
    )

    @Argument(help: ArgumentHelp("The node file.", valueName: "node.toml"))
    var path: String

    @Option(help: "The board file, when not boards/<node.board>.toml next to the node file or its parent.")
    var board: String?

    @Flag(name: .shortAndLong, help: "Print nothing when the files are valid.")
    var quiet = false

    func run() throws {
        switch ConfiguredRun.load(path, board: board) {
        case .success(let (configuration, _)):
            if !quiet { print(configuration.normalized, terminator: "") }
        case .failure(let problems):
            for error in problems.errors { printError(error.description) }
            printError("\(problems.errors.count) error\(problems.errors.count == 1 ? "" : "s")")
            throw ExitCode(ConfiguredRun.invalidConfiguration)
        }
    }

    private func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
