import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import MoteTools

@Suite struct SVGPlotTests {
    func render(_ text: String, width: Int = 1000, title: String = "run.jsonl") throws -> String {
        let log = try RunLog.parse(text)
        return SVGPlot(width: width, title: title).render(log, channels: ChannelSeries.split(log))
    }

    func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Parses as XML (so escaping holds) and returns the root element's attributes.
    func rootAttributes(_ svg: String) -> [String: String]? {
        final class Root: NSObject, XMLParserDelegate {
            var attributes: [String: String]?
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                        qualifiedName: String?, attributes: [String: String] = [:]) {
                if self.attributes == nil { self.attributes = attributes.merging(["name": name]) { a, _ in a } }
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let root = Root()
        parser.delegate = root
        return parser.parse() ? root.attributes : nil
    }

    @Test func xmlEscaping() throws {
        #expect(XMLText.escape(#"a<b & "c" 'd'>"#) == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
        #expect(XMLText.escape("tab\tok\u{1}bell") == "tab\tok\u{FFFD}bell")
        #expect(XMLText.escape("21 °C") == "21 °C")
        let line = #"{"type":"reading","t":0,"sensor":"x<&>\"y","channel":"a'b","value":1,"filtered":null,"unit":"<u>","report":true}"#
        let svg = try render(line + "\n", title: "R&D <run>")
        #expect(svg.contains("x&lt;&amp;&gt;&quot;y · a&apos;b [&lt;u&gt;]"))
        #expect(svg.contains("<title>R&amp;D &lt;run&gt;</title>"))
        #expect(rootAttributes(svg) != nil)
    }

    @Test func standaloneSVG11() throws {
        let svg = try render(Synthetic.run(samples: 600).text)
        let root = try #require(rootAttributes(svg))
        #expect(root["name"] == "svg")
        #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root["version"] == "1.1")
        #expect(root["width"] == "1000")
        #expect(root["viewBox"] == "0 0 1000 \(root["height"] ?? "?")")
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<svg "))
    }

    @Test func sameInputSameBytes() throws {
        let text = Synthetic.run(samples: 2000).text
        #expect(try render(text) == render(text))
    }

    /// A simulated day: 86,400 readings a channel stay a small file, and no transmitted point or
    /// flagged reading is lost to decimation.
    @Test func aDayStaysSmall() throws {
        let (text, counts) = Synthetic.run(samples: 86_400)
        let start = ContinuousClock.now
        let svg = try render(text)
        let elapsed = ContinuousClock.now - start
        #expect(svg.utf8.count < 2_000_000)
        #expect(elapsed < .seconds(20))
        // Circles: one per transmitted point, one per door edge, one in the legend.
        #expect(count("<circle", in: svg) == counts.reports + 4 + 1)
        // Crosses: one per uncertain reading, one in the legend.
        #expect(count("l6 6m0 -6l-6 6", in: svg) == counts.flagged + 1)
        #expect(svg.contains("sent \(counts.reports) / 86400 ("))
        #expect(svg.contains("frames \(counts.frames) · bytes on air \(counts.frames * 11) · 11.00 bytes/frame · span 23:59:59"))
    }

    /// Renders with a real SVG renderer and counts what landed on the page.
    @Test func rendersWithRsvgConvert() throws {
        let (text, _) = Synthetic.run(samples: 3000)
        let svg = try render(text, width: 800)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motectl-render-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svgURL = directory.appendingPathComponent("plot.svg"), pngURL = directory.appendingPathComponent("plot.png")
        try Data(svg.utf8).write(to: svgURL)

        let converter = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let rsvg = try #require(converter, "rsvg-convert not found: apt-get install librsvg2-bin")
        let (status, _) = try run(rsvg, ["--background-color", "white", "-f", "png", "-o", pngURL.path, svgURL.path])
        #expect(status == 0)

        let (decoded, output) = try run("/usr/bin/python3", ["-c", Self.pngCensus, pngURL.path])
        #expect(decoded == 0)
        // MOTECTL_KEEP_RENDER=DIR keeps the SVG and PNG for a look.
        if let keep = ProcessInfo.processInfo.environment["MOTECTL_KEEP_RENDER"] {
            for url in [svgURL, pngURL] {
                let target = URL(fileURLWithPath: keep).appendingPathComponent(url.lastPathComponent)
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.copyItem(at: url, to: target)
            }
        }
        let figures = output.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(figures.count == 6, "python said: \(output)")
        let (width, height, ink, orange, red, blue) = (figures[0], figures[1], figures[2], figures[3], figures[4], figures[5])
        let root = try #require(rootAttributes(svg))
        #expect(width == 800)
        #expect(String(height) == root["height"])
        #expect(ink > width * height / 50)          // more than 2 % of the page is not white
        #expect(orange > 200)                       // transmitted dots and the hold
        #expect(red > 100)                          // the uncertain readings' crosses (the legend's has ~12)
        #expect(blue > 200)                         // the filtered line
    }

    func run(_ tool: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Decodes an 8-bit RGB(A) PNG with the standard library and prints
    /// "width height non-white orange red blue" pixel counts.
    static let pngCensus = #"""
    import struct, sys, zlib
    data = open(sys.argv[1], "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    ink = orange = red = blue = 0
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1: line[i] = (line[i] + a) & 255
            elif kind == 2: line[i] = (line[i] + b) & 255
            elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            r, g, b = line[x], line[x + 1], line[x + 2]
            if (r, g, b) != (255, 255, 255): ink += 1
            if r > 220 and 100 < g < 170 and b < 60: orange += 1
            if r > 180 and g < 80 and b < 80: red += 1
            if r < 60 and 90 < g < 150 and b > 150: blue += 1
        previous = line
    print(width, height, ink, orange, red, blue)
    """#
}
