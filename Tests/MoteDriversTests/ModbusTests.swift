import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// Frames with their CRCs (CRC-16/MODBUS, low byte first) worked out independently.
private enum Frames {
    /// Modbus over Serial Line 6.2.2's example request: read 10 holding registers from 0.
    static let readTen: [UInt8] = [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD]
    static let readTwoAt16: [UInt8] = [0x01, 0x03, 0x00, 0x10, 0x00, 0x02, 0xC5, 0xCE]
    static let twoRegisters: [UInt8] = [0x01, 0x03, 0x04, 0x00, 0x0A, 0x01, 0x02, 0x5A, 0x60]
    static let illegalAddress: [UInt8] = [0x01, 0x83, 0x02, 0xC0, 0xF1]
    static let readInput: [UInt8] = [0x01, 0x04, 0x00, 0x00, 0x00, 0x01, 0x31, 0xCA]
    static let inputReply: [UInt8] = [0x01, 0x04, 0x02, 0xFF, 0x38, 0xF9, 0x12]
    static let writeSingle: [UInt8] = [0x01, 0x06, 0x00, 0x01, 0x12, 0x34, 0xD5, 0x7D]
    static let writeMultiple: [UInt8] = [0x01, 0x10, 0x00, 0x02, 0x00, 0x02, 0x04, 0x00, 0x01, 0x00, 0x02, 0xA2, 0x77]
    static let writeMultipleReply: [UInt8] = [0x01, 0x10, 0x00, 0x02, 0x00, 0x02, 0xE0, 0x08]
    static let fromSlave2: [UInt8] = [0x02, 0x03, 0x02, 0x00, 0x01, 0x3D, 0x84]
}

private func us(_ value: Int64) -> Instant { .zero + .microseconds(value) }

/// A scripted port that also notes when each write happened.
final class TimedPort: SerialPort {
    let inner: ScriptedSerialPort
    let clock: VirtualClock
    var writes: [(at: Instant, bytes: [UInt8])] = []
    var name: String { inner.name }
    init(clock: VirtualClock, chunks: [(at: Instant, bytes: [UInt8])]) {
        self.clock = clock
        inner = ScriptedSerialPort(clock: clock, chunks: chunks)
    }
    func read(into buffer: inout [UInt8]) throws(BusError) -> Int { try inner.read(into: &buffer) }
    func write(_ bytes: [UInt8]) throws(BusError) { writes.append((clock.now(), bytes)) }
    func waitReadable(until deadline: Instant) throws(BusError) -> Bool { try inner.waitReadable(until: deadline) }
}

@Suite struct ModbusCRCTests {
    @Test func theSpecExample() {
        #expect(ModbusCRC.frame([0x01, 0x03, 0x00, 0x00, 0x00, 0x0A]) == Frames.readTen)
        #expect(ModbusCRC.crc16([0x01, 0x03, 0x00, 0x00, 0x00, 0x0A]) == 0xCDC5)
        #expect(ModbusCRC.crc16([UInt8]("123456789".utf8)) == 0x4B37)  // the CRC catalogue's check value
    }
}

@Suite struct ModbusRTUMasterTests {
    let clock = VirtualClock()
    /// 9600 8E1: 11 bits, 1146 µs a character; t3.5 = 4011 µs.
    let configuration = SerialConfiguration(baud: 9600, parity: .even)

    func master(_ chunks: [(at: Instant, bytes: [UInt8])]) -> ModbusRTUMaster<TimedPort, VirtualClock> {
        ModbusRTUMaster(port: TimedPort(clock: clock, chunks: chunks), clock: clock, configuration: configuration)
    }

    @Test func theInterFrameGapIsThreeAndAHalfCharactersUpTo19200() {
        #expect(ModbusRTUMaster<TimedPort, VirtualClock>.interFrameGap(configuration) == TimeSpan(nanoseconds: 4_011_000))
        #expect(ModbusRTUMaster<TimedPort, VirtualClock>.interFrameGap(SerialConfiguration(baud: 19200, parity: .even)) == TimeSpan(nanoseconds: 2_005_500))
        #expect(ModbusRTUMaster<TimedPort, VirtualClock>.interFrameGap(SerialConfiguration(baud: 38400, parity: .even)) == TimeSpan.microseconds(1750))
    }

