import MoteDrivers
import MoteHAL

/// How the node samples, filters and frames.
public struct NodeSettings: Equatable, Sendable {
    /// The node's tick: sensors sample every tick unless given their own interval.
    public var sampleInterval: TimeSpan = .seconds(1)
    /// A frame of what was reported since the last one goes out every `uplinkInterval`, the
    /// first `firstUplink` after the start (the skeleton's: at the 10th one-second tick).
    public var uplinkInterval: TimeSpan = .seconds(10)
    public var firstUplink: TimeSpan = .seconds(9)
    /// Channels added without a filter chain of their own: an EMA for continuous values.
    public var emaAlpha = 0.2
    /// LoRaWAN FPort of the frames.
    public var port: UInt8 = 1
    /// The link's payload limit: 11 bytes is the worst case (US915 DR0).
    public var frameCapacity = 11
    /// First retry after a sensor fails; doubles per failure up to `maximumBackoff`.
    public var initialBackoff: TimeSpan = .seconds(1)
    public var maximumBackoff: TimeSpan = .seconds(64)
    /// Send a frame as soon as a wake-on-edge sensor reported something.
    public var sendOnEvent = false
    public var format = FrameFormat.cayenneLPP

    /// Reported values a channel holds for the next frame: CayenneLPP carries the newest only,
    /// the compact frame a run of up to 8.
    var valuesPerChannel: Int {
        switch format {
        case .cayenneLPP: return 1
        case .compact, .senml: return CompactFrame.maximumRun
        }
    }

    public init() {}
}

/// Where a channel's filtered value goes in the frame.
public struct FrameField: Equatable, Sendable {
    /// The CayenneLPP channel; in the compact frame the field's place (fields in id order).
    public var channel: UInt8
    /// The CayenneLPP record type (nil: the channel goes only into formats that need none).
    public var type: CayenneLPP.DataType?
    /// Multiplies the channel's value into the CayenneLPP type's unit (0.01 for Pa → hPa).
    public var scale: Double
    /// The compact frame's step in the channel's unit (nil: see `compactResolution`).
    public var resolution: Double?

    public init(channel: UInt8, _ type: CayenneLPP.DataType?, scale: Double = 1, resolution: Double? = nil) {
        self.channel = channel
        self.type = type
        self.scale = scale
        self.resolution = resolution
    }

    /// The compact frame's step: the one given, else the CayenneLPP type's step in the channel's
    /// unit (so that switching formats keeps the same resolution), else `10^-decimals`.
    public func compactResolution(decimals: Int) -> Double {
        if let resolution { return resolution }
        if let type, type.isScalar, let counts = type.fields.first?.countsPerUnit { return 1 / (counts * abs(scale)) }
        var step = 1.0
        for _ in 0..<max(0, decimals) { step /= 10 }
        return step
    }
}

/// How frames are encoded.
public enum FrameFormat: Equatable, Sendable {
    /// CayenneLPP: one record per channel, the newest value.
    case cayenneLPP
    /// The compact Mote frame: every value reported since the last frame (up to 8 per channel),
    /// fields as the schema gives them; a frame goes early once a channel holds 8.
    case compact(CompactSchema)
    /// SenML in CBOR (RFC 8428) for IP links: a record per reported value with its time, under
    /// the base name `urn:dev:mote:<node>:`; `names` gives each frame id its record name.
    case senml(node: String, names: [UInt8: String])

    public var name: String {
        switch self {
        case .cayenneLPP: return "cayennelpp"
        case .compact: return "mote"
        case .senml: return SenMLFrame.format
        }
    }
}

/// How one channel of a sensor is handled: which of the driver's channels it is, its filter
/// chain, and where its reported value goes in the frame.
public struct ChannelPlan: Equatable, Sendable {
    /// Index into the driver's `channels`.
    public var index: Int
    public var channel: Channel
    public var filters: [FilterSpec]
    public var field: FrameField?

    public init(index: Int, channel: Channel, filters: [FilterSpec], field: FrameField? = nil) {
        self.index = index
        self.channel = channel
        self.filters = filters
        self.field = field
    }
}

