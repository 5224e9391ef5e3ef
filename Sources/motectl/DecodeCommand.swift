import ArgumentParser
import Foundation
import MoteCLI
import MoteNode
import MoteTools

/// `motectl decode [--config NODE.toml] FRAME...`: each frame as the node's generated payload
/// codec would return it, one JSON object a line.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode uplink frames (hex or b64:base64) to the JSON the node's payload codec returns.",
        discussion: """
            Prints one {"data":...,"warnings":[...],"errors":[...]} line per frame, the same bytes \
            the codec `motectl codec` generates returns. A frame is hex (0167FFD7, 01 67 FF D7, \
            01:67:ff:d7, 0x0167FFD7) or base64 after b64: (b64:AWf/1w==); - reads one frame a line \
            from standard input. The exit status is 1 when any frame has errors. See docs/codec.md.
            """
    )

    @Option(help: ArgumentHelp("The node file: channel names, scales, the compact schema, the FPort.", valueName: "node.toml"))
    var config: String?

    @Option(help: "The board file, when not boards/<node.board>.toml next to the node file or its parent.")
    var board: String?

    @Option(help: ArgumentHelp("cayennelpp, mote or senml (default: the node file's [uplink] format, else cayennelpp).", valueName: "format"))
    var format: String?

    @Option(help: "The FPort the frames came on; another than the node file's [uplink] port is an error, as in the codec.")
    var port: Int?

    @Argument(help: ArgumentHelp("Frames: hex, b64:BASE64, or - for one frame a line from standard input.", valueName: "frame"))
    var frames: [String]

    func validate() throws {
        if board != nil && config == nil { throw ValidationError("--board needs --config") }
        if port != nil && config == nil { throw ValidationError("--port needs --config: the node file says which FPort its frames use") }
        if frames.isEmpty { throw ValidationError("give at least one frame, or - to read them from standard input") }
    }

    func run() throws {
        var loaded: NodeConfiguration?
        if let config {
            switch ConfiguredRun.load(config, board: board) {
            case .success(let (configuration, _)):
                loaded = configuration
            case .failure(let problems):
                for error in problems.errors { printError(error.description) }
                printError("\(problems.errors.count) error\(problems.errors.count == 1 ? "" : "s")")
                throw ExitCode(ConfiguredRun.invalidConfiguration)
            }
        }
        let formatName = format ?? loaded?.uplink.format ?? FrameDecoder.Format.cayenneLPP.rawValue
        guard let chosen = FrameDecoder.Format(rawValue: formatName) else {
            throw ValidationError("--format: \"\(formatName)\" is not cayennelpp, mote or senml")
        }
        let decoder: FrameDecoder
        do {
            decoder = try loaded.map { try FrameDecoder(configuration: $0, format: chosen) } ?? FrameDecoder(format: chosen)
        } catch {
            throw DecodeFailure((config.map { $0 + ": " } ?? "") + "\(error)")
        }

        var failed = false
        func decode(_ text: String) {
            let result: DecodeResult
            switch FrameText.bytes(text) {
            case .success(let bytes): result = decoder.decode(bytes, port: port)
            case .failure(let error): result = DecodeResult(data: .object([]), errors: [error.description])
            }
            if !result.errors.isEmpty { failed = true }
            print(result.json)
        }
        for frame in frames {
            guard frame == "-" else {
                decode(frame)
                continue
            }
            while let line = readLine() {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                decode(line)
            }
        }
        if failed { throw ExitCode(1) }
    }

    private func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// An error the user can act on; ArgumentParser prints it and exits with status 1.
struct DecodeFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
