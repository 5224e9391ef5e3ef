import MoteHAL

/// One problem in a configuration file, printed the way compilers do: `file:line:column: key: message`.
public struct ConfigError: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var position: TOMLPosition
    /// The key's full path (`sensor[2].channel[0].filters[1].window`), empty for syntax errors.
    public var key: String
    public var message: String

    public init(file: String, position: TOMLPosition, key: String, message: String) {
        self.file = file
        self.position = position
        self.key = key
        self.message = message
    }

    public var description: String {
        "\(file):\(position.line):\(position.column): " + (key.isEmpty ? "" : key + ": ") + message
    }
}

/// Every error of one file, collected in one pass.
public final class ConfigDiagnostics {
    public let file: String
    public private(set) var errors: [ConfigError] = []

    public init(file: String) { self.file = file }

    func error(_ position: TOMLPosition, _ key: String, _ message: String) {
        errors.append(ConfigError(file: file, position: position, key: key, message: message))
    }

    func syntax(_ error: TOMLError) {
        errors.append(ConfigError(file: file, position: error.position, key: "", message: error.message))
    }

    /// Errors in file order; the same error at the same place reported once.
    var sorted: [ConfigError] { ConfigError.inFileOrder(errors) }
}

extension ConfigError {
    /// `errors` sorted by file, line and column (stable), without repeats.
    public static func inFileOrder(_ errors: [ConfigError]) -> [ConfigError] {
        var result: [ConfigError] = []
        for error in errors where !result.contains(error) { result.append(error) }
        var indexed = result.enumerated().map { ($0.offset, $0.element) }
        indexed.sort { a, b in
            if a.1.file != b.1.file { return a.1.file < b.1.file }
            if a.1.position.line != b.1.position.line { return a.1.position.line < b.1.position.line }
            if a.1.position.column != b.1.position.column { return a.1.position.column < b.1.position.column }
            return a.0 < b.0
        }
        return indexed.map { $0.1 }
    }
}

/// Reads one table of a configuration file against its schema: every accessor marks its key as
/// known, and `finish()` reports the keys nobody asked for. Wrong types and out-of-range values
/// are reported where the value starts; a missing required key where the table starts.
final class TableReader {
    let table: TOMLTable
    /// `sensor[1].channel[0]`: the prefix of this table's keys in messages.
    let path: String
    let diagnostics: ConfigDiagnostics
    private var known: [String] = []

    init(_ table: TOMLTable, path: String, diagnostics: ConfigDiagnostics) {
        self.table = table
        self.path = path
        self.diagnostics = diagnostics
    }

    var position: TOMLPosition { table.position }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func error(_ key: String, _ message: String) {
        diagnostics.error(table[key]?.node.position ?? table.position, keyPath(key), message)
    }

    /// The entry, marking the key as part of the schema.
    func entry(_ key: String, required: Bool = false) -> TOMLEntry? {
        known.append(key)
        guard let entry = table[key] else {
            if required { diagnostics.error(table.position, keyPath(key), "missing (required)") }
            return nil
        }
        return entry
    }

    func has(_ key: String) -> Bool { table[key] != nil }

    private func mismatch(_ key: String, _ expected: String, _ node: TOMLNode) {
        diagnostics.error(node.position, keyPath(key), "expected \(expected), found \(TableReader.describe(node.value))")
    }

    static func describe(_ value: TOMLValue) -> String {
        switch value {
        case .string(let text): return "the string \"\(text)\""
        case .integer(let number): return "the integer \(number)"
        case .float(let number): return "the number \(number)"
        case .boolean(let flag): return flag ? "true" : "false"
        case .array: return "an array"
        case .table: return "a table"
        }
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let entry = entry(key, required: required) else { return nil }
        guard case .string(let text) = entry.node.value else {
            mismatch(key, "a string", entry.node)
            return nil
        }
        if text.isEmpty {
            diagnostics.error(entry.node.position, keyPath(key), "must not be empty")
            return nil
        }
        return text
    }

    /// A string that must be one of `choices`.
    func choice(_ key: String, _ choices: [String], required: Bool = false) -> String? {
        guard let text = string(key, required: required) else { return nil }
        guard choices.contains(text) else {
            error(key, "unknown value \"\(text)\"; expected one of " + TableReader.list(choices))
            return nil
        }
        return text
    }

    static func list(_ words: [String]) -> String {
        var text = ""
        for (index, word) in words.enumerated() {
            text += (index == 0 ? "" : ", ") + "\"" + word + "\""
        }
        return text
    }

