import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// Frames and commands of the datasheet (PMS5003 series V2.3, appendix I and II), re-declared.
private enum Datasheet {
    static let readPassive: [UInt8] = [0x42, 0x4D, 0xE2, 0x00, 0x00, 0x01, 0x71]
    static let passiveMode: [UInt8] = [0x42, 0x4D, 0xE1, 0x00, 0x00, 0x01, 0x70]
    static let activeMode: [UInt8] = [0x42, 0x4D, 0xE1, 0x00, 0x01, 0x01, 0x71]
    /// The part's answer to "passive mode".
    static let passiveAck: [UInt8] = [0x42, 0x4D, 0x00, 0x04, 0xE1, 0x00, 0x01, 0x74]

    /// CF=1 5, 8, 9; atmospheric 4, 7, 9 µg/m³; counts 1023, 300, 54, 6, 2, 0; check word 0x0242.
    static let frameA: [UInt8] = [
        0x42, 0x4D, 0x00, 0x1C, 0x00, 0x05, 0x00, 0x08, 0x00, 0x09, 0x00, 0x04, 0x00, 0x07, 0x00, 0x09,
        0x03, 0xFF, 0x01, 0x2C, 0x00, 0x36, 0x00, 0x06, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x42,
    ]
    /// CF=1 and atmospheric 10, 15, 20 µg/m³; check word 0x02AF.
    static let frameB: [UInt8] = [
        0x42, 0x4D, 0x00, 0x1C, 0x00, 0x0A, 0x00, 0x0F, 0x00, 0x14, 0x00, 0x0A, 0x00, 0x0F, 0x00, 0x14,
        0x07, 0xD0, 0x02, 0x58, 0x00, 0x64, 0x00, 0x0F, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x02, 0xAF,
    ]
}

private func ms(_ value: Int64) -> Instant { .zero + .milliseconds(value) }

@Suite struct PMS5003Tests {
    let clock = VirtualClock()

    func driver(_ chunks: [(at: Instant, bytes: [UInt8])], mode: PMS5003<ScriptedSerialPort, VirtualClock>.Mode = .passive)
        -> PMS5003<ScriptedSerialPort, VirtualClock> {
        PMS5003(port: ScriptedSerialPort(clock: clock, chunks: chunks), clock: clock, mode: mode)
    }

    @Test func passiveModeAsksForEachFrameAndReturnsTheAtmosphericValues() throws {
        var pms = driver([(ms(40), Datasheet.passiveAck), (ms(100), Datasheet.frameA)])
        try pms.setUp(clock: clock)
        #expect(pms.port.written == Datasheet.passiveMode)
        #expect(try pms.read(clock: clock) == [4, 7, 9])
        #expect(pms.port.written == Datasheet.passiveMode + Datasheet.readPassive)
        #expect(pms.lastFrame?.standard == PMS5003Frame.Concentrations(pm1_0: 5, pm2_5: 8, pm10: 9))
        #expect(pms.lastFrame?.counts == [1023, 300, 54, 6, 2, 0])
        #expect(pms.counters.frames == 1 && pms.counters.rejected == 0)
        #expect(clock.now() == ms(100))
    }

    @Test func channelsAreTheAtmosphericConcentrations() {
        let pms = driver([])
        #expect(pms.channels.map(\.name) == ["pm1_0", "pm2_5", "pm10"])
        #expect(pms.channels.allSatisfy { $0.unit == "ug/m3" && $0.symbol == "µg/m³" && $0.decimals == 0 })
        #expect(pms.location == "pms5003@scripted-serial")
        #expect(PMS5003<ScriptedSerialPort, VirtualClock>.part == "PMS5003")
    }

    @Test func activeModeSendsTheCommandAndTakesTheNewestFrameWaiting() throws {
        var pms = driver([(ms(1000), Datasheet.frameA), (ms(2000), Datasheet.frameB)], mode: .active)
        try pms.setUp(clock: clock)
        #expect(pms.port.written == Datasheet.activeMode)
        clock.sleep(until: ms(2500))  // the node was busy: two frames wait
        #expect(try pms.read(clock: clock) == [10, 15, 20])
        #expect(pms.counters.frames == 2)
        #expect(clock.now() == ms(2500))
    }

