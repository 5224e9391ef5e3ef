import CI2C
import MoteHAL

/// An I2C adapter of the Linux i2c-dev interface (/dev/i2c-N).
///
/// `transaction` goes through I2C_RDWR when the adapter supports plain I2C, so multi-part
/// transfers keep their repeated START; on SMBus-only adapters (i2c-stub, some PMBus masters)
/// the common register shapes are mapped to SMBus calls, and anything else is `.unsupported`.
public final class LinuxI2CBus: I2CBus {
    public let name: String
    public let functionality: Functionality
    private let fd: Int32
    private var smbusAddress: UInt8?

    /// The adapter's I2C_FUNCS bits (<linux/i2c.h>).
    public struct Functionality: OptionSet, Sendable {
        public let rawValue: UInt64
        public init(rawValue: UInt64) { self.rawValue = rawValue }
        public static let i2c = Functionality(rawValue: 0x0000_0001)
        public static let smbusQuick = Functionality(rawValue: 0x0001_0000)
        public static let smbusReadByte = Functionality(rawValue: 0x0002_0000)
        public static let smbusWriteByte = Functionality(rawValue: 0x0004_0000)
        public static let smbusReadByteData = Functionality(rawValue: 0x0008_0000)
        public static let smbusWriteByteData = Functionality(rawValue: 0x0010_0000)
        public static let smbusReadWordData = Functionality(rawValue: 0x0020_0000)
        public static let smbusWriteWordData = Functionality(rawValue: 0x0040_0000)
        public static let smbusReadI2CBlock = Functionality(rawValue: 0x0400_0000)
        public static let smbusWriteI2CBlock = Functionality(rawValue: 0x0800_0000)
    }

    /// Opens /dev/i2c-`adapter`.
    public convenience init(adapter: Int) throws(BusError) {
        try self.init(path: "/dev/i2c-\(adapter)")
    }

    public init(path: String) throws(BusError) {
        name = path
        let fd = try syscall({ path.withCString { mote_i2c_open(-1, $0) } }) { errno in
            guard errno == .ENOENT || errno == .ENODEV || errno == .EACCES else {
                return BusError(errno: errno, operation: "open", bus: path)
            }
            var error = BusError(.unavailable, operation: "open", bus: path, errno: errno)
            error.existing = Self.adapters()
            return error
        }
        self.fd = fd
        var bits: UInt64 = 0
        do {
            _ = try syscall({ mote_i2c_functionality(fd, &bits) }) { BusError(errno: $0, operation: "I2C_FUNCS", bus: path) }
        } catch {
            _ = mote_i2c_close(fd)
            throw error
        }
        functionality = Functionality(rawValue: bits)
    }

    deinit {
        _ = mote_i2c_close(fd)
    }

    /// The adapters this machine has (/dev/i2c-N), for messages about one that is missing.
    public static func adapters() -> [String] {
        Files.list("/dev", prefix: "i2c-").map { "/dev/" + $0 }
    }

    /// The adapter's name as the kernel gives it ("SMBus stub driver", "bcm2835 (i2c@7e804000)").
    public static func adapterName(_ path: String) -> String? {
        guard path.hasPrefix("/dev/") else { return nil }
        return Files.read("/sys/class/i2c-dev/\(path.dropFirst(5))/name").map { String($0.split(separator: "\n").first ?? "") }
    }

    public enum ProbeResult: Equatable {
        /// Something acknowledged the address.
        case present
        /// A kernel driver has claimed the address (i2cdetect's "UU"); not probed.
        case claimed
    }

    /// Probes 0x03...0x77 the way i2cdetect does by default: an SMBus read-byte at 0x30...0x37
    /// and 0x50...0x5F (where a quick write can corrupt EEPROMs or lock some chips), a quick
    /// write elsewhere, and addresses a kernel driver holds are left alone. Returns who answered.
    public func scan() throws(BusError) -> [(address: UInt8, result: ProbeResult)] {
        var found: [(address: UInt8, result: ProbeResult)] = []
        let fd = self.fd
        for address in UInt8(0x03)...0x77 {
            // A quick write where the adapter has it and the address allows it, else a read.
            let readRange = (0x30...0x37).contains(address) || (0x50...0x5F).contains(address)
            let useRead: Bool
            if !readRange && functionality.contains(.smbusQuick) {
                useRead = false
            } else if functionality.contains(.smbusReadByte) {
                useRead = true
            } else {
                continue
            }
            let claim = mote_i2c_set_address(fd, UInt16(address), false)
            smbusAddress = nil
            if claim == -Errno.EBUSY.rawValue { found.append((address, .claimed)); continue }
            guard claim == 0 else { throw BusError(errno: Errno(-claim), operation: "I2C_SLAVE", bus: name, address: address) }
            smbusAddress = address
            let rc = useRead ? mote_i2c_smbus_read_byte(fd) : mote_i2c_smbus_quick(fd, false)
            if rc >= 0 { found.append((address, .present)) }
        }
        return found
    }

