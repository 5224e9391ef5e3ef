/// A strict parser for the TOML 1.0 subset Mote's configuration files use: everything but
/// date-times, which are refused by name. It works on UTF-8 bytes in one pass, reports every error
/// it finds (recovering at the next line), and never traps on any input: it will be fuzzed.
public enum TOML {
    /// Parses the whole text and returns the document with EVERY error found in one pass
    /// (after an error, recover at the next line and go on), sorted by position.
    /// The document holds what parsed cleanly, so a caller may still look at it, but it is only
    /// the file's meaning when `errors` is empty.
    public static func parse(_ text: String) -> (document: TOMLTable, errors: [TOMLError]) {
        var parser = TOMLParser(bytes: Array(text.utf8))
        parser.run()
        let document = parser.root.finish()
        // Sorted by position; errors at one position keep the order they were found in.
        let errors = parser.errors.enumerated().sorted { a, b in
            a.element.position != b.element.position ? a.element.position < b.element.position : a.offset < b.offset
        }.map { $0.element }
        return (document, errors)
    }
}

// MARK: - The tree while it is built

/// Tables are classes while parsing so `[a.b]` can reach into the table `[a]` made earlier;
/// `finish()` turns them into values.
private final class TableBuilder {
    enum Kind {
        case implicit    // only implied by a longer header: `a` in `[a.b]`; a header may still define it
        case header      // defined by its own `[a]` or `[[a]]` header
        case dotted      // made by dotted keys (`a.b = 1`); dotted keys may add to it, headers may not define it
        case inline      // `{ ... }`, closed once written
    }

    enum Item {
        case value(TOMLNode)
        case table(TableBuilder)
        case arrayOfTables(ArrayOfTables)
    }

    struct Slot {
        var key: String
        var keyPosition: TOMLPosition
        var item: Item
    }

    var kind: Kind
    var position: TOMLPosition
    let depth: Int
    var slots: [Slot] = []
    var index: [String: Int] = [:]

    init(kind: Kind, position: TOMLPosition, depth: Int) {
        self.kind = kind
        self.position = position
        self.depth = depth
    }

    func slot(_ key: String) -> Slot? {
        guard let i = index[key] else { return nil }
        return slots[i]
    }

    func add(_ key: String, at position: TOMLPosition, _ item: Item) {
        index[key] = slots.count
        slots.append(Slot(key: key, keyPosition: position, item: item))
    }

    func finish() -> TOMLTable {
        var entries: [TOMLEntry] = []
        entries.reserveCapacity(slots.count)
        for slot in slots {
            let node: TOMLNode
            switch slot.item {
            case .value(let value):
                node = value
            case .table(let table):
                node = TOMLNode(value: .table(table.finish()), position: table.position)
            case .arrayOfTables(let array):
                let elements = array.tables.map { TOMLNode(value: .table($0.finish()), position: $0.position) }
                node = TOMLNode(value: .array(elements), position: array.position)
            }
            entries.append(TOMLEntry(key: slot.key, keyPosition: slot.keyPosition, node: node))
        }
        return TOMLTable(entries: entries, position: position)
    }
}

private final class ArrayOfTables {
    let position: TOMLPosition
    var tables: [TableBuilder]

    init(position: TOMLPosition, first: TableBuilder) {
        self.position = position
        self.tables = [first]
    }
}

private struct KeyPart {
    var name: String
    var position: TOMLPosition
}

// MARK: - The parser

private struct TOMLParser {
    /// Arrays, inline tables and tables nested deeper than this are refused, so recursion (here and
    /// in the callers' walks over the tree) stays shallow whatever a file holds.
    static let maxDepth = 100

    let bytes: [UInt8]
    var i = 0
    var line = 1
    var lineStart = 0
    // Columns count scalars from the line start; remembering the last answer keeps that linear.
    var columnCacheIndex = 0
    var columnCacheColumn = 1
    var errors: [TOMLError] = []
    let root: TableBuilder
    var current: TableBuilder

    init(bytes: [UInt8]) {
        self.bytes = bytes
        let root = TableBuilder(kind: .header, position: TOMLPosition(line: 1, column: 1), depth: 0)
        self.root = root
        self.current = root
    }

    // MARK: Lines

