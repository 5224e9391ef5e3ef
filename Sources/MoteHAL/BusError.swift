/// What went wrong on a bus, in terms a caller can act on.
///
/// The kinds follow embedded-hal's `i2c::ErrorKind`; `from(errno:)` maps the kernel's codes as
/// Documentation/i2c/fault-codes.rst describes them.
public enum BusErrorKind: Equatable, Sendable {
    public enum NoAcknowledgeSource: Equatable, Sendable {
        case address, data, unknown
    }
    /// The device did not acknowledge its address or a data byte.
    case noAcknowledge(NoAcknowledgeSource)
    /// A bus error (misplaced START/STOP, a stuck line).
    case bus
    /// Another master won the bus.
    case arbitrationLoss
    /// Data came faster than it could be taken.
    case overrun
    /// The transfer did not finish in time (clock stretching, a hung device).
    case timeout
    /// The adapter cannot do what was asked (e.g. no I2C_RDWR on an SMBus-only adapter).
    case unsupported
    /// The adapter or port itself is missing or not accessible.
    case unavailable
    /// Anything else; the errno tells more.
    case other

    public static func from(errno: Errno) -> BusErrorKind {
        switch errno {
        case .ENXIO: return .noAcknowledge(.address)
        // Without a phase: SMBus emulation (i2c-stub and others) answers an absent address with
        // ENODEV, and i2c-bcm2835 (every Raspberry Pi) reports any NAK as EREMOTEIO.
        case .ENODEV, .EREMOTEIO: return .noAcknowledge(.unknown)
        case .EAGAIN: return .arbitrationLoss
        case .ETIMEDOUT: return .timeout
        case .EOVERFLOW: return .overrun
        case .EIO, .EBUSY, .EPROTO, .EBADMSG: return .bus
        case .EOPNOTSUPP: return .unsupported
        default: return .other
        }
    }

    public var summary: String {
        switch self {
        case .noAcknowledge(.address): return "no acknowledge (address)"
        case .noAcknowledge(.data): return "no acknowledge (data)"
        case .noAcknowledge(.unknown): return "no acknowledge"
        case .bus: return "bus error"
        case .arbitrationLoss: return "arbitration lost"
        case .overrun: return "overrun"
        case .timeout: return "timeout"
        case .unsupported: return "not supported by the adapter"
        case .unavailable: return "not available"
        case .other: return "failed"
        }
    }
}

/// A failed bus operation: which bus and device, what was attempted, the errno, and the kind.
public struct BusError: Error, Equatable, CustomStringConvertible {
    public var kind: BusErrorKind
    /// What was attempted, e.g. "open", "transaction", "I2C_FUNCS".
    public var operation: String
    /// The bus, e.g. "/dev/i2c-1" or "sim-i2c".
    public var bus: String
    /// The device address on the bus, when the operation had one.
    public var address: UInt8?
    /// The kernel's error number; `.none` for errors that did not come from a system call.
    public var errno: Errno
    /// When the bus itself is missing: the ones that exist.
    public var existing: [String] = []

    public init(_ kind: BusErrorKind, operation: String, bus: String, address: UInt8? = nil, errno: Errno = .none) {
        self.kind = kind
        self.operation = operation
        self.bus = bus
        self.address = address
        self.errno = errno
    }

    /// An error from a system call's errno, its kind mapped as `BusErrorKind.from(errno:)` says.
    public init(errno: Errno, operation: String, bus: String, address: UInt8? = nil) {
        self.init(.from(errno: errno), operation: operation, bus: bus, address: address, errno: errno)
    }

    public var description: String {
        var text = "\(operation) on \(bus)"
        if let address { text += " at \(Hex.byte(address))" }
        text += ": \(kind.summary)"
        if errno != .none { text += " (\(errno.name))" }
        if errno == .EACCES, let group = Self.group(for: bus) { text += "; the user needs the \(group) group" }
        if kind == .unavailable && errno != .EACCES {
            var present = ""
            for name in existing { present += (present.isEmpty ? "" : ", ") + name }
            text += "; present: " + (present.isEmpty ? "none" : present)
        }
        return text
    }

    /// The group Debian and Raspberry Pi OS give access to a device through.
    public static func group(for path: String) -> String? {
        if path.hasPrefix("/dev/i2c") { return "i2c" }
        if path.hasPrefix("/dev/gpiochip") { return "gpio" }
        if path.hasPrefix("/dev/tty") || path.hasPrefix("/dev/serial") { return "dialout" }
        return nil
    }
}