/// What the node's sleep ended with.
public enum Wake: Equatable, Sendable {
    /// The deadline passed, or some of the watched descriptors became readable.
    case woke(ready: [Int32])
    /// SIGTERM or SIGINT: flush and stop.
    case terminate
}

/// One sensor in the node, whatever its driver: the node holds these, not the drivers' types.
protocol SensorSlot: AnyObject {
    var location: String { get }
    var firstReadingAfter: TimeSpan { get }
    var events: [SensorEvent] { get }
    var wakeSource: WakeSource { get }
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
    var wakeSource: WakeSource { driver.wakeSource }
    func setUp() throws(SensorError) { try driver.setUp(clock: clock) }
    func read() throws(SensorError) -> [Double?] { try driver.read(clock: clock) }
}

/// A channel's filter chain and what it has reported since the last frame.
struct ChannelState {
    let plan: ChannelPlan
    var chain: FilterChain
    /// What the chain reported since the last frame, oldest first: a format that carries one
    /// value per channel keeps only the newest.
    var pending: [PendingValue] = []
    /// The number of the frame that last carried it (-1: none yet).
    var lastSent: Int64 = -1
    /// It has had to wait for a later frame (warned once).
    var waited = false
    /// Its unit has no SenML name (warned once).
    var unitWarned = false
    /// Its run outgrew what a frame carries before it was sent (warned once).
    var overflowed = false

    init(_ plan: ChannelPlan) {
        self.plan = plan
        self.chain = FilterChain(plan.filters)
    }
}

/// A reported value waiting for a frame, with when it was sampled.
struct PendingValue: Equatable {
    var value: Double
    var at: Instant
}

/// A sensor's schedule, health and per-channel filter state.
final class ScheduledSensor {
    let slot: any SensorSlot
    let location: String
    /// Channels of the driver by index, for its events.
    let driverChannels: [Channel]
    var channels: [ChannelState]
    var interval: TimeSpan
    /// Sampled on its wake source's edges too, not only on its schedule.
    let wakes: Bool
    var due: Instant
    var started = false
    var failures = 0
    var retryAt = Instant.zero
    /// After a set-up, when the part can first deliver.
    var readableAt = Instant.zero
    /// A reading has taken longer than the interval (warned once).
    var overran = false

    init(slot: any SensorSlot, driverChannels: [Channel], plans: [ChannelPlan], interval: TimeSpan, wakes: Bool, due: Instant) {
        self.slot = slot
        self.location = slot.location
        self.driverChannels = driverChannels
        self.channels = plans.map { ChannelState($0) }
        self.interval = interval
        self.wakes = wakes
        self.due = due
    }
}

/// The node: sensors sampled on the clock, a filter chain per channel, and a CayenneLPP frame
/// every uplink interval holding the values the chains reported since the last frame.
///
/// A sensor that fails (NAK, wrong identity, bad CRC, timeout) is marked degraded and set up
/// again with exponential backoff; the loop never stops for it, and the other sensors go on.
public final class Node<C: Clock, Sink: EventSink> {
    public let settings: NodeSettings
    public private(set) var sink: Sink
    private let clock: C
    private var sensors: [ScheduledSensor] = []
    private var start: Instant
    /// Frames go at uplinkAnchor + k·uplinkEvery: the settings' schedule until a downlink
    /// changes the interval, then one new interval from that instant.
    private var uplinkAnchor: Instant
    private var uplinkEvery: TimeSpan
    private var uplinkTick: Int64 = 0
    /// Successful sensor readings so far.
    public private(set) var samples = 0
    public private(set) var framesSent = 0
    /// The sequence number of the next frame: restored from the node's state after a restart,
    /// so that no number is used twice.
    public var nextSequence: UInt32 = 0
    /// Durably records that numbers below `upTo` may be used, before any of them is (false: it
    /// could not, and no frame goes out; the values stay pending). Nil: numbers are not kept.
    public var reserveSequences: ((_ upTo: UInt32) -> Bool)?
    /// Numbers reserved per call.
    public var sequenceBlock: UInt32 = 64
    private var reservedUpTo: UInt32 = 0
    private var reservationFailed = false
    /// A channel's run reached what one frame carries: the frame goes now, not at the interval.
    private var runFull = false
    /// How the node sleeps until `deadline`, watching `descriptors` (edge events): the clock's
    /// sleep by default; on a board a poll that also watches the termination signals.
    public var sleeper: (_ deadline: Instant, _ descriptors: [Int32]) -> Wake

