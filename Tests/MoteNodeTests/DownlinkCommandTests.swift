import Testing
import MoteHAL
import MoteNode

// Bytes written out by hand from the layout in docs/downlink.md, big-endian.

@Suite struct DownlinkCommandTests {
    let settings = RemoteSettings(uplinkInterval: .seconds(60), sampleIntervals: [.seconds(10), .seconds(30)], confirmed: false)

    @Test func eachCommandParses() throws {
        #expect(try DownlinkCommand.parse([0x01, 0x00, 0x00, 0x03, 0x84], sensorCount: 2) == [.setUplinkInterval(seconds: 900)])
        #expect(try DownlinkCommand.parse([0x02, 0x01, 0x00, 0x00, 0x0E, 0x10], sensorCount: 2)
                == [.setSampleInterval(sensor: 1, seconds: 3600)])
        #expect(try DownlinkCommand.parse([0x03], sensorCount: 0) == [.requestStatus])
        #expect(try DownlinkCommand.parse([0x04], sensorCount: 0) == [.checkForUpdate])
        #expect(try DownlinkCommand.parse([0x05, 0x01], sensorCount: 0) == [.setConfirmed(true)])
        #expect(try DownlinkCommand.parse([0x05, 0x00], sensorCount: 0) == [.setConfirmed(false)])
    }

    @Test func commandsConcatenate() throws {
        let bytes: [UInt8] = [0x01, 0x00, 0x00, 0x01, 0x2C,  0x05, 0x01,  0x03,  0x02, 0x00, 0x00, 0x00, 0x00, 0x05,  0x04]
        #expect(try DownlinkCommand.parse(bytes, sensorCount: 1) == [
            .setUplinkInterval(seconds: 300), .setConfirmed(true), .requestStatus,
            .setSampleInterval(sensor: 0, seconds: 5), .checkForUpdate,
        ])
    }

    @Test func bytesRoundTrip() throws {
        let commands: [DownlinkCommand] = [.setUplinkInterval(seconds: 604_800), .setSampleInterval(sensor: 7, seconds: 1),
                                           .requestStatus, .checkForUpdate, .setConfirmed(false)]
        #expect(commands.map(\.bytes) == [[0x01, 0x00, 0x09, 0x3A, 0x80], [0x02, 0x07, 0x00, 0x00, 0x00, 0x01], [0x03], [0x04], [0x05, 0x00]])
        #expect(try DownlinkCommand.parse(commands.flatMap(\.bytes), sensorCount: 8) == commands)
    }

    @Test func intervalBoundaries() throws {
        #expect(try DownlinkCommand.parse([0x01, 0x00, 0x00, 0x00, 0x01], sensorCount: 0) == [.setUplinkInterval(seconds: 1)])
        #expect(try DownlinkCommand.parse([0x01, 0x00, 0x09, 0x3A, 0x80], sensorCount: 0) == [.setUplinkInterval(seconds: 604_800)])
        #expect(throws: DownlinkError.outOfRange(opcode: 0x01, offset: 1, value: 0)) {
            try DownlinkCommand.parse([0x01, 0x00, 0x00, 0x00, 0x00], sensorCount: 0)
        }
        #expect(throws: DownlinkError.outOfRange(opcode: 0x01, offset: 1, value: 604_801)) {
            try DownlinkCommand.parse([0x01, 0x00, 0x09, 0x3A, 0x81], sensorCount: 0)
        }
        #expect(throws: DownlinkError.outOfRange(opcode: 0x01, offset: 1, value: 0xFFFF_FFFF)) {
            try DownlinkCommand.parse([0x01, 0xFF, 0xFF, 0xFF, 0xFF], sensorCount: 0)
        }
        // The seconds of set_sample_interval start after the index byte: opcode at 1, index at 2, seconds at 3.
        #expect(throws: DownlinkError.outOfRange(opcode: 0x02, offset: 3, value: 0)) {
            try DownlinkCommand.parse([0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00], sensorCount: 1)
        }
    }

    @Test func errorsNameTheirOffset() {
        #expect(throws: DownlinkError.unknownOpcode(0x07, offset: 2)) { try DownlinkCommand.parse([0x03, 0x04, 0x07], sensorCount: 0) }
        #expect(throws: DownlinkError.unknownOpcode(0x00, offset: 0)) { try DownlinkCommand.parse([0x00], sensorCount: 0) }
        #expect(throws: DownlinkError.truncated(opcode: 0x01, offset: 3, needed: 4, available: 2)) {
            try DownlinkCommand.parse([0x03, 0x04, 0x01, 0x00, 0x3C], sensorCount: 0)
        }
        #expect(throws: DownlinkError.truncated(opcode: 0x05, offset: 1, needed: 1, available: 0)) {
            try DownlinkCommand.parse([0x05], sensorCount: 0)
        }
        #expect(throws: DownlinkError.truncated(opcode: 0x02, offset: 1, needed: 5, available: 4)) {
            try DownlinkCommand.parse([0x02, 0x00, 0x00, 0x00, 0x3C], sensorCount: 1)
        }
        #expect(throws: DownlinkError.noSuchSensor(index: 2, offset: 1)) {
            try DownlinkCommand.parse([0x02, 0x02, 0x00, 0x00, 0x00, 0x3C], sensorCount: 2)
        }
        #expect(throws: DownlinkError.outOfRange(opcode: 0x05, offset: 3, value: 2)) {
            try DownlinkCommand.parse([0x04, 0x03, 0x05, 0x02], sensorCount: 0)
        }
        #expect(throws: DownlinkError.empty) { try DownlinkCommand.parse([], sensorCount: 0) }
        // Eight commands are fine, the ninth is refused at its opcode.
        #expect((try? DownlinkCommand.parse([UInt8](repeating: 0x03, count: 8), sensorCount: 0))?.count == 8)
        #expect(throws: DownlinkError.tooManyCommands(offset: 8)) {
            try DownlinkCommand.parse([UInt8](repeating: 0x03, count: 9), sensorCount: 0)
        }
    }

    @Test func errorDescriptions() {
        #expect(DownlinkError.unknownOpcode(0x07, offset: 2).description == "byte 2: unknown opcode 0x07")
        #expect(DownlinkError.truncated(opcode: 0x01, offset: 3, needed: 4, available: 2).description
                == "byte 3: set_uplink_interval needs 4 argument bytes, 2 left")
        #expect(DownlinkError.outOfRange(opcode: 0x01, offset: 1, value: 0).description
                == "byte 1: set_uplink_interval: 0 s is out of range 1...604800")
        #expect(DownlinkError.outOfRange(opcode: 0x05, offset: 3, value: 2).description == "byte 3: set_confirmed: 2 is neither 0 nor 1")
        #expect(DownlinkError.noSuchSensor(index: 2, offset: 1).description == "byte 1: set_sample_interval: no sensor 2")
        #expect(DownlinkError.tooManyCommands(offset: 8).description == "byte 8: more than 8 commands")
        #expect(DownlinkError.empty.description == "empty downlink")
    }

    // MARK: Applying: all or nothing

    @Test func aGoodDownlinkAppliesEveryCommandAndAcksThem() {
        var s = settings
        let outcome = s.apply([0x01, 0x00, 0x00, 0x03, 0x84, 0x02, 0x01, 0x00, 0x00, 0x00, 0x78, 0x05, 0x01, 0x03])
        #expect(s == RemoteSettings(uplinkInterval: .seconds(900), sampleIntervals: [.seconds(10), .seconds(120)], confirmed: true))
        #expect(outcome.applied == [.setUplinkInterval(seconds: 900), .setSampleInterval(sensor: 1, seconds: 120), .setConfirmed(true), .requestStatus])
        #expect(outcome.error == nil)
        #expect(outcome.statusRequested)
        #expect(!outcome.updateCheckRequested)
        #expect(outcome.ack == [0xA0, 0x04, 0x01, 0x02, 0x05, 0x03])
    }

    @Test func aDownlinkWithAnyErrorAppliesNothing() {
        var s = settings
        // A good interval, then a sensor that does not exist.
        let outcome = s.apply([0x01, 0x00, 0x00, 0x03, 0x84, 0x02, 0x05, 0x00, 0x00, 0x00, 0x78])
        #expect(s == settings)
        #expect(outcome.applied == [])
        #expect(outcome.error == .noSuchSensor(index: 5, offset: 6))
        #expect(outcome.ack == [0xAE, 0x04, 0x06, 0x02])
        #expect(!outcome.statusRequested)
        // A status request before an unknown opcode is not honoured either.
        let second = s.apply([0x03, 0x04, 0x09])
        #expect(s == settings)
        #expect(!second.statusRequested && !second.updateCheckRequested)
        #expect(second.ack == [0xAE, 0x01, 0x02, 0x09])
        let acks = [[], [0x01, 0x00], [0x05, 0x07], [UInt8](repeating: 0x04, count: 9)].map { s.apply($0).ack }
        #expect(acks == [[0xAE, 0x06, 0x00, 0x00], [0xAE, 0x02, 0x01, 0x01], [0xAE, 0x03, 0x01, 0x05], [0xAE, 0x05, 0x08, 0x00]])
        #expect(s == settings)
    }

    @Test func theLastOfRepeatedCommandsWins() {
        var s = settings
        let outcome = s.apply([0x05, 0x01, 0x05, 0x00, 0x04, 0x04])
        #expect(s.confirmed == false)
        #expect(outcome.updateCheckRequested)
        #expect(outcome.ack == [0xA0, 0x04, 0x05, 0x05, 0x04, 0x04])
    }

    @Test func onlyTheCommandPortCarriesCommands() {
        var s = settings
        let other = s.apply(Downlink(port: 1, bytes: [0x05, 0x01]))
        #expect(other == nil)
        #expect(s.confirmed == false)
        let command = s.apply(Downlink(port: 10, bytes: [0x05, 0x01]))
        #expect(command?.ack == [0xA0, 0x01, 0x05])
        #expect(s.confirmed == true)
        let elsewhere = s.apply(Downlink(port: 42, bytes: [0x05, 0x00]), port: 42)
        #expect(elsewhere?.applied == [.setConfirmed(false)])
        #expect(DownlinkCommand.defaultPort == 10)
    }

    /// The examples of docs/downlink.md, byte for byte.
    @Test func theDocumentedExamples() {
        var one = RemoteSettings(uplinkInterval: .seconds(60), sampleIntervals: [.seconds(10)], confirmed: false)
        let first = one.apply([0x01, 0x00, 0x00, 0x03, 0x84])
        #expect(first.ack == [0xA0, 0x01, 0x01])
        let second = one.apply([0x01, 0x00, 0x00, 0x01, 0x2C, 0x05, 0x01, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x05, 0x04])
        #expect(second.ack == [0xA0, 0x05, 0x01, 0x05, 0x03, 0x02, 0x04])
        #expect(one == RemoteSettings(uplinkInterval: .seconds(300), sampleIntervals: [.seconds(5)], confirmed: true))
        #expect(second.statusRequested && second.updateCheckRequested)
        let frames = DownlinkReply.frames(ack: second.ack, status: status, capacity: 51)
        #expect(frames == [second.ack + statusBytes])
        #expect(frames[0].count == 27)
        var two = settings
        let third = two.apply([0x01, 0x00, 0x00, 0x03, 0x84, 0x02, 0x05, 0x00, 0x00, 0x00, 0x78])
        let fourth = two.apply([0x03, 0x04, 0x09])
        #expect(third.ack == [0xAE, 0x04, 0x06, 0x02])
        #expect(fourth.ack == [0xAE, 0x01, 0x02, 0x09])
        #expect(two == settings)
    }

    // MARK: Status and reply frames

    let status = NodeStatus(uptimeSeconds: 86_400, framesSent: 1440, queueDepth: 3, drops: 2,
                            firmwareVersion: 0x0001_0203, degradedSensors: 1)
    let statusBytes: [UInt8] = [0xB0, 0x00, 0x01, 0x51, 0x80, 0x00, 0x00, 0x05, 0xA0, 0x00, 0x03,
                                0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x02, 0x03, 0x01]

    @Test func statusRecordLayout() {
        #expect(DownlinkReply.status(status) == statusBytes)
        #expect(statusBytes.count == 20)
        #expect(NodeStatus.field16(70_000) == 0xFFFF)
        #expect(NodeStatus.field16(-3) == 0)
        #expect(NodeStatus.field32(5_000_000_000) == 0xFFFF_FFFF)
        #expect(NodeStatus.field32(1440) == 1440)
    }

    @Test func replyFramesFitTheLink() {
        let ack: [UInt8] = [0xA0, 0x01, 0x03]
        #expect(DownlinkReply.frames(ack: ack, status: nil, capacity: 11) == [ack])
        #expect(DownlinkReply.frames(ack: ack, status: status, capacity: 51) == [ack + statusBytes])
        #expect(DownlinkReply.frames(ack: ack, status: status, capacity: 23) == [ack + statusBytes])
        #expect(DownlinkReply.frames(ack: ack, status: status, capacity: 22) == [ack, statusBytes])
        #expect(DownlinkReply.frames(ack: ack, status: status, capacity: 20) == [ack, statusBytes])
        #expect(DownlinkReply.frames(ack: ack, status: status, capacity: 11) == [[0xA0, 0x01, 0x03, 0xB1]])
    }

    @Test func ackOfEightCommandsFitsElevenBytes() {
        var s = settings
        let outcome = s.apply([0x03, 0x04, 0x03, 0x04, 0x03, 0x04, 0x03, 0x04])
        #expect(outcome.ack == [0xA0, 0x08, 0x03, 0x04, 0x03, 0x04, 0x03, 0x04, 0x03, 0x04])
        #expect(outcome.ack.count <= 11)
    }
}
