/// A failed GPIO operation, naming the chip and line, and what exists when something does not.
public struct GPIOError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case noSuchChip
        case noSuchLine
        case permissionDenied
        /// Another consumer holds the line.
        case busy
        case unsupported
        case other
    }

    public var kind: Kind
    public var operation: String
    public var chip: String
    public var line: String?
    public var errno: Errno
    /// For `noSuchChip` and `noSuchLine`: the chips or lines that do exist.
    public var existing: [String]

    public init(_ kind: Kind, operation: String, chip: String, line: String? = nil, errno: Errno = .none, existing: [String] = []) {
        self.kind = kind
        self.operation = operation
        self.chip = chip
        self.line = line
        self.errno = errno
        self.existing = existing
    }

    /// From a libgpiod errno: EACCES/EPERM a permission problem, EBUSY a taken line. (A chip
    /// that goes away under a held line reads ENODEV: `.other`, since it did exist.)
    public init(errno: Errno, operation: String, chip: String, line: String? = nil) {
        let kind: Kind
        switch errno.rawValue {
        case Errno.EACCES.rawValue, 1: kind = .permissionDenied  // 1 = EPERM
        case Errno.EBUSY.rawValue: kind = .busy
        case Errno.EOPNOTSUPP.rawValue: kind = .unsupported
        default: kind = .other
        }
        self.init(kind, operation: operation, chip: chip, line: line, errno: errno)
    }

    private static func joined(_ names: [String]) -> String {
        var text = ""
        for name in names { text += (text.isEmpty ? "" : ", ") + name }
        return text.isEmpty ? "none" : text
    }

    public var description: String {
        switch kind {
        case .noSuchChip:
            return "no GPIO chip '\(chip)'; chips: \(Self.joined(existing))"
        case .noSuchLine:
            return "no line '\(line ?? "")' on \(chip); lines: \(Self.joined(existing))"
        case .permissionDenied:
            return "\(operation) on \(chip): permission denied (\(errno.name)); the user needs the gpio group"
        case .busy:
            return "\(operation) of line \(line ?? "?") on \(chip): busy, another consumer holds it (\(errno.name))"
        case .unsupported:
            return "\(operation) of line \(line ?? "?") on \(chip): not supported (\(errno.name))"
        case .other:
            return "\(operation)\(line.map { " of line \($0)" } ?? "") on \(chip) failed (\(errno.name))"
        }
    }
}