    mutating func run() {
        // A byte-order mark is allowed at the very start.
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            i = 3
            lineStart = 3
            columnCacheIndex = 3
        }
        while i < bytes.count {
            do throws(TOMLError) {
                skipBlanks()
                guard i < bytes.count else { break }
                switch bytes[i] {
                case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    break
                case UInt8(ascii: "["):
                    try parseHeader()
                default:
                    try parseKeyValue()
                }
                try expectLineEnd()
            } catch {
                errors.append(error)
                recoverAtNextLine()
            }
        }
    }

    /// After a value or header: blanks, an optional comment, then the end of the line.
    mutating func expectLineEnd() throws(TOMLError) {
        skipBlanks()
        if i < bytes.count && bytes[i] == UInt8(ascii: "#") { try skipComment() }
        guard i < bytes.count else { return }
        if bytes[i] == UInt8(ascii: "\n") || bytes[i] == UInt8(ascii: "\r") {
            try consumeNewline()
            return
        }
        throw error("unexpected \(describe(at: i)) after the end of a value or header; expected a comment or a new line")
    }

    mutating func recoverAtNextLine() {
        while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
        if i < bytes.count { newline(after: i) }
    }

    // MARK: Positions and errors

    mutating func position(_ index: Int) -> TOMLPosition {
        if columnCacheIndex < lineStart || index < columnCacheIndex {
            columnCacheIndex = lineStart
            columnCacheColumn = 1
        }
        var column = columnCacheColumn
        var k = columnCacheIndex
        let end = min(index, bytes.count)
        while k < end {
            if bytes[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        columnCacheIndex = k
        columnCacheColumn = column
        return TOMLPosition(line: line, column: column)
    }

    mutating func error(_ message: String) -> TOMLError {
        TOMLError(position: position(i), message: message)
    }

    mutating func error(at index: Int, _ message: String) -> TOMLError {
        TOMLError(position: position(index), message: message)
    }

    func describe(at index: Int) -> String {
        guard index < bytes.count else { return "end of file" }
        let b = bytes[index]
        if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { return "end of line" }
        if b < 0x20 || b == 0x7F { return "control character \(hex(b))" }
        var end = index + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'" + String(decoding: bytes[index..<end], as: UTF8.self) + "'"
    }

    func hex(_ b: UInt8) -> String {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        return "U+00" + String(decoding: [digits[Int(b >> 4)], digits[Int(b & 0xF)]], as: UTF8.self)
    }

    // MARK: Whitespace, newlines, comments

    mutating func skipBlanks() {
        while i < bytes.count && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) { i += 1 }
    }

    mutating func newline(after index: Int) {
        i = index + 1
        line += 1
        lineStart = i
        columnCacheIndex = i
        columnCacheColumn = 1
    }

    /// At LF or CR: consumes LF or CRLF; a CR on its own is a control character.
    mutating func consumeNewline() throws(TOMLError) {
        if bytes[i] == UInt8(ascii: "\r") {
            guard i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") else {
                throw error("carriage return (U+000D) not followed by a line feed")
            }
            i += 1
        }
        newline(after: i)
    }

    /// At '#': skips to the end of the line (not past it), refusing control characters.
    mutating func skipComment() throws(TOMLError) {
        while i < bytes.count && bytes[i] != UInt8(ascii: "\n") {
            let b = bytes[i]
            if b == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") { return }
            if isControl(b) { throw error("control character \(hex(b)) in a comment") }
            i += 1
        }
    }

    /// Blanks, newlines and comments, as allowed between array elements.
    mutating func skipBlanksNewlinesComments() throws(TOMLError) {
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") {
                i += 1
            } else if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                try consumeNewline()
            } else if b == UInt8(ascii: "#") {
                try skipComment()
            } else {
                return
            }
        }
    }

    func isControl(_ b: UInt8) -> Bool {
        (b < 0x20 && b != UInt8(ascii: "\t")) || b == 0x7F
    }

    func atLineEnd() -> Bool {
        i >= bytes.count || bytes[i] == UInt8(ascii: "\n") || bytes[i] == UInt8(ascii: "\r") || bytes[i] == UInt8(ascii: "#")
    }

    // MARK: Keys

    static func isBareKeyByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }

    /// A dotted key, blanks allowed around the dots.
    mutating func parseKey() throws(TOMLError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            skipBlanks()
            parts.append(try parseSimpleKey(after: parts))
            skipBlanks()
            guard i < bytes.count && bytes[i] == UInt8(ascii: ".") else { return parts }
            i += 1
            if parts.count >= Self.maxDepth { throw error("key has more than \(Self.maxDepth) dotted parts") }
        }
    }

    mutating func parseSimpleKey(after parts: [KeyPart]) throws(TOMLError) -> KeyPart {
        let start = i
        let at = position(start)
        guard i < bytes.count else { throw error("expected a key, found end of file") }
        let b = bytes[i]
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
            if i + 2 < bytes.count && bytes[i + 1] == b && bytes[i + 2] == b {
                throw error("a multi-line string cannot be a key")
            }
            let name = b == UInt8(ascii: "\"") ? try parseBasicString() : try parseLiteralString()
            return KeyPart(name: name, position: at)
        }
        while i < bytes.count && Self.isBareKeyByte(bytes[i]) { i += 1 }
        guard i > start else {
            if parts.isEmpty && b == UInt8(ascii: "=") { throw error("missing key before '='") }
            if !parts.isEmpty { throw error("expected a key after '.' in '\(keyText(parts)).', found \(describe(at: i))") }
            throw error("invalid key: \(describe(at: i)) cannot start a key (bare keys are A-Z a-z 0-9 _ -; quote others)")
        }
        return KeyPart(name: String(decoding: bytes[start..<i], as: UTF8.self), position: at)
    }

    /// The key as a reader would write it, for messages: `sensor.power`, `"a b".c`.
    func keyText(_ parts: some Collection<KeyPart>) -> String {
        var text = ""
        for part in parts {
            if !text.isEmpty { text += "." }
            let bare = !part.name.isEmpty && part.name.utf8.allSatisfy { Self.isBareKeyByte($0) }
            text += bare ? part.name : "\"" + part.name + "\""
        }
        return text
    }

    // MARK: Key/value pairs

    mutating func parseKeyValue() throws(TOMLError) {
        let parts = try parseKey()
        try parseKeyValueRest(parts, into: current, inline: false)
    }

    /// After the key: `= value`, then the value goes into `table`.
    mutating func parseKeyValueRest(_ parts: [KeyPart], into table: TableBuilder, inline: Bool) throws(TOMLError) {
        skipBlanks()
        guard i < bytes.count && bytes[i] == UInt8(ascii: "=") else {
            throw error("expected '=' after key '\(keyText(parts))', found \(describe(at: i))")
        }
        i += 1
        skipBlanks()
        if atLineEnd() || (inline && (bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: "}"))) {
            throw error("missing value for key '\(keyText(parts))'")
        }
        let node = try parseValue(depth: table.depth + parts.count)
        try insert(parts, node, into: table)
    }

    /// Dotted keys walk (and make) tables that dotted keys made; the last part must be new.
    mutating func insert(_ parts: [KeyPart], _ node: TOMLNode, into table: TableBuilder) throws(TOMLError) {
        var t = table
        for (k, part) in parts.enumerated() {
            let path = keyText(parts[...k])
            if let slot = t.slot(part.name) {
                if k < parts.count - 1, case .table(let sub) = slot.item, sub.kind == .dotted {
                    t = sub
                    continue
                }
                throw TOMLError(position: part.position, message: redefinition(path, slot))
            }
            if k == parts.count - 1 {
                t.add(part.name, at: part.position, .value(node))
            } else {
                let sub = TableBuilder(kind: .dotted, position: part.position, depth: t.depth + 1)
                t.add(part.name, at: part.position, .table(sub))
                t = sub
            }
        }
    }

    func redefinition(_ path: String, _ slot: TableBuilder.Slot) -> String {
        if case .value(let node) = slot.item, case .table = node.value {
            return "cannot extend inline table '\(path)' (defined at \(slot.keyPosition))"
        }
        return "duplicate key '\(path)' (first defined at \(slot.keyPosition))"
    }

    // MARK: Table headers

    mutating func parseHeader() throws(TOMLError) {
        let start = i
        let at = position(start)
        let isArray = i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "[")
        i += isArray ? 2 : 1
        let parts = try parseKey()
        let close = isArray ? "]]" : "]"
        if isArray {
            guard i + 1 < bytes.count && bytes[i] == UInt8(ascii: "]") && bytes[i + 1] == UInt8(ascii: "]") else {
                throw error("expected ']]' to close the header [[\(keyText(parts))]], found \(describe(at: i))")
            }
            i += 2
        } else {
            guard i < bytes.count && bytes[i] == UInt8(ascii: "]") else {
                throw error("expected '\(close)' to close the header [\(keyText(parts))], found \(describe(at: i))")
            }
            i += 1
        }
        current = try openTable(parts, isArray: isArray, at: at)
    }

    /// `[a.b]` / `[[a.b]]`: walks from the root through tables and the last element of arrays of
    /// tables, implying missing tables, and defines (or appends to) the last part.
    mutating func openTable(_ parts: [KeyPart], isArray: Bool, at: TOMLPosition) throws(TOMLError) -> TableBuilder {
        var t = root
        for (k, part) in parts.enumerated() {
            let last = k == parts.count - 1
            let path = keyText(parts[...k])
            guard let slot = t.slot(part.name) else {
                if t.depth + 1 > Self.maxDepth { throw TOMLError(position: part.position, message: "tables nested deeper than \(Self.maxDepth) levels") }
                if !last {
                    let sub = TableBuilder(kind: .implicit, position: part.position, depth: t.depth + 1)
                    t.add(part.name, at: part.position, .table(sub))
                    t = sub
                    continue
                }
                let sub = TableBuilder(kind: .header, position: at, depth: t.depth + 1)
                t.add(part.name, at: part.position, isArray ? .arrayOfTables(ArrayOfTables(position: at, first: sub)) : .table(sub))
                return sub
            }
            switch slot.item {
            case .table(let sub):
                if !last {
                    t = sub
                } else if isArray {
                    throw TOMLError(position: part.position, message: "[[\(path)]]: '\(path)' is already a table (first defined at \(sub.position))")
                } else if sub.kind == .implicit {
                    sub.kind = .header
                    sub.position = at
                    return sub
                } else {
                    throw TOMLError(position: part.position, message: "duplicate table [\(path)] (first defined at \(sub.position))")
                }
            case .arrayOfTables(let array):
                if last {
                    guard isArray else {
                        throw TOMLError(position: part.position, message: "[\(path)]: '\(path)' is already an array of tables (first defined at \(array.position))")
                    }
                    let sub = TableBuilder(kind: .header, position: at, depth: t.depth + 1)
                    array.tables.append(sub)
                    return sub
                }
                guard let element = array.tables.last else { return t }  // never empty: made with one table
                t = element
            case .value:
                throw TOMLError(position: part.position, message: redefinition(path, slot))
            }
        }
        return t
    }

    // MARK: Values

    mutating func parseValue(depth: Int) throws(TOMLError) -> TOMLNode {
        let start = i
        let at = position(start)
        guard i < bytes.count else { throw error("expected a value, found end of file") }
        if depth > Self.maxDepth { throw error("values nested deeper than \(Self.maxDepth) levels") }
        let b = bytes[i]
        let value: TOMLValue
        switch b {
        case UInt8(ascii: "\""):
            value = .string(try hasTriple(b) ? parseMultilineString(literal: false) : parseBasicString())
        case UInt8(ascii: "'"):
            value = .string(try hasTriple(b) ? parseMultilineString(literal: true) : parseLiteralString())
        case UInt8(ascii: "["):
            value = .array(try parseArray(depth: depth, opened: at))
        case UInt8(ascii: "{"):
            value = .table(try parseInlineTable(depth: depth, opened: at))
        default:
            value = try parseBareValue()
        }
        return TOMLNode(value: value, position: at)
    }

    func hasTriple(_ quote: UInt8) -> Bool {
        i + 2 < bytes.count && bytes[i + 1] == quote && bytes[i + 2] == quote
    }

    mutating func parseArray(depth: Int, opened: TOMLPosition) throws(TOMLError) -> [TOMLNode] {
        i += 1
        var elements: [TOMLNode] = []
        while true {
            try skipBlanksNewlinesComments()
            guard i < bytes.count else { throw TOMLError(position: opened, message: "unclosed array: ']' expected before end of file") }
            if bytes[i] == UInt8(ascii: "]") {
                i += 1
                return elements
            }
            if bytes[i] == UInt8(ascii: ",") { throw error("expected a value in array, found ','") }
            elements.append(try parseValue(depth: depth + 1))
            try skipBlanksNewlinesComments()
            guard i < bytes.count else { throw TOMLError(position: opened, message: "unclosed array: ']' expected before end of file") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
            } else if bytes[i] != UInt8(ascii: "]") {
                throw error("expected ',' or ']' after an array element, found \(describe(at: i))")
            }
        }
    }

    /// `{ a = 1, b.c = "x" }`: one line, no trailing comma, closed once written.
    mutating func parseInlineTable(depth: Int, opened: TOMLPosition) throws(TOMLError) -> TOMLTable {
        i += 1
        let table = TableBuilder(kind: .inline, position: opened, depth: depth + 1)
        skipBlanks()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
            i += 1
            return table.finish()
        }
        while true {
            skipBlanks()
            guard i < bytes.count else { throw TOMLError(position: opened, message: "unclosed inline table: '}' expected before end of file") }
            if atLineEnd() { throw error("unclosed inline table: '}' expected before the end of the line (inline tables are one line)") }
            let parts = try parseKey()
            try parseKeyValueRest(parts, into: table, inline: true)
            skipBlanks()
            guard i < bytes.count else { throw TOMLError(position: opened, message: "unclosed inline table: '}' expected before end of file") }
            switch bytes[i] {
            case UInt8(ascii: "}"):
                i += 1
                return table.finish()
            case UInt8(ascii: ","):
                i += 1
                skipBlanks()
                if i < bytes.count && bytes[i] == UInt8(ascii: "}") { throw error("trailing comma not allowed in an inline table") }
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"):
                throw error("unclosed inline table: '}' expected before the end of the line (inline tables are one line)")
            default:
                throw error("expected ',' or '}' in inline table, found \(describe(at: i))")
            }
        }
    }

    // MARK: Strings

    /// At the opening '"' of a one-line basic string.
    mutating func parseBasicString() throws(TOMLError) -> String {
        let opened = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count, bytes[i] != UInt8(ascii: "\n") else { throw error(at: opened, "unterminated string: '\"' expected before the end of the line") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                try parseEscape(into: &out)
            } else if b == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") {
                throw error(at: opened, "unterminated string: '\"' expected before the end of the line")
            } else if isControl(b) {
                throw error("control character \(hex(b)) in a string (write it as an escape)")
            } else {
                out.append(b)
                i += 1
            }
        }
    }

    /// At the opening "'" of a one-line literal string.
    mutating func parseLiteralString() throws(TOMLError) -> String {
        let opened = i
        i += 1
        let start = i
        while true {
            guard i < bytes.count, bytes[i] != UInt8(ascii: "\n") else { throw error(at: opened, "unterminated string: \"'\" expected before the end of the line") }
            let b = bytes[i]
            if b == UInt8(ascii: "'") {
                i += 1
                return String(decoding: bytes[start..<(i - 1)], as: UTF8.self)
            }
            if b == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") {
                throw error(at: opened, "unterminated string: \"'\" expected before the end of the line")
            }
            if isControl(b) { throw error("control character \(hex(b)) in a literal string") }
            i += 1
        }
    }

    /// At the opening `"""` or `'''`. A newline right after the opening is dropped, CRLF becomes
    /// LF, and up to two quotes may stand right before the closing three.
    mutating func parseMultilineString(literal: Bool) throws(TOMLError) -> String {
        let quote = bytes[i]
        let opened = position(i)
        i += 3
        if i < bytes.count && bytes[i] == UInt8(ascii: "\n") {
            newline(after: i)
        } else if i + 1 < bytes.count && bytes[i] == UInt8(ascii: "\r") && bytes[i + 1] == UInt8(ascii: "\n") {
            newline(after: i + 1)
        }
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else {
                throw TOMLError(position: opened, message: "unterminated multi-line string: \(literal ? "'''" : "\"\"\"") expected before end of file")
            }
            let b = bytes[i]
            if b == quote {
                var run = 0
                while i + run < bytes.count && bytes[i + run] == quote { run += 1 }
                if run < 3 {
                    out.append(contentsOf: repeatElement(quote, count: run))
                    i += run
                    continue
                }
                if run > 5 { throw error(at: i + 5, "too many quotes: at most two may stand before the closing delimiter") }
                out.append(contentsOf: repeatElement(quote, count: run - 3))
                i += run
                return String(decoding: out, as: UTF8.self)
            }
            if b == UInt8(ascii: "\n") {
                out.append(b)
                newline(after: i)
            } else if b == UInt8(ascii: "\r") {
                try consumeNewline()
                out.append(UInt8(ascii: "\n"))
            } else if b == UInt8(ascii: "\\") && !literal {
                let joined = try skipLineEndingBackslash()
                if !joined { try parseEscape(into: &out) }
            } else if isControl(b) {
                throw error("control character \(hex(b)) in a string")
            } else {
                out.append(b)
                i += 1
            }
        }
    }

    /// At '\' in a multi-line basic string: if only blanks follow it on its line, skips it and all
    /// blanks and newlines after it and returns true.
    mutating func skipLineEndingBackslash() throws(TOMLError) -> Bool {
        var k = i + 1
        while k < bytes.count && (bytes[k] == UInt8(ascii: " ") || bytes[k] == UInt8(ascii: "\t")) { k += 1 }
        guard k < bytes.count, bytes[k] == UInt8(ascii: "\n") || bytes[k] == UInt8(ascii: "\r") else { return false }
        i = k
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") {
                i += 1
            } else if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                try consumeNewline()
            } else {
                break
            }
        }
        return true
    }

    /// At '\': appends the escaped character's UTF-8.
    mutating func parseEscape(into out: inout [UInt8]) throws(TOMLError) {
        let start = i
        guard i + 1 < bytes.count else { throw error("unterminated string: escape at end of file") }
        let c = bytes[i + 1]
        i += 2
        switch c {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = c == UInt8(ascii: "u") ? 4 : 8
            var scalar: UInt32 = 0
            for _ in 0..<count {
                guard i < bytes.count, let digit = hexDigit(bytes[i]) else {
                    throw error(at: start, "invalid escape: \\\(c == UInt8(ascii: "u") ? "u" : "U") needs \(count) hex digits")
                }
                scalar = scalar << 4 | UInt32(digit)
                i += 1
            }
            guard let s = Unicode.Scalar(scalar) else {
                throw error(at: start, "invalid escape: \(String(decoding: bytes[start..<i], as: UTF8.self)) is not a Unicode scalar value")
            }
            out.append(contentsOf: s.utf8)
        default:
            // Not past the byte after '\': when it is a newline, recovery must still see and count it.
            i = start + 1
            let written = isControl(c) || c >= 0x80 ? describe(at: start + 1) : "'\\" + String(decoding: [c], as: UTF8.self) + "'"
            throw error(at: start, "invalid escape \(written) in a string (allowed: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)")
        }
    }

    func hexDigit(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: Booleans, numbers, and the refused date-times

    static func isBareValueByte(_ b: UInt8) -> Bool {
        isBareKeyByte(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
    }

    mutating func parseBareValue() throws(TOMLError) -> TOMLValue {
        let start = i
        while i < bytes.count && Self.isBareValueByte(bytes[i]) { i += 1 }
        guard i > start else { throw error("expected a value, found \(describe(at: i))") }
        let token = bytes[start..<i]
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan": return .float(.nan)
        case "-nan": return .float(-.nan)
        default: break
        }
        if looksLikeDateTime(token) { throw error(at: start, "date and time values are not supported") }
        guard let first = token.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || isDigit(first) else {
            throw error(at: start, "invalid value '\(text)' (strings need quotes)")
        }
        return try parseNumber(token, text: text, at: start)
    }

    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// `1979-05-27`, `07:32:00`: four digits and '-', or two digits and ':'.
    func looksLikeDateTime(_ t: ArraySlice<UInt8>) -> Bool {
        let b = Array(t.prefix(5))
        if b.count >= 5 && b[0...3].allSatisfy(isDigit) && b[4] == UInt8(ascii: "-") { return true }
        if b.count >= 3 && b[0...1].allSatisfy(isDigit) && b[2] == UInt8(ascii: ":") { return true }
        return false
    }

    mutating func parseNumber(_ token: ArraySlice<UInt8>, text: String, at start: Int) throws(TOMLError) -> TOMLValue {
        let t = Array(token)
        var k = 0
        var negative = false
        if t[k] == UInt8(ascii: "+") || t[k] == UInt8(ascii: "-") {
            negative = t[k] == UInt8(ascii: "-")
            k += 1
        }
        let signed = k > 0
        // 0x, 0o, 0b: no sign, digits with single underscores between them.
        if k + 1 < t.count && t[k] == UInt8(ascii: "0") && (t[k + 1] == UInt8(ascii: "x") || t[k + 1] == UInt8(ascii: "o") || t[k + 1] == UInt8(ascii: "b")) {
            let radix: Int64 = t[k + 1] == UInt8(ascii: "x") ? 16 : t[k + 1] == UInt8(ascii: "o") ? 8 : 2
            if signed { throw error(at: start, "invalid number '\(text)': a hexadecimal, octal or binary integer takes no sign") }
            return .integer(try integer(t[(k + 2)...], radix: radix, negative: false, text: text, at: start))
        }
        // Decimal: integer part, then optional fraction and exponent.
        let intStart = k
        while k < t.count && (isDigit(t[k]) || t[k] == UInt8(ascii: "_")) { k += 1 }
        let intPart = t[intStart..<k]
        try checkDigitGroup(intPart, text: text, at: start)
        if intPart.count > 1 && intPart.first == UInt8(ascii: "0") {
            throw error(at: start, "invalid number '\(text)': leading zeros are not allowed")
        }
        var fracPart: ArraySlice<UInt8> = []
        var isFloat = false
        if k < t.count && t[k] == UInt8(ascii: ".") {
            isFloat = true
            k += 1
            let fracStart = k
            while k < t.count && (isDigit(t[k]) || t[k] == UInt8(ascii: "_")) { k += 1 }
            fracPart = t[fracStart..<k]
            try checkDigitGroup(fracPart, text: text, at: start)
        }
        var exponent = 0
        if k < t.count && (t[k] == UInt8(ascii: "e") || t[k] == UInt8(ascii: "E")) {
            isFloat = true
            k += 1
            var expNegative = false
            if k < t.count && (t[k] == UInt8(ascii: "+") || t[k] == UInt8(ascii: "-")) {
                expNegative = t[k] == UInt8(ascii: "-")
                k += 1
            }
            let expStart = k
            while k < t.count && (isDigit(t[k]) || t[k] == UInt8(ascii: "_")) { k += 1 }
            let expPart = t[expStart..<k]
            try checkDigitGroup(expPart, text: text, at: start)
            for d in expPart where d != UInt8(ascii: "_") {
                // Past a million the answer is 0 or infinity anyway; stop before Int could overflow.
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(d - UInt8(ascii: "0")) }
            }
            if expNegative { exponent = -exponent }
        }
        guard k == t.count else { throw error(at: start, "invalid number '\(text)'") }
        if !isFloat {
            return .integer(try integer(intPart, radix: 10, negative: negative, text: text, at: start))
        }
        var digits: [UInt8] = []
        for d in intPart where d != UInt8(ascii: "_") { digits.append(d - UInt8(ascii: "0")) }
        for d in fracPart where d != UInt8(ascii: "_") { digits.append(d - UInt8(ascii: "0")) }
        let fracDigits = fracPart.reduce(0) { $1 == UInt8(ascii: "_") ? $0 : $0 + 1 }
        guard let magnitude = DecimalToDouble.convert(digits: digits, exponent: exponent - fracDigits) else {
            throw error(at: start, "float '\(text)' is out of range")
        }
        return .float(negative ? -magnitude : magnitude)
    }

    /// Digits with single underscores between them, at least one digit.
    mutating func checkDigitGroup(_ g: ArraySlice<UInt8>, text: String, at start: Int) throws(TOMLError) {
        guard let first = g.first, isDigit(first) else { throw error(at: start, "invalid number '\(text)'") }
        var previous = first
        for b in g.dropFirst() {
            if b == UInt8(ascii: "_") && previous == UInt8(ascii: "_") { break }
            previous = b
        }
        if previous == UInt8(ascii: "_") {
            throw error(at: start, "invalid number '\(text)': an underscore must stand between two digits")
        }
    }

    /// The integer in `digits` (underscores allowed between digits) in `radix`, checked for Int64.
    mutating func integer(_ digits: ArraySlice<UInt8>, radix: Int64, negative: Bool, text: String, at start: Int) throws(TOMLError) -> Int64 {
        guard let first = digits.first, let d0 = hexDigit(first), Int64(d0) < radix else {
            throw error(at: start, "invalid number '\(text)'")
        }
        var value: Int64 = 0
        var previousUnderscore = false
        var overflow = false
        for b in digits {
            if b == UInt8(ascii: "_") {
                if previousUnderscore { throw error(at: start, "invalid number '\(text)': an underscore must stand between two digits") }
                previousUnderscore = true
                continue
            }
            previousUnderscore = false
            guard let d = hexDigit(b), Int64(d) < radix else { throw error(at: start, "invalid number '\(text)'") }
            // Negative numbers accumulate downwards so Int64.min parses.
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (v, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            if o1 || o2 { overflow = true }
            value = v
        }
        if previousUnderscore { throw error(at: start, "invalid number '\(text)': an underscore must stand between two digits") }
        if overflow { throw error(at: start, "integer '\(text)' does not fit in 64 bits") }
        return value
    }
}

// MARK: - Decimal to Double

/// Correctly rounded decimal-to-binary conversion. The Embedded standard library has no
/// `Double(String)` (it calls the C runtime's strtod shim, absent on the board), so: Clinger's
/// exact fast path for short inputs, big-integer arithmetic otherwise.
enum DecimalToDouble {
    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// digits (values 0...9, most significant first) × 10^exponent, or nil if it overflows Double.
    static func convert(digits: [UInt8], exponent: Int) -> Double? {
        var first = 0
        while first < digits.count && digits[first] == 0 { first += 1 }
        var last = digits.count
        var exponent = exponent
        while last > first && digits[last - 1] == 0 {
            last -= 1
            exponent += 1
        }
        guard first < last else { return 0 }
        var d = Array(digits[first..<last])
        // 800 digits are more than any halfway point between two doubles has (767), so the rest
        // only matters as "something nonzero follows", which one more 1 digit keeps.
        if d.count > 800 {
            exponent += d.count - 800
            d.removeLast(d.count - 800)
            d.append(1)
            exponent -= 1
        }
        let magnitude = d.count + exponent  // value is in [10^(magnitude-1), 10^magnitude)
        if magnitude > 310 { return nil }
        if magnitude < -326 { return 0 }
        if d.count <= 15 && exponent >= -22 && exponent <= 22 {
            var m: UInt64 = 0
            for digit in d { m = m * 10 + UInt64(digit) }
            let x = Double(m)  // exact: m < 10^15 < 2^53
            return exponent >= 0 ? x * exactPowers[exponent] : x / exactPowers[-exponent]
        }
        var m = BigUInt()
        for digit in d { m.multiply(by: 10, adding: UInt32(digit)) }
        let q: UInt64
        let e2: Int
        let sticky: Bool
        if exponent >= 0 {
            m.multiplyByPowerOfTen(exponent)
            let width = m.bitWidth
            (q, sticky) = m.top64(width: width)
            e2 = width - 64
        } else {
            var den = BigUInt(1)
            den.multiplyByPowerOfTen(-exponent)
            // Scale so the quotient has 63 or 64 bits: m·2^s / den ∈ [2^62, 2^64).
            let s = 63 - (m.bitWidth - den.bitWidth)
            if s >= 0 { m = m.shiftedLeft(s) } else { den = den.shiftedLeft(-s) }
            var quotient: UInt64 = 0
            for bit in stride(from: 63, through: 0, by: -1) {
                let shifted = den.shiftedLeft(bit)
                if m.compare(shifted) >= 0 {
                    m.subtract(shifted)
                    quotient |= UInt64(1) << UInt64(bit)
                }
            }
            (q, e2, sticky) = (quotient, -s, !m.isZero)
        }
        return round(q, e2, sticky: sticky)
    }

    /// q·2^e2 (plus a nonzero fraction of q's last unit when `sticky`) rounded half-to-even,
    /// subnormals included; nil on overflow.
    private static func round(_ q: UInt64, _ e2: Int, sticky: Bool) -> Double? {
        guard q != 0 else { return 0 }
        let bits = 64 - q.leadingZeroBitCount
        let top = bits - 1 + e2  // exponent of the leading bit
        if top > 1023 { return nil }
        // Below 2^-1022 the significand loses bits: subnormals.
        let keep = top >= -1022 ? 53 : 53 - (-1022 - top)
        if keep < 0 { return 0 }
        let shift = bits - keep
        var kept: UInt64
        if shift <= 0 {
            kept = q
        } else {
            kept = shift >= 64 ? 0 : q >> UInt64(shift)
            let rem = shift >= 64 ? q : q & ((UInt64(1) << UInt64(shift)) - 1)
            let half = UInt64(1) << UInt64(shift - 1)
            if rem > half || (rem == half && (sticky || kept & 1 == 1)) { kept += 1 }
        }
        let scale = e2 + max(shift, 0)
        let result = Double(sign: .plus, exponent: scale, significand: Double(kept))
        return result.isFinite ? result : nil
    }
}

/// Just enough unsigned big-integer arithmetic for `DecimalToDouble`: 32-bit limbs, least
/// significant first, no leading zero limbs.
private struct BigUInt {
    var limbs: [UInt32] = []

    init() {}
    init(_ v: UInt32) { if v != 0 { limbs = [v] } }

    var isZero: Bool { limbs.isEmpty }

    var bitWidth: Int {
        guard let top = limbs.last else { return 0 }
        return limbs.count * 32 - top.leadingZeroBitCount
    }

    mutating func multiply(by factor: UInt32, adding addend: UInt32 = 0) {
        var carry = UInt64(addend)
        for k in limbs.indices {
            let p = UInt64(limbs[k]) * UInt64(factor) + carry
            limbs[k] = UInt32(truncatingIfNeeded: p)
            carry = p >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
        while limbs.last == 0 { limbs.removeLast() }
    }

    mutating func multiplyByPowerOfTen(_ n: Int) {
        var n = n
        while n >= 9 {
            multiply(by: 1_000_000_000)
            n -= 9
        }
        var small: UInt32 = 1
        for _ in 0..<n { small *= 10 }
        multiply(by: small)
    }

    func shiftedLeft(_ bits: Int) -> BigUInt {
        guard !isZero else { return self }
        var r = BigUInt()
        r.limbs = Array(repeating: 0, count: bits / 32)
        let s = UInt32(bits % 32)
        if s == 0 {
            r.limbs.append(contentsOf: limbs)
        } else {
            var carry: UInt32 = 0
            for limb in limbs {
                r.limbs.append(limb << s | carry)
                carry = limb >> (32 - s)
            }
            if carry != 0 { r.limbs.append(carry) }
        }
        return r
    }

    func compare(_ other: BigUInt) -> Int {
        if limbs.count != other.limbs.count { return limbs.count < other.limbs.count ? -1 : 1 }
        var k = limbs.count - 1
        while k >= 0 {
            if limbs[k] != other.limbs[k] { return limbs[k] < other.limbs[k] ? -1 : 1 }
            k -= 1
        }
        return 0
    }

    /// self -= other, where self >= other.
    mutating func subtract(_ other: BigUInt) {
        var borrow: Int64 = 0
        for k in limbs.indices {
            var v = Int64(limbs[k]) - borrow - (k < other.limbs.count ? Int64(other.limbs[k]) : 0)
            borrow = 0
            if v < 0 {
                v += 1 << 32
                borrow = 1
            }
            limbs[k] = UInt32(v)
        }
        while limbs.last == 0 { limbs.removeLast() }
    }

    /// The top 64 bits (left-aligned when fewer), and whether any bit below them is set.
    func top64(width: Int) -> (UInt64, Bool) {
        var q: UInt64 = 0
        var sticky = false
        for bit in stride(from: width - 1, through: 0, by: -1) {
            let set = limbs[bit / 32] >> UInt32(bit % 32) & 1 == 1
            if bit >= width - 64 {
                q = q << 1 | (set ? 1 : 0)
            } else if set {
                sticky = true
                break
            }
        }
        if width < 64 { q <<= UInt64(64 - width) }
        return (q, sticky)
    }
}
