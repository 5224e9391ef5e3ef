import MoteDrivers
import MoteHAL

/// How the node samples, filters and frames.
public struct NodeSettings: Equatable, Sendable {
    /// The node's tick: sensors sample every tick unless given their own interval.
    public var sampleInterval: TimeSpan = .seconds(1)
    /// A frame goes out after every this many ticks.
    public var samplesPerFrame = 10
    public var emaAlpha = 0.2
    /// LoRaWAN FPort of the frames.
    public var port: UInt8 = 1
    /// The link's payload limit: 11 bytes is the worst case (US915 DR0).
    public var frameCapacity = 11
    /// First retry after a sensor fails; doubles per failure up to `maximumBackoff`.
    public var initialBackoff: TimeSpan = .seconds(1)
    public var maximumBackoff: TimeSpan = .seconds(64)

    public init() {}
}

/// Where a channel's filtered value goes in the CayenneLPP frame.
public struct FrameField: Equatable, Sendable {
    public var channel: UInt8
    public var type: CayenneLPP.DataType
    /// Multiplies the channel's value into the type's unit (0.01 for Pa → hPa).
    public var scale: Double

    public init(channel: UInt8, _ type: CayenneLPP.DataType, scale: Double = 1) {
        self.channel = channel
        self.type = type
        self.scale = scale
    }
}

/// One sensor in the node, whatever its driver: the node holds these, not the drivers' types.
protocol SensorSlot: AnyObject {
    var location: String { get }
    var firstReadingAfter: TimeSpan { get }
    var events: [SensorEvent] { get }
    func setUp() throws(SensorError)
    func read() throws(SensorError) -> [Double?]
}

final class DriverSlot<Driver: SensorDriver, C: Clock>: SensorSlot {
    var driver: Driver
    let clock: C
    init(_ driver: Driver, clock: C) {
        self.driver = driver
        self.clock = clock
    }
    var location: String { driver.location }
    var firstReadingAfter: TimeSpan { driver.firstReadingAfter }
    var events: [SensorEvent] { driver.events }
    func setUp() throws(SensorError) { try driver.setUp(clock: clock) }
    func read() throws(SensorError) -> [Double?] { try driver.read(clock: clock) }
}

/// A sensor's schedule, health and per-channel filter state.
final class ScheduledSensor {
    let slot: any SensorSlot
    let location: String
    let channels: [Channel]
    let fields: [FrameField?]
    let interval: TimeSpan
    var due: Instant
    var started = false
    var failures = 0
    var retryAt = Instant.zero
    /// After a set-up, when the part can first deliver.
    var readableAt = Instant.zero
    var filters: [ExponentialMovingAverage]
    /// Channels read since the last frame: only fresh values go on air.
    var fresh: [Bool]

    init(slot: any SensorSlot, channels: [Channel], smoothed: [Bool], fields: [FrameField?], interval: TimeSpan, due: Instant, alpha: Double) {
        self.slot = slot
        self.location = slot.location
        self.channels = channels
        self.fields = fields
        self.interval = interval
        self.due = due
        // Levels, counts and totals pass through: an EMA with α = 1 just keeps the last value.
        self.filters = smoothed.map { ExponentialMovingAverage(alpha: $0 ? alpha : 1) }
        self.fresh = Array(repeating: false, count: channels.count)
    }
}

/// The node: sensors sampled on the clock, an EMA per channel, a CayenneLPP frame every N ticks
/// holding the channels that have a frame field and were read since the last frame.
///
/// A sensor that fails (NAK, wrong identity, bad CRC, timeout) is marked degraded and set up
/// again with exponential backoff; the loop never stops for it, and the other sensors go on.
public final class Node<C: Clock, Sink: EventSink> {
    public let settings: NodeSettings
    public private(set) var sink: Sink
    private let clock: C
    private var sensors: [ScheduledSensor] = []
    private var start: Instant
    private var frameTick: Int64 = 1
    /// Successful sensor readings so far.
    public private(set) var samples = 0
    public private(set) var framesSent = 0

    public init(clock: C, sink: Sink, settings: NodeSettings = NodeSettings()) {
        self.clock = clock
        self.sink = sink
        self.settings = settings
        self.start = clock.now()
    }

    /// The skeleton's node: one BME280 framed as temperature (ch 1), humidity (2), barometer (3).
    public convenience init<Bus: I2CBus>(sensor: BME280<Bus>, clock: C, sink: Sink, settings: NodeSettings = NodeSettings()) {
        self.init(clock: clock, sink: sink, settings: settings)
        add(sensor, frame: [FrameField(channel: 1, .temperature), FrameField(channel: 2, .humidity),
                            FrameField(channel: 3, .barometer, scale: 0.01)])
    }

