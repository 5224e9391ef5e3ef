import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

private func s(_ value: Int64) -> Instant { .zero + .seconds(value) }

/// The PMS5003 model: frames checked byte by byte against the datasheet layout (re-declared),
/// then read by the driver through every fault.
@Suite struct PMS5003ModelTests {
    let clock = VirtualClock()

    @Test func activeFramesFollowTheDatasheetLayout() throws {
        let model = PMS5003Model(clock: clock)
        model.fixed = PMS5003Model.Values(pm1_0: 8, pm2_5: 12, pm10: 16)
        let port = model
        #expect(try port.waitReadable(until: s(5)))
        // The first 8 bytes at 9600 8N1 after the first period: 1 s + 8 × 1042 µs.
        #expect(clock.now() == s(1) + .microseconds(8 * 1042))
        clock.sleep(until: s(1) + .microseconds(32 * 1042))
        var frame: [UInt8] = Array(repeating: 0, count: 64)
        #expect(try port.read(into: &frame) == 32)
        #expect(Array(frame[0..<4]) == [0x42, 0x4D, 0x00, 0x1C])
        #expect(Array(frame[4..<16]) == [0, 8, 0, 12, 0, 16, 0, 8, 0, 12, 0, 16])
        let sum = frame[0..<30].reduce(0) { $0 + Int($1) }
        #expect(Int(frame[30]) << 8 | Int(frame[31]) == sum)
    }

    @Test func theDriverReadsItInPassiveAndActiveMode() throws {
        let model = PMS5003Model(clock: clock)
        model.fixed = PMS5003Model.Values(pm1_0: 8, pm2_5: 12, pm10: 16)
        var passive = PMS5003(port: model, clock: clock, mode: .passive)
        try passive.setUp(clock: clock)
        #expect(try passive.read(clock: clock) == [8, 12, 16])
        #expect(model.mode == .passive && model.commands == [0xE1, 0xE2])
        clock.sleep(for: .seconds(5))
        #expect(model.framesSent == 1)                // passive: nothing unasked
        var active = PMS5003(port: model, clock: clock, mode: .active)
        try active.setUp(clock: clock)
        #expect(try active.read(clock: clock) == [8, 12, 16])
        #expect(model.framesSent == 2)
    }

    @Test func theDriftStaysPlausible() throws {
        let model = PMS5003Model(clock: clock, baseline: 12)
        var pms = PMS5003(port: model, clock: clock, mode: .active)
        var seen: Set<Double> = []
        for _ in 0..<300 {
            let values = try pms.read(clock: clock)
            #expect(values[0]! <= values[1]! && values[1]! <= values[2]!)
            seen.insert(values[1]!)
        }
        #expect(seen.count > 5)
        #expect(seen.allSatisfy { $0 >= 6 && $0 <= 18 })
    }

    func read(_ fault: PMS5003Model.Fault) -> (PMS5003<PMS5003Model, VirtualClock>, Result<[Double?], SensorError>) {
        let model = PMS5003Model(clock: clock)
        model.fixed = PMS5003Model.Values(pm1_0: 8, pm2_5: 12, pm10: 16)
        model.inject(fault)
        var pms = PMS5003(port: model, clock: clock, mode: .active)
        let result = Result { () throws(SensorError) in try pms.read(clock: clock) }
        return (pms, result)
    }

    @Test func eachFaultShowsAsTheDriverSays() throws {
        #expect(read(.checksum).1 == .failure(SensorError(.checksum, "check word mismatch: expected 0x0266, found 0x0267")))
        #expect(read(.wrongLength).1 == .failure(SensorError(.malformed, "frame length 20, expected 28")))
        #expect(read(.partialFrame).1 == .failure(SensorError(.timeout, "frame cut off after 16 bytes")))
        #expect(read(.silence).1 == .failure(SensorError(.timeout, "no frame in time")))
        #expect(read(.outOfRange).1 == .failure(SensorError(.outOfRange, "6000 µg/m³ is beyond the part's range")))
        let (garbage, result) = read(.garbage)
        #expect(result == .success([8, 12, 16]))
        #expect(garbage.counters.rejected == 0)
        #expect(read(.checksum).0.counters.checksum == 1)
    }

    @Test func silenceThenReconnect() throws {
        let model = PMS5003Model(clock: clock)
        model.inject(.silence, from: s(2), until: s(10))
        var pms = PMS5003(port: model, clock: clock, mode: .active)
        _ = try pms.read(clock: clock)                                  // the frame of 1 s
        clock.sleep(until: s(3))
        #expect(throws: SensorError(.timeout, "no frame in time")) { try pms.read(clock: clock) }
        clock.sleep(until: s(9))
        _ = try pms.read(clock: clock)                                  // the frame of 10 s
        #expect(clock.now() == s(10) + .microseconds(32 * 1042))
        #expect(pms.counters.timeouts == 1)
    }