    public init(clock: C, sink: Sink, settings: NodeSettings = NodeSettings()) {
        self.clock = clock
        self.sink = sink
        self.settings = settings
        self.start = clock.now()
        self.uplinkAnchor = start + settings.firstUplink
        self.uplinkEvery = settings.uplinkInterval
        self.sleeper = { deadline, _ in
            clock.sleep(until: deadline)
            return .woke(ready: [])
        }
    }

    /// The skeleton's node: one BME280 framed as temperature (ch 1), humidity (2), barometer (3).
    public convenience init<Bus: I2CBus>(sensor: BME280<Bus>, clock: C, sink: Sink, settings: NodeSettings = NodeSettings()) {
        self.init(clock: clock, sink: sink, settings: settings)
        add(sensor, frame: [FrameField(channel: 1, .temperature), FrameField(channel: 2, .humidity),
                            FrameField(channel: 3, .barometer, scale: 0.01)])
    }

    /// Adds a sensor with every channel of its driver: continuous ones smoothed by an EMA of
    /// the settings' α, the others passed through. `frame` gives a field per channel, in the
    /// driver's channel order; nil or missing entries are readings only.
    public func add<Driver: SensorDriver>(_ driver: Driver, interval: TimeSpan? = nil, frame: [FrameField?] = []) {
        var plans: [ChannelPlan] = []
        for (index, spec) in driver.channels.enumerated() {
            plans.append(ChannelPlan(index: index, channel: Channel(spec), filters: spec.continuous ? [.ema(alpha: settings.emaAlpha)] : [],
                                     field: index < frame.count ? frame[index] : nil))
        }
        add(driver, interval: interval, channels: plans)
    }

    /// Adds a sensor sampled every `interval` (the node's tick when nil), first at the node's
    /// start, with the given channels; the driver's other channels are not reported. With
    /// `wake`, its wake source (a GPIO line's edges) also has it sampled between its deadlines.
    public func add<Driver: SensorDriver>(_ driver: Driver, interval: TimeSpan? = nil, channels plans: [ChannelPlan], wake: Bool = false) {
        sensors.append(ScheduledSensor(slot: DriverSlot(driver, clock: clock), driverChannels: driver.channels.map { Channel($0) },
                                       plans: plans, interval: interval ?? settings.sampleInterval, wakes: wake, due: start))
    }

    private var nextUplink: Instant {
        uplinkAnchor + uplinkEvery * uplinkTick
    }

    // MARK: - What a downlink may change (docs/downlink.md)

    /// The uplink interval in force.
    public var uplinkInterval: TimeSpan { uplinkEvery }
    /// Each sensor's sample interval in force, in the order they were added.
    public var sampleIntervals: [TimeSpan] { sensors.map { $0.interval } }
    /// Sensors marked degraded now.
    public var degradedSensors: Int { sensors.filter { $0.failures > 0 }.count }

    /// Frames every `interval` from now on, the next one an interval from now.
    public func setUplinkInterval(_ interval: TimeSpan) {
        uplinkAnchor = clock.now() + interval
        uplinkEvery = interval
        uplinkTick = 0
    }

    /// Samples sensor `index` every `interval`, the next time an interval from now.
    public func setSampleInterval(sensor index: Int, _ interval: TimeSpan) {
        guard index >= 0, index < sensors.count else { return }
        sensors[index].interval = interval
        sensors[index].due = clock.now() + interval
    }

    /// Sends `bytes` as a frame of its own on `port` (a downlink's acknowledgement, a status
    /// record), numbered like every frame; false when no number could be reserved.
    @discardableResult
    public func sendReply(_ bytes: [UInt8], port: UInt8) -> Bool {
        let now = clock.now()
        guard let sequence = takeSequence(at: now) else { return false }
        sink.emit(.frame(Frame(sequence: sequence, port: port, format: "reply", bytes: bytes), at: now))
        framesSent += 1
        return true
    }

