import Foundation

/// How far a reading can be trusted, as `mote --jsonl` spells it ("quality" absent = good).
public enum ReadingQuality: String, Equatable, Sendable {
    case good, uncertain, bad
}

/// One `"type":"reading"` line.
public struct ReadingRecord: Equatable, Sendable {
    public var t: Double
    public var sensor: String
    public var channel: String
    public var value: Double
    public var filtered: Double?
    public var unit: String
    /// The filtered value was handed to the uplink.
    public var report: Bool
    public var quality: ReadingQuality

    public init(t: Double, sensor: String, channel: String, value: Double, filtered: Double?,
                unit: String, report: Bool = false, quality: ReadingQuality = .good) {
        self.t = t
        self.sensor = sensor
        self.channel = channel
        self.value = value
        self.filtered = filtered
        self.unit = unit
        self.report = report
        self.quality = quality
    }
}

/// One `"type":"event"` line: an edge of a digital input, placed at the time it happened.
public struct InputEventRecord: Equatable, Sendable {
    public var t: Double
    public var sensor: String
    public var channel: String
    public var value: Double
}

/// One `"type":"frame"` line; only the size matters to the plot.
public struct FrameRecord: Equatable, Sendable {
    public var t: Double
    public var size: Int
}

/// One `"type":"sensor"` line: `degraded` or back to `ok`.
public struct SensorStateRecord: Equatable, Sendable {
    public var t: Double
    public var sensor: String
    public var degraded: Bool
}

/// A malformed line of a run, with its 1-based line number.
public struct RunLogError: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// The events of one node run as `mote --jsonl` prints them. Unknown types and fields are ignored.
public struct RunLog: Equatable, Sendable {
    public var readings: [ReadingRecord] = []
    public var inputEvents: [InputEventRecord] = []
    public var frames: [FrameRecord] = []
    public var sensorStates: [SensorStateRecord] = []
    /// First and last `t` of any event (ms), nil for an empty run.
    public var firstT: Double?
    public var lastT: Double?

    public init() {}

    /// Every field any type uses, all optional: which are required depends on `type`.
    private struct Line: Decodable {
        var type: String?
        var t: Double?
        var sensor: String?
        var channel: String?
        var value: Double?
        var filtered: Double?
        var unit: String?
        var report: Bool?
        var quality: String?
        var size: Int?
        var state: String?
        var timestamp_ns: Double?
    }

    /// Unknown types are skipped entirely: they neither add marks nor stretch the time span.
    public static func parse(_ text: String) throws(RunLogError) -> RunLog {
        var run = RunLog()
        let decoder = JSONDecoder()
        var number = 0
        // Bytes, not Characters: "\r\n" is one Character and would hide the line break.
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let fields: Line
            do {
                fields = try decoder.decode(Line.self, from: Data(line))
            } catch let error as DecodingError {
                throw RunLogError(line: number, reason: reason(error))
            } catch {
                throw RunLogError(line: number, reason: "not valid JSON")
            }
            try run.add(fields, line: number)
        }
        return run
    }

    private static func reason(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            if let key = context.codingPath.last {
                return "\"\(key.stringValue)\" has the wrong type"
            }
            return "not a JSON object"
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return "\"\(context.codingPath.last!.stringValue)\" has the wrong type"
        default:
            return "not valid JSON"
        }
    }

    private mutating func add(_ fields: Line, line: Int) throws(RunLogError) {
        func need<T>(_ value: T?, _ name: String) throws(RunLogError) -> T {
            guard let value else {
                throw RunLogError(line: line, reason: "\(fields.type ?? "event") without \"\(name)\"")
            }
            return value
        }
        guard let type = fields.type else { throw RunLogError(line: line, reason: "no \"type\"") }
        let known = ["reading", "event", "frame", "sensor"]
        guard known.contains(type) else { return }
        let t = try need(fields.t, "t")
        switch type {
        case "reading":
            var quality = ReadingQuality.good
            if let name = fields.quality {
                guard let parsed = ReadingQuality(rawValue: name) else {
                    throw RunLogError(line: line, reason: "unknown quality \"\(name)\"")
                }
                quality = parsed
            }
            readings.append(ReadingRecord(
                t: t, sensor: try need(fields.sensor, "sensor"), channel: try need(fields.channel, "channel"),
                value: try need(fields.value, "value"), filtered: fields.filtered, unit: fields.unit ?? "",
                report: fields.report ?? false, quality: quality))
        case "event":
            // The edge belongs where it happened, not where it was reported.
            let at = fields.timestamp_ns.map { $0 / 1_000_000 } ?? t
            inputEvents.append(InputEventRecord(
                t: at, sensor: try need(fields.sensor, "sensor"), channel: try need(fields.channel, "channel"),
                value: try need(fields.value, "value")))
        case "frame":
            frames.append(FrameRecord(t: t, size: try need(fields.size, "size")))
        default:
            let state = try need(fields.state, "state")
            sensorStates.append(SensorStateRecord(t: t, sensor: try need(fields.sensor, "sensor"), degraded: state != "ok"))
        }
        firstT = Swift.min(firstT ?? t, t)
        lastT = Swift.max(lastT ?? t, t)
    }
}