    @Test func activeModeWaitsForTheNextFrame() throws {
        var pms = driver([(ms(1000), Array(Datasheet.frameA.prefix(10))), (ms(1010), Array(Datasheet.frameA.dropFirst(10)))], mode: .active)
        #expect(try pms.read(clock: clock) == [4, 7, 9])
        #expect(clock.now() == ms(1010))
    }

    @Test func garbageBeforeAFrameIsSkipped() throws {
        var pms = driver([(ms(10), [0x00, 0x42, 0x13, 0xFF, 0x4D] + Datasheet.frameA)])
        #expect(try pms.read(clock: clock) == [4, 7, 9])
        #expect(pms.counters.rejected == 0)
    }

    @Test func aBadCheckWordIsAChecksumErrorWithBothValues() {
        var frame = Datasheet.frameA
        frame[31] = 0x43
        var pms = driver([(ms(10), frame)])
        #expect(throws: SensorError(.checksum, "check word mismatch: expected 0x0242, found 0x0243")) {
            try pms.read(clock: clock)
        }
        #expect(pms.counters.checksum == 1 && pms.counters.rejected == 1)
    }

    @Test func aWrongLengthIsMalformed() {
        // Length 20: a 24-byte frame, which still fits the reader's limit.
        let short: [UInt8] = [0x42, 0x4D, 0x00, 0x14] + Array(repeating: 0, count: 20)
        var pms = driver([(ms(10), short)])
        #expect(throws: SensorError(.malformed, "frame length 20, expected 28")) { try pms.read(clock: clock) }
        // Length 0x1D: past the 32 bytes a frame can have.
        var long = driver([(ms(20), [0x42, 0x4D, 0x00, 0x1D] + Array(repeating: 0, count: 30))])
        #expect(throws: SensorError(.malformed, "frame length 29, expected 28")) { try long.read(clock: clock) }
        #expect(pms.counters.length == 1 && long.counters.length == 1)
    }

    @Test func silenceIsATimeoutAfterTheFrameTimeout() {
        var pms = driver([])
        #expect(throws: SensorError(.timeout, "no frame in time")) { try pms.read(clock: clock) }
        #expect(clock.now() == ms(3000))
        #expect(pms.counters.timeouts == 1)
    }

    @Test func aFrameCutShortTimesOutOnTheInterByteTimeout() {
        var pms = driver([(ms(10), Array(Datasheet.frameA.prefix(16)))])
        #expect(throws: SensorError(.timeout, "frame cut off after 16 bytes")) { try pms.read(clock: clock) }
        #expect(clock.now() == ms(30))
    }

    @Test func concentrationsBeyondTheRangeAreRefused() {
        let words: [UInt16] = [1200, 1300, 1400, 1200, 1300, 1400, 0, 0, 0, 0, 0, 0, 0]
        var frame: [UInt8] = [0x42, 0x4D, 0x00, 0x1C]
        for word in words { frame += [UInt8(word >> 8), UInt8(word & 0xFF)] }
        let sum = frame.reduce(0) { $0 + Int($1) }
        frame += [UInt8(sum >> 8), UInt8(sum & 0xFF)]
        var pms = driver([(ms(10), frame)])
        #expect(throws: SensorError(.outOfRange, "1400 µg/m³ is beyond the part's range")) { try pms.read(clock: clock) }
        #expect(pms.counters.outOfRange == 1)
    }

    @Test func aLateAnswerDoesNotPassForTheNextOne() throws {
        // The first request's answer comes after its timeout; the second read must not take it.
        var pms = driver([(ms(3500), Datasheet.frameA), (ms(4100), Datasheet.frameB)])
        #expect(throws: SensorError(.timeout, "no frame in time")) { try pms.read(clock: clock) }
        clock.sleep(until: ms(4000))
        #expect(try pms.read(clock: clock) == [10, 15, 20])
    }
}
