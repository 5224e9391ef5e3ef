import Testing
import MoteTools

@Suite struct RunLogTests {
    static let run = """
        {"type":"reading","t":12000,"sensor":"s","channel":"temperature","value":21.53,"filtered":21.50,"unit":"Cel","report":true}
        {"type":"reading","t":13000,"sensor":"s","channel":"temperature","value":21.55,"filtered":21.51,"unit":"Cel"}
        {"type":"reading","t":14000,"sensor":"s","channel":"temperature","value":35,"filtered":21.52,"unit":"Cel","quality":"uncertain"}
        {"type":"reading","t":15000,"sensor":"s","channel":"temperature","value":21.60,"filtered":21.60,"unit":"Cel","report":true,"future":{"x":1}}
        {"type":"reading","t":14000,"sensor":"pms","channel":"pm2_5","value":1500,"filtered":null,"unit":"ug/m3","report":true}
        {"type":"frame","t":20000,"seq":0,"port":1,"format":"cayennelpp","size":11,"hex":"0167"}
        {"type":"frame","t":21000,"seq":1,"port":1,"format":"cayennelpp","size":4,"hex":"0167"}
        {"type":"sensor","t":5000,"sensor":"s","state":"degraded","error":"no ack","retry_t":6000}
        {"type":"sensor","t":7000,"sensor":"s","state":"ok"}
        {"type":"sensor","t":16000,"sensor":"s","state":"degraded","error":"no ack","retry_t":17000}
        {"type":"event","t":30000,"sensor":"door","channel":"door","value":1,"timestamp_ns":29500000000}
        {"type":"uplink-stats","t":31000,"queued":3}

        """

    @Test func sentAndSampledPerChannel() throws {
        let log = try RunLog.parse(Self.run)
        let channels = ChannelSeries.split(log)
        #expect(channels.map(\.key.description) == ["s/temperature", "pms/pm2_5", "door/door"])
        let temperature = channels[0]
        #expect(temperature.sampled == 4)
        #expect(temperature.sent == 2)
        #expect(temperature.transmitted == [PlotPoint(t: 12000, value: 21.50), PlotPoint(t: 15000, value: 21.60)])
        #expect(temperature.raw.map(\.t) == [12000, 13000, 15000])      // the uncertain one is a cross
        #expect(temperature.flagged == [PlotPoint(t: 14000, value: 35)])
        #expect(temperature.degraded == [TimeRange(start: 5000, end: 7000), TimeRange(start: 16000, end: 30000)])
        #expect(SVGPlot.channelSummary(temperature).hasPrefix("sent 2 / 4 (50.00 %) · RMS error "))
        // No filter: the transmitted point is the raw value.
        #expect(channels[1].transmitted == [PlotPoint(t: 14000, value: 1500)])
        #expect(channels[1].degraded == [])
        #expect(channels[2].kind == .inputEvents)
        #expect(channels[2].raw == [PlotPoint(t: 29500, value: 1)])    // when it happened, not when reported
    }

    @Test func runSummary() throws {
        let summary = RunSummary(try RunLog.parse(Self.run))
        #expect(summary.frames == 2)
        #expect(summary.bytesOnAir == 15)
        #expect(summary.meanBytesPerFrame == 7.5)
        #expect(summary.span == 25_000)      // t 5000 … 30000; the unknown type at 31000 does not count
        #expect(SVGPlot.summaryText(summary) == "frames 2 · bytes on air 15 · 7.50 bytes/frame · span 0:00:25")
    }

    func error(_ text: String) -> RunLogError? {
        do { _ = try RunLog.parse(text); return nil } catch { return error }
    }

    @Test func malformedLinesNameTheirLine() {
        let good = #"{"type":"frame","t":1,"size":3}"#
        #expect(error("\(good)\n\(good)\n{\"type\":\"reading\",\"t\":1,\n")?.description == "line 3: not valid JSON")
        #expect(error("\(good)\n\n[1,2]\n") == RunLogError(line: 3, reason: "not a JSON object"))
        #expect(error(#"{"type":"reading","t":"soon","sensor":"s","channel":"c","value":1}"#)?.description
            == #"line 1: "t" has the wrong type"#)
        #expect(error("\(good)\n" + #"{"type":"reading","t":1,"sensor":"s","channel":"c"}"#)?.description
            == #"line 2: reading without "value""#)
        #expect(error(#"{"t":1}"#)?.description == #"line 1: no "type""#)
        #expect(error(#"{"type":"reading","t":1,"sensor":"s","channel":"c","value":1,"quality":"meh"}"#)?.description
            == #"line 1: unknown quality "meh""#)
        #expect(error("\(good)\r\n\(good)\n") == nil)
    }
}
