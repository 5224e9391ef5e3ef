import MoteLinux
import MoteNode

/// Positional arguments and `--name [value]` options of a diagnostics subcommand.
struct Arguments {
    var positionals: [String] = []
    var values: [String: String] = [:]
    var switches: Set<String> = []
    /// Every value of a `repeated` option, in order (`--sha256 mote=... --sha256 node.toml=...`).
    var lists: [String: [String]] = [:]

    /// `valued` options take a value (`--baud 9600` or `--baud=9600`); `flags` take none;
    /// `repeated` ones take a value and may come more than once.
    static func parse(_ arguments: [String], valued: Set<String>, flags: Set<String>, repeated: Set<String> = []) -> Result<Arguments, UsageError> {
        var parsed = Arguments()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                parsed.positionals.append(argument)
                continue
            }
            var name = argument
            var inline: String?
            if let equals = argument.utf8.firstIndex(of: UInt8(ascii: "=")) {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            if flags.contains(name) {
                if inline != nil { return .failure(UsageError("option \(name) takes no value")) }
                parsed.switches.insert(name)
            } else if valued.contains(name) || repeated.contains(name) {
                let value: String
                if let inline {
                    value = inline
                } else {
                    guard index < arguments.count else { return .failure(UsageError("option \(name) needs a value")) }
                    value = arguments[index]
                    index += 1
                }
                if repeated.contains(name) { parsed.lists[name, default: []].append(value) } else { parsed.values[name] = value }
            } else {
                return .failure(UsageError("unknown option '\(argument)'"))
            }
        }
        return .success(parsed)
    }

    func has(_ flag: String) -> Bool { switches.contains(flag) }

    /// A number written in decimal or as 0x hex.
    static func number(_ text: String) -> Int? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return Int(text.dropFirst(2), radix: 16) }
        return Int(text)
    }

    func number(_ name: String, default fallback: Int, range: ClosedRange<Int>) -> Result<Int, UsageError> {
        guard let text = values[name] else { return .success(fallback) }
        guard let value = Self.number(text), range.contains(value) else {
            return .failure(UsageError("option \(name) needs a number from \(range.lowerBound) to \(range.upperBound), not '\(text)'"))
        }
        return .success(value)
    }
}

/// How a diagnostics command ends: 0 done, 1 a device error, 2 a usage error, 3 timed out.
enum ExitCode {
    static let ok: Int32 = 0
    static let deviceError: Int32 = 1
    static let usage: Int32 = 2
    static let timeout: Int32 = 3
}

/// Output of diagnostics: lines for people or JSON objects for scripts.
struct Report {
    let jsonl: Bool

    func emit(human: String, json: String) {
        Console.line(jsonl ? json : human)
        Console.flush()
    }

    /// Prints `mote: <message>` on stderr and returns `code`.
    static func fail(_ message: String, code: Int32 = ExitCode.deviceError) -> Int32 {
        Console.line("mote: \(message)", to: .error)
        return code
    }

    static func usage(_ error: UsageError, _ usage: String) -> Int32 {
        Console.line("mote: \(error.message)", to: .error)
        Console.line(usage, to: .error)
        return ExitCode.usage
    }
}

extension JSONText {
    static func field(_ name: String, _ value: String) -> String { "\"\(name)\":\(quoted(value))" }
}