    public func transaction(_ address: UInt8, _ operations: UnsafeMutableBufferPointer<I2COperation>) throws(BusError) {
        if functionality.contains(.i2c) {
            try transfer(address, operations)
        } else {
            try smbusTransaction(address, operations)
        }
    }

    private func transfer(_ address: UInt8, _ operations: UnsafeMutableBufferPointer<I2COperation>) throws(BusError) {
        // I2C_RDWR takes at most 42 messages (I2C_RDWR_IOCTL_MAX_MSGS); the shim refuses more.
        var messages: [mote_i2c_message] = []
        messages.reserveCapacity(operations.count)
        for operation in operations {
            switch operation {
            case .write(let bytes):
                messages.append(mote_i2c_message(address: UInt16(address), read: false, length: UInt16(bytes.count),
                                                 buffer: UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))))
            case .read(let buffer):
                messages.append(mote_i2c_message(address: UInt16(address), read: true, length: UInt16(buffer.count),
                                                 buffer: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)))
            }
        }
        let fd = self.fd
        let count = UInt32(messages.count)
        _ = try syscall({ messages.withUnsafeMutableBufferPointer { mote_i2c_transfer(fd, $0.baseAddress, count) } }) {
            BusError(errno: $0, operation: "I2C_RDWR", bus: name, address: address)
        }
    }

    /// The register shapes drivers use, as SMBus transfers: [reg] + read(n) is a byte-data, or
    /// I2C block, read; [reg, value...] a byte-data, or I2C block, write; a lone byte written or
    /// read is an SMBus send or receive byte.
    private func smbusTransaction(_ address: UInt8, _ operations: UnsafeMutableBufferPointer<I2COperation>) throws(BusError) {
        try select(address)
        let fd = self.fd
        func fail(_ errno: Errno) -> BusError { BusError(errno: errno, operation: "SMBus transfer", bus: name, address: address) }
        switch (operations.count, operations.first, operations.count > 1 ? operations[1] : nil) {
        case (2, .write(let command)?, .read(let buffer)?) where command.count == 1 && buffer.count == 1:
            let value = try syscall({ mote_i2c_smbus_read_byte_data(fd, command[0]) }, onError: fail)
            buffer[0] = UInt8(truncatingIfNeeded: value)
        case (2, .write(let command)?, .read(let buffer)?) where command.count == 1 && buffer.count <= 32:
            let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
            let read = try syscall({ mote_i2c_smbus_read_i2c_block(fd, command[0], UInt8(buffer.count), base) }, onError: fail)
            if Int(read) != buffer.count { throw BusError(.overrun, operation: "SMBus block read", bus: name, address: address) }
        case (1, .write(let bytes)?, nil) where bytes.count == 1:
            _ = try syscall({ mote_i2c_smbus_write_byte(fd, bytes[0]) }, onError: fail)
        case (1, .read(let buffer)?, nil) where buffer.count == 1:
            let value = try syscall({ mote_i2c_smbus_read_byte(fd) }, onError: fail)
            buffer[0] = UInt8(truncatingIfNeeded: value)
        case (1, .write(let bytes)?, nil) where bytes.count == 2:
            _ = try syscall({ mote_i2c_smbus_write_byte_data(fd, bytes[0], bytes[1]) }, onError: fail)
        case (1, .write(let bytes)?, nil) where bytes.count > 2 && bytes.count <= 33:
            let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + 1
            _ = try syscall({ mote_i2c_smbus_write_i2c_block(fd, bytes[0], UInt8(bytes.count - 1), base) }, onError: fail)
        default:
            throw BusError(.unsupported, operation: "transaction (adapter has no I2C_FUNC_I2C)", bus: name, address: address)
        }
    }

    private func select(_ address: UInt8) throws(BusError) {
        guard smbusAddress != address else { return }
        let fd = self.fd
        _ = try syscall({ mote_i2c_set_address(fd, UInt16(address), false) }) {
            BusError(errno: $0, operation: "I2C_SLAVE", bus: name, address: address)
        }
        smbusAddress = address
    }
}