    /// Runs on the clock until `frames` frames, `samples` readings or the `until` deadline,
    /// whichever is given and comes first; with none, until terminated. Every deadline is
    /// start + k·interval, so schedules never drift; at one instant sensors sample before the
    /// frame goes out. Between deadlines, the node sleeps, waking early only for the edges of
    /// wake-on-edge sensors. On `.terminate` it sends what was reported and returns.
    public func run(frames: Int? = nil, samples sampleLimit: Int? = nil, until end: Instant? = nil) {
        guard !sensors.isEmpty else { return }
        while true {
            if let frames, framesSent >= frames { return }
            if let sampleLimit, samples >= sampleLimit { return }
            var next = nextUplink
            for sensor in sensors where sensor.due < next { next = sensor.due }
            // Past the end nothing is scheduled, but edges before it are still taken.
            var wakeAt = end.map { $0 < next ? $0 : next } ?? next
            var descriptors: [Int32] = []
            // Only a sensor that is up can take its edges; a degraded one waits for its retry,
            // or its unread edges would wake the loop again and again.
            for sensor in sensors where canWake(sensor) {
                let source = sensor.slot.wakeSource
                if let at = source.at, at < wakeAt { wakeAt = at }
                if let fd = source.descriptor { descriptors.append(fd) }
            }
            if let end, wakeAt >= end { return }
            switch sleeper(wakeAt, descriptors) {
            case .terminate:
                flush()
                return
            case .woke(let ready):
                if clock.now() < next {
                    handleEdges(ready: ready)
                    continue
                }
            }
            for sensor in sensors where sensor.due == next {
                if let sampleLimit, samples >= sampleLimit { break }  // the frame of this instant still goes
                let began = clock.now()
                sample(sensor)
                sensor.due = sensor.due + sensor.interval
                let skipped = Node.deadlinesPassed(sensor.due, every: sensor.interval, now: clock.now())
                if skipped > 0 {
                    // The loop fell behind (this reading, or others at the same instant, took
                    // longer than the interval): skip the deadlines passed, staying on the
                    // start + k·interval grid, rather than sampling back to back to catch up.
                    sensor.due = sensor.due + sensor.interval * skipped
                    if !sensor.overran {
                        sensor.overran = true
                        let took = clock.now() - began
                        let why = sensor.interval < took ? "a reading took \(took.nanoseconds / 1_000_000) ms, longer than its interval"
                                                         : "the readings before it at the same instant took longer than its interval"
                        sink.emit(.warning("\(sensor.location): \(why); \(skipped) sample deadline(s) skipped (said once per sensor)", at: clock.now()))
                    }
                }
            }
            if nextUplink == next {
                sendFrame()
                uplinkTick += 1
                uplinkTick += Node.deadlinesPassed(nextUplink, every: uplinkEvery, now: clock.now())
            } else if runFull {
                sendFrame()
            }
        }
    }

    /// Sends what the channels reported and not yet sent, in as many frames as it takes: before
    /// stopping, so nothing reported is lost.
    public func flush() {
        while true {
            let sent = framesSent
            sendFrame()
            if framesSent == sent { return }  // nothing pending, or nothing that fits at all
        }
    }

    /// How many deadlines `due`, `due + every`, ... are already behind `now`.
    static func deadlinesPassed(_ due: Instant, every interval: TimeSpan, now: Instant) -> Int64 {
        guard due < now, interval.nanoseconds > 0 else { return 0 }
        return ((now - due).nanoseconds + interval.nanoseconds - 1) / interval.nanoseconds
    }

    private func canWake(_ sensor: ScheduledSensor) -> Bool {
        sensor.wakes && sensor.started && clock.now() >= sensor.readableAt
    }

    /// Samples the wake-on-edge sensors whose edge arrived, outside their schedule.
    private func handleEdges(ready: [Int32]) {
        let now = clock.now()
        var reported = false
        for sensor in sensors where canWake(sensor) {
            let source = sensor.slot.wakeSource
            let due = source.at.map { $0 <= now } ?? false
            let readable = source.descriptor.map { ready.contains($0) } ?? false
            guard due || readable else { continue }
            reported = sample(sensor) || reported
        }
        if (reported && settings.sendOnEvent) || runFull { sendFrame() }
    }

