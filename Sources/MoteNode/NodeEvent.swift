import MoteHAL

/// What the node tells the world, in the order it happens.
public enum NodeEvent: Equatable {
    /// A sensor's value and what the channel's filter chain made of it: its output, whether
    /// that was reported for the next frame, and why a value was rejected.
    case reading(sensor: String, Reading, FilterOutput)
    /// Something a sensor saw happen between readings (a door's edges), reported at `at` with
    /// the time it happened in the reading's timestamp.
    case event(sensor: String, Reading, at: Instant)
    /// A frame handed to the uplink.
    case frame(Frame, at: Instant)
    /// A sensor changed state: `degraded` with the reason and the time of the next try, or back
    /// to `ok`.
    case sensorState(sensor: String, SensorState, at: Instant)
    /// Something was left out but the node goes on (a value that did not fit its frame field).
    case warning(String, at: Instant)
    /// The network sent a downlink, and what the node did with it ("applied ...", or why not).
    case downlink(Downlink, result: String, at: Instant)
    /// The uplink's accounts when the node stops (a queue and a transport other than standard
    /// output): what this run accepted, sent, dropped and rejected, what it found waiting and leaves.
    case uplink(UplinkTotals, at: Instant)
}

/// One run's uplink accounts: `carried + accepted == sent + dropped + rejected + queued`, exactly.
public struct UplinkTotals: Equatable {
    /// Frames accepted into the queue by this run.
    public var accepted = 0
    /// Frames the transport took (acknowledged, when confirmed) in this run.
    public var sent = 0
    /// Frames dropped by this run because the queue was full, oldest first.
    public var dropped = 0
    /// Frames the transport refused for good in this run.
    public var rejected = 0
    /// Frames waiting in the queue now.
    public var queued = 0
    /// Frames that were waiting in the queue when this run opened it (after its recovery).
    public var carried = 0
    /// The queue's persistent drop and reject counts, over its whole life.
    public var droppedTotal: UInt64 = 0
    public var rejectedTotal: UInt64 = 0

    public init() {}
}

public enum SensorState: Equatable {
    case ok
    case degraded(reason: String, retryAt: Instant)
}

/// Where events go: the console, a file, a digest. Generic, not an existential, in the node.
public protocol EventSink {
    mutating func emit(_ event: NodeEvent)
}

/// Event text: one JSON object a line for scripts, or a line for people.
public enum EventText {
    public static func json(_ event: NodeEvent) -> String {
        switch event {
        case .reading(let sensor, let reading, let output):
            let decimals = reading.channel.decimals
            var text = "{\"type\":\"reading\",\"t\":\(reading.timestamp.milliseconds),\"sensor\":\(JSONText.quoted(sensor)),"
                + "\"channel\":\(JSONText.quoted(reading.channel.name)),\"value\":\(JSONText.number(reading.value, decimals: decimals)),"
                + "\"filtered\":" + (output.value.map { JSONText.number($0, decimals: decimals) } ?? "null")
                + ",\"unit\":\(JSONText.quoted(reading.channel.unit))"
            if output.report { text += ",\"report\":true" }
            switch output.quality {
            case .good: break
            case .uncertain: text += ",\"quality\":\"uncertain\""
            case .bad: text += ",\"quality\":\"bad\""
            }
            if let note = output.note { text += ",\"note\":" + JSONText.quoted(note) }
            return text + "}"
        case .event(let sensor, let reading, let at):
            return "{\"type\":\"event\",\"t\":\(at.milliseconds),\"sensor\":\(JSONText.quoted(sensor)),"
                + "\"channel\":\(JSONText.quoted(reading.channel.name)),\"value\":\(JSONText.number(reading.value, decimals: reading.channel.decimals)),"
                + "\"timestamp_ns\":\(reading.timestamp.nanoseconds)}"
        case .frame(let frame, let at):
            return "{\"type\":\"frame\",\"t\":\(at.milliseconds),\"seq\":\(frame.sequence),\"port\":\(frame.port),"
                + "\"format\":\(JSONText.quoted(frame.format)),\"size\":\(frame.bytes.count),\"hex\":\"\(Hex.encode(frame.bytes))\"}"
        case .sensorState(let sensor, .ok, let at):
            return "{\"type\":\"sensor\",\"t\":\(at.milliseconds),\"sensor\":\(JSONText.quoted(sensor)),\"state\":\"ok\"}"
        case .sensorState(let sensor, .degraded(let reason, let retryAt), let at):
            return "{\"type\":\"sensor\",\"t\":\(at.milliseconds),\"sensor\":\(JSONText.quoted(sensor)),\"state\":\"degraded\","
                + "\"error\":\(JSONText.quoted(reason)),\"retry_t\":\(retryAt.milliseconds)}"
        case .warning(let text, let at):
            return "{\"type\":\"warning\",\"t\":\(at.milliseconds),\"message\":\(JSONText.quoted(text))}"
        case .downlink(let downlink, let result, let at):
            return "{\"type\":\"downlink\",\"t\":\(at.milliseconds),\"port\":\(downlink.port),\"hex\":\"\(Hex.encode(downlink.bytes))\","
                + "\"result\":\(JSONText.quoted(result))}"
        case .uplink(let totals, let at):
            return "{\"type\":\"uplink\",\"t\":\(at.milliseconds),\"accepted\":\(totals.accepted),\"sent\":\(totals.sent),"
                + "\"dropped\":\(totals.dropped),\"rejected\":\(totals.rejected),\"queued\":\(totals.queued),\"carried\":\(totals.carried),"
                + "\"dropped_total\":\(totals.droppedTotal),\"rejected_total\":\(totals.rejectedTotal)}"
        }
    }

