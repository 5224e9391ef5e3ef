import MoteHAL
import MoteLinux
import MoteNode

/// `mote gpio list|get|set|watch`: GPIO bring-up on the board without other tools.
enum GPIOCommand {
    static let usage = """
        usage: mote gpio list [--jsonl]
               mote gpio get CHIP LINE [--bias pull-up|pull-down|disabled] [--active-low] [--jsonl]
               mote gpio set CHIP LINE 0|1 [--active-low] [--hold SECONDS] [--jsonl]
               mote gpio watch CHIP LINE [--edge rising|falling|both] [--bias B] [--active-low]
                               [--debounce MS] [--events N] [--timeout SECONDS] [--jsonl]
        CHIP is a label (pinctrl-rp1), a name (gpiochip0) or a path; LINE a line name or offset.
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: Arguments
        switch Arguments.parse(arguments, valued: ["--bias", "--hold", "--edge", "--debounce", "--events", "--timeout"],
                               flags: ["--jsonl", "--active-low"]) {
        case .success(let a): parsed = a
        case .failure(let e): return Report.usage(e, usage)
        }
        let report = Report(jsonl: parsed.has("--jsonl"))
        guard let verb = parsed.positionals.first else { return Report.usage(UsageError("gpio needs a command"), usage) }
        let rest = Array(parsed.positionals.dropFirst())
        do throws(GPIOError) {
            switch verb {
            case "list" where rest.isEmpty: return list(report)
            case "get" where rest.count == 2: return try get(rest[0], rest[1], parsed, report)
            case "set" where rest.count == 3: return try set(rest[0], rest[1], rest[2], parsed, report)
            case "watch" where rest.count == 2: return try watch(rest[0], rest[1], parsed, report)
            case "list", "get", "set", "watch": return Report.usage(UsageError("wrong arguments for 'gpio \(verb)'"), usage)
            default: return Report.usage(UsageError("unknown gpio command '\(verb)'"), usage)
            }
        } catch {
            return Report.fail(error.description)
        }
    }

    static func biasName(_ bias: GPIOLineSettings.Bias) -> String {
        switch bias {
        case .asIs: return "as-is"
        case .disabled: return "disabled"
        case .pullUp: return "pull-up"
        case .pullDown: return "pull-down"
        case .unknown: return "unknown"
        }
    }

    private static func list(_ report: Report) -> Int32 {
        let chips = LinuxGPIOChip.all()
        if chips.isEmpty { return Report.fail("no GPIO chips (no /dev/gpiochip* this user can open)") }
        for chip in chips {
            report.emit(human: "\(chip.name) [\(chip.label)] \(chip.lineCount) lines",
                        json: "{\"type\":\"chip\",\(JSONText.field("name", chip.name)),\(JSONText.field("label", chip.label)),\"lines\":\(chip.lineCount)}")
            for offset in 0..<chip.lineCount {
                guard let info = try? chip.lineInfo(offset) else { continue }
                let direction = info.output ? "output" : "input"
                var human = "  \(offset)  \(info.name ?? "-")  \(direction)  \(info.used ? "used" : "-")"
                if let consumer = info.consumer, info.used { human += " by \(consumer)" }
                let json = "{\"type\":\"line\",\(JSONText.field("chip", chip.name)),\"offset\":\(offset),"
                    + "\"name\":\(info.name.map { JSONText.quoted($0) } ?? "null"),\(JSONText.field("direction", direction)),"
                    + "\"used\":\(info.used),\"consumer\":\(info.consumer.map { JSONText.quoted($0) } ?? "null"),"
                    + "\"active_low\":\(info.activeLow),\(JSONText.field("bias", biasName(info.bias)))}"
                report.emit(human: human, json: json)
            }
        }
        return ExitCode.ok
    }

    private static func bias(_ parsed: Arguments) -> Result<GPIOLineSettings.Bias, UsageError> {
        switch parsed.values["--bias"] {
        case nil, "as-is"?: return .success(.asIs)
        case "pull-up"?: return .success(.pullUp)
        case "pull-down"?: return .success(.pullDown)
        case "disabled"?: return .success(.disabled)
        case let other?: return .failure(UsageError("bias must be pull-up, pull-down, disabled or as-is, not '\(other)'"))
        }
    }

    private static func open(_ chipName: String, _ lineName: String) throws(GPIOError) -> (LinuxGPIOChip, Int) {
        let chip = try LinuxGPIOChip(chipName)
        return (chip, try chip.offset(of: lineName))
    }

    private static func lineJSON(_ chip: LinuxGPIOChip, _ offset: Int) -> String {
        let name = (try? chip.lineInfo(offset))?.name
        return "\(JSONText.field("chip", chip.name)),\"line\":\(offset),\"name\":\(name.map { JSONText.quoted($0) } ?? "null")"
    }

    private static func get(_ chipName: String, _ lineName: String, _ parsed: Arguments, _ report: Report) throws(GPIOError) -> Int32 {
        let bias: GPIOLineSettings.Bias
        switch Self.bias(parsed) {
        case .success(let b): bias = b
        case .failure(let e): return Report.usage(e, usage)
        }
        let (chip, offset) = try open(chipName, lineName)
        let line = try chip.request(offset, GPIOLineSettings(direction: .input, bias: bias, activeLow: parsed.has("--active-low")), consumer: "mote gpio")
        let value = try line.value() ? 1 : 0
        let readBack = try line.bias()
        if bias != .asIs && readBack != bias {
            Console.line("mote: warning: asked for bias \(biasName(bias)), the driver reports \(biasName(readBack))", to: .error)
        }
        report.emit(human: "\(value)", json: "{\"type\":\"gpio\",\(lineJSON(chip, offset)),\"value\":\(value),\(JSONText.field("bias", biasName(readBack)))}")
        return ExitCode.ok
    }

    private static func set(_ chipName: String, _ lineName: String, _ valueText: String, _ parsed: Arguments, _ report: Report) throws(GPIOError) -> Int32 {
        guard valueText == "0" || valueText == "1" else { return Report.usage(UsageError("value must be 0 or 1, not '\(valueText)'"), usage) }
        let hold: Int
        switch parsed.number("--hold", default: 0, range: 0...86400) {
        case .success(let h): hold = h
        case .failure(let e): return Report.usage(e, usage)
        }
        let (chip, offset) = try open(chipName, lineName)
        let line = try chip.request(offset, GPIOLineSettings(direction: .output(initial: valueText == "1"), activeLow: parsed.has("--active-low")), consumer: "mote gpio")
        report.emit(human: "\(valueText)", json: "{\"type\":\"gpio\",\(lineJSON(chip, offset)),\"value\":\(valueText),\"held_s\":\(hold)}")
        if hold > 0 { MonotonicClock().sleep(for: .seconds(Int64(hold))) }
        _ = line  // released here, after the hold
        return ExitCode.ok
    }

    private static func watch(_ chipName: String, _ lineName: String, _ parsed: Arguments, _ report: Report) throws(GPIOError) -> Int32 {
        let edge: GPIOLineSettings.Edge
        switch parsed.values["--edge"] {
        case nil, "both"?: edge = .both
        case "rising"?: edge = .rising
        case "falling"?: edge = .falling
        case let other?: return Report.usage(UsageError("edge must be rising, falling or both, not '\(other)'"), usage)
        }
        let bias: GPIOLineSettings.Bias
        let debounce: Int, events: Int, timeout: Int
        switch (Self.bias(parsed), parsed.number("--debounce", default: 0, range: 0...60000),
                parsed.number("--events", default: 0, range: 0...Int(Int32.max)), parsed.number("--timeout", default: 0, range: 0...86400)) {
        case (.success(let b), .success(let d), .success(let n), .success(let t)): (bias, debounce, events, timeout) = (b, d, n, t)
        case (.failure(let e), _, _, _), (_, .failure(let e), _, _), (_, _, .failure(let e), _), (_, _, _, .failure(let e)):
            return Report.usage(e, usage)
        }
        let (chip, offset) = try open(chipName, lineName)
        let settings = GPIOLineSettings(direction: .input, bias: bias, activeLow: parsed.has("--active-low"),
                                        edge: edge, debounce: .milliseconds(Int64(debounce)))
        let line = try chip.request(offset, settings, consumer: "mote gpio watch")
        let deadline: Instant? = timeout > 0 ? line.now() + .seconds(Int64(timeout)) : nil
        let prefix = lineJSON(chip, offset)
        var seen = 0
        while events == 0 || seen < events {
            guard let event = try line.nextEvent(until: deadline) else { return ExitCode.timeout }
            seen += 1
            let kind = event.rising ? "rising" : "falling"
            let ns = event.timestamp.nanoseconds
            var fraction = String(ns % 1_000_000_000)
            while fraction.utf8.count < 9 { fraction = "0" + fraction }
            let seconds = "\(ns / 1_000_000_000).\(fraction)"
            report.emit(human: "\(seconds)  \(kind)  seq \(event.sequence)",
                        json: "{\"type\":\"edge\",\(prefix),\(JSONText.field("edge", kind)),\"timestamp_ns\":\(event.timestamp.nanoseconds),\"seq\":\(event.sequence)}")
        }
        return ExitCode.ok
    }
}