    /// Reads a sensor and runs its values through the channels' chains; true if any reported.
    @discardableResult
    private func sample(_ sensor: ScheduledSensor) -> Bool {
        if !sensor.started {
            guard clock.now() >= sensor.retryAt else { return false }
            do {
                try sensor.slot.setUp()
                sensor.started = true
                sensor.readableAt = clock.now() + sensor.slot.firstReadingAfter
            } catch {
                degrade(sensor, error)
                return false
            }
        }
        guard clock.now() >= sensor.readableAt else { return false }  // still warming up: the next tick
        let values: [Double?]
        do {
            values = try sensor.slot.read()
        } catch {
            sensor.started = false
            degrade(sensor, error)
            return false
        }
        let now = clock.now()
        // Back only once it has delivered: a part that sets up but cannot read keeps backing off.
        if sensor.failures > 0 {
            sink.emit(.sensorState(sensor: sensor.location, .ok, at: now))
            sensor.failures = 0
        }
        for event in sensor.slot.events where event.channel < sensor.driverChannels.count {
            sink.emit(.event(sensor: sensor.location, Reading(channel: sensor.driverChannels[event.channel], value: event.value,
                                                              timestamp: event.timestamp), at: now))
        }
        var reported = false
        for index in sensor.channels.indices {
            let driverIndex = sensor.channels[index].plan.index
            guard driverIndex < values.count, let value = values[driverIndex] else { continue }
            var output = sensor.channels[index].chain.process(Sample(value: value, timestamp: now))
            output.report = output.report && sensor.channels[index].plan.field != nil  // only what goes on air counts as reported
            if output.report, let reportedValue = output.value {
                if sensor.channels[index].pending.count >= settings.valuesPerChannel {
                    sensor.channels[index].pending.removeFirst()
                    // CayenneLPP keeps only the newest by design; a run that is full and still
                    // not sent (no room in the pack, no frame number) loses its oldest: said once.
                    if settings.valuesPerChannel > 1 && !sensor.channels[index].overflowed {
                        sensor.channels[index].overflowed = true
                        sink.emit(.warning("\(sensor.location) \(sensor.channels[index].plan.channel.name): more than \(settings.valuesPerChannel) values waiting for a frame; "
                                           + "the oldest are dropped (said once per channel)", at: now))
                    }
                }
                sensor.channels[index].pending.append(PendingValue(value: reportedValue, at: now))
                if settings.valuesPerChannel > 1, sensor.channels[index].pending.count == settings.valuesPerChannel { runFull = true }
                reported = true
            }
            sink.emit(.reading(sensor: sensor.location,
                               Reading(channel: sensor.channels[index].plan.channel, value: value, timestamp: now, quality: output.quality),
                               output))
        }
        samples += 1
        return reported
    }

    /// Reserves the next block of sequence numbers now (at start, so a crash before the first
    /// frame already skips past the numbers a previous run may have used).
    public func reserveNow() -> Bool {
        guard let reserveSequences else { return true }
        let upTo = nextSequence &+ sequenceBlock
        guard reserveSequences(upTo) else { return false }
        reservedUpTo = upTo
        return true
    }

    private func sendFrame() {
        runFull = false
        switch settings.format {
        case .cayenneLPP: sendCayenneLPP()
        case .compact(let schema): sendCompact(schema)
        case .senml(let node, let names): sendSenML(node: node, names: names)
        }
    }

    /// Whether a frame number can be taken: reserves a new block in the node's state first when
    /// the last one is used up. False when that fails: the frame is held back and its values
    /// stay pending (warned once until it works again).
    private func sequenceAvailable(at now: Instant) -> Bool {
        guard reserveSequences != nil, nextSequence >= reservedUpTo else { return true }
        guard reserveNow() else {
            if !reservationFailed { sink.emit(.warning("cannot reserve frame counters in the node's state: frames held back", at: now)) }
            reservationFailed = true
            return false
        }
        reservationFailed = false
        return true
    }

    private func takeSequence(at now: Instant) -> UInt32? {
        guard sequenceAvailable(at: now) else { return nil }
        let sequence = nextSequence
        nextSequence &+= 1
        return sequence
    }