    public static func human(_ event: NodeEvent) -> String {
        switch event {
        case .reading(let sensor, let reading, let output):
            let decimals = reading.channel.decimals
            let raw = "\(time(reading.timestamp))  \(sensor)  \(reading.channel.name) "
                + "\(DecimalText.format(reading.value, decimals: decimals)) \(reading.channel.symbol)"
            if let note = output.note { return raw + "  (rejected: \(note))" }
            guard let filtered = output.value else { return raw }
            return raw + "  (filtered \(DecimalText.format(filtered, decimals: decimals))\(output.report ? ", reported" : ""))"
        case .event(let sensor, let reading, _):
            return "\(time(reading.timestamp))  \(sensor)  \(reading.channel.name) -> "
                + DecimalText.format(reading.value, decimals: reading.channel.decimals)
        case .frame(let frame, let at):
            return "\(time(at))  frame #\(frame.sequence)  port \(frame.port)  \(frame.format)  "
                + "\(frame.bytes.count) bytes  \(Hex.encode(frame.bytes))"
        case .sensorState(let sensor, .ok, let at):
            return "\(time(at))  \(sensor)  ok"
        case .sensorState(let sensor, .degraded(let reason, let retryAt), let at):
            return "\(time(at))  \(sensor)  DEGRADED: \(reason); retry at \(DecimalText.format(Double(retryAt.milliseconds) / 1000, decimals: 3)) s"
        case .warning(let text, let at):
            return "\(time(at))  warning: \(text)"
        case .downlink(let downlink, let result, let at):
            return "\(time(at))  downlink  port \(downlink.port)  \(Hex.encode(downlink.bytes))  \(result)"
        case .uplink(let totals, let at):
            return "\(time(at))  uplink  accepted \(totals.accepted), sent \(totals.sent), dropped \(totals.dropped), "
                + "rejected \(totals.rejected), queued \(totals.queued) (\(totals.carried) carried from before; "
                + "\(totals.droppedTotal) dropped and \(totals.rejectedTotal) rejected over the queue's life)"
        }
    }

    /// "[   12.009 s]"
    private static func time(_ instant: Instant) -> String {
        var seconds = DecimalText.format(Double(instant.milliseconds) / 1000, decimals: 3)
        while seconds.utf8.count < 9 { seconds = " " + seconds }
        return "[\(seconds) s]"
    }
}
