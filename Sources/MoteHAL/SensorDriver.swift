/// What a channel of a part measures, as the driver knows it.
public struct ChannelSpec: Equatable, Sendable {
    /// "temperature", "pm2_5", "co2"
    public var name: String
    /// UCUM-style unit: "Cel", "%RH", "Pa", "lx", "ppm", "ug/m3", "V", "count", "deg".
    public var unit: String
    /// For people: "°C", "%RH", "µg/m³".
    public var symbol: String
    /// Decimals worth printing: the resolution the part delivers.
    public var decimals: Int
    /// False for levels, counts and totals, which a smoothing filter would only falsify.
    public var continuous: Bool

    public init(name: String, unit: String, symbol: String? = nil, decimals: Int, continuous: Bool = true) {
        self.name = name
        self.unit = unit
        self.symbol = symbol ?? unit
        self.decimals = decimals
        self.continuous = continuous
    }
}

/// Why a part gave no reading, in terms the node can report and count.
public struct SensorError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The bus failed (no acknowledge, timeout, a port that went away).
        case bus
        /// The part is not what was expected (chip id, serial number, model).
        case identity
        /// A checksum or CRC did not match.
        case checksum
        /// A frame or reply that does not parse (length, start bytes, fields).
        case malformed
        /// A value outside what the part can measure.
        case outOfRange
        /// The part did not have a result in time.
        case timeout
        /// The part reported a fault itself (a Modbus exception, a sensor error bit, no GPS fix).
        case device
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public init(_ error: BusError, register: String? = nil) {
        self.init(.bus, (register.map { "\($0): " } ?? "") + error.description)
    }

    public var description: String { message }
}

/// A part the node can sample: one file per part in MoteDrivers conforms.
///
/// `read` returns one value per entry of `channels`, in that order and in the channel's unit.
/// A value the part could not produce this time is `nil` (e.g. humidity skipped), never a
/// made-up number; a failure of the whole reading throws.
public protocol SensorDriver {
    /// The part's name as users write it in a config: "BME280", "SHT4x", "PMS5003".
    static var part: String { get }
    /// What it measures, fixed for the driver's lifetime.
    var channels: [ChannelSpec] { get }
    /// Where it is, for messages and events: "bme280@0x76", "pms5003@/dev/ttyAMA0".
    var location: String { get }
    /// Checks identity and sets the part up; called again after any failure.
    mutating func setUp(clock: some Clock) throws(SensorError)
    mutating func read(clock: some Clock) throws(SensorError) -> [Double?]
    /// How long after set-up the first reading can be had (the SCD4x's first periodic
    /// measurement takes 5 s): the node waits that long without blocking the other sensors.
    var firstReadingAfter: TimeSpan { get }
    /// The events of the last `read`, oldest first: the node reports each one.
    var events: [SensorEvent] { get }
    /// What wakes the node for this part between samples (a GPIO edge); `.none` for most parts.
    var wakeSource: WakeSource { get }
}

/// How a part can cut the node's sleep short: a descriptor that turns readable (a GPIO line's
/// edge events) and/or an instant (a simulated line's next edge, a debounce that settles).
public struct WakeSource: Equatable, Sendable {
    public var descriptor: Int32?
    public var at: Instant?

    public init(descriptor: Int32? = nil, at: Instant? = nil) {
        self.descriptor = descriptor
        self.at = at
    }

    public static let none = WakeSource()
}

/// Something that happened between two readings: a door opened at 12.3 s, not just "open"
/// when the node next looked.
public struct SensorEvent: Equatable, Sendable {
    /// Index into the driver's `channels`.
    public var channel: Int
    public var value: Double
    /// When it happened, on the source's timeline (the kernel's CLOCK_MONOTONIC for GPIO edges).
    public var timestamp: Instant

    public init(channel: Int, value: Double, timestamp: Instant) {
        self.channel = channel
        self.value = value
        self.timestamp = timestamp
    }
}

extension SensorDriver {
    public var firstReadingAfter: TimeSpan { .zero }
    public var events: [SensorEvent] { [] }
    public var wakeSource: WakeSource { .none }
}
