import MoteHAL

/// How far a reading can be trusted.
public enum Quality: Equatable, Sendable {
    case good
    /// The value came through but something is off (out of range, a stale sensor).
    case uncertain
    /// No value: the sensor failed.
    case bad
}

/// One value of one channel, in its SI unit (or the unit the channel names, such as %RH).
public struct Reading: Equatable, Sendable {
    public var channel: Channel
    public var value: Double
    public var timestamp: Instant
    public var quality: Quality

    public init(channel: Channel, value: Double, timestamp: Instant, quality: Quality = .good) {
        self.channel = channel
        self.value = value
        self.timestamp = timestamp
        self.quality = quality
    }
}

/// A named stream of readings and how it is printed and framed.
///
/// A class so that every reading shares one instance: the per-sample path then costs one
/// reference count, not one per string.
public final class Channel: Equatable, Sendable {
    public let name: String
    /// UCUM-style unit for machines ("Cel", "%RH", "Pa") and a symbol for people.
    public let unit: String
    public let symbol: String
    /// Decimals printed: the resolution the sensor actually delivers.
    public let decimals: Int

    public init(name: String, unit: String, symbol: String, decimals: Int) {
        self.name = name
        self.unit = unit
        self.symbol = symbol
        self.decimals = decimals
    }

    public static func == (a: Channel, b: Channel) -> Bool {
        a === b || (a.name == b.name && a.unit == b.unit && a.symbol == b.symbol && a.decimals == b.decimals)
    }
}