    private func emitFrame(_ bytes: [UInt8], sequence: UInt32, at now: Instant) {
        sink.emit(.frame(Frame(sequence: sequence, port: settings.port, format: settings.format.name, bytes: bytes), at: now))
        framesSent += 1
    }

    /// Builds a CayenneLPP frame of the pending values, those waiting longest first: a value
    /// that does not fit stays pending and leads the next frame, so no channel starves on a
    /// small link.
    private func sendCayenneLPP() {
        let now = clock.now()
        var candidates: [(sensor: Int, channel: Int, lastSent: Int64)] = []
        for (sensorIndex, sensor) in sensors.enumerated() {
            for (channelIndex, state) in sensor.channels.enumerated() where state.plan.field?.type != nil && !state.pending.isEmpty {
                candidates.append((sensorIndex, channelIndex, state.lastSent))
            }
        }
        guard !candidates.isEmpty, sequenceAvailable(at: now) else { return }  // nothing new to say, or no number for it
        var frame = CayenneLPP(capacity: settings.frameCapacity)
        var ordered = candidates.enumerated().map { ($0.offset, $0.element) }
        ordered.sort { $0.1.lastSent != $1.1.lastSent ? $0.1.lastSent < $1.1.lastSent : $0.0 < $1.0 }
        var records = 0
        for (_, candidate) in ordered {
            let sensor = sensors[candidate.sensor]
            guard let field = sensor.channels[candidate.channel].plan.field, let type = field.type,
                  let value = sensor.channels[candidate.channel].pending.last?.value else { continue }
            do {
                try frame.add(channel: field.channel, type, value * field.scale)
                sensor.channels[candidate.channel].pending.removeAll()
                sensor.channels[candidate.channel].lastSent = Int64(framesSent)
                records += 1
            } catch {
                if case .tooLarge = error {
                    // Normal on a small link: said once per channel, not every frame.
                    if !sensor.channels[candidate.channel].waited {
                        sensor.channels[candidate.channel].waited = true
                        sink.emit(.warning(error.description + ": channel \(field.channel) waits for the next frame (said once per channel)", at: now))
                    }
                } else {
                    sensor.channels[candidate.channel].pending.removeAll()
                    sink.emit(.warning(error.description, at: now))
                }
            }
        }
        guard records > 0, let sequence = takeSequence(at: now) else { return }
        emitFrame(frame.bytes, sequence: sequence, at: now)
    }

    /// Builds compact frames of every pending run: one batch, split by the schema's priority
    /// across as many frames as the link needs. A value off its field's scale goes as "no
    /// value" with a warning rather than holding back the batch.
    private func sendCompact(_ schema: CompactSchema) {
        let now = clock.now()
        var batch = [[Double?]](repeating: [], count: schema.fields.count)
        var holders: [(sensor: Int, channel: Int)] = []
        for (sensorIndex, sensor) in sensors.enumerated() {
            for (channelIndex, state) in sensor.channels.enumerated() where !state.pending.isEmpty {
                guard let id = state.plan.field?.channel,
                      let place = schema.fields.firstIndex(where: { $0.id == id }) else { continue }
                let field = schema.fields[place]
                batch[place] = state.pending.map { pending -> Double? in
                    if field.code(pending.value) != nil { return pending.value }
                    sink.emit(.warning("field \(field.name): \(DecimalText.shortest(pending.value)) is outside the field's range "
                                       + "\(DecimalText.shortest(field.min))...\(DecimalText.shortest(field.max)); sent as no value", at: now))
                    return nil
                }
                holders.append((sensorIndex, channelIndex))
            }
        }
        guard !holders.isEmpty else { return }  // nothing new to say
        let encoded: CompactFrame.Encoded
        do {
            encoded = try CompactFrame.encode(batch, schema: schema, limit: settings.frameCapacity)
        } catch {
            // The configuration check makes every field fit an empty frame; drop the batch
            // rather than retry it forever.
            for holder in holders { sensors[holder.sensor].channels[holder.channel].pending.removeAll() }
            sink.emit(.warning(error.description + "; the batch is dropped", at: now))
            return
        }
        var sequences: [UInt32] = []
        for _ in encoded.frames {
            // Values stay pending; a number taken for an earlier part is skipped, never reused.
            guard let sequence = takeSequence(at: now) else { return }
            sequences.append(sequence)
        }
        for (place, dropped) in encoded.trimmed.enumerated() where dropped > 0 {
            sink.emit(.warning("field \(schema.fields[place].name): \(dropped) older value(s) did not fit one frame and were dropped", at: now))
        }
        for holder in holders {
            sensors[holder.sensor].channels[holder.channel].pending.removeAll()
            sensors[holder.sensor].channels[holder.channel].lastSent = Int64(framesSent)
        }
        for (frame, sequence) in zip(encoded.frames, sequences) { emitFrame(frame, sequence: sequence, at: now) }
    }

