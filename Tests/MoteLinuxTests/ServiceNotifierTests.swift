import Glibc
import Testing
import MoteHAL
import MoteLinux

/// A datagram socket bound by the test, standing in for systemd's notify socket.
final class NotifySocketListener {
    let fd: Int32
    /// What NOTIFY_SOCKET would say: the path, or '@' and the abstract name.
    let address: String

    init(abstract: Bool) throws {
        struct SocketFailed: Error { var call: String; var errno: Int32 }
        let name = "mote-notify-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        address = abstract ? "@" + name : "/tmp/" + name + ".sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw SocketFailed(call: "socket", errno: errno) }
        var unixAddress = sockaddr_un()
        unixAddress.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(address.utf8)
        withUnsafeMutableBytes(of: &unixAddress.sun_path) { path in
            for (index, byte) in bytes.enumerated() { path[index] = byte }
            if abstract { path[0] = 0 }  // the abstract namespace: a leading NUL, no terminator
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let rc = withUnsafePointer(to: &unixAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard rc == 0 else { let error = errno; close(fd); throw SocketFailed(call: "bind", errno: error) }
    }

    deinit {
        close(fd)
        if !address.hasPrefix("@") { unlink(address) }
    }

    /// The next datagram, waiting up to `milliseconds` for it; nil when none came.
    func receive(waiting milliseconds: Int32 = 2000) -> String? {
        var polled = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&polled, 1, milliseconds) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}

@Suite(.serialized) struct ServiceNotifierTests {
    func sendsEveryMessage(abstract: Bool) throws {
        let listener = try NotifySocketListener(abstract: abstract)
        let notifier = ServiceNotifier(socketPath: listener.address, watchdogInterval: .seconds(2))
        #expect(notifier.ready(status: "reading 3 sensors"))
        #expect(listener.receive() == "READY=1\nSTATUS=reading 3 sensors")
        #expect(notifier.watchdog())
        #expect(listener.receive() == "WATCHDOG=1")
        #expect(notifier.status("frame #7 sent"))
        #expect(listener.receive() == "STATUS=frame #7 sent")
        #expect(notifier.stopping(status: "SIGTERM"))
        #expect(listener.receive() == "STOPPING=1\nSTATUS=SIGTERM")
        #expect(listener.receive(waiting: 50) == nil)
    }

    @Test func pathSocketGetsTheExactDatagrams() throws {
        try sendsEveryMessage(abstract: false)
    }

    @Test func abstractSocketGetsTheExactDatagrams() throws {
        try sendsEveryMessage(abstract: true)
    }

    func notifier(_ environment: [String: String], pid: Int32 = 4242) -> ServiceNotifier? {
        ServiceNotifier.from(environment: { environment[$0] }, processID: pid)
    }

    @Test func environmentWithoutNotifySocketIsNoNotifier() {
        #expect(notifier([:]) == nil)
        #expect(notifier(["NOTIFY_SOCKET": ""]) == nil)
        #expect(notifier(["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "4242"]) == nil)
    }

    @Test func watchdogIntervalComesFromWatchdogUsecForOurPidOnly() {
        #expect(notifier(["NOTIFY_SOCKET": "/run/systemd/notify"])?.socketPath == "/run/systemd/notify")
        #expect(notifier(["NOTIFY_SOCKET": "/run/systemd/notify"])?.watchdogInterval == nil)
        let usec = ["NOTIFY_SOCKET": "@sd", "WATCHDOG_USEC": "2000000"]
        #expect(notifier(usec)?.watchdogInterval == .seconds(2))
        #expect(notifier(usec.merging(["WATCHDOG_PID": "4242"]) { $1 })?.watchdogInterval == .milliseconds(2000))
        #expect(notifier(usec.merging(["WATCHDOG_PID": "4243"]) { $1 })?.watchdogInterval == nil)
        #expect(notifier(usec.merging(["WATCHDOG_PID": "self"]) { $1 })?.watchdogInterval == nil)
        #expect(notifier(["NOTIFY_SOCKET": "@sd", "WATCHDOG_USEC": "0"])?.watchdogInterval == nil)
        #expect(notifier(["NOTIFY_SOCKET": "@sd", "WATCHDOG_USEC": "2s"])?.watchdogInterval == nil)
        #expect(notifier(["NOTIFY_SOCKET": "@sd", "WATCHDOG_USEC": "1500"])?.watchdogInterval == .microseconds(1500))
    }

