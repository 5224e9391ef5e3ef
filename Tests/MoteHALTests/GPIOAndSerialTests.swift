import Testing
import MoteHAL
import MoteSimulation

private func ms(_ value: Int64) -> Instant { .zero + .milliseconds(value) }

@Suite struct DebouncerTests {
    @Test func bouncesShorterThanTheWindowAreSwallowed() {
        var d = Debouncer(window: .milliseconds(10), edge: .both, level: false)
        // A press that bounces for 3 ms: up, down, up, down, up at 0, 1, 2, 3, 4 ms.
        for (index, t) in [0, 1, 2, 3, 4].enumerated() { d.raw(rising: index % 2 == 0, at: ms(Int64(t))) }
        #expect(d.deadline == ms(14))
        #expect(d.expire(at: ms(13)) == nil)
        #expect(d.expire(at: ms(14)) == GPIOEdgeEvent(rising: true, timestamp: ms(4), sequence: 1))
        #expect(d.level)
        #expect(d.deadline == nil)
    }

    @Test func aGlitchThatReturnsReportsNothing() {
        var d = Debouncer(window: .milliseconds(10), edge: .both, level: false)
        d.raw(rising: true, at: ms(0))
        d.raw(rising: false, at: ms(2))
        #expect(d.deadline == nil)
        #expect(d.expire(at: ms(50)) == nil)
        #expect(!d.level)
    }

    @Test func onlyTheWantedDirectionIsReportedButBothAreTracked() {
        var d = Debouncer(window: .milliseconds(5), edge: .rising, level: false)
        d.raw(rising: true, at: ms(0))
        #expect(d.expire(at: ms(5))?.sequence == 1)
        d.raw(rising: false, at: ms(20))
        #expect(d.expire(at: ms(25)) == nil)   // a settled fall, not wanted
        #expect(!d.level)
        d.raw(rising: true, at: ms(40))
        #expect(d.expire(at: ms(45)) == GPIOEdgeEvent(rising: true, timestamp: ms(40), sequence: 2))
    }
}

@Suite struct SerialConfigurationTests {
    @Test func settingsAreChecked() {
        #expect(SerialConfiguration(baud: 9600).problem == nil)
        #expect(SerialConfiguration(baud: 4_000_000).problem == nil)
        #expect(SerialConfiguration(baud: 9601).problem == "9601 is not a standard rate")
        #expect(SerialConfiguration(dataBits: 9).problem == "data bits must be 5 to 8, not 9")
        #expect(SerialConfiguration(stopBits: 3).problem == "stop bits must be 1 or 2, not 3")
    }

    @Test func characterTimeAndSummary() {
        #expect(SerialConfiguration(baud: 9600).characterTime == .microseconds(1042))          // 10 bits
        #expect(SerialConfiguration(baud: 19200, parity: .even).characterTime == .microseconds(573))  // 11 bits
        #expect(SerialConfiguration(baud: 115200, parity: .odd, stopBits: 2, rtsCts: true).summary == "115200 8O2 RTS/CTS")
    }
}

@Suite struct SerialReaderTests {
    @Test func linesAcrossChunksWithCRLFAndLeftovers() throws {
        let clock = VirtualClock()
        let port = ScriptedSerialPort(clock: clock, chunks: [
            (ms(5), Array("+EVT:JO".utf8)), (ms(6), Array("INED\r\nOK\n+E".utf8)),
        ])
        var reader = LineReader(port: port, clock: clock)
        #expect(try reader.readLine(timeout: .seconds(1), interByte: .milliseconds(10)) == Array("+EVT:JOINED".utf8))
        #expect(try reader.readLine(timeout: .seconds(1), interByte: .milliseconds(10)) == Array("OK".utf8))
        #expect(throws: LineReader<ScriptedSerialPort, VirtualClock>.Failure.timeout(partial: Array("+E".utf8))) {
            try reader.readLine(timeout: .seconds(1), interByte: .milliseconds(10))
        }
        #expect(clock.now() == ms(16))  // "+E" had started a line: the inter-byte timeout applies
    }

    @Test func theInterByteTimeoutCutsAStalledLine() {
        let clock = VirtualClock()
        let port = ScriptedSerialPort(clock: clock, chunks: [(ms(0), Array("AB".utf8)), (ms(50), Array("C\n".utf8))])
        var reader = LineReader(port: port, clock: clock)
        #expect(throws: LineReader<ScriptedSerialPort, VirtualClock>.Failure.timeout(partial: Array("AB".utf8))) {
            try reader.readLine(timeout: .seconds(1), interByte: .milliseconds(20))
        }
        #expect(clock.now() == ms(20))
    }

    @Test func aLineWithoutEndIsRefusedPastTheLimit() {
        let clock = VirtualClock()
        let port = ScriptedSerialPort(clock: clock, chunks: [(ms(0), Array(repeating: 0x41, count: 40))])
        var reader = LineReader(port: port, clock: clock, maximumLength: 32)
        #expect(throws: LineReader<ScriptedSerialPort, VirtualClock>.Failure.tooLong(length: 40)) {
            try reader.readLine(timeout: .seconds(1), interByte: .milliseconds(20))
        }
    }

    @Test func framesAfterGarbageWithTheirOwnLength() throws {
        // PMS5003-style: 0x42 0x4D, a big-endian length of what follows, then the body.
        let frame: [UInt8] = [0x42, 0x4D, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04]
        let clock = VirtualClock()
        let port = ScriptedSerialPort(clock: clock, chunks: [(ms(1), [0x00, 0x42, 0x13] + frame.prefix(5)), (ms(2), Array(frame.dropFirst(5)))])
        var reader = FramedReader(port: port, clock: clock)
        let length: ([UInt8]) -> Int? = { $0.count >= 4 ? 4 + (Int($0[2]) << 8 | Int($0[3])) : nil }
        #expect(try reader.readFrame(start: [0x42, 0x4D], timeout: .seconds(1), interByte: .milliseconds(5), maximumLength: 32, length: length) == frame)
    }

    @Test func anImpossibleLengthIsRejected() {
        let clock = VirtualClock()
        let port = ScriptedSerialPort(clock: clock, chunks: [(ms(0), [0x42, 0x4D, 0x7F, 0xFF])])
        var reader = FramedReader(port: port, clock: clock)
        #expect(throws: FramedReader<ScriptedSerialPort, VirtualClock>.Failure.badLength(4 + 0x7FFF)) {
            try reader.readFrame(start: [0x42, 0x4D], timeout: .seconds(1), interByte: .milliseconds(5), maximumLength: 32) {
                $0.count >= 4 ? 4 + (Int($0[2]) << 8 | Int($0[3])) : nil
            }
        }
    }
}
