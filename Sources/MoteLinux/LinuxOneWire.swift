import MoteHAL

/// 1-Wire through the kernel's w1 subsystem (w1-gpio overlay on a Pi: `dtoverlay=w1-gpio`).
public final class LinuxOneWire: OneWireBus {
    public let root: String

    public init(root: String = "/sys/bus/w1/devices") {
        self.root = root
    }

    public func devices() -> [String] {
        Files.list(root).filter { !$0.hasPrefix("w1_bus_master") }
    }

    public func readSlave(_ id: String) throws(BusError) -> String {
        let path = "\(root)/\(id)/w1_slave"
        guard let text = Files.read(path) else {
            var error = BusError(.unavailable, operation: "read w1_slave", bus: root + "/" + id, errno: .ENOENT)
            error.existing = devices()
            throw error
        }
        return text
    }
}
