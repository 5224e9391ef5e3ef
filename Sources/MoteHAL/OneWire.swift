/// The kernel's 1-Wire bus as its w1 drivers present it: devices by id ("28-0316a2795dff") and
/// each one's `w1_slave` text. `LinuxOneWire` reads /sys/bus/w1/devices; models stand in for it.
public protocol OneWireBus: AnyObject {
    /// The devices present, by id.
    func devices() -> [String]
    /// The device's w1_slave text: a conversion runs on every read (about 750 ms for a DS18B20
    /// at 12 bits, which the kernel waits out).
    func readSlave(_ id: String) throws(BusError) -> String
}