    /// Adds a sensor sampled every `interval` (the node's tick when nil), first at the node's
    /// start. `frame` gives a field per channel, in the driver's channel order; nil or missing
    /// entries are readings only.
    public func add<Driver: SensorDriver>(_ driver: Driver, interval: TimeSpan? = nil, frame: [FrameField?] = []) {
        let channels = driver.channels.map { Channel(name: $0.name, unit: $0.unit, symbol: $0.symbol, decimals: $0.decimals) }
        var fields = frame
        while fields.count < channels.count { fields.append(nil) }
        sensors.append(ScheduledSensor(slot: DriverSlot(driver, clock: clock), channels: channels, smoothed: driver.channels.map { $0.continuous },
                                       fields: Array(fields.prefix(channels.count)),
                                       interval: interval ?? settings.sampleInterval, due: start, alpha: settings.emaAlpha))
    }

    private var nextFrame: Instant {
        start + settings.sampleInterval * (Int64(settings.samplesPerFrame) * frameTick - 1)
    }

    /// Runs on the clock until `frames` frames, `samples` readings or the `until` deadline,
    /// whichever is given and comes first; with none, forever. Every deadline is start + k·interval,
    /// so schedules never drift; at one instant sensors sample before the frame goes out.
    public func run(frames: Int? = nil, samples sampleLimit: Int? = nil, until end: Instant? = nil) {
        guard !sensors.isEmpty else { return }
        while true {
            if let frames, framesSent >= frames { return }
            if let sampleLimit, samples >= sampleLimit { return }
            var next = nextFrame
            for sensor in sensors where sensor.due < next { next = sensor.due }
            if let end, next >= end { return }
            clock.sleep(until: next)
            for sensor in sensors where sensor.due == next {
                if let sampleLimit, samples >= sampleLimit { break }  // the frame of this instant still goes
                sample(sensor)
                sensor.due = sensor.due + sensor.interval
            }
            if nextFrame == next {
                sendFrame()
                frameTick += 1
            }
        }
    }

    private func sample(_ sensor: ScheduledSensor) {
        if !sensor.started {
            guard clock.now() >= sensor.retryAt else { return }
            do {
                try sensor.slot.setUp()
                sensor.started = true
                sensor.readableAt = clock.now() + sensor.slot.firstReadingAfter
            } catch {
                degrade(sensor, error)
                return
            }
        }
        guard clock.now() >= sensor.readableAt else { return }  // still warming up: the next tick
        let values: [Double?]
        do {
            values = try sensor.slot.read()
        } catch {
            sensor.started = false
            degrade(sensor, error)
            return
        }
        let now = clock.now()
        // Back only once it has delivered: a part that sets up but cannot read keeps backing off.
        if sensor.failures > 0 {
            sink.emit(.sensorState(sensor: sensor.location, .ok, at: now))
            sensor.failures = 0
        }
        for event in sensor.slot.events where event.channel < sensor.channels.count {
            sink.emit(.event(sensor: sensor.location, Reading(channel: sensor.channels[event.channel], value: event.value,
                                                              timestamp: event.timestamp), at: now))
        }
        for index in sensor.channels.indices where index < values.count {
            guard let value = values[index] else { continue }
            let filtered = sensor.filters[index].update(value)
            sensor.fresh[index] = true
            sink.emit(.reading(sensor: sensor.location, Reading(channel: sensor.channels[index], value: value, timestamp: now), filtered: filtered))
        }
        samples += 1
    }

    private func sendFrame() {
        let now = clock.now()
        var frame = CayenneLPP(capacity: settings.frameCapacity)
        var records = 0
        for sensor in sensors {
            for index in sensor.channels.indices {
                guard let field = sensor.fields[index], sensor.fresh[index], let value = sensor.filters[index].value else { continue }
                sensor.fresh[index] = false
                do {
                    try frame.add(channel: field.channel, field.type, value * field.scale)
                    records += 1
                } catch {
                    sink.emit(.warning(error.description, at: now))
                }
            }
        }
        guard records > 0 else { return }  // nothing fresh to say
        sink.emit(.frame(Frame(sequence: UInt32(framesSent), port: settings.port, format: "cayennelpp", bytes: frame.bytes), at: now))
        framesSent += 1
    }

    private func degrade(_ sensor: ScheduledSensor, _ error: SensorError) {
        sensor.failures += 1
        var backoff = settings.initialBackoff
        for _ in 1..<min(sensor.failures, 32) where backoff < settings.maximumBackoff { backoff = backoff + backoff }
        if settings.maximumBackoff < backoff { backoff = settings.maximumBackoff }
        sensor.retryAt = clock.now() + backoff
        sink.emit(.sensorState(sensor: sensor.location, .degraded(reason: error.description, retryAt: sensor.retryAt), at: clock.now()))
    }
}
