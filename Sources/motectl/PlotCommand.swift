import ArgumentParser
import Foundation
import MoteTools

/// `motectl plot RUN.jsonl -o plot.svg`: one SVG panel per channel of a `mote --jsonl` run.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot a node run (the JSON lines `mote --jsonl` prints) as an SVG.",
        discussion: "See docs/plot.md for what each mark and summary figure means."
    )

    @Argument(help: ArgumentHelp("The run: one JSON object per line, as `mote --jsonl` prints it.", valueName: "run.jsonl"))
    var path: String

    @Option(name: .shortAndLong, help: "Where to write the SVG.")
    var output: String

    @Option(name: .customLong("channel"),
            help: "Plot only this channel: its name (\"temperature\") or sensor/name. Repeatable.")
    var channels: [String] = []

    @Option(help: "Width of the SVG in pixels; the raw and filtered lines keep at most two points per pixel column.")
    var width: Int = 1000

    func validate() throws {
        guard width >= 300 && width <= 20_000 else { throw ValidationError("--width must be between 300 and 20000") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PlotFailure("\(path): cannot read the file")
        }
        let log: RunLog
        do {
            log = try RunLog.parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw PlotFailure("\(path): \(error)")
        }
        var series = ChannelSeries.split(log)
        if !channels.isEmpty {
            for name in channels where !series.contains(where: { $0.key.matches(name) }) {
                let known = series.map(\.key.description).joined(separator: ", ")
                throw PlotFailure("\(path): no channel \"\(name)\" (the run has: \(known.isEmpty ? "none" : known))")
            }
            series = series.filter { channel in channels.contains { channel.key.matches($0) } }
        }
        let title = (path as NSString).lastPathComponent
        let svg = SVGPlot(width: width, title: title).render(log, channels: series)
        do {
            try Data(svg.utf8).write(to: URL(fileURLWithPath: output))
        } catch {
            throw PlotFailure("\(output): cannot write: \(error.localizedDescription)")
        }
    }
}

/// An error the user can act on; ArgumentParser prints it and exits with status 1.
struct PlotFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
