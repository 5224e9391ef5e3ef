/// 1-based line and column. The column counts Unicode scalars, as an editor shows them
/// (a tab is one column); lines end at LF (CRLF counts as one line end).
public struct TOMLPosition: Equatable, Comparable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: TOMLPosition, b: TOMLPosition) -> Bool {
        a.line != b.line ? a.line < b.line : a.column < b.column
    }

    /// "12:1", the form error messages use.
    public var description: String { "\(line):\(column)" }
}

public struct TOMLError: Error, Equatable, Sendable, CustomStringConvertible {
    public var position: TOMLPosition
    /// What is wrong, naming the key where there is one: "duplicate key 'address' (first defined at 12:1)".
    public var message: String

    public init(position: TOMLPosition, message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { "\(position): \(message)" }
}

public indirect enum TOMLValue: Equatable, Sendable {
    case string(String), integer(Int64), float(Double), boolean(Bool)
    case array([TOMLNode])
    case table(TOMLTable)

    /// The TOML name of the type, for messages such as "expected an integer, found a string".
    public var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .array: "array"
        case .table: "table"
        }
    }
}

/// A value and where it starts in the file.
public struct TOMLNode: Equatable, Sendable {
    public var value: TOMLValue
    public var position: TOMLPosition

    public init(value: TOMLValue, position: TOMLPosition) {
        self.value = value
        self.position = position
    }
}

public struct TOMLEntry: Equatable, Sendable {
    /// The last dotted part: `power` for `[sensor.power]` or `sensor.power = {...}`.
    public var key: String
    /// Where that part is written (for a table, in the header or dotted key that first named it).
    public var keyPosition: TOMLPosition
    public var node: TOMLNode

    public init(key: String, keyPosition: TOMLPosition, node: TOMLNode) {
        self.key = key
        self.keyPosition = keyPosition
        self.node = node
    }
}

/// Keys in file order. For a table created by a header `[a.b]` or `[[a]]`, `position` is the
/// header's; a table that only a longer header implied (`a` in `[a.b]`) has the position of its key
/// in the first such header until a header of its own defines it. A table made by dotted keys has
/// its key's position, an inline table its `{`, the document 1:1.
public struct TOMLTable: Equatable, Sendable {
    public var entries: [TOMLEntry]
    public var position: TOMLPosition

    public init(entries: [TOMLEntry] = [], position: TOMLPosition = TOMLPosition(line: 1, column: 1)) {
        self.entries = entries
        self.position = position
    }

    /// Linear: configuration tables are small, and the parser has checked keys are unique.
    public subscript(key: String) -> TOMLEntry? {
        for entry in entries where entry.key == key { return entry }
        return nil
    }
}
