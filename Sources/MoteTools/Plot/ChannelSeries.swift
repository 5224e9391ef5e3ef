/// A channel is a sensor's named stream: "bme280@i2c-1:0x76" + "temperature".
public struct ChannelKey: Hashable, Sendable, CustomStringConvertible {
    public var sensor: String
    public var channel: String

    public init(sensor: String, channel: String) {
        self.sensor = sensor
        self.channel = channel
    }

    public var description: String { "\(sensor)/\(channel)" }

    /// `--channel` accepts the bare channel name or "sensor/channel".
    public func matches(_ name: String) -> Bool {
        name == channel || name == description
    }
}

/// A time span (ms) in which a sensor was degraded.
public struct TimeRange: Equatable, Sendable {
    public var start: Double
    public var end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}

/// Everything one panel draws, split out of the run.
public struct ChannelSeries: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Periodic readings with a filter chain and reports.
        case readings
        /// Edges of a digital input, between readings.
        case inputEvents
    }

    public var key: ChannelKey
    public var kind: Kind
    public var unit: String
    /// Good-quality raw readings: the grey line and the reference of the RMS error.
    public var raw: [PlotPoint] = []
    /// The filter chain's output where there is one.
    public var filtered: [PlotPoint] = []
    /// Filtered values handed to the uplink (the raw value if the channel has no filter).
    public var transmitted: [PlotPoint] = []
    /// Readings of bad or uncertain quality, by their raw value.
    public var flagged: [PlotPoint] = []
    public var degraded: [TimeRange] = []
    /// Every reading of the channel, whatever its quality.
    public var sampled = 0

    public var sent: Int { transmitted.count }

    /// RMS of raw minus the zero-order hold of the transmitted values (see `PlotMath`).
    public var reconstructionRMS: Double? {
        PlotMath.zeroOrderHoldRMS(raw: raw, transmitted: transmitted)
    }

    /// The channels of a run in order of first appearance, each with its sensor's degraded spans.
    public static func split(_ run: RunLog) -> [ChannelSeries] {
        var order: [ChannelKey] = []
        var series: [ChannelKey: ChannelSeries] = [:]
        for reading in run.readings {
            let key = ChannelKey(sensor: reading.sensor, channel: reading.channel)
            if series[key] == nil {
                order.append(key)
                series[key] = ChannelSeries(key: key, kind: .readings, unit: reading.unit)
            }
            series[key]!.add(reading)
        }
        for event in run.inputEvents {
            let key = ChannelKey(sensor: event.sensor, channel: event.channel)
            if series[key] == nil {
                order.append(key)
                series[key] = ChannelSeries(key: key, kind: .inputEvents, unit: "")
            }
            series[key]!.raw.append(PlotPoint(t: event.t, value: event.value))
            series[key]!.sampled += 1
        }
        let spans = degradedSpans(run)
        return order.map { key in
            var channel = series[key]!
            // Edges arrive reported late, so their times need not be in order.
            if channel.kind == .inputEvents { channel.raw.sort { $0.t < $1.t } }
            channel.degraded = spans[key.sensor] ?? []
            return channel
        }
    }

    private mutating func add(_ reading: ReadingRecord) {
        sampled += 1
        let raw = PlotPoint(t: reading.t, value: reading.value)
        if reading.quality == .good {
            self.raw.append(raw)
        } else {
            flagged.append(raw)
        }
        if let value = reading.filtered { filtered.append(PlotPoint(t: reading.t, value: value)) }
        if reading.report { transmitted.append(PlotPoint(t: reading.t, value: reading.filtered ?? reading.value)) }
    }

    /// Per sensor: from each `degraded` to the next `ok`, or to the end of the run.
    public static func degradedSpans(_ run: RunLog) -> [String: [TimeRange]] {
        var open: [String: Double] = [:]
        var spans: [String: [TimeRange]] = [:]
        for state in run.sensorStates {
            if state.degraded {
                if open[state.sensor] == nil { open[state.sensor] = state.t }
            } else if let start = open.removeValue(forKey: state.sensor) {
                spans[state.sensor, default: []].append(TimeRange(start: start, end: state.t))
            }
        }
        let end = run.lastT ?? 0
        for (sensor, start) in open {
            spans[sensor, default: []].append(TimeRange(start: start, end: end))
        }
        return spans
    }
}

/// The figures at the top of the plot.
public struct RunSummary: Equatable, Sendable {
    public var frames: Int
    /// Sum of the frame sizes: payload bytes, without the link's own headers.
    public var bytesOnAir: Int
    /// Node time from the first event to the last (ms).
    public var span: Double

    public init(_ run: RunLog) {
        frames = run.frames.count
        bytesOnAir = run.frames.reduce(0) { $0 + $1.size }
        span = (run.lastT ?? 0) - (run.firstT ?? 0)
    }

    public var meanBytesPerFrame: Double? {
        frames == 0 ? nil : Double(bytesOnAir) / Double(frames)
    }
}

extension PlotMath {
    /// "sent 37 / 8640 (0.43 %)"
    public static func sentText(sent: Int, sampled: Int) -> String {
        let percent = sampled == 0 ? 0 : 100 * Double(sent) / Double(sampled)
        return "sent \(sent) / \(sampled) (\(Fixed.format(percent, decimals: 2)) %)"
    }

    /// "26:03:07" for a span in ms (whole seconds, hours not wrapped at a day).
    public static func spanText(_ milliseconds: Double) -> String {
        let seconds = Int((milliseconds / 1000).rounded())
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(seconds / 3600):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
    }
}
