/// Renders a run as a standalone SVG 1.1 document: a summary, a legend, one panel per channel on a
/// shared time axis. Output depends only on the input (fixed number formatting, no dates), so the
/// same run gives the same bytes.
public struct SVGPlot {
    public var width: Int
    public var title: String

    public init(width: Int = 1000, title: String = "mote run") {
        self.width = Swift.max(width, 300)
        self.title = title
    }

    // Layout in px. The plot area of every panel spans [left, width - right].
    static let left = 72.0, right = 24.0
    static let headerHeight = 88.0, panelHeight = 160.0, panelTitle = 24.0, panelGap = 20.0, footer = 44.0
    static let filteredColours = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#17becf", "#bcbd22"]
    static let rawColour = "#9a9a9a", sentColour = "#ff7f0e", flaggedColour = "#d62728", degradedColour = "#f4b6b0"

    /// Pixel columns of the plot area: the decimation grid.
    public var columns: Int { Int(Double(width) - Self.left - Self.right) }

    public func render(_ run: RunLog, channels: [ChannelSeries]) -> String {
        let w = Double(width)
        let height = Self.headerHeight + Double(channels.count) * (Self.panelTitle + Self.panelHeight + Self.panelGap) + Self.footer
        let t0 = run.firstT ?? 0
        var t1 = run.lastT ?? 0
        if !(t1 > t0) { t1 = t0 + 1000 }
        let x0 = Self.left, x1 = w - Self.right
        func x(_ t: Double) -> Double { x0 + (t - t0) / (t1 - t0) * (x1 - x0) }

        var svg = """
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(width)" height="\(n(height))" \
        viewBox="0 0 \(width) \(n(height))" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">

        """
        svg += "<title>\(XMLText.escape(title))</title>\n"
        svg += "<rect width=\"\(width)\" height=\"\(n(height))\" fill=\"#ffffff\"/>\n"
        svg += "<text x=\"\(n(x0))\" y=\"24\" font-size=\"16\" font-weight=\"bold\">\(XMLText.escape(title))</text>\n"
        svg += "<text x=\"\(n(x0))\" y=\"46\">\(XMLText.escape(Self.summaryText(RunSummary(run))))</text>\n"
        svg += legend(y: 70)

        let ticks = PlotMath.timeTicks(from: t0, to: t1)
        let seconds = t1 - t0 <= 600_000
        var top = Self.headerHeight
        for (index, channel) in channels.enumerated() {
            svg += panel(channel, index: index, top: top, ticks: ticks, t0: t0, t1: t1, x: x)
            top += Self.panelTitle + Self.panelHeight + Self.panelGap
        }
        if channels.isEmpty {
            svg += "<text x=\"\(n(x0))\" y=\"\(n(top + 14))\">no readings in this run</text>\n"
        }
        // The shared time axis, under the last panel.
        let axisY = top - Self.panelGap
        for tick in ticks {
            svg += "<text x=\"\(n(x(tick.value)))\" y=\"\(n(axisY + 16))\" text-anchor=\"middle\">\(tick.label)</text>\n"
        }
        svg += "<text x=\"\(n((x0 + x1) / 2))\" y=\"\(n(axisY + 34))\" text-anchor=\"middle\" fill=\"#444444\">"
            + "node time (\(seconds ? "s" : "h:mm"))</text>\n"
        svg += "</svg>\n"
        return svg
    }

    /// "frames 37 · bytes on air 407 · 11.00 bytes/frame · span 24:00:00"
    public static func summaryText(_ summary: RunSummary) -> String {
        let mean = summary.meanBytesPerFrame.map { Fixed.format($0, decimals: 2) } ?? "–"
        return "frames \(summary.frames) · bytes on air \(summary.bytesOnAir) · \(mean) bytes/frame · span \(PlotMath.spanText(summary.span))"
    }

    /// "sent 37 / 8640 (0.43 %) · RMS error 0.0123 Cel", or the edge count of an input.
    public static func channelSummary(_ channel: ChannelSeries) -> String {
        switch channel.kind {
        case .inputEvents:
            return channel.sampled == 1 ? "1 event" : "\(channel.sampled) events"
        case .readings:
            let rms = channel.reconstructionRMS.map { "\(Fixed.significant($0)) \(channel.unit)" } ?? "n/a"
            return PlotMath.sentText(sent: channel.sent, sampled: channel.sampled) + " · RMS error \(rms)"
        }
    }

