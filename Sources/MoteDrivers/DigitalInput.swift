import MoteHAL

/// A contact or a PIR on a GPIO input (door, button, motion): reports its level and the
/// changes since the last reading, taken from the line's edge events, and each edge as an event
/// with its kernel timestamp, so a door opened and closed between two samples still shows. Debounce is the line's (kernel or `Debouncer`).
public struct DigitalInput<Pin: GPIOPin>: SensorDriver {
    public static var part: String { "digital-input" }
    public let pin: Pin
    public let name: String
    public var location: String { "input:" + name }
    /// Every edge since the driver started, as events, for the node to log.
    public private(set) var lastEvents: [GPIOEdgeEvent] = []

    public init(pin: Pin, name: String) {
        self.pin = pin
        self.name = name
    }

    /// Each edge of the last reading as an event of the level channel: 1 rising, 0 falling.
    public var events: [SensorEvent] {
        lastEvents.map { SensorEvent(channel: 0, value: $0.rising ? 1 : 0, timestamp: $0.timestamp) }
    }

    public var channels: [ChannelSpec] { ChannelSpec.digitalInput(name: name) }

    public var wakeSource: WakeSource { pin.wakeSource }

    public mutating func setUp(clock: some Clock) throws(SensorError) {
        do { _ = try pin.takeEvents() } catch { throw SensorError(.bus, error.description) }
    }

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        do {
            lastEvents = try pin.takeEvents()
            let level = try pin.value()
            return [level ? 1 : 0, Double(lastEvents.count)]
        } catch {
            throw SensorError(.bus, error.description)
        }
    }
}

extension ChannelSpec {
    /// A digital input's channels: its level (`name`) and the changes since the last reading.
    public static func digitalInput(name: String) -> [ChannelSpec] {
        [ChannelSpec(name: name, unit: "1", symbol: "", decimals: 0, continuous: false),
         ChannelSpec(name: name + "_changes", unit: "count", symbol: "changes", decimals: 0, continuous: false)]
    }
}
