import MoteHAL

/// Counts pulses on a GPIO input (a tipping-bucket rain gauge, an anemometer's reed switch, a
/// flow meter) from the line's rising edges, with the kernel's timestamps, and reports the
/// total and the rate over the last interval, both scaled by `perPulse` (0.2794 mm per tip of
/// a common rain gauge, 2.4 km/h per Hz of an anemometer, 1/450 L per pulse of a YF-S201).
public struct PulseCounter<Pin: GPIOPin>: SensorDriver {
    public static var part: String { "pulse-counter" }
    public let pin: Pin
    public let name: String
    public let unit: String
    public let perPulse: Double
    public private(set) var total: UInt64 = 0
    private var lastReading: Instant?
    public var location: String { "pulses:" + name }

    public init(pin: Pin, name: String, unit: String = "count", perPulse: Double = 1) {
        self.pin = pin
        self.name = name
        self.unit = unit
        self.perPulse = perPulse
    }

    public var channels: [ChannelSpec] { ChannelSpec.pulseCounter(name: name, unit: unit) }

    public var wakeSource: WakeSource { pin.wakeSource }

    public mutating func setUp(clock: some Clock) throws(SensorError) {
        lastReading = clock.now()
    }

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        let events: [GPIOEdgeEvent]
        do { events = try pin.takeEvents() } catch { throw SensorError(.bus, error.description) }
        let pulses = events.filter { $0.rising }.count
        total += UInt64(pulses)
        let now = clock.now()
        defer { lastReading = now }
        let seconds = lastReading.map { Double((now - $0).nanoseconds) / 1e9 } ?? 0
        let rate: Double? = seconds > 0 ? Double(pulses) * perPulse / seconds : nil
        return [Double(total) * perPulse, rate]
    }
}

extension ChannelSpec {
    /// A pulse counter's channels: the total since start (`name_total`) and the rate (`name_rate`).
    public static func pulseCounter(name: String, unit: String) -> [ChannelSpec] {
        [ChannelSpec(name: name + "_total", unit: unit, decimals: 4, continuous: false),
         ChannelSpec(name: name + "_rate", unit: unit + "/s", decimals: 4)]
    }
}