    private func legend(y: Double) -> String {
        var out = "<g font-size=\"11\">\n"
        var x = Self.left
        let step = Swift.min(140, (Double(width) - Self.left - Self.right) / 6)
        func label(_ text: String) { out += "<text x=\"\(n(x + 22))\" y=\"\(n(y + 4))\">\(text)</text>\n"; x += step }
        out += "<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x + 16))\" y2=\"\(n(y))\" stroke=\"\(Self.rawColour)\" stroke-width=\"1\"/>\n"
        label("raw")
        out += "<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x + 16))\" y2=\"\(n(y))\" stroke=\"\(Self.filteredColours[0])\" stroke-width=\"1.6\"/>\n"
        label("filtered")
        out += "<circle cx=\"\(n(x + 8))\" cy=\"\(n(y))\" r=\"3\" fill=\"\(Self.sentColour)\" stroke=\"#000000\" stroke-width=\"0.6\"/>\n"
        label("transmitted")
        out += "<path d=\"M\(n(x)) \(n(y + 4))H\(n(x + 8))V\(n(y - 4))H\(n(x + 16))\" fill=\"none\" stroke=\"\(Self.sentColour)\" stroke-width=\"1\"/>\n"
        label("zero-order hold")
        out += "<path d=\"\(cross(x + 8, y))\" stroke=\"\(Self.flaggedColour)\" stroke-width=\"1.4\"/>\n"
        label("bad / uncertain")
        out += "<rect x=\"\(n(x))\" y=\"\(n(y - 6))\" width=\"16\" height=\"12\" fill=\"\(Self.degradedColour)\" fill-opacity=\"0.5\"/>\n"
        label("sensor degraded")
        return out + "</g>\n"
    }

    private func panel(_ channel: ChannelSeries, index: Int, top: Double, ticks: [AxisTick],
                       t0: Double, t1: Double, x: (Double) -> Double) -> String {
        let x0 = Self.left, x1 = Double(width) - Self.right
        let yTop = top + Self.panelTitle, yBottom = yTop + Self.panelHeight
        let colour = Self.filteredColours[index % Self.filteredColours.count]

        var values = channel.raw + channel.filtered + channel.transmitted
        if values.isEmpty { values = channel.flagged }
        let low = values.map(\.value).min() ?? 0
        let high = values.map(\.value).max() ?? 1
        let scale = PlotMath.niceScale(low, high, target: 4)
        func y(_ v: Double) -> Double {
            let clamped = Swift.min(Swift.max(v, scale.lower), scale.upper)
            return yBottom - (clamped - scale.lower) / (scale.upper - scale.lower) * Self.panelHeight
        }

        var out = "<g>\n"
        let heading = channel.unit.isEmpty ? "\(channel.key.sensor) · \(channel.key.channel)"
            : "\(channel.key.sensor) · \(channel.key.channel) [\(channel.unit)]"
        out += "<text x=\"\(n(x0))\" y=\"\(n(top + 16))\" font-weight=\"bold\">\(XMLText.escape(heading))</text>\n"
        out += "<text x=\"\(n(x1))\" y=\"\(n(top + 16))\" text-anchor=\"end\">\(XMLText.escape(Self.channelSummary(channel)))</text>\n"
        out += "<clipPath id=\"clip\(index)\"><rect x=\"\(n(x0))\" y=\"\(n(yTop))\" width=\"\(n(x1 - x0))\" height=\"\(n(Self.panelHeight))\"/></clipPath>\n"

        for span in channel.degraded {
            let a = Swift.max(x(span.start), x0), b = Swift.min(x(span.end), x1)
            out += "<rect x=\"\(n(a))\" y=\"\(n(yTop))\" width=\"\(n(Swift.max(b - a, 1)))\" height=\"\(n(Self.panelHeight))\" "
                + "fill=\"\(Self.degradedColour)\" fill-opacity=\"0.5\"/>\n"
        }
        // Grid and axes.
        var grid = ""
        for tick in ticks { grid += "M\(n(x(tick.value))) \(n(yTop))V\(n(yBottom))" }
        for tick in scale.ticks { grid += "M\(n(x0)) \(n(y(tick.value)))H\(n(x1))" }
        out += "<path d=\"\(grid)\" stroke=\"#e4e4e4\" stroke-width=\"1\" fill=\"none\"/>\n"
        out += "<rect x=\"\(n(x0))\" y=\"\(n(yTop))\" width=\"\(n(x1 - x0))\" height=\"\(n(Self.panelHeight))\" fill=\"none\" stroke=\"#888888\" stroke-width=\"1\"/>\n"
        for tick in scale.ticks {
            out += "<text x=\"\(n(x0 - 6))\" y=\"\(n(y(tick.value) + 4))\" text-anchor=\"end\" font-size=\"11\">\(tick.label)</text>\n"
        }
        if !channel.unit.isEmpty {
            let cy = (yTop + yBottom) / 2
            out += "<text x=\"14\" y=\"\(n(cy))\" transform=\"rotate(-90 14 \(n(cy)))\" text-anchor=\"middle\" fill=\"#444444\">"
                + "\(XMLText.escape(channel.unit))</text>\n"
        }

        let clip = "clip-path=\"url(#clip\(index))\""
        let columns = self.columns
        // A gap much longer than the sampling interval (a sensor that was away) breaks the line.
        let gap = Swift.max(10 * Self.typicalInterval(channel.raw), 3 * (t1 - t0) / Double(columns))
        switch channel.kind {
        case .readings:
            let raw = PlotMath.decimate(channel.raw, from: t0, to: t1, columns: columns)
            out += "<path d=\"\(line(raw, gap: gap, x: x, y: y))\" fill=\"none\" stroke=\"\(Self.rawColour)\" stroke-width=\"0.8\" \(clip)/>\n"
            if channel.raw.count <= columns / 4 {
                var dots = ""
                for p in channel.raw { dots += "M\(n(x(p.t))) \(n(y(p.value)))h0" }
                out += "<path d=\"\(dots)\" stroke=\"\(Self.rawColour)\" stroke-width=\"3\" stroke-linecap=\"round\"/>\n"
            }
            let filtered = PlotMath.decimate(channel.filtered, from: t0, to: t1, columns: columns)
            out += "<path d=\"\(line(filtered, gap: gap, x: x, y: y))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.6\" \(clip)/>\n"
            // Never decimated: each transmitted point is a frame's worth of information.
            out += "<path d=\"\(step(channel.transmitted, until: channel.raw.last?.t ?? t1, x: x, y: y))\" fill=\"none\" "
                + "stroke=\"\(Self.sentColour)\" stroke-width=\"1\" \(clip)/>\n"
            for p in channel.transmitted {
                out += "<circle cx=\"\(n(x(p.t)))\" cy=\"\(n(y(p.value)))\" r=\"3\" fill=\"\(Self.sentColour)\" stroke=\"#000000\" stroke-width=\"0.6\"/>\n"
            }
        case .inputEvents:
            out += "<path d=\"\(step(channel.raw, until: t1, x: x, y: y))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.6\" \(clip)/>\n"
            for p in channel.raw {
                out += "<circle cx=\"\(n(x(p.t)))\" cy=\"\(n(y(p.value)))\" r=\"2.5\" fill=\"\(colour)\"/>\n"
            }
        }
        if !channel.flagged.isEmpty {
            var crosses = ""
            for p in channel.flagged { crosses += cross(x(p.t), y(p.value)) }
            out += "<path d=\"\(crosses)\" stroke=\"\(Self.flaggedColour)\" stroke-width=\"1.4\" fill=\"none\"/>\n"
        }
        return out + "</g>\n"
    }

