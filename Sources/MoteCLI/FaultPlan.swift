import MoteHAL
import MoteNode
import MoteSimulation

/// `mote --config NODE --simulate --faults FILE`: the device models' faults switched on and off
/// on the node's timeline, for long simulated runs (scripts/soak). One window a line:
///
///     # TARGET   FAULT     FROM    UNTIL
///     air        nak       2d3h    2d9h
///     modem      silence   3d      3d20h
///
/// TARGET is a sensor id of the node file or `modem`; FAULT one of the target's model faults
/// (`names`); FROM and UNTIL are node time from the timeline's start (`--sim-start` counts on
/// the same timeline), durations as in node files, UNTIL exclusive. `#` starts a comment.
public struct FaultPlan: Equatable {
    public struct Entry: Equatable {
        public var target: String
        public var fault: String
        public var from: TimeSpan
        public var until: TimeSpan

        public init(target: String, fault: String, from: TimeSpan, until: TimeSpan) {
            self.target = target
            self.fault = fault
            self.from = from
            self.until = until
        }
    }

    public var entries: [Entry] = []

    public init(entries: [Entry] = []) { self.entries = entries }

    /// The windows of `target`, in file order.
    func windows(_ target: String) -> [Entry] { entries.filter { $0.target == target } }

    /// Fault names by driver (and `modem`): what the file may name for a target of that kind.
    public static let names: [(driver: String, faults: [String])] = [
        ("bme280", ["nak", "chip-id", "stuck"]),
        ("sht4x", ["nak", "crc", "stuck", "out-of-range"]),
        ("sht3x", ["nak", "crc", "stuck", "out-of-range"]),
        ("bh1750", ["nak", "stuck", "out-of-range"]),
        ("scd4x", ["nak", "crc", "stuck", "out-of-range", "never-ready"]),
        ("ads1115", ["nak", "stuck", "out-of-range", "never-ready"]),
        ("ds18b20", ["disconnected", "crc", "power-on-reset", "stuck"]),
        ("pms5003", ["checksum", "garbage", "partial", "wrong-length", "silence", "stuck", "out-of-range"]),
        ("nmea-gps", ["checksum", "garbage", "partial", "silence", "stuck", "out-of-range", "no-fix"]),
        ("modbus", ["silence", "bad-crc", "exception"]),
        ("digital-input", ["chip-lost"]),
        ("pulse-counter", ["chip-lost"]),
        ("modem", ["silence", "garbage", "busy", "duty-cycle", "frame-counter"]),
    ]

