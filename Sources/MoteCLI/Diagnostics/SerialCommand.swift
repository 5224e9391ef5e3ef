import MoteHAL
import MoteLinux
import MoteNode

/// `mote serial open PORT`: watch (and poke) a serial port on the board.
enum SerialCommand {
    static let usage = """
        usage: mote serial open PORT [--baud N] [--data-bits 5-8] [--parity none|odd|even]
                                     [--stop-bits 1|2] [--rtscts] [--rs485] [--hex]
                                     [--send TEXT | --send-hex HEX] [--count N] [--timeout SECONDS]
                                     [--inter-byte MS] [--jsonl]
        Prints what arrives, a line at a time (or, with --hex, a burst at a time as hex; a burst
        ends after --inter-byte milliseconds of silence, default 3.5 character times or 2 ms).
        --send writes TEXT plus CR LF first. Stops after --count lines or bursts, or after
        --timeout seconds without data (exit 3 if nothing at all came).
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: Arguments
        switch Arguments.parse(arguments, valued: ["--baud", "--data-bits", "--parity", "--stop-bits", "--send", "--send-hex",
                                                   "--count", "--timeout", "--inter-byte"],
                               flags: ["--jsonl", "--rtscts", "--rs485", "--hex"]) {
        case .success(let a): parsed = a
        case .failure(let e): return Report.usage(e, usage)
        }
        guard parsed.positionals.count == 2, parsed.positionals[0] == "open" else {
            return Report.usage(UsageError(parsed.positionals.first.map { $0 == "open" ? "serial open needs a PORT" : "unknown serial command '\($0)'" } ?? "serial needs a command"), usage)
        }
        let path = parsed.positionals[1]
        var configuration = SerialConfiguration()
        let count: Int, timeout: Int, interByte: Int
        switch (parsed.number("--baud", default: 9600, range: 50...4_000_000), parsed.number("--data-bits", default: 8, range: 5...8),
                parsed.number("--stop-bits", default: 1, range: 1...2), parsed.number("--count", default: 0, range: 0...Int(Int32.max)),
                parsed.number("--timeout", default: 0, range: 0...86400), parsed.number("--inter-byte", default: 0, range: 0...60000)) {
        case (.success(let b), .success(let d), .success(let s), .success(let c), .success(let t), .success(let i)):
            (configuration.baud, configuration.dataBits, configuration.stopBits) = (b, d, s)
            (count, timeout, interByte) = (c, t, i)
        case (.failure(let e), _, _, _, _, _), (_, .failure(let e), _, _, _, _), (_, _, .failure(let e), _, _, _),
             (_, _, _, .failure(let e), _, _), (_, _, _, _, .failure(let e), _), (_, _, _, _, _, .failure(let e)):
            return Report.usage(e, usage)
        }
        switch parsed.values["--parity"] {
        case nil, "none"?: configuration.parity = .none
        case "odd"?: configuration.parity = .odd
        case "even"?: configuration.parity = .even
        case let other?: return Report.usage(UsageError("parity must be none, odd or even, not '\(other)'"), usage)
        }
        configuration.rtsCts = parsed.has("--rtscts")
        if let problem = configuration.problem { return Report.usage(UsageError(problem), usage) }
        var send: [UInt8] = []
        if let text = parsed.values["--send"] { send = Array(text.utf8) + [0x0D, 0x0A] }
        if let hex = parsed.values["--send-hex"] {
            guard let bytes = Hex.decode(hex) else { return Report.usage(UsageError("--send-hex needs pairs of hex digits, not '\(hex)'"), usage) }
            send = bytes
        }
        let report = Report(jsonl: parsed.has("--jsonl"))
        do throws(BusError) {
            let port = try LinuxSerialPort(path: path, configuration: configuration)
            if parsed.has("--rs485") { try port.setRS485(enabled: true) }
            Console.line("mote: \(path) open at \(configuration.summary)", to: .error)
            if !send.isEmpty { try port.write(send) }
            let idle: TimeSpan = timeout > 0 ? .seconds(Int64(timeout)) : .seconds(86400 * 365)
            var received = 0
            if parsed.has("--hex") {
                let gap: TimeSpan = interByte > 0 ? .milliseconds(Int64(interByte))
                    : TimeSpan(nanoseconds: max(configuration.characterTime.nanoseconds * 7 / 2, 2_000_000))
                var reader = FramedReader(port: port, clock: port.clock)
                while count == 0 || received < count {
                    do {
                        // A burst: whatever arrives until a gap, as the Modbus RTU 3.5-character rule frames it.
                        _ = try reader.readFrame(start: [], timeout: idle, interByte: gap, maximumLength: 4096) { _ in nil }
                    } catch {
                        guard case .timeout(let partial) = error, !partial.isEmpty else { return received > 0 ? ExitCode.ok : ExitCode.timeout }
                        received += 1
                        report.emit(human: Hex.encode(partial), json: "{\"type\":\"serial-bytes\",\(JSONText.field("port", path)),\(JSONText.field("hex", Hex.encode(partial)))}")
                    }
                }
            } else {
                var reader = LineReader(port: port, clock: port.clock, maximumLength: 4096)
                while count == 0 || received < count {
                    do {
                        let line = try reader.readLine(timeout: idle, interByte: idle)
                        received += 1
                        let text = String(decoding: line, as: UTF8.self)
                        report.emit(human: text, json: "{\"type\":\"serial-line\",\(JSONText.field("port", path)),\(JSONText.field("text", text))}")
                    } catch {
                        switch error {
                        case .timeout: return received > 0 ? ExitCode.ok : ExitCode.timeout
                        case .tooLong(let length): Console.line("mote: dropped a line of \(length) bytes without an end", to: .error)
                        case .bus(let bus): throw bus
                        }
                    }
                }
            }
        } catch {
            return Report.fail(error.description)
        }
        return ExitCode.ok
    }

}