    /// Median spacing of a series (ms), 0 for fewer than two points.
    static func typicalInterval(_ points: [PlotPoint]) -> Double {
        guard points.count > 1 else { return 0 }
        var gaps = (1..<points.count).map { points[$0].t - points[$0 - 1].t }
        gaps.sort()
        return gaps[gaps.count / 2]
    }

    private func line(_ points: [PlotPoint], gap: Double, x: (Double) -> Double, y: (Double) -> Double) -> String {
        var d = ""
        var previous: Double?
        for p in points {
            let command = previous.map { p.t - $0 > gap } ?? true ? "M" : "L"
            d += "\(command)\(n(x(p.t))) \(n(y(p.value)))"
            previous = p.t
        }
        return d.isEmpty ? "M0 0" : d
    }

    /// A zero-order hold: each value held until the next, the last until `until`.
    private func step(_ points: [PlotPoint], until end: Double, x: (Double) -> Double, y: (Double) -> Double) -> String {
        guard let first = points.first else { return "M0 0" }
        var d = "M\(n(x(first.t))) \(n(y(first.value)))"
        for p in points.dropFirst() { d += "H\(n(x(p.t)))V\(n(y(p.value)))" }
        return d + "H\(n(x(Swift.max(end, points.last!.t))))"
    }

    private func cross(_ cx: Double, _ cy: Double) -> String {
        "M\(n(cx - 3)) \(n(cy - 3))l6 6m0 -6l-6 6"
    }

    private func n(_ value: Double) -> String { Fixed.compact(value) }
}

/// Text for XML character data and attribute values.
public enum XMLText {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // Control characters other than tab and newlines are not allowed in XML 1.0 at all.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