    func integer(_ key: String, in range: ClosedRange<Int64>, required: Bool = false) -> Int64? {
        guard let entry = entry(key, required: required) else { return nil }
        guard case .integer(let number) = entry.node.value else {
            mismatch(key, "an integer", entry.node)
            return nil
        }
        guard range.contains(number) else {
            diagnostics.error(entry.node.position, keyPath(key), "\(number) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return number
    }

    /// A number: floats and integers both (`scale = 1` is as good as `scale = 1.0`).
    func number(_ key: String, in range: ClosedRange<Double>? = nil, above lowest: Double? = nil, required: Bool = false) -> Double? {
        guard let entry = entry(key, required: required) else { return nil }
        return number(entry.node, key: keyPath(key), in: range, above: lowest)
    }

    func number(_ node: TOMLNode, key: String, in range: ClosedRange<Double>? = nil, above lowest: Double? = nil) -> Double? {
        let value: Double
        switch node.value {
        case .integer(let number): value = Double(number)
        case .float(let number): value = number
        default:
            diagnostics.error(node.position, key, "expected a number, found \(TableReader.describe(node.value))")
            return nil
        }
        guard value.isFinite else {
            diagnostics.error(node.position, key, "must be a finite number")
            return nil
        }
        if let range, !range.contains(value) {
            diagnostics.error(node.position, key, "\(DecimalText.shortest(value)) is out of range "
                              + "\(DecimalText.shortest(range.lowerBound))...\(DecimalText.shortest(range.upperBound))")
            return nil
        }
        if let lowest, value <= lowest {
            diagnostics.error(node.position, key, "must be greater than \(DecimalText.shortest(lowest)), not \(DecimalText.shortest(value))")
            return nil
        }
        return value
    }

    func boolean(_ key: String) -> Bool? {
        guard let entry = entry(key) else { return nil }
        guard case .boolean(let flag) = entry.node.value else {
            mismatch(key, "true or false", entry.node)
            return nil
        }
        return flag
    }

    /// A duration string such as "250ms", "10s", "15m", "1h30m" or "1d", within `range`.
    func duration(_ key: String, in range: ClosedRange<TimeSpan>, required: Bool = false) -> TimeSpan? {
        guard let entry = entry(key, required: required) else { return nil }
        guard case .string(let text) = entry.node.value else {
            mismatch(key, "a duration such as \"10s\"", entry.node)
            return nil
        }
        guard let span = DurationText.parse(text) else {
            diagnostics.error(entry.node.position, keyPath(key), "\"\(text)\" is not a duration; write it like \"500ms\", \"10s\", \"15m\", \"1h30m\" or \"1d\"")
            return nil
        }
        guard range.contains(span) else {
            diagnostics.error(entry.node.position, keyPath(key), "\(text) is out of range \(DurationText.format(range.lowerBound))...\(DurationText.format(range.upperBound))")
            return nil
        }
        return span
    }

    func table(_ key: String, required: Bool = false) -> TableReader? {
        guard let entry = entry(key, required: required) else { return nil }
        guard case .table(let table) = entry.node.value else {
            mismatch(key, "a table", entry.node)
            return nil
        }
        return TableReader(table, path: keyPath(key), diagnostics: diagnostics)
    }

    /// An array of tables (`[[sensor]]`, or an array of inline tables), each with its index in the path.
    func tables(_ key: String) -> [TableReader] {
        guard let entry = entry(key) else { return [] }
        guard case .array(let nodes) = entry.node.value else {
            mismatch(key, "an array of tables", entry.node)
            return []
        }
        var readers: [TableReader] = []
        for (index, node) in nodes.enumerated() {
            guard case .table(let table) = node.value else {
                diagnostics.error(node.position, keyPath(key) + "[\(index)]", "expected a table, found \(TableReader.describe(node.value))")
                continue
            }
            readers.append(TableReader(table, path: keyPath(key) + "[\(index)]", diagnostics: diagnostics))
        }
        return readers
    }

    func array(_ key: String) -> [TOMLNode]? {
        guard let entry = entry(key) else { return nil }
        guard case .array(let nodes) = entry.node.value else {
            mismatch(key, "an array", entry.node)
            return nil
        }
        return nodes
    }

    /// Reports every key of the table that the schema does not have.
    func finish(hint: String = "") {
        for entry in table.entries where !known.contains(entry.key) {
            diagnostics.error(entry.keyPosition, keyPath(entry.key), "unknown key" + hint)
        }
    }
}
