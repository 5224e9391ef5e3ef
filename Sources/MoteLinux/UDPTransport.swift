import CSocket
import MoteHAL
import MoteNode

/// The socket errors a UDP uplink meets; the HAL's table stops at the bus errors.
extension Errno {
    public static let EMSGSIZE = Errno(90)
    public static let EADDRNOTAVAIL = Errno(99)
    public static let ENETDOWN = Errno(100)
    public static let ENETUNREACH = Errno(101)
    public static let ENOBUFS = Errno(105)
    public static let ECONNREFUSED = Errno(111)
    public static let EHOSTDOWN = Errno(112)
    public static let EHOSTUNREACH = Errno(113)

    /// The name, socket errors included.
    var socketName: String {
        let names: [(Errno, String)] = [(.EMSGSIZE, "EMSGSIZE"), (.EADDRNOTAVAIL, "EADDRNOTAVAIL"), (.ENETDOWN, "ENETDOWN"),
                                        (.ENETUNREACH, "ENETUNREACH"), (.ENOBUFS, "ENOBUFS"), (.ECONNREFUSED, "ECONNREFUSED"),
                                        (.EHOSTDOWN, "EHOSTDOWN"), (.EHOSTUNREACH, "EHOSTUNREACH")]
        for (errno, name) in names where errno == self { return name }
        return name
    }
}

/// A connected UDP socket; closed when the last reference goes.
final class UDPSocket {
    let fd: Int32

    init(fd: Int32) { self.fd = fd }
    deinit { _ = mote_socket_close(fd) }

    /// The reason for a failed `mote_socket_udp_connect`/`_bind`: the lookup's text or the errno's name.
    static func reason(_ code: Int32) -> String {
        if let text = mote_socket_resolve_error(code) { return "cannot resolve: " + String(cString: text) }
        return Errno(-code).socketName
    }
}

/// Frames to a collector over UDP: one datagram per frame holding one JSON object,
/// `{"node":"<name>","seq":N,"port":P,"format":"...","hex":"..."}`.
///
/// With `acknowledgements` (or for a confirmed frame) the collector answers within `ackTimeout`
/// with `{"ack":N}`, or `{"ack":N,"downlink":{"port":P,"hex":"..."}}` to send something back;
/// no answer means `.retry`. Socket errors (ECONNREFUSED after the collector's port said
/// unreachable, ENETUNREACH while the modem has no bearer) are `.retry` with the errno named.
public struct UDPTransport: UplinkTransport {
    public let host: String
    public let port: UInt16
    /// The node's name in every datagram.
    public let node: String
    public var acknowledgements: Bool
    public var ackTimeout: TimeSpan
    /// How long to wait before trying again after a socket error or a missing answer.
    public var retryAfter: TimeSpan
    private var socket: UDPSocket?
    private let clock = MonotonicClock(fromBoot: true)

    /// The largest UDP payload over IPv4 (65535 − 8 − 20).
    public static let maximumDatagram = 65_507

    public init(host: String, port: UInt16, node: String, acknowledgements: Bool = false,
                ackTimeout: TimeSpan = .seconds(2), retryAfter: TimeSpan = .seconds(30)) {
        self.host = host
        self.port = port
        self.node = node
        self.acknowledgements = acknowledgements
        self.ackTimeout = ackTimeout
        self.retryAfter = retryAfter
    }

    public var name: String { "udp " + endpoint }

    private var endpoint: String {
        var colon = false
        for byte in host.utf8 where byte == UInt8(ascii: ":") { colon = true }
        return (colon ? "[" + host + "]" : host) + ":" + String(port)
    }

    public mutating func connect() -> ConnectOutcome {
        socket = nil
        let fd = host.withCString { mote_socket_udp_connect($0, port) }
        guard fd >= 0 else { return .retry(after: retryAfter, reason: "connect to \(endpoint): " + UDPSocket.reason(fd)) }
        socket = UDPSocket(fd: fd)
        return .ready
    }

    /// The datagram for `frame`, byte for byte.
    public func datagram(_ frame: Frame) -> [UInt8] {
        let text = "{\"node\":" + JSONText.quoted(node) + ",\"seq\":" + String(frame.sequence) + ",\"port\":" + String(frame.port)
            + ",\"format\":" + JSONText.quoted(frame.format) + ",\"hex\":\"" + Hex.encode(frame.bytes) + "\"}"
        return Array(text.utf8)
    }

