import Foundation
import Testing
import MoteHAL
import MoteNode
@testable import MoteLinux

/// The collector end on its own thread while the transport waits for an answer.
private final class Collector: @unchecked Sendable {
    let socket: UDPCollectorSocket
    init(host: String = "127.0.0.1") throws { socket = try UDPCollectorSocket(host: host) }
}

/// Runs `body` on a thread of its own and hands back its result: the collector must answer
/// while the transport blocks in `send`, and a task of Swift's cooperative pool may not get a
/// thread at all while parallel tests block the pool's few.
private final class Answering<T>: @unchecked Sendable {
    private var result: T?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> T) {
        let thread = Thread { [self] in
            result = body()
            done.signal()
        }
        thread.start()
    }

    var value: T? {
        done.wait()
        return result
    }
}

/// Real sockets on loopback: the transport against a bound UDP socket in the test.
@Suite(.serialized) struct UDPTransportTests {
    let frame = Frame(sequence: 7, port: 2, format: "senml+cbor", bytes: [0x81, 0xA1, 0x02, 0x01])
    static let expectedDatagram = #"{"node":"weather-1","seq":7,"port":2,"format":"senml+cbor","hex":"81a10201"}"#

    @Test func oneDatagramPerFrameExactBytes() throws {
        let collector = try Collector()
        var transport = UDPTransport(host: "127.0.0.1", port: collector.socket.port, node: "weather-1")
        #expect(transport.name == "udp 127.0.0.1:\(collector.socket.port)")
        #expect(transport.connect() == .ready)
        #expect(transport.send(frame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))
        let received = collector.socket.receive(timeout: .seconds(2))
        #expect(received.map { String(decoding: $0, as: UTF8.self) } == Self.expectedDatagram)
        #expect(collector.socket.receive(timeout: .milliseconds(50)) == nil)  // exactly one
    }

    @Test func ipv6LiteralAndNames() throws {
        let six = try Collector(host: "::1")
        var transport = UDPTransport(host: "::1", port: six.socket.port, node: "weather-1")
        #expect(transport.name == "udp [::1]:\(six.socket.port)")
        #expect(transport.connect() == .ready)
        #expect(transport.send(frame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))
        #expect(six.socket.receive(timeout: .seconds(2)).map { String(decoding: $0, as: UTF8.self) } == Self.expectedDatagram)

        let four = try Collector()
        var named = UDPTransport(host: "localhost", port: four.socket.port, node: "weather-1")
        #expect(named.connect() == .ready)
        _ = named.send(frame, confirmed: false)
        // localhost may resolve to ::1 first, where nothing listens on this port: then the
        // name still resolved, which is what this checks.
        _ = four.socket.receive(timeout: .milliseconds(200))

        var nowhere = UDPTransport(host: "no-such-host.invalid", port: 9, node: "weather-1")
        guard case .retry(let after, let reason) = nowhere.connect() else { Issue.record("resolved an invalid name"); return }
        #expect(after == .seconds(30))
        #expect(reason.hasPrefix("connect to no-such-host.invalid:9: cannot resolve: "), "\(reason)")
    }

