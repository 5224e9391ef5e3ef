import ArgumentParser
import Foundation
import MoteCLI
import MoteNode

/// `motectl board identify`: which board file a device tree's model and compatible strings
/// pick, with the matching `mote board` runs on the board.
struct BoardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "Board files: identify a board from its device tree's model and compatible strings.",
        subcommands: [Identify.self]
    )

    struct Identify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the id of the board file that matches a device tree's model and compatible strings.",
            discussion: """
                The strings are what /proc/device-tree/model and .../compatible hold on the board \
                (cat them, or `tr '\\0' '\\n' < /proc/device-tree/compatible`). A model prefix match \
                wins over a compatible one; the generic aarch64 board file matches only as a \
                fallback, and only with --arch aarch64. Exit 1 when nothing matches. See boards/README.md.
                """
        )

        @Option(help: ArgumentHelp("The device tree's model (/proc/device-tree/model).", valueName: "text"))
        var model: String?

        @Option(help: ArgumentHelp("An entry of the device tree's compatible list, most specific first. Repeatable.", valueName: "text"))
        var compatible: [String] = []

        @Option(help: ArgumentHelp("Only board files of this CPU architecture (aarch64, armv7, x86_64), as the board's own mote does.",
                                   valueName: "arch"))
        var arch: String?

        @Option(help: ArgumentHelp("The board files (default: the repository's boards/).", valueName: "dir"))
        var boards: String?

        func validate() throws {
            if model == nil && compatible.isEmpty { throw ValidationError("give --model, --compatible or both") }
            if let arch, !["aarch64", "armv7", "x86_64"].contains(arch) {
                throw ValidationError("--arch: \"\(arch)\" is not aarch64, armv7 or x86_64")
            }
        }

        func run() throws {
            guard let directory = boards ?? Self.repositoryBoards() else {
                throw CodecFailure("no boards/ directory found next to motectl or in the current directory; give --boards DIR")
            }
            let (loaded, problems) = BoardFiles.load(directory)
            for problem in problems { printError("motectl: skipped " + problem) }
            guard !loaded.isEmpty else {
                printError("motectl: no board files in \(directory)")
                throw ExitCode(1)
            }
            switch BoardIdentification.identify(DeviceTree(model: model, compatible: compatible), among: loaded, architecture: arch) {
            case .success(let match):
                print(match.board.id)
            case .failure(let unknown):
                printError("motectl: " + unknown.description)
                throw ExitCode(1)
            }
        }

        /// boards/ of the repository motectl runs from: up from the executable (.build/debug/motectl),
        /// else the current directory and up.
        static func repositoryBoards() -> String? {
            let manager = FileManager.default
            var starts = [URL(fileURLWithPath: manager.currentDirectoryPath)]
            if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() { starts.insert(executable.deletingLastPathComponent(), at: 0) }
            for start in starts {
                var directory = start
                while directory.path != "/" {
                    let boards = directory.appendingPathComponent("boards")
                    if manager.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
                       manager.fileExists(atPath: boards.path) {
                        return boards.path
                    }
                    directory.deleteLastPathComponent()
                }
            }
            return nil
        }

        private func printError(_ text: String) {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }
}
