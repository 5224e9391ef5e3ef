import MoteHAL
import MoteDrivers

/// How the node samples, filters and frames.
public struct NodeSettings: Equatable, Sendable {
    public var sampleInterval: TimeSpan = .seconds(1)
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

/// The channels of a BME280 and the CayenneLPP record each becomes.
public enum BME280Channels {
    public static let temperature = Channel(name: "temperature", unit: "Cel", symbol: "°C", decimals: 2)
    public static let humidity = Channel(name: "humidity", unit: "%RH", symbol: "%RH", decimals: 3)
    public static let pressure = Channel(name: "pressure", unit: "Pa", symbol: "Pa", decimals: 2)
}

/// The walking skeleton's node: one BME280, an EMA per channel, a CayenneLPP frame every N
/// samples (temperature on channel 1, humidity on 2, barometer on 3).
///
/// A sensor that fails (NAK, wrong chip id, timeout) marks itself degraded and is started again
/// with exponential backoff; the loop itself never stops for it.
public final class Node<Bus: I2CBus, C: Clock, Sink: EventSink> {
    public let settings: NodeSettings
    public private(set) var sink: Sink
    private var sensor: BME280<Bus>
    private let clock: C
    private let sensorName: String

    private var started = false
    private var failures = 0
    private var retryAt = Instant.zero
    private var filters: [ExponentialMovingAverage]
    private let channels = [BME280Channels.temperature, BME280Channels.humidity, BME280Channels.pressure]
    public private(set) var samples = 0
    public private(set) var framesSent = 0

    public init(sensor: BME280<Bus>, clock: C, sink: Sink, settings: NodeSettings = NodeSettings()) {
        self.sensor = sensor
        self.clock = clock
        self.sink = sink
        self.settings = settings
        self.sensorName = "bme280@" + Hex.byte(sensor.address)
        self.filters = Array(repeating: ExponentialMovingAverage(alpha: settings.emaAlpha), count: 3)
    }

    /// Runs on the clock until `frames` frames, `samples` samples or the `until` deadline,
    /// whichever is given and comes first; with none, forever. Deadlines are start + k·interval,
    /// so they never drift.
    public func run(frames: Int? = nil, samples sampleLimit: Int? = nil, until end: Instant? = nil) {
        let start = clock.now()
        var tick: Int64 = 0
        while true {
            if let frames, framesSent >= frames { return }
            if let sampleLimit, samples >= sampleLimit { return }
            let deadline = start + settings.sampleInterval * tick
            if let end, deadline >= end { return }
            clock.sleep(until: deadline)
            tick += 1
            sample()
        }
    }

    /// One scheduled sample: (re)start the sensor if due, measure, filter, frame.
    public func sample() {
        if !started {
            guard clock.now() >= retryAt else { return }
            do {
                try sensor.start(clock: clock)
                started = true
                if failures > 0 { sink.emit(.sensorState(sensor: sensorName, .ok, at: clock.now())) }
                failures = 0
            } catch {
                degrade(error)
                return
            }
        }
        let measurement: BME280Measurement
        do {
            measurement = try sensor.measure(clock: clock)
        } catch {
            started = false
            degrade(error)
            return
        }
        let now = clock.now()
        for index in 0..<3 {
            let value = index == 0 ? measurement.celsius : index == 1 ? measurement.relativeHumidity : measurement.pascals
            let filtered = filters[index].update(value)
            sink.emit(.reading(sensor: sensorName, Reading(channel: channels[index], value: value, timestamp: now), filtered: filtered))
        }
        samples += 1
        if samples % settings.samplesPerFrame == 0 { sendFrame(at: now) }
    }

    private func sendFrame(at now: Instant) {
        var frame = CayenneLPP(capacity: settings.frameCapacity)
        let records: [(UInt8, CayenneLPP.DataType, Double)] = [
            (1, .temperature, filters[0].value ?? .nan),
            (2, .humidity, filters[1].value ?? .nan),
            (3, .barometer, (filters[2].value ?? .nan) / 100),
        ]
        for (channel, type, value) in records {
            do {
                try frame.add(channel: channel, type, value)
            } catch {
                sink.emit(.warning(error.description, at: now))
            }
        }
        sink.emit(.frame(Frame(sequence: UInt32(framesSent), port: settings.port, format: "cayennelpp", bytes: frame.bytes), at: now))
        framesSent += 1
    }

    private func degrade(_ error: BME280Error) {
        failures += 1
        var backoff = settings.initialBackoff
        for _ in 1..<min(failures, 32) where backoff < settings.maximumBackoff { backoff = backoff + backoff }
        if settings.maximumBackoff < backoff { backoff = settings.maximumBackoff }
        retryAt = clock.now() + backoff
        sink.emit(.sensorState(sensor: sensorName, .degraded(reason: error.description, retryAt: retryAt), at: clock.now()))
    }
}