    /// Builds a SenML pack of the pending values, the channels waiting longest first, each value a record
    /// with its time relative to the frame's; what does not fit waits for the next frame. A
    /// unit SenML has no name for goes without one (warned once per channel).
    private func sendSenML(node: String, names: [UInt8: String]) {
        let now = clock.now()
        var candidates: [(sensor: Int, channel: Int, lastSent: Int64)] = []
        for (sensorIndex, sensor) in sensors.enumerated() {
            for (channelIndex, state) in sensor.channels.enumerated() where state.plan.field != nil && !state.pending.isEmpty {
                candidates.append((sensorIndex, channelIndex, state.lastSent))
            }
        }
        guard !candidates.isEmpty, sequenceAvailable(at: now) else { return }
        // Those waiting longest first, as in CayenneLPP: on a full pack no channel starves.
        var ordered = candidates.enumerated().map { ($0.offset, $0.element) }
        ordered.sort { $0.1.lastSent != $1.1.lastSent ? $0.1.lastSent < $1.1.lastSent : $0.0 < $1.0 }
        var frame = SenMLFrame(node: node, time: nil, capacity: settings.frameCapacity)
        var records = 0
        var full = false
        for (_, candidate) in ordered where !full {
            let sensor = sensors[candidate.sensor]
            let index = candidate.channel
            guard let field = sensor.channels[index].plan.field else { continue }
            let channel = sensor.channels[index].plan.channel
            let name = names[field.channel] ?? channel.name
            var unit = channel.unit
            var taken = 0
            for pending in sensor.channels[index].pending {
                let offset = Double((pending.at - now).nanoseconds / 1_000_000) / 1000  // ms: what the clock's text shows
                var added = Self.add(pending.value, offset: offset, name: name, unit: unit, to: &frame)
                if case .failure(.unregisteredUnit) = added, !unit.isEmpty {
                    if !sensor.channels[index].unitWarned {
                        sensor.channels[index].unitWarned = true
                        sink.emit(.warning("\(name): SenML has no unit \"\(unit)\"; its records go without one (said once per channel)", at: now))
                    }
                    unit = ""
                    added = Self.add(pending.value, offset: offset, name: name, unit: unit, to: &frame)
                }
                switch added {
                case .success: break
                case .failure(.tooLarge): full = true
                case .failure(let error):
                    // Never sendable (a name SenML refuses, say): dropped, not retried forever.
                    sink.emit(.warning("\(name): \(DecimalText.shortest(pending.value)) left out of the SenML frame: \(error.description)", at: now))
                }
                if full { break }
                taken += 1
            }
            sensor.channels[index].pending.removeFirst(taken)
            if taken > 0 { sensor.channels[index].lastSent = Int64(framesSent) }
            records += taken
        }
        guard records > 0, let sequence = takeSequence(at: now) else { return }
        emitFrame(frame.bytes, sequence: sequence, at: now)
    }

    private static func add(_ value: Double, offset: Double, name: String, unit: String, to frame: inout SenMLFrame) -> Result<Void, SenMLError> {
        do {
            try frame.add(name: name, unit: unit, value: value, offset: offset)
            return .success(())
        } catch {
            return .failure(error)
        }
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

extension Channel {
    public convenience init(_ spec: ChannelSpec) {
        self.init(name: spec.name, unit: spec.unit, symbol: spec.symbol, decimals: spec.decimals)
    }
}
