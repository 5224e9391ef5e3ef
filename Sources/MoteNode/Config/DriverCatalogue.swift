import MoteDrivers
import MoteHAL

/// What a configuration file may say about each driver: its bus, default address and the
/// channels it delivers. The node builder (MoteCLI) makes the driver itself; this table is
/// what lets `motectl check` validate a file without any hardware or model.
public struct DriverInfo: Equatable, Sendable {
    public enum Bus: String, Equatable, Sendable { case i2c, serial, gpio, onewire = "1-wire" }

    public var name: String
    public var bus: Bus
    /// The part's usual I2C address (or Modbus slave id 1), used when the file gives none.
    public var defaultAddress: Int64?
    /// The driver's channels, for the parts whose channels are fixed; nil where the file
    /// defines them (ADC inputs, Modbus registers) or they are named after the sensor.
    public var channels: [ChannelSpec]?

    public static let all: [DriverInfo] = [
        DriverInfo(name: "bme280", bus: .i2c, defaultAddress: 0x76, channels: ChannelSpec.bme280),
        DriverInfo(name: "sht4x", bus: .i2c, defaultAddress: 0x44, channels: ChannelSpec.sht4x),
        DriverInfo(name: "sht3x", bus: .i2c, defaultAddress: 0x44, channels: ChannelSpec.sht3x),
        DriverInfo(name: "bh1750", bus: .i2c, defaultAddress: 0x23, channels: ChannelSpec.bh1750),
        DriverInfo(name: "ads1115", bus: .i2c, defaultAddress: 0x48, channels: nil),
        DriverInfo(name: "scd4x", bus: .i2c, defaultAddress: 0x62, channels: ChannelSpec.scd4x),
        DriverInfo(name: "pms5003", bus: .serial, defaultAddress: nil, channels: ChannelSpec.pms5003),
        DriverInfo(name: "nmea-gps", bus: .serial, defaultAddress: nil, channels: ChannelSpec.nmeaGPS),
        DriverInfo(name: "modbus", bus: .serial, defaultAddress: 1, channels: nil),
        DriverInfo(name: "ds18b20", bus: .onewire, defaultAddress: nil, channels: ChannelSpec.ds18b20),
        DriverInfo(name: "digital-input", bus: .gpio, defaultAddress: nil, channels: nil),
        DriverInfo(name: "pulse-counter", bus: .gpio, defaultAddress: nil, channels: nil),
    ]

    public static func named(_ name: String) -> DriverInfo? { all.first { $0.name == name } }

    public static var names: [String] { all.map { $0.name } }

    /// The channels the driver itself defines for a sensor with this id (the GPIO drivers name
    /// theirs after it); nil where the file defines them (ADC inputs, Modbus registers).
    public func fixedChannels(sensorID: String, pulseUnit: String) -> [ChannelSpec]? {
        switch name {
        case "digital-input": return ChannelSpec.digitalInput(name: sensorID)
        case "pulse-counter": return ChannelSpec.pulseCounter(name: sensorID, unit: pulseUnit)
        default: return channels
        }
    }

    /// The channels a sensor of this driver has, given its configuration's id and options.
    /// Must match what the driver reports (a test checks this for every driver).
    public static func channels(of sensor: SensorConfiguration) -> [ChannelSpec] {
        if let fixed = named(sensor.driver)?.fixedChannels(sensorID: sensor.id, pulseUnit: sensor.pulseUnit) { return fixed }
        return sensor.channels.map { ChannelSpec(name: $0.name, unit: $0.unit, decimals: $0.decimals) }
    }
}
