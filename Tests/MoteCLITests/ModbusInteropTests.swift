import Testing
#if canImport(Glibc)
import Glibc
#endif
import MoteDrivers
import MoteHAL
import MoteLinux

/// Mote's Modbus RTU master against pymodbus on a pseudo-terminal: run by
/// `python3 Tests/peers/modbus_peer.py`, which starts the pymodbus slave and sets
/// MOTE_MODBUS_PORT; skipped without it.
///
/// (Here, not in MoteLinuxTests: that target does not depend on MoteDrivers, and this one
/// reaches both MoteLinux and MoteDrivers through MoteCLI.)
private let interopPort: String? = getenv("MOTE_MODBUS_PORT").map { String(cString: $0) }

/// The peer's registers, re-declared from modbus_peer.py.
private enum Peer {
    static let slave: UInt8 = 1
    static let holding: [UInt16] = [0x1234, 0xBEEF, 0x0000, 0x0001, 0xFFFF]
    /// -200 as s16, then 50.0 as f32 high word first, then 0x8000.
    static let input: [UInt16] = [0xFF38, 0x4248, 0x0000, 0x8000]
    /// No device answers this id on the wire.
    static let silentSlave: UInt8 = 9
}

@Suite(.serialized, .enabled(if: interopPort != nil, "set MOTE_MODBUS_PORT (Tests/peers/modbus_peer.py does)"))
struct ModbusInteropTests {
    func master() throws -> ModbusRTUMaster<LinuxSerialPort, MonotonicClock> {
        // A pty is 8N1 whatever is asked (pty_set_termios), so the master's timing is 8N1 too.
        let configuration = SerialConfiguration(baud: 9600)
        let port = try LinuxSerialPort(path: interopPort!, configuration: configuration)
        // The spec's 3.5-character gap (3.6 ms) holds across the peer's relay; the reply timeout
        // allows for Python's scheduling.
        return ModbusRTUMaster(port: port, clock: port.clock, configuration: configuration, replyTimeout: .milliseconds(1000))
    }

    @Test func readsHoldingRegisters() throws {
        var m = try master()
        #expect(try m.readHoldingRegisters(slave: Peer.slave, address: 0, count: 5) == Peer.holding)
        #expect(try m.readHoldingRegisters(slave: Peer.slave, address: 1, count: 1) == [0xBEEF])
    }

    @Test func readsInputRegistersAndScalesThemAsADevice() throws {
        var m = try master()
        #expect(try m.readInputRegisters(slave: Peer.slave, address: 0, count: 4) == Peer.input)
        let points = [ModbusPoint(name: "temperature", unit: "Cel", decimals: 1, type: .s16, scale: 0.1),
                      ModbusPoint(name: "frequency", unit: "Hz", decimals: 1, type: .f32)]
        var device = ModbusDevice(master: m, configuration: ModbusDeviceConfiguration(slave: Peer.slave, registerType: .input, points: points))
        try device.setUp(clock: device.master.clock)
        let values = try device.read(clock: device.master.clock)
        #expect(abs(values[0]! - -20.0) < 1e-9)
        #expect(values[1] == 50.0)
    }

    @Test func writesRegistersAndReadsThemBack() throws {
        var m = try master()
        try m.writeSingleRegister(slave: Peer.slave, address: 5, value: 0xCAFE)
        try m.writeMultipleRegisters(slave: Peer.slave, address: 6, values: [7, 8, 9])
        #expect(try m.readHoldingRegisters(slave: Peer.slave, address: 5, count: 4) == [0xCAFE, 7, 8, 9])
    }

    @Test func anIllegalAddressIsExceptionTwo() throws {
        var m = try master()
        let expected = ModbusError.exception(slave: Peer.slave, function: 3, code: .illegalDataAddress)
        #expect(throws: expected) { try m.readHoldingRegisters(slave: Peer.slave, address: 100, count: 2) }
        #expect(expected.sensorError == SensorError(.device, "slave 1, function 3: exception 2 (illegal data address)"))
        // The line recovers: the next request is answered.
        #expect(try m.readHoldingRegisters(slave: Peer.slave, address: 0, count: 1) == [0x1234])
    }

    @Test func aSilentSlaveTimesOut() throws {
        var m = try master()
        let start = m.clock.now()
        #expect(throws: ModbusError.timeout(slave: Peer.silentSlave, function: 3)) {
            try m.readHoldingRegisters(slave: Peer.silentSlave, address: 0, count: 1)
        }
        let waited = m.clock.now() - start
        #expect(waited >= .milliseconds(1000) && waited < .milliseconds(3000))
        #expect(m.counters.timeouts == 1)
    }
}