    public mutating func send(_ frame: Frame, confirmed: Bool) -> UplinkOutcome {
        guard let socket else { return .rejoin(reason: "\(endpoint): not connected") }
        let bytes = datagram(frame)
        guard bytes.count <= Self.maximumDatagram else {
            return .rejected(reason: "datagram of \(bytes.count) bytes is larger than UDP carries (\(Self.maximumDatagram))")
        }
        // Answers to earlier frames that came too late are dropped. An error queued by an
        // earlier datagram (ECONNREFUSED) comes out here and counts for this send.
        var scratch = [UInt8](repeating: 0, count: 2048)
        while true {
            let rc = scratch.withUnsafeMutableBufferPointer { mote_socket_receive(socket.fd, $0.baseAddress, $0.count, 0) }
            if rc >= 0 || rc == -Errno.EINTR.rawValue { continue }
            if rc == -Errno.ETIMEDOUT.rawValue || rc == -Errno.EAGAIN.rawValue { break }
            return .retry(after: retryAfter, reason: "send to \(endpoint): " + Errno(-rc).socketName)
        }

        var rc: Int32
        repeat {
            rc = bytes.withUnsafeBufferPointer { mote_socket_send(socket.fd, $0.baseAddress, $0.count) }
        } while rc == -Errno.EINTR.rawValue
        if rc < 0 {
            let errno = Errno(-rc)
            if errno == .EMSGSIZE { return .rejected(reason: "send to \(endpoint): EMSGSIZE (\(bytes.count) bytes)") }
            if errno == .EBADF || errno == .EFAULT { fatalError("bad descriptor or address passed to send (\(errno.name))") }
            return .retry(after: retryAfter, reason: "send to \(endpoint): " + errno.socketName)
        }
        guard acknowledgements || confirmed else { return .sent(acknowledged: nil, downlink: nil) }
        return awaitAcknowledgement(of: frame.sequence, socket: socket)
    }

    private func awaitAcknowledgement(of sequence: UInt32, socket: UDPSocket) -> UplinkOutcome {
        let deadline = clock.now() + ackTimeout
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            let remaining = deadline - clock.now()
            let milliseconds = remaining.nanoseconds <= 0 ? 0 : Int32(clamping: (remaining.nanoseconds + 999_999) / 1_000_000)
            let rc = buffer.withUnsafeMutableBufferPointer { mote_socket_receive(socket.fd, $0.baseAddress, $0.count, milliseconds) }
            if rc == -Errno.EINTR.rawValue || rc == -Errno.EAGAIN.rawValue { continue }
            if rc == -Errno.ETIMEDOUT.rawValue {
                return .retry(after: retryAfter, reason: "\(endpoint): no acknowledgement of frame \(sequence) within \(ackTimeout.milliseconds) ms")
            }
            if rc < 0 { return .retry(after: retryAfter, reason: "receive from \(endpoint): " + Errno(-rc).socketName) }
            // Anything but an answer to this frame (a late ack, noise) is skipped.
            if let answer = CollectorAnswer(Array(buffer[0..<Int(rc)])), answer.ack == sequence {
                return .sent(acknowledged: true, downlink: answer.downlink)
            }
            if clock.now() >= deadline {
                return .retry(after: retryAfter, reason: "\(endpoint): no acknowledgement of frame \(sequence) within \(ackTimeout.milliseconds) ms")
            }
        }
    }
}

extension TimeSpan {
    fileprivate var milliseconds: Int64 { nanoseconds / 1_000_000 }
}

/// The collector end of a UDP uplink, for tests and a collector on the node's own network:
/// a socket bound to a local port that receives datagrams and answers their senders.
public final class UDPCollectorSocket {
    let fd: Int32
    public let port: UInt16
    private var lastSender: [UInt8] = []

    public init(host: String = "127.0.0.1", port: UInt16 = 0) throws(BusError) {
        let fd = host.withCString { mote_socket_udp_bind($0, port) }
        guard fd >= 0 else { throw BusError(.unavailable, operation: "bind (\(UDPSocket.reason(fd)))", bus: "udp \(host):\(port)") }
        self.fd = fd
        self.port = UInt16(truncatingIfNeeded: mote_socket_local_port(fd))
    }

    deinit { _ = mote_socket_close(fd) }

    /// The next datagram, or nil when none came within `timeout`.
    public func receive(timeout: TimeSpan) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var address = [UInt8](repeating: 0, count: 128)
        var size = UInt32(address.count)
        let milliseconds = Int32(clamping: timeout.nanoseconds / 1_000_000)
        let rc = buffer.withUnsafeMutableBufferPointer { data in
            address.withUnsafeMutableBufferPointer { mote_socket_receive_from(fd, data.baseAddress, data.count, milliseconds, $0.baseAddress, &size) }
        }
        guard rc >= 0 else { return nil }
        lastSender = Array(address[0..<Int(size)])
        return Array(buffer[0..<Int(rc)])
    }

    /// Sends `bytes` to whoever sent the last datagram.
    @discardableResult
    public func answer(_ bytes: [UInt8]) -> Bool {
        let sender = lastSender
        let rc = bytes.withUnsafeBufferPointer { data in
            sender.withUnsafeBufferPointer { mote_socket_send_to(fd, data.baseAddress, data.count, $0.baseAddress, UInt32($0.count)) }
        }
        return rc == Int32(bytes.count)
    }
}