    @Test func readHoldingRegistersSendsTheExactRequest() throws {
        var m = master([(us(20_000), Frames.twoRegisters)])
        #expect(try m.readHoldingRegisters(slave: 1, address: 0x10, count: 2) == [0x000A, 0x0102])
        #expect(m.port.writes.map(\.bytes) == [Frames.readTwoAt16])
        #expect(m.counters.requests == 1 && m.counters.replies == 1)
    }

    @Test func theNextRequestWaitsForTheGapAfterTheReply() throws {
        var m = master([(us(20_000), Frames.twoRegisters), (us(40_000), Frames.twoRegisters)])
        _ = try m.readHoldingRegisters(slave: 1, address: 0x10, count: 2)
        _ = try m.readHoldingRegisters(slave: 1, address: 0x10, count: 2)
        #expect(m.port.writes.map(\.at) == [us(0), us(24_011)])
    }

    @Test func readInputRegisters() throws {
        var m = master([(us(20_000), Frames.inputReply)])
        #expect(try m.readInputRegisters(slave: 1, address: 0, count: 1) == [0xFF38])
        #expect(m.port.writes.map(\.bytes) == [Frames.readInput])
    }

    @Test func writesAreCheckedAgainstTheirEcho() throws {
        var m = master([(us(20_000), Frames.writeSingle), (us(60_000), Frames.writeMultipleReply)])
        try m.writeSingleRegister(slave: 1, address: 1, value: 0x1234)
        try m.writeMultipleRegisters(slave: 1, address: 2, values: [1, 2])
        #expect(m.port.writes.map(\.bytes) == [Frames.writeSingle, Frames.writeMultiple])
    }

    @Test func anExceptionNamesItsCode() {
        var m = master([(us(20_000), Frames.illegalAddress)])
        let expected = ModbusError.exception(slave: 1, function: 3, code: .illegalDataAddress)
        #expect(throws: expected) { try m.readHoldingRegisters(slave: 1, address: 0x10, count: 2) }
        #expect(expected.description == "slave 1, function 3: exception 2 (illegal data address)")
        #expect(expected.sensorError == SensorError(.device, "slave 1, function 3: exception 2 (illegal data address)"))
        #expect(m.counters.exceptions == 1)
    }

    @Test func noReplyIsATimeoutAfterTheRequestAndTheReplyTimeout() {
        var m = master([])
        #expect(throws: ModbusError.timeout(slave: 1, function: 3)) { try m.readHoldingRegisters(slave: 1, address: 0x10, count: 2) }
        #expect(clock.now() == us(8 * 1146 + 500_000))
        #expect(m.counters.timeouts == 1)
    }

    @Test func aReplyCutByAGapIsIncomplete() {
        var m = master([(us(20_000), Array(Frames.twoRegisters.prefix(5))), (us(30_000), Array(Frames.twoRegisters.dropFirst(5)))])
        #expect(throws: ModbusError.incomplete(slave: 1, function: 3, received: Array(Frames.twoRegisters.prefix(5)))) {
            try m.readHoldingRegisters(slave: 1, address: 0x10, count: 2)
        }
        #expect(clock.now() == us(24_011))
    }

    @Test func aBadCRCIsRefused() {
        var reply = Frames.twoRegisters
        reply[8] = 0x61
        var m = master([(us(20_000), reply)])
        #expect(throws: ModbusError.crc(expected: 0x605A, found: 0x615A)) { try m.readHoldingRegisters(slave: 1, address: 0x10, count: 2) }
        #expect(ModbusError.crc(expected: 0x605A, found: 0x615A).sensorError.kind == .checksum)
    }

    @Test func aReplyFromAnotherSlaveIsRefused() {
        var m = master([(us(20_000), Frames.fromSlave2)])
        #expect(throws: ModbusError.wrongSlave(expected: 1, found: 2)) { try m.readHoldingRegisters(slave: 1, address: 0, count: 1) }
    }

    @Test func requestsOutsideTheProtocolAreNotSent() {
        var m = master([])
        #expect(throws: ModbusError.invalidRequest("slave id 0, 1 to 247 allowed")) { try m.readHoldingRegisters(slave: 0, address: 0, count: 1) }
        #expect(throws: ModbusError.invalidRequest("slave id 248, 1 to 247 allowed")) { try m.readHoldingRegisters(slave: 248, address: 0, count: 1) }
        #expect(throws: ModbusError.invalidRequest("read of 126 registers, 1 to 125 allowed")) { try m.readInputRegisters(slave: 1, address: 0, count: 126) }
        #expect(throws: ModbusError.invalidRequest("registers beyond 65535")) { try m.readInputRegisters(slave: 1, address: 0xFFFF, count: 2) }
        #expect(m.port.writes.isEmpty)
    }

    @Test func staleBytesAreDroppedBeforeARequest() throws {
        var m = master([(us(0), [0x55, 0x01, 0x03]), (us(40_000), Frames.twoRegisters)])
        clock.sleep(until: us(10_000))
        #expect(try m.readHoldingRegisters(slave: 1, address: 0x10, count: 2) == [0x000A, 0x0102])
    }
}

