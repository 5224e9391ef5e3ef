/// A Linux error number, as the C shims return it (negated).
///
/// The values are the kernel's asm-generic numbers, which x86_64, arm and arm64 share; the board
/// build has no libc module to take them from.
public struct Errno: Equatable, Hashable, Sendable {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    public static let none = Errno(0)
    public static let ENOENT = Errno(2)
    public static let EINTR = Errno(4)
    public static let EIO = Errno(5)
    public static let ENXIO = Errno(6)
    public static let EBADF = Errno(9)
    public static let EAGAIN = Errno(11)
    public static let ENOMEM = Errno(12)
    public static let EACCES = Errno(13)
    public static let EFAULT = Errno(14)
    public static let EBUSY = Errno(16)
    public static let EEXIST = Errno(17)
    public static let ENODEV = Errno(19)
    public static let EISDIR = Errno(21)
    public static let EINVAL = Errno(22)
    public static let ENOTTY = Errno(25)
    public static let ENOSPC = Errno(28)
    public static let EROFS = Errno(30)
    public static let EPROTO = Errno(71)
    public static let EBADMSG = Errno(74)
    public static let EOVERFLOW = Errno(75)
    public static let EOPNOTSUPP = Errno(95)
    public static let ESHUTDOWN = Errno(108)
    public static let ETIMEDOUT = Errno(110)
    public static let EREMOTEIO = Errno(121)

    private static let names: [(Int32, String)] = [
        (2, "ENOENT"), (4, "EINTR"), (5, "EIO"), (6, "ENXIO"), (9, "EBADF"), (11, "EAGAIN"),
        (12, "ENOMEM"), (13, "EACCES"), (14, "EFAULT"), (16, "EBUSY"), (17, "EEXIST"), (19, "ENODEV"),
        (20, "ENOTDIR"), (21, "EISDIR"), (22, "EINVAL"), (25, "ENOTTY"), (28, "ENOSPC"), (30, "EROFS"),
        (39, "ENOTEMPTY"), (71, "EPROTO"), (74, "EBADMSG"), (75, "EOVERFLOW"), (95, "EOPNOTSUPP"),
        (108, "ESHUTDOWN"), (110, "ETIMEDOUT"), (121, "EREMOTEIO"),
    ]

    /// The symbolic name, or `errno N` for numbers this table does not know.
    public var name: String {
        for (value, name) in Self.names where value == rawValue { return name }
        return "errno \(rawValue)"
    }
}