    @Test func anotherProcessesWatchdogSendsNoPing() throws {
        let listener = try NotifySocketListener(abstract: true)
        let other = try #require(notifier(["NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1"]))
        #expect(other.watchdog() == false)
        #expect(listener.receive(waiting: 100) == nil)
        // The readiness messages are still ours to send.
        #expect(other.ready(status: "up"))
        #expect(listener.receive() == "READY=1\nSTATUS=up")
    }

    @Test func fromEnvironmentReadsTheProcessEnvironment() throws {
        let listener = try NotifySocketListener(abstract: false)
        setenv("NOTIFY_SOCKET", listener.address, 1)
        setenv("WATCHDOG_USEC", "3000000", 1)
        setenv("WATCHDOG_PID", "\(getpid())", 1)
        defer { unsetenv("NOTIFY_SOCKET"); unsetenv("WATCHDOG_USEC"); unsetenv("WATCHDOG_PID") }
        let notifier = try #require(ServiceNotifier.fromEnvironment())
        #expect(notifier.socketPath == listener.address)
        #expect(notifier.watchdogInterval == .seconds(3))
        #expect(notifier.watchdog())
        #expect(listener.receive() == "WATCHDOG=1")
        setenv("WATCHDOG_PID", "\(getpid() + 1)", 1)
        #expect(ServiceNotifier.fromEnvironment()?.watchdogInterval == nil)
        unsetenv("NOTIFY_SOCKET")
        #expect(ServiceNotifier.fromEnvironment() == nil)
    }

    @Test func unreachableSocketsReportFailure() {
        #expect(ServiceNotifier(socketPath: "/tmp/mote-no-such-notify-socket").ready(status: "x") == false)
        #expect(ServiceNotifier(socketPath: "@mote-no-such-notify-socket-\(getpid())").status("x") == false)
        #expect(ServiceNotifier(socketPath: "vsock:2:1234").status("x") == false)
        #expect(ServiceNotifier(socketPath: "/" + String(repeating: "a", count: 200)).status("x") == false)
    }
}

/// Real signals to this thread: raise() directs the signal at the calling thread, and a
/// synchronous test runs on one thread throughout, so the mask TerminationSignals sets is the one
/// the signal meets. Serialized so no two tests share a thread's pending signals.
@Suite(.serialized) struct TerminationSignalsTests {
    func readable(_ signals: TerminationSignals, within span: TimeSpan) -> Bool {
        let clock = MonotonicClock()
        return Poller.wait(readable: [signals.fileDescriptor], until: clock.now() + span, clock: clock).map(\.index) == [0]
    }

    @Test func sigtermIsTakenOnceAsTerminate() throws {
        let signals = try TerminationSignals()
        #expect(signals.take() == nil)
        #expect(readable(signals, within: .milliseconds(10)) == false)
        raise(SIGTERM)
        #expect(readable(signals, within: .seconds(2)))
        #expect(signals.take() == .terminate)
        #expect(signals.take() == nil)
        #expect(readable(signals, within: .milliseconds(10)) == false)
    }

    @Test func sigintTerminatesAndSighupHangsUp() throws {
        let signals = try TerminationSignals()
        raise(SIGHUP)
        #expect(readable(signals, within: .seconds(2)))
        #expect(signals.take() == .hangUp)
        #expect(signals.take() == nil)
        raise(SIGINT)
        #expect(readable(signals, within: .seconds(2)))
        #expect(signals.take() == .terminate)
        #expect(signals.take() == nil)
    }
}