    /// The plan in `text`, checked against the node: every mistake at once, as `file:line: message`.
    public static func parse(_ text: String, file: String, node: NodeConfiguration) -> Result<FaultPlan, UsageProblems> {
        var plan = FaultPlan()
        var problems: [String] = []
        var number = 0
        // "\r\n" is one Character in Swift: a CRLF file splits on it, not on "\n".
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if fields.isEmpty { continue }
            func problem(_ message: String) { problems.append("\(file):\(number): " + message) }
            guard fields.count == 4 else {
                problem("expected TARGET FAULT FROM UNTIL, found \(fields.count) field\(fields.count == 1 ? "" : "s")")
                continue
            }
            let target = fields[0], fault = fields[1]
            let kind: String
            if target == "modem" {
                guard UplinkConfiguration.modemTransports.contains(node.uplink.transport) else {
                    problem("modem: the node's transport is \(node.uplink.transport), not a modem")
                    continue
                }
                kind = "modem"
            } else if let sensor = node.sensors.first(where: { $0.id == target }) {
                kind = sensor.driver
            } else {
                problem("no sensor \"\(target)\" in the node file (targets: " + (node.sensors.map { $0.id } + ["modem"]).joined(separator: ", ") + ")")
                continue
            }
            let allowed = names.first { $0.driver == kind }?.faults ?? []
            if !allowed.contains(fault) {
                let what = kind == "modem" ? "the modem" : "\(kind) \"\(target)\""
                problem("unknown fault \"\(fault)\" for \(what) (expected " + allowed.joined(separator: ", ") + ")")
            }
            var bounds: [TimeSpan] = []
            for text in fields[2...3] {
                if let span = DurationText.parse(text) {
                    bounds.append(span)
                } else {
                    problem("\"\(text)\" is not a duration; write it like \"0s\", \"90m\" or \"2d3h\"")
                }
            }
            guard bounds.count == 2, allowed.contains(fault) else { continue }
            guard bounds[0] < bounds[1] else {
                problem("the window ends at or before it starts (\(fields[2]) until \(fields[3]))")
                continue
            }
            plan.entries.append(Entry(target: target, fault: fault, from: bounds[0], until: bounds[1]))
        }
        return problems.isEmpty ? .success(plan) : .failure(UsageProblems(messages: problems))
    }

    // MARK: The models' faults by name (every name in `names` maps; a test checks it)

    static func bme280(_ name: String) -> BME280Model.Fault? {
        switch name {
        case "nak": return .nakAddress
        case "chip-id": return .wrongChipID(0x58)
        case "stuck": return .stuck
        default: return nil
        }
    }

    static func sht4x(_ name: String) -> SHT4xModel.Fault? {
        switch name {
        case "nak": return .nakAddress
        case "crc": return .crcError(word: 0)
        case "stuck": return .stuck
        case "out-of-range": return .outOfRange
        default: return nil
        }
    }

    static func sht3x(_ name: String) -> SHT3xModel.Fault? {
        switch name {
        case "nak": return .nakAddress
        case "crc": return .crcError(word: 0)
        case "stuck": return .stuck
        case "out-of-range": return .outOfRange
        default: return nil
        }
    }

    static func bh1750(_ name: String) -> BH1750Model.Fault? {
        switch name {
        case "nak": return .nakAddress
        case "stuck": return .stuck
        case "out-of-range": return .outOfRange
        default: return nil
        }
    }

    static func scd4x(_ name: String) -> SCD4xModel.Fault? {
        switch name {
        case "nak": return .nakAddress
        case "crc": return .crcError(word: 0)
        case "stuck": return .stuck
        case "out-of-range": return .outOfRange
        case "never-ready": return .neverReady
        default: return nil
        }
    }

    static func ads1115(_ name: String) -> ADS1115Model.Fault? {
        switch name {
        case "nak": return .nakAddress
        case "stuck": return .stuck
        case "out-of-range": return .outOfRange
        case "never-ready": return .neverReady
        default: return nil
        }
    }

    static func ds18b20(_ name: String) -> DS18B20Model.Fault? {
        switch name {
        case "disconnected": return .disconnected
        case "crc": return .crcError
        case "power-on-reset": return .powerOnReset
        case "stuck": return .stuck
        default: return nil
        }
    }

    static func pms5003(_ name: String) -> PMS5003Model.Fault? {
        switch name {
        case "checksum": return .checksum
        case "garbage": return .garbage
        case "partial": return .partialFrame
        case "wrong-length": return .wrongLength
        case "silence": return .silence
        case "stuck": return .stuck
        case "out-of-range": return .outOfRange
        default: return nil
        }
    }

    static func gps(_ name: String) -> NMEAGPSModel.Fault? {
        switch name {
        case "checksum": return .checksum
        case "garbage": return .garbage
        case "partial": return .partialSentence
        case "silence": return .silence
        case "stuck": return .stuck
        case "out-of-range": return .outOfRange
        case "no-fix": return .noFix
        default: return nil
        }
    }

    static func modbus(_ name: String) -> ModbusSlaveModel.Fault? {
        switch name {
        case "silence": return .silence
        case "bad-crc": return .badCRC
        case "exception": return .exception(0x04)  // server device failure
        default: return nil
        }
    }

    static func modem(_ name: String) -> LoRaModemModel.Fault? {
        switch name {
        case "silence": return .silence
        case "garbage": return .garbage
        case "busy": return .busy
        case "duty-cycle": return .dutyCycle
        case "frame-counter": return .frameCounter
        default: return nil
        }
    }
}

/// Several usage mistakes found at once (a fault file's lines), each a whole message.
public struct UsageProblems: Error, Equatable {
    public var messages: [String]
}