    @Test func stuckValuesRepeat() throws {
        // The drift moves PM2.5 by one every 10 frames at a baseline of 30.
        let model = PMS5003Model(clock: clock, baseline: 30)
        model.inject(.stuck, from: s(60))
        var pms = PMS5003(port: model, clock: clock, mode: .active)
        var values: [Double] = []
        for _ in 0..<100 { values.append(try pms.read(clock: clock)[1]!) }
        #expect(Set(values[0..<58]).count > 3)
        #expect(Set(values[58..<100]).count == 1)
    }
}

@Suite struct NMEAGPSModelTests {
    let clock = VirtualClock()

    @Test func burstsCarryGGAGSAAndRMCWithGoodChecksums() throws {
        let model = NMEAGPSModel(clock: clock)
        var reader = LineReader(port: model, clock: clock)
        let lines = try (0..<3).map { _ in String(decoding: try reader.readLine(timeout: .seconds(2), interByte: .milliseconds(20)), as: UTF8.self) }
        #expect(lines == ["$GPGGA,123520,4807.0380,N,01131.0000,E,1,08,0.9,545.4,M,46.9,M,,*4D",
                          "$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39",
                          "$GPRMC,123520,A,4807.0380,N,01131.0000,E,000.0,000.0,230394,003.1,W*6C"])
        for text in lines {
            let bytes = Array(text.utf8)
            let star = bytes.lastIndex(of: UInt8(ascii: "*"))!
            let sum = bytes[1..<star].reduce(UInt8(0), ^)
            #expect(String(decoding: bytes[(star + 1)...], as: UTF8.self) == Hex.encode([sum]).uppercased())
        }
    }

    @Test func theDriverReadsTheFix() throws {
        let model = NMEAGPSModel(clock: clock, latitude: -33.865, longitude: 151.209444, altitude: 58, satellites: 11, talker: "GN")
        var gps = NMEAGPS(port: model, clock: clock)
        let values = try gps.read(clock: clock)
        #expect(abs(values[0]! - -33.865) < 1e-6 && abs(values[1]! - 151.209444) < 1e-6)
        #expect(values[2] == 58 && values[3] == 11)
        _ = try gps.read(clock: clock)
        #expect(gps.counters.ignored >= 1)  // the GSA of the first burst
    }

    @Test func noFixUntilTheTimeToFix() throws {
        let model = NMEAGPSModel(clock: clock, timeToFix: .seconds(30))
        var gps = NMEAGPS(port: model, clock: clock)
        // A read returns once the GGA is in: its quality is the newest word on the fix.
        #expect(throws: SensorError(.device, "no fix (quality 0, 3 satellites)")) { try gps.read(clock: clock) }
        clock.sleep(until: s(31))
        #expect(try gps.read(clock: clock)[3] == 8)
    }

    func read(_ fault: NMEAGPSModel.Fault) -> (NMEAGPS<NMEAGPSModel, VirtualClock>, Result<[Double?], SensorError>) {
        let model = NMEAGPSModel(clock: clock)
        model.inject(fault)
        var gps = NMEAGPS(port: model, clock: clock)
        let result = Result { () throws(SensorError) in try gps.read(clock: clock) }
        return (gps, result)
    }

    @Test func eachFaultShowsAsTheDriverSays() {
        let (checksum, bad) = read(.checksum)
        #expect(bad == .failure(SensorError(.checksum, "checksum mismatch: expected 0x6c, found 0x6d")))
        #expect(checksum.counters.checksum >= 2)
        #expect(read(.outOfRange).1 == .failure(SensorError(.malformed, "malformed sentence: RMC fields do not parse")))
        #expect(read(.silence).1 == .failure(SensorError(.timeout, "no GGA or RMC sentence in time")))
        #expect(read(.noFix).1 == .failure(SensorError(.device, "no fix (quality 0, 3 satellites)")))
        let (garbage, good) = read(.garbage)
        // The noise spoils the GGA line; the RMC still gives a position, without satellites.
        #expect(good.map { $0[0] != nil && $0[3] == nil } == .success(true))
        #expect(garbage.counters.malformed == 1)
        let (partial, stillGood) = read(.partialSentence)
        #expect(stillGood.map { $0[0] != nil } == .success(true))
        #expect(partial.counters.rejected == 1)
    }

    @Test func stuckRepeatsTheLastBurst() throws {
        let model = NMEAGPSModel(clock: clock)
        model.inject(.stuck, from: s(3))
        var reader = LineReader(port: model, clock: clock)
        var lines: [[UInt8]] = []
        for _ in 0..<9 { lines.append(try reader.readLine(timeout: .seconds(2), interByte: .milliseconds(20))) }
        #expect(lines[0] != lines[3])  // 12:35:20, 12:35:21
        #expect(lines[3] == lines[6])  // 12:35:21 again
    }
}