    @Test func acknowledgementWithDownlink() throws {
        let collector = try Collector()
        // A generous wait for the answer: it is how long a failure takes, not a speed check.
        var transport = UDPTransport(host: "127.0.0.1", port: collector.socket.port, node: "weather-1", acknowledgements: true,
                                     ackTimeout: .seconds(20))
        #expect(transport.connect() == .ready)
        let answered = Answering { () -> String? in
            guard let datagram = collector.socket.receive(timeout: .seconds(20)) else { return nil }
            collector.socket.answer(Array(#"{"ack":6}"#.utf8))      // late answer to an earlier frame: skipped
            collector.socket.answer(Array("hello".utf8))            // not an answer: skipped
            collector.socket.answer(Array(#"{"ack":7,"downlink":{"port":10,"hex":"01ff"}}"#.utf8))
            return String(decoding: datagram, as: UTF8.self)
        }
        #expect(transport.send(frame, confirmed: false) == .sent(acknowledged: true, downlink: Downlink(port: 10, bytes: [0x01, 0xFF])))
        #expect(answered.value == Self.expectedDatagram)
    }

    @Test func confirmedFrameWaitsForAnAckWithoutDownlink() throws {
        let collector = try Collector()
        var transport = UDPTransport(host: "127.0.0.1", port: collector.socket.port, node: "weather-1", ackTimeout: .seconds(20))
        #expect(transport.connect() == .ready)
        let answered = Answering { () -> Bool in
            guard collector.socket.receive(timeout: .seconds(20)) != nil else { return false }
            return collector.socket.answer(Array(#"{ "ack" : 7 }"#.utf8))
        }
        #expect(transport.send(frame, confirmed: true) == .sent(acknowledged: true, downlink: nil))
        #expect(answered.value == true)
    }

    @Test func noAnswerIsRetry() throws {
        let collector = try Collector()
        var transport = UDPTransport(host: "127.0.0.1", port: collector.socket.port, node: "weather-1",
                                     acknowledgements: true, ackTimeout: .milliseconds(200), retryAfter: .seconds(5))
        #expect(transport.connect() == .ready)
        let clock = MonotonicClock(fromBoot: true)
        let start = clock.now()
        #expect(transport.send(frame, confirmed: false)
            == .retry(after: .seconds(5), reason: "127.0.0.1:\(collector.socket.port): no acknowledgement of frame 7 within 200 ms"))
        let waited = (clock.now() - start).nanoseconds / 1_000_000
        #expect(waited >= 200 && waited < 1000, "\(waited) ms")
        #expect(collector.socket.receive(timeout: .milliseconds(100)) != nil)  // it did go out
    }

    @Test func refusedPortIsRetryWithTheErrno() throws {
        var port: UInt16 = 0
        do { port = try Collector().socket.port }  // bound and closed again: nothing listens there now
        var acked = UDPTransport(host: "127.0.0.1", port: port, node: "weather-1", acknowledgements: true)
        #expect(acked.connect() == .ready)
        #expect(acked.send(frame, confirmed: false) == .retry(after: .seconds(30), reason: "receive from 127.0.0.1:\(port): ECONNREFUSED"))

        var plain = UDPTransport(host: "127.0.0.1", port: port, node: "weather-1")
        #expect(plain.connect() == .ready)
        #expect(plain.send(frame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))  // UDP cannot know yet
        Thread.sleep(forTimeInterval: 0.05)  // the ICMP port unreachable comes back
        #expect(plain.send(frame, confirmed: false) == .retry(after: .seconds(30), reason: "send to 127.0.0.1:\(port): ECONNREFUSED"))
    }

    @Test func notConnectedIsRejoin() {
        var transport = UDPTransport(host: "127.0.0.1", port: 9, node: "weather-1")
        #expect(transport.send(frame, confirmed: false) == .rejoin(reason: "127.0.0.1:9: not connected"))
    }

    @Test func collectorAnswers() {
        func answer(_ text: String) -> CollectorAnswer? { CollectorAnswer(Array(text.utf8)) }
        #expect(answer(#"{"ack":4294967295}"#)?.ack == 4294967295)
        #expect(answer(#"{"ack":3,"note":"x","ok":true,"n":null}"#) == CollectorAnswer(Array(#"{"ack":3}"#.utf8)))
        #expect(answer(#"{"downlink":{"hex":"AB","port":223},"ack":1}"#)?.downlink == Downlink(port: 223, bytes: [0xAB]))
        for bad in [#"{"ack":-1}"#, #"{"ack":1.5}"#, #"{"ack":4294967296}"#, #"{"ack":"1"}"#, #"{}"#, #"{"ack":1}x"#,
                    #"{"ack":1,"downlink":{"port":0,"hex":""}}"#, #"{"ack":1,"downlink":{"port":1,"hex":"abc"}}"#,
                    #"{"ack":1,"downlink":{"port":1,"hex":"zz"}}"#, #"{"ack":1,"downlink":{"port":1}}"#, #"[1]"#, ""] {
            #expect(answer(bad) == nil, "\(bad)")
        }
    }
}
