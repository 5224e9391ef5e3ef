import Testing
import MoteHAL
import MoteLinux

/// Real pseudo-terminals with real termios: our port on the slave side, the test as the
/// device on the master side.
@Suite struct SerialPortTests {
    func pair(_ configuration: SerialConfiguration = SerialConfiguration(baud: 115200)) throws -> (PseudoTerminal, LinuxSerialPort) {
        let device = try PseudoTerminal()
        let port = try LinuxSerialPort(path: device.path, configuration: configuration)
        return (device, port)
    }

    func readAll(_ port: some SerialPort & AnyObject, count: Int, clock: MonotonicClock) throws -> [UInt8] {
        var port = port
        var received: [UInt8] = []
        var chunk: [UInt8] = Array(repeating: 0, count: 512)
        let deadline = clock.now() + .seconds(5)
        while received.count < count {
            guard try port.waitReadable(until: deadline) else { break }
            let n = try port.read(into: &chunk)
            received += chunk[0..<n]
        }
        return received
    }

    @Test func settingsReadBackAsConfigured() throws {
        for configuration in [SerialConfiguration(baud: 1200, dataBits: 7, parity: .even, stopBits: 2),
                              SerialConfiguration(baud: 115200),
                              SerialConfiguration(baud: 4_000_000, parity: .odd)] {
            let (device, port) = try pair(configuration)
            // The Linux pty driver forces CS8 without parity (pty_set_termios); rate, stop bits
            // and flow control stay as set. A UART driver may likewise ignore what it cannot do,
            // which is why the port reads its settings back.
            var expected = configuration
            expected.dataBits = 8
            expected.parity = .none
            #expect(port.readBack() == expected)
            withExtendedLifetime(device) {}
        }
    }

    @Test func everyByteValueCrossesUnchangedBothWays() throws {
        let (device, port) = try pair()
        let bytes = (0...255).map { UInt8($0) } + [0x0D, 0x0A, 0x11, 0x13, 0x03, 0x1A, 0x7F]
        try port.write(bytes)
        #expect(try readAll(device, count: bytes.count, clock: device.clock) == bytes)
        try device.write(bytes.reversed())
        #expect(try readAll(port, count: bytes.count, clock: port.clock) == bytes.reversed())
    }

    @Test func aLineReaderOnARealPortTimesOutOnOurClock() throws {
        let (device, port) = try pair()
        var reader = LineReader(port: port, clock: port.clock)
        try device.write(Array("OK\r\n+EVT".utf8))
        #expect(try reader.readLine(timeout: .seconds(2), interByte: .milliseconds(50)) == Array("OK".utf8))
        let start = port.clock.now()
        #expect(throws: LineReader<LinuxSerialPort, MonotonicClock>.Failure.timeout(partial: Array("+EVT".utf8))) {
            try reader.readLine(timeout: .seconds(2), interByte: .milliseconds(50))
        }
        let waited = port.clock.now() - start
        #expect(waited >= .milliseconds(50) && waited < .seconds(2))  // the inter-byte timeout, not the frame one
    }

    @Test func nothingArrivingReturnsAtTheDeadline() throws {
        let (device, port) = try pair()
        let start = port.clock.now()
        #expect(try port.waitReadable(until: start + .milliseconds(100)) == false)
        #expect(port.clock.now() - start >= .milliseconds(100))
        withExtendedLifetime(device) {}
    }

    @Test func rs485IsUnsupportedOnAPseudoTerminal() throws {
        let (device, port) = try pair()
        #expect(throws: BusError(.unsupported, operation: "TIOCSRS485", bus: port.name, errno: .ENOTTY)) {
            try port.setRS485(enabled: true)
        }
        withExtendedLifetime(device) {}
    }

    @Test func aHangUpIsAnErrorNotAnEndlessStreamOfNothing() throws {
        let port: LinuxSerialPort
        do {
            let device = try PseudoTerminal()
            port = try LinuxSerialPort(path: device.path, configuration: SerialConfiguration())
        }  // the far end closes here
        var chunk: [UInt8] = Array(repeating: 0, count: 16)
        #expect(try port.waitReadable(until: port.clock.now() + .seconds(1)))  // the hang-up wakes the wait
        #expect(throws: BusError(.unavailable, operation: "read (the other end hung up)", bus: port.name, errno: .EIO)) {
            _ = try port.read(into: &chunk)
        }
    }

    @Test func aMissingPortListsThePresentOnes() {
        var expected = BusError(.unavailable, operation: "open", bus: "/dev/ttyUSB77", errno: .ENOENT)
        expected.existing = LinuxSerialPort.ports()
        #expect(throws: expected) { _ = try LinuxSerialPort(path: "/dev/ttyUSB77", configuration: SerialConfiguration()) }
    }

    @Test func aNonStandardRateIsRefusedBeforeOpening() {
        #expect(throws: BusError(.unsupported, operation: "configure (9601 is not a standard rate)", bus: "/dev/ttyS0")) {
            _ = try LinuxSerialPort(path: "/dev/ttyS0", configuration: SerialConfiguration(baud: 9601))
        }
    }
}