@Suite struct ModbusSlaveModelTests {
    let clock = VirtualClock()

    func pair() -> (ModbusSlaveModel, ModbusRTUMaster<ModbusSlaveModel, VirtualClock>) {
        let model = ModbusSlaveModel(clock: clock, slave: 3, holdingStart: 100, holding: [1, 2, 3, 4], inputStart: 0, input: [0xFF38, 7])
        return (model, ModbusRTUMaster(port: model, clock: clock))
    }

    @Test func readsAndWrites() throws {
        let (model, m) = pair()
        var master = m
        #expect(try master.readHoldingRegisters(slave: 3, address: 100, count: 4) == [1, 2, 3, 4])
        #expect(try master.readInputRegisters(slave: 3, address: 0, count: 2) == [0xFF38, 7])
        try master.writeSingleRegister(slave: 3, address: 101, value: 0xBEEF)
        try master.writeMultipleRegisters(slave: 3, address: 102, values: [9, 10])
        #expect(try master.readHoldingRegisters(slave: 3, address: 100, count: 4) == [1, 0xBEEF, 9, 10])
        #expect(model.register(.holding, 103) == 10)
        #expect(model.requests == 5 && model.replies == 5)
    }

    @Test func theReplyComesAfterRequestTurnaroundAndItsOwnLength() throws {
        let (_, m) = pair()
        var master = m
        _ = try master.readHoldingRegisters(slave: 3, address: 100, count: 1)
        // 8-byte request and 7-byte reply at 11 bits per character, 2 ms between.
        let expected: Int64 = 8 * 1146 + 2000 + 7 * 1146
        #expect(clock.now() == Instant.zero + TimeSpan.microseconds(expected))
    }

    @Test func exceptionsForWhatItDoesNotHave() {
        var master = pair().1
        #expect(throws: ModbusError.exception(slave: 3, function: 3, code: .illegalDataAddress)) {
            try master.readHoldingRegisters(slave: 3, address: 103, count: 2)
        }
        #expect(throws: ModbusError.exception(slave: 3, function: 6, code: .illegalDataAddress)) {
            try master.writeSingleRegister(slave: 3, address: 0, value: 1)
        }
        #expect(throws: ModbusError.exception(slave: 3, function: 0x2B, code: .illegalFunction)) {
            _ = try master.transaction([3, 0x2B, 0x0E, 0x01, 0x00])
        }
    }

    @Test func faults() {
        let (model, m) = pair()
        var master = m
        model.inject(.silence, from: .zero, until: .zero + .seconds(1))
        #expect(throws: ModbusError.timeout(slave: 3, function: 3)) { try master.readHoldingRegisters(slave: 3, address: 100, count: 1) }
        #expect(throws: ModbusError.timeout(slave: 9, function: 3)) { try master.readHoldingRegisters(slave: 9, address: 100, count: 1) }
        clock.sleep(until: .zero + .seconds(1))
        model.inject(.badCRC, from: .zero + .seconds(1), until: .zero + .seconds(2))
        #expect(throws: ModbusError.crc(expected: 0x4400, found: 0x44FF)) { try master.readHoldingRegisters(slave: 3, address: 100, count: 1) }
        clock.sleep(until: .zero + .seconds(2))
        model.inject(.exception(6), from: .zero + .seconds(2))
        #expect(throws: ModbusError.exception(slave: 3, function: 3, code: .serverDeviceBusy)) {
            try master.readHoldingRegisters(slave: 3, address: 100, count: 1)
        }
    }

    @Test func anAnimatedInputFollowsItsWave() throws {
        let (model, m) = pair()
        var master = m
        model.animate(input: 1, base: 215, amplitude: 40, period: .seconds(400))
        #expect(try master.readInputRegisters(slave: 3, address: 1, count: 1) == [215])
        clock.sleep(until: .zero + .seconds(100))
        #expect(try master.readInputRegisters(slave: 3, address: 1, count: 1) == [235])
        clock.sleep(until: .zero + .seconds(300))
        #expect(try master.readInputRegisters(slave: 3, address: 1, count: 1) == [195])
    }
}
