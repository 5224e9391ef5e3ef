import ArgumentParser
import Foundation
import MoteCLI
import MoteNode
import MoteTools

/// `motectl codec NODE.toml [-o codec.js]`: the node's uplink payload codec as JavaScript for
/// The Things Stack and ChirpStack v4.
struct CodecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec",
        abstract: "Generate the node's payload codec (JavaScript for The Things Stack and ChirpStack v4).",
        discussion: """
            The codec decodes the frames the node sends: decodeUplink(input) returns {data, warnings, \
            errors}, with each framed channel under its name in the channel's unit. See docs/codec.md.
            """
    )

    @Argument(help: ArgumentHelp("The node file.", valueName: "node.toml"))
    var path: String

    @Option(name: .shortAndLong, help: "Where to write the codec (default: standard output).")
    var output: String?

    @Option(help: "The board file, when not boards/<node.board>.toml next to the node file or its parent.")
    var board: String?

    // Overrides of the node file's `[uplink] format`, `schema` and `frame.resolution`, to try a
    // format before switching the node to it.
    @Option(help: ArgumentHelp("The frame format: cayennelpp or mote (default: the node file's [uplink] format).", valueName: "format"))
    var format: String?

    @Option(help: "The compact frame's schema id, 0...15 (default: the node file's [uplink] schema, else 0).")
    var schema: Int?

    @Option(name: .customLong("resolution"),
            help: ArgumentHelp("A compact frame field's resolution, in the channel's unit (default: the frame's resolution). Repeatable.",
                               valueName: "channel=step"))
    var resolutions: [String] = []

    func run() throws {
        let configuration: NodeConfiguration
        switch ConfiguredRun.load(path, board: board) {
        case .success(let (loaded, _)):
            configuration = loaded
        case .failure(let problems):
            for error in problems.errors { printError(error.description) }
            printError("\(problems.errors.count) error\(problems.errors.count == 1 ? "" : "s")")
            throw ExitCode(ConfiguredRun.invalidConfiguration)
        }
        let formatName = format ?? configuration.uplink.format
        guard let chosen = CodecDescription.Format(rawValue: formatName) else {
            throw ValidationError("--format: \"\(formatName)\" is not cayennelpp or mote")
        }
        let steps = try parseResolutions()
        var channels: [FramedChannel] = []
        for sensor in configuration.sensors {
            for channel in sensor.channels {
                guard let frame = channel.frame else { continue }
                let qualified = sensor.id + "." + channel.name
                channels.append(FramedChannel(
                    sensor: sensor.id, name: channel.name, unit: channel.unit, decimals: channel.decimals,
                    rangeLow: channel.rangeLow, rangeHigh: channel.rangeHigh, frameID: Int(frame.channel),
                    type: frame.type?.name ?? "", scale: frame.scale,
                    resolution: steps[qualified] ?? steps[channel.name] ?? frame.compactResolution(decimals: channel.decimals)))
            }
        }
        for key in steps.keys where !channels.contains(where: { key == $0.name || key == $0.sensor + "." + $0.name }) {
            throw ValidationError("--resolution: no framed channel \"\(key)\" (use the channel name or sensor.channel)")
        }
        let text: String
        do {
            let description = try CodecDescription(node: configuration.name, format: chosen, port: Int(configuration.uplink.port),
                                                   schema: schema ?? configuration.uplink.schema, channels: channels)
            text = try PayloadCodec.javaScript(for: description)
        } catch {
            throw CodecFailure("\(path): \(error)")
        }
        guard let output else {
            print(text, terminator: "")
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
        } catch {
            throw CodecFailure("\(output): cannot write: \(error.localizedDescription)")
        }
    }

    /// `--resolution humidity=0.5` or `--resolution air.humidity=0.5`.
    private func parseResolutions() throws -> [String: Double] {
        var steps: [String: Double] = [:]
        for entry in resolutions {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let step = Double(parts[1]), step > 0, step.isFinite else {
                throw ValidationError("--resolution \(entry): expected channel=step with a step above 0 (humidity=0.5)")
            }
            steps[parts[0]] = step
        }
        return steps
    }

    private func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// An error the user can act on; ArgumentParser prints it and exits with status 1.
struct CodecFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