@Suite struct ModbusDeviceTests {
    let clock = VirtualClock()

    /// A meter: 0 voltage (u16, 0.1 V), 1 current (s16, 0.01 A), 2-3 energy (u32, Wh, big),
    /// 10-11 frequency (f32, little: 50.0 = 0x42480000 as 0000 4248).
    func meter() -> ModbusSlaveModel {
        ModbusSlaveModel(clock: clock, slave: 7, holding: [2301, 0xFF9C, 0x0001, 0x86A0, 0, 0, 0, 0, 0, 0, 0x0000, 0x4248])
    }

    let points = [
        ModbusPoint(name: "voltage", unit: "V", decimals: 1, type: .u16, scale: 0.1),
        ModbusPoint(name: "current", unit: "A", decimals: 2, type: .s16, scale: 0.01),
        ModbusPoint(name: "energy", unit: "kWh", decimals: 3, type: .u32, scale: 0.001),
        ModbusPoint(name: "frequency", unit: "Hz", decimals: 2, address: 10, type: .f32, wordOrder: .little),
    ]

    @Test func pointsMergeIntoContiguousBlocks() throws {
        let configuration = ModbusDeviceConfiguration(slave: 7, points: points)
        let blocks = try configuration.blocks().get()
        #expect(blocks == [ModbusDeviceConfiguration.Block(address: 0, count: 4, points: [0, 1, 2]),
                           ModbusDeviceConfiguration.Block(address: 10, count: 2, points: [3])])
    }

    @Test func oneReadPerBlockScaled() throws {
        let model = meter()
        let master = ModbusRTUMaster(port: model, clock: clock)
        var device = ModbusDevice(master: master, configuration: ModbusDeviceConfiguration(slave: 7, points: points))
        try device.setUp(clock: clock)
        let values = try device.read(clock: clock)
        #expect(abs(values[0]! - 230.1) < 1e-9)
        #expect(abs(values[1]! - -1.0) < 1e-9)
        #expect(abs(values[2]! - 100.0) < 1e-9)   // 0x000186A0 = 100000 Wh
        #expect(values[3] == 50.0)
        #expect(model.requests == 2)
        #expect(device.channels.map(\.name) == ["voltage", "current", "energy", "frequency"])
        #expect(device.location == "modbus:7@sim-modbus")
    }

    @Test func valuesOfEachType() {
        let big = ModbusPoint(name: "x", unit: "1", decimals: 0, type: .s32)
        #expect(big.value([0xFFFF, 0xFFFE][...]) == -2)
        var little = big
        little.wordOrder = .little
        #expect(little.value([0xFFFE, 0xFFFF][...]) == -2)
        let offset = ModbusPoint(name: "t", unit: "Cel", decimals: 1, type: .u16, scale: 0.1, offset: -40)
        #expect(offset.value([650][...]) == 25)
        let nan = ModbusPoint(name: "f", unit: "1", decimals: 0, type: .f32)
        #expect(nan.value([0x7FC0, 0x0000][...]) == nil)
    }

    @Test func anIllegalAddressFailsTheRead() {
        let model = meter()
        var device = ModbusDevice(master: ModbusRTUMaster(port: model, clock: clock),
                                  configuration: ModbusDeviceConfiguration(slave: 7, startAddress: 20, points: [points[0]]))
        #expect(throws: SensorError(.device, "slave 7, function 3: exception 2 (illegal data address)")) { try device.read(clock: clock) }
    }

    @Test func aBadConfigurationFailsSetUp() {
        var device = ModbusDevice(master: ModbusRTUMaster(port: meter(), clock: clock),
                                  configuration: ModbusDeviceConfiguration(slave: 0, points: points))
        #expect(throws: SensorError(.device, "invalid request: slave id 0, 1 to 247 allowed")) { try device.setUp(clock: clock) }
    }
}
