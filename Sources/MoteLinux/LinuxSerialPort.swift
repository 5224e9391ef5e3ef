import CSerial
import MoteHAL

/// A file descriptor that reads and writes without blocking and waits with ppoll: shared by
/// serial ports and pseudo-terminal masters.
final class NonBlockingDescriptor {
    let fd: Int32
    let name: String
    private let clock = MonotonicClock(fromBoot: true)
    /// Set when poll reported a hang-up: a read of nothing then means the end, not "no data yet"
    /// (with VMIN = VTIME = 0 a tty read returns 0 in both cases).
    private var hungUp = false

    init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
    }

    func read(into buffer: inout [UInt8]) throws(BusError) -> Int {
        let fd = self.fd
        let rc = buffer.withUnsafeMutableBufferPointer { mote_serial_read(fd, $0.baseAddress, $0.count) }
        if rc == -Errno.EAGAIN.rawValue || rc == -Errno.EINTR.rawValue { return 0 }
        // EIO: a USB adapter unplugged, or a pseudo-terminal whose far end closed. Reported, so a
        // reader stops instead of spinning on a descriptor that polls readable for ever.
        if rc == -Errno.EIO.rawValue {
            throw BusError(.unavailable, operation: "read (the other end hung up)", bus: name, errno: .EIO)
        }
        guard rc >= 0 else { throw BusError(errno: Errno(-rc), operation: "read", bus: name) }
        if rc == 0 && hungUp && !buffer.isEmpty {
            throw BusError(.unavailable, operation: "read (the other end hung up)", bus: name, errno: .EIO)
        }
        return Int(rc)
    }

    func write(_ bytes: [UInt8]) throws(BusError) {
        var offset = 0
        let fd = self.fd
        while offset < bytes.count {
            let rc = bytes.withUnsafeBufferPointer { mote_serial_write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if rc == -Errno.EAGAIN.rawValue {
                _ = waitWritable()
                continue
            }
            if rc == -Errno.EINTR.rawValue { continue }
            guard rc >= 0 else { throw BusError(errno: Errno(-rc), operation: "write", bus: name) }
            offset += Int(rc)
        }
    }

    func waitReadable(until deadline: Instant) -> Bool {
        let ready = Poller.wait(readable: [fd], until: deadline, clock: clock)
        if ready.first?.hungUp == true { hungUp = true }
        return !ready.isEmpty
    }

    private func waitWritable() -> Bool {
        // Output queues drain in character times; a short sleep-and-retry is enough here.
        clock.sleep(for: .milliseconds(1))
        return true
    }
}

/// A serial port through termios: raw mode, our own timeouts (VMIN = VTIME = 0), exclusive
/// open by default, RS-485 direction control where the driver has it.
///
/// Deadlines given to `waitReadable` are on the port's clock: `MonotonicClock(fromBoot: true)`,
/// which `clock` returns.
public final class LinuxSerialPort: SerialPort {
    public let name: String
    public let configuration: SerialConfiguration
    private let descriptor: NonBlockingDescriptor
    /// The timeline `waitReadable` deadlines are on.
    public let clock = MonotonicClock(fromBoot: true)

    public init(path: String, configuration: SerialConfiguration, exclusive: Bool = true) throws(BusError) {
        if let problem = configuration.problem {
            throw BusError(.unsupported, operation: "configure (\(problem))", bus: path)
        }
        name = path
        self.configuration = configuration
        let fd = path.withCString { mote_serial_open($0, exclusive) }
        guard fd >= 0 else {
            let errno = Errno(-fd)
            var error = BusError(errno: errno, operation: "open", bus: path)
            if errno == .ENOENT || errno == .ENODEV || errno == .EACCES || errno == .ENXIO {
                error.kind = .unavailable
                error.existing = Self.ports()
            }
            if errno == .EBUSY { error.operation = "open (another program holds it exclusively)" }
            throw error
        }
        descriptor = NonBlockingDescriptor(fd: fd, name: path)
        var config = mote_serial_config(baud: UInt32(configuration.baud), data_bits: UInt8(configuration.dataBits),
                                        parity: configuration.parity == .none ? 0 : configuration.parity == .odd ? 1 : 2,
                                        stop_bits: UInt8(configuration.stopBits), rts_cts: configuration.rtsCts)
        let rc = mote_serial_configure(fd, &config)
        guard rc == 0 else {
            _ = mote_serial_close(fd)
            throw BusError(errno: Errno(-rc), operation: "configure \(configuration.summary)", bus: path)
        }
    }

