import Foundation
import Testing
import MoteHAL
import MoteLinux

/// LinuxOneWire against a directory laid out as the kernel's /sys/bus/w1/devices.
@Suite struct LinuxOneWireTests {
    @Test func devicesAndSlaveTextFromASysfsTree() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("w1-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let text = "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n"
        for id in ["28-0316a2795dff", "w1_bus_master1"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(id), withIntermediateDirectories: true)
        }
        try text.write(to: root.appendingPathComponent("28-0316a2795dff/w1_slave"), atomically: true, encoding: .utf8)
        let bus = LinuxOneWire(root: root.path)
        #expect(bus.devices() == ["28-0316a2795dff"])
        #expect(try bus.readSlave("28-0316a2795dff") == text)
        var expected = BusError(.unavailable, operation: "read w1_slave", bus: root.path + "/28-000000000000", errno: .ENOENT)
        expected.existing = ["28-0316a2795dff"]
        #expect(throws: expected) { try bus.readSlave("28-000000000000") }
    }
}