    deinit { _ = mote_serial_close(descriptor.fd) }

    /// The serial ports this machine has, for messages about one that is missing.
    public static func ports() -> [String] {
        var ports: [String] = []
        for prefix in ["ttyAMA", "ttyS", "ttyUSB", "ttyACM", "ttyO", "serial"] {
            ports += Files.list("/dev", prefix: prefix).map { "/dev/" + $0 }
        }
        return ports
    }

    /// The settings as the driver took them.
    public func readBack() -> SerialConfiguration? {
        var config = mote_serial_config()
        guard mote_serial_get_config(descriptor.fd, &config) == 0 else { return nil }
        return SerialConfiguration(baud: Int(config.baud), dataBits: Int(config.data_bits),
                                   parity: config.parity == 0 ? .none : config.parity == 1 ? .odd : .even,
                                   stopBits: Int(config.stop_bits), rtsCts: config.rts_cts)
    }

    public func read(into buffer: inout [UInt8]) throws(BusError) -> Int { try descriptor.read(into: &buffer) }
    public func write(_ bytes: [UInt8]) throws(BusError) { try descriptor.write(bytes) }
    public func waitReadable(until deadline: Instant) throws(BusError) -> Bool { descriptor.waitReadable(until: deadline) }
    public var fileDescriptor: Int32 { descriptor.fd }

    /// Waits until everything written has left the UART.
    public func drain() throws(BusError) {
        let rc = mote_serial_drain(descriptor.fd)
        guard rc == 0 else { throw BusError(errno: Errno(-rc), operation: "tcdrain", bus: name) }
    }

    public func discardInput() {
        _ = mote_serial_flush_input(descriptor.fd)
    }

    /// RS-485 half duplex: the driver switches the transceiver with RTS around each send.
    /// `.unsupported` where the driver has no TIOCSRS485 (most USB adapters, pseudo-terminals).
    public func setRS485(enabled: Bool, rtsOnSend: Bool = true, delayBefore: Int = 0, delayAfter: Int = 0) throws(BusError) {
        let rc = mote_serial_set_rs485(descriptor.fd, enabled, rtsOnSend, UInt32(delayBefore), UInt32(delayAfter))
        guard rc == 0 else {
            var error = BusError(errno: Errno(-rc), operation: "TIOCSRS485", bus: name)
            if Errno(-rc) == .ENOTTY || Errno(-rc) == .EINVAL { error.kind = .unsupported }
            throw error
        }
    }
}

/// A pseudo-terminal pair: `path` opens like a serial port; this side is the wire's far end,
/// where a device model talks.
public final class PseudoTerminal: SerialPort {
    public let path: String
    public var name: String { path + " (master)" }
    private let descriptor: NonBlockingDescriptor
    public let clock = MonotonicClock(fromBoot: true)

    public init() throws(BusError) {
        var buffer: [CChar] = Array(repeating: 0, count: 128)
        let fd = buffer.withUnsafeMutableBufferPointer { mote_serial_open_pty($0.baseAddress, $0.count) }
        guard fd >= 0 else { throw BusError(errno: Errno(-fd), operation: "open pseudo-terminal", bus: "/dev/ptmx") }
        path = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        descriptor = NonBlockingDescriptor(fd: fd, name: path + " (master)")
    }

    deinit { _ = mote_serial_close(descriptor.fd) }

    public func read(into buffer: inout [UInt8]) throws(BusError) -> Int { try descriptor.read(into: &buffer) }
    public func write(_ bytes: [UInt8]) throws(BusError) { try descriptor.write(bytes) }
    public func waitReadable(until deadline: Instant) throws(BusError) -> Bool { descriptor.waitReadable(until: deadline) }
}
