import MoteDrivers
import MoteHAL

/// A node, fully described by its file: what it reads, how each channel is filtered, what goes
/// on air and how often. docs/configuration.md documents every key; `NodeConfiguration.parse`
/// is the one place that knows them.
public struct NodeConfiguration: Equatable, Sendable {
    public var name: String
    /// The board file (`boards/<board>.toml`) that names the buses and lines, and where the
    /// node file says so (for "no such board file").
    public var board: String
    public var boardPosition = TOMLPosition(line: 1, column: 1)
    /// Sample interval of a sensor that gives none.
    public var interval: TimeSpan
    public var sensors: [SensorConfiguration]
    public var uplink: UplinkConfiguration
    public var update: UpdateConfiguration?
    public var storage: StorageConfiguration

    public init(name: String, board: String = "simulated", interval: TimeSpan = .seconds(10),
                sensors: [SensorConfiguration] = [], uplink: UplinkConfiguration = UplinkConfiguration(),
                update: UpdateConfiguration? = nil, storage: StorageConfiguration = StorageConfiguration()) {
        self.name = name
        self.board = board
        self.interval = interval
        self.sensors = sensors
        self.uplink = uplink
        self.update = update
        self.storage = storage
    }
}

public struct SensorConfiguration: Equatable, Sendable {
    public var id: String
    public var driver: String
    /// I2C adapter or 1-wire bus, by its name in the board file ("i2c-1", "w1").
    public var bus: String?
    /// I2C address, or the Modbus slave id.
    public var address: Int64?
    /// Serial port by its name in the board file ("uart0").
    public var port: String?
    /// GPIO line: a line name ("GPIO17") or a header pin ("pin11") of the board.
    public var line: String?
    /// 1-wire device id ("28-0316a2794c5f"); the first DS18B20 found when nil.
    public var device: String?
    public var interval: TimeSpan
    /// A GPIO output that powers the part only around its readings, and how long it needs.
    public var power: String?
    public var powerWarmUp: TimeSpan = .milliseconds(1)
    public var serial = SerialConfiguration(baud: 9600)
    /// PMS5003: "passive" (the node asks) or "active" (the part streams).
    public var mode = "passive"
    /// Modbus: "holding" or "input" registers.
    public var registerType = ModbusDeviceConfiguration.RegisterType.holding
    /// GPIO inputs.
    public var debounce: TimeSpan = .milliseconds(20)
    public var activeLow = false
    public var bias = GPIOLineSettings.Bias.asIs
    public var edge = GPIOLineSettings.Edge.both
    /// Wake the node on an edge instead of waiting for the next sample.
    public var wake = false
    /// Pulse counters: what one pulse is worth, in `pulseUnit`.
    public var perPulse = 1.0
    public var pulseUnit = "count"
    public var channels: [ChannelConfiguration]
    /// Where the sensor's table starts, and where its bus, port, line and power keys' values
    /// are: for errors found against the board file or when the node is built.
    public var position: TOMLPosition
    public var positions: [String: TOMLPosition] = [:]
    /// Its key path in messages: "sensor[2]".
    public var path = "sensor"

    public init(id: String, driver: String, interval: TimeSpan, channels: [ChannelConfiguration] = [],
                position: TOMLPosition = TOMLPosition(line: 1, column: 1)) {
        self.id = id
        self.driver = driver
        self.interval = interval
        self.channels = channels
        self.position = position
    }
}

public struct ChannelConfiguration: Equatable, Sendable {
    public var name: String
    public var unit: String
    /// Decimals printed and the step values are rounded to before they are reported.
    public var decimals: Int
    public var filters: [FilterSpec]
    /// The channel's engineering range: the base of a percent deadband and of range checks.
    public var rangeLow: Double?
    public var rangeHigh: Double?
    /// Where the channel's reported value goes in the frame; nil: readings only.
    public var frame: FrameField?
    /// ADS1115: the input and its full scale.
    public var adcInput: ADS1115Channel?
    /// Modbus: the register point.
    public var modbus: ModbusPoint?
    /// Where its frame field is written, for errors that need the whole node to be seen.
    public var framePosition = TOMLPosition(line: 1, column: 1)

    public init(name: String, unit: String, decimals: Int, filters: [FilterSpec] = [], frame: FrameField? = nil) {
        self.name = name
        self.unit = unit
        self.decimals = decimals
        self.filters = filters
        self.frame = frame
    }
}

extension NodeConfiguration {
    /// What each framed channel is called in decoded frames, by sensor and channel index: the
    /// channel's name, or `<sensor>_<channel>` where two sensors frame a channel of that name
    /// (`air_temperature`, `soil_temperature`). The codecs and `motectl decode` use the same names.
    public func frameFieldNames() -> [[String?]] {
        var counts: [String: Int] = [:]
        for sensor in sensors { for channel in sensor.channels where channel.frame != nil { counts[channel.name, default: 0] += 1 } }
        return sensors.map { sensor in
            sensor.channels.map { channel in
                guard channel.frame != nil else { return nil }
                return counts[channel.name, default: 0] > 1 ? sensor.id + "_" + channel.name : channel.name
            }
        }
    }

    /// The compact frame's schema: the framed channels in frame-id order. Nil when the format is
    /// another, or the channels do not make a valid schema (the configuration check says why).
    public func compactSchema() -> CompactSchema? {
        guard uplink.format == "mote" else { return nil }
        let names = frameFieldNames()
        var fields: [CompactSchema.Field] = []
        for (sensorIndex, sensor) in sensors.enumerated() {
            for (index, channel) in sensor.channels.enumerated() {
                guard let frame = channel.frame else { continue }
                guard let low = channel.rangeLow, let high = channel.rangeHigh,
                      let field = try? CompactSchema.Field(name: names[sensorIndex][index] ?? channel.name, id: frame.channel,
                                                           resolution: frame.compactResolution(decimals: channel.decimals), min: low, max: high)
                else { return nil }
                fields.append(field)
            }
        }
        fields.sort { $0.id < $1.id }
        return try? CompactSchema(id: uplink.schema, fields: fields)
    }
}

public struct UplinkConfiguration: Equatable, Sendable {
    /// "cayennelpp" or "mote" (the compact frame, docs/frames/compact.md).
    public var format = "cayennelpp"
    /// The compact frame's schema id, 0...15, which the decoder tells schemas apart by.
    public var schema = 0
    /// LoRaWAN FPort, 1-223.
    public var port: UInt8 = 1
    /// A frame (of what was reported since the last one) every interval.
    public var interval: TimeSpan = .seconds(60)
    public var link = PayloadLimit.Link.us915
    public var dataRate = 0
    /// AS923 dwell-time limit (400 ms), which shrinks the low data rates' payloads.
    public var dwellTime = false
    /// The link's payload limit in bytes, from the region table unless given.
    public var maximumPayload = 11
    /// "stdout": frames printed with the other events (JSON lines with --jsonl); "file": JSON
    /// lines appended to `file`, each fsync'd; "udp": a datagram to `collector`; "rak3172",
    /// "lora-e5", "rn2483": a LoRaWAN AT modem on the board's serial port `modem_port`.
    public var transport = "stdout"
    /// The file of the "file" transport (relative paths from the working directory).
    public var file: String?
    /// The "udp" transport's collector: host and port.
    public var collectorHost: String?
    public var collectorPort: Int?
    /// The modem's serial port, by its name in the board file, and its speed (nil: the
    /// dialect's default).
    public var modemPort: String?
    public var modemBaud: Int?
    /// Where `modem_port` is written, for the board check's errors.
    public var modemPortPosition = TOMLPosition(line: 1, column: 1)
    /// Ask for an acknowledgement of every frame (LoRaWAN confirmed uplinks; the UDP
    /// collector's `{"ack":N}`): an unacknowledged frame stays queued and goes again.
    public var confirmed = false
    /// The Things Network's fair-use airtime per rolling 24 h (nil: none but the region's duty cycle).
    public var fairUse: TimeSpan?
    /// The FPort downlink commands come on (docs/downlink.md).
    public var downlinkPort: UInt8 = 10

    /// The transports that are LoRaWAN AT modems.
    public static let modemTransports = ["rak3172", "lora-e5", "rn2483"]

    /// "host:port", "[v6]:port": nil unless both parts are there and the port is 1...65535.
    static func hostAndPort(_ text: String) -> (String, Int)? {
        var host = Substring(text)
        var rest: Substring
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            guard rest.hasPrefix(":") else { return nil }
            rest = rest.dropFirst()
        } else {
            guard let colon = host.lastIndex(of: ":") else { return nil }
            rest = host[host.index(after: colon)...]
            host = host[..<colon]
            if host.contains(":") { return nil }  // a bare IPv6 address: write it in brackets
        }
        guard !host.isEmpty, !rest.isEmpty, rest.count <= 5, rest.allSatisfy({ $0 >= "0" && $0 <= "9" }),
              let port = Int(String(rest)), port >= 1, port <= 65_535 else { return nil }
        return (String(host), port)
    }
    /// Send a frame right after a wake-on-edge sensor reported, without waiting for the interval.
    public var sendOnEvent = false

    public init() {}
}

public struct UpdateConfiguration: Equatable, Sendable {
    /// Base URL of the TUF repository's metadata (https:// or file://).
    public var url: String
    /// Base URL of its target files: `targets_url`, else `url` with its last segment
    /// `metadata` made `targets` (`defaultTargetsURL`).
    public var targetsURL: String
    public var checkInterval: TimeSpan = .seconds(86_400)
    /// The trusted root metadata installed at provisioning.
    public var trustedRoot = "/etc/mote/update/root.json"
    /// What the board is, matched against the targets' hardware ids.
    public var hardwareID: String?
    /// The image's target name; nil: "mote-" and the architecture of the running build.
    public var target: String?
    /// A node.toml target installed with the image; nil: the node file in use is kept.
    public var configTarget: String?

    public init(url: String, targetsURL: String? = nil) {
        self.url = url
        self.targetsURL = targetsURL ?? Self.defaultTargetsURL(url) ?? ""
    }

    /// `url` with a last path segment `metadata` replaced by `targets` (a trailing '/' kept):
    /// the layout `motectl repo` publishes. Nil when `url` does not end in /metadata or /metadata/.
    public static func defaultTargetsURL(_ url: String) -> String? {
        var bytes = Array(url.utf8)
        let slash = bytes.last == UInt8(ascii: "/")
        if slash { bytes.removeLast() }
        let segment = Array("/metadata".utf8)
        guard bytes.count > segment.count, bytes.suffix(segment.count).elementsEqual(segment) else { return nil }
        bytes.removeLast(segment.count)
        return String(decoding: bytes, as: UTF8.self) + "/targets" + (slash ? "/" : "")
    }
}

public struct StorageConfiguration: Equatable, Sendable {
    /// Where the node keeps what must survive a restart: the frame counter (and, with the uplink
    /// work, the queue).
    public var stateDirectory = "/var/lib/mote"
    /// Frames kept while the link is down; beyond it the oldest are dropped and counted.
    public var queueLimit = 1000

    public init() {}
}

extension NodeConfiguration {
    /// Limits the schema enforces, shared with the documentation.
    static let intervals = TimeSpan.milliseconds(10)...TimeSpan.seconds(7 * 86_400)

    /// Parses and validates a node file. Every problem is reported, in file order, each naming
    /// the file, line, column and key; the configuration is nil when there is any.
    public static func parse(_ text: String, file: String) -> (configuration: NodeConfiguration?, errors: [ConfigError]) {
        let (configuration, errors) = parsePartially(text, file: file)
        return (errors.isEmpty ? configuration : nil, errors)
    }

    /// The same, but also returning what could be read despite errors: so that the board
    /// check can report its own errors in the same pass.
    public static func parsePartially(_ text: String, file: String) -> (configuration: NodeConfiguration, errors: [ConfigError]) {
        let diagnostics = ConfigDiagnostics(file: file)
        let (document, syntaxErrors) = TOML.parse(text)
        for error in syntaxErrors { diagnostics.syntax(error) }
        let root = TableReader(document, path: "", diagnostics: diagnostics)
        let configuration = read(root)
        root.finish()
        return (configuration, diagnostics.sorted)
    }

    private static func read(_ root: TableReader) -> NodeConfiguration {
        var configuration = NodeConfiguration(name: "")
        if let node = root.table("node", required: true) {
            configuration.name = node.string("name", required: true) ?? ""
            if !configuration.name.isEmpty, !isIdentifier(configuration.name) {
                node.error("name", "\"\(configuration.name)\" is not a valid name: use letters, digits, '_' and '-' (it names the state file)")
            }
            configuration.board = node.string("board") ?? configuration.board
            if !isIdentifier(configuration.board) {
                node.error("board", "\"\(configuration.board)\" is not a board id: use letters, digits, '_' and '-' (boards/<id>.toml)")
            }
            configuration.boardPosition = node.table["board"]?.node.position ?? node.position
            configuration.interval = node.duration("interval", in: intervals) ?? configuration.interval
            node.finish()
        }
        var ids: [String: TOMLPosition] = [:]
        for sensor in root.tables("sensor") {
            guard let parsed = readSensor(sensor, defaultInterval: configuration.interval) else { continue }
            if parsed.id.isEmpty {
                // missing or invalid: already reported
            } else if let first = ids[parsed.id] {
                sensor.error("id", "duplicate sensor id \"\(parsed.id)\" (first at \(first.line):\(first.column))")
            } else {
                ids[parsed.id] = sensor.table["id"]?.node.position ?? sensor.position
            }
            configuration.sensors.append(parsed)
        }
        if !root.has("sensor") {
            root.diagnostics.error(root.position, "sensor", "a node needs at least one [[sensor]]")
        }
        if let uplink = root.table("uplink") {
            configuration.uplink = readUplink(uplink)
        }
        checkFrameFields(configuration, root)
        if let update = root.table("update") {
            configuration.update = readUpdate(update)
        }
        if let storage = root.table("storage") {
            configuration.storage.stateDirectory = storage.string("state_dir") ?? configuration.storage.stateDirectory
            configuration.storage.queueLimit = Int(storage.integer("queue_limit", in: 1...1_000_000) ?? Int64(configuration.storage.queueLimit))
            storage.finish()
        }
        return configuration
    }

    private static func readSensor(_ table: TableReader, defaultInterval: TimeSpan) -> SensorConfiguration? {
        let id = table.string("id", required: true)
        if let id, !isIdentifier(id) {
            table.error("id", "\"\(id)\" is not a valid id: use letters, digits, '_' and '-'")
        }
        let driverName = table.choice("driver", DriverInfo.names, required: true)
        var sensor = SensorConfiguration(id: id ?? "", driver: driverName ?? "", interval: defaultInterval, position: table.position)
        sensor.path = table.path
        sensor.interval = table.duration("interval", in: intervals) ?? defaultInterval
        sensor.power = table.string("power")
        sensor.powerWarmUp = table.duration("power_warm_up", in: TimeSpan.zero...TimeSpan.seconds(60)) ?? sensor.powerWarmUp
        guard let driverName, let info = DriverInfo.named(driverName) else {
            return nil  // without a driver its other keys cannot be judged: no "unknown key" noise
        }
        switch info.bus {
        case .i2c:
            sensor.bus = table.string("bus", required: true)
            sensor.address = table.integer("address", in: 0x08...0x77) ?? info.defaultAddress
        case .onewire:
            sensor.bus = table.string("bus") ?? "w1"
            sensor.device = table.string("device")
        case .serial:
            sensor.port = table.string("port", required: true)
            let baud = table.integer("baud", in: 50...4_000_000)
            if let baud, !SerialConfiguration.standardRates.contains(Int(baud)) {
                table.error("baud", "\(baud) is not a standard rate")
            }
            sensor.serial.baud = Int(baud ?? 9600)
            if driverName == "modbus" {
                sensor.serial.parity = .even  // Modbus over serial line 2.5.1: even parity is the default
                sensor.address = table.integer("address", in: 1...247) ?? 1
                switch table.choice("register_type", ["holding", "input"]) {
                case "input"?: sensor.registerType = .input
                default: sensor.registerType = .holding
                }
            }
            switch table.choice("parity", ["none", "even", "odd"]) {
            case "none"?:
                sensor.serial.parity = .none
                // Modbus over serial line 2.5.1: without parity, two stop bits keep the 11-bit character.
                if driverName == "modbus" { sensor.serial.stopBits = 2 }
            case "even"?: sensor.serial.parity = .even
            case "odd"?: sensor.serial.parity = .odd
            default: break
            }
            if driverName == "pms5003" {
                sensor.mode = table.choice("mode", ["passive", "active"]) ?? sensor.mode
            }
        case .gpio:
            sensor.line = table.string("line", required: true)
            sensor.debounce = table.duration("debounce", in: TimeSpan.zero...TimeSpan.seconds(10)) ?? sensor.debounce
            sensor.activeLow = table.boolean("active_low") ?? false
            switch table.choice("bias", ["as-is", "disabled", "pull-up", "pull-down"]) {
            case "disabled"?: sensor.bias = .disabled
            case "pull-up"?: sensor.bias = .pullUp
            case "pull-down"?: sensor.bias = .pullDown
            default: sensor.bias = .asIs
            }
            switch table.choice("edge", ["rising", "falling", "both"]) {
            case "rising"?: sensor.edge = .rising
            case "falling"?: sensor.edge = .falling
            default: sensor.edge = driverName == "pulse-counter" ? .rising : .both
            }
            sensor.wake = table.boolean("wake") ?? (driverName == "digital-input")
            if driverName == "pulse-counter" {
                sensor.perPulse = table.number("per_pulse", above: 0) ?? 1
                sensor.pulseUnit = table.string("unit") ?? "count"
            }
        }
        for key in ["bus", "address", "port", "line", "power"] {
            if let entry = table.table[key] { sensor.positions[key] = entry.node.position }
        }
        let channelTables = table.tables("channel")
        let fixed = info.fixedChannels(sensorID: sensor.id, pulseUnit: sensor.pulseUnit)
        if fixed == nil, channelTables.isEmpty {
            table.error("channel", "\(driverName) has no fixed channels: give each one as [[sensor.channel]]")
        }
        var channels: [ChannelConfiguration] = []
        for channelTable in channelTables {
            guard let channel = readChannel(channelTable, driver: driverName, known: fixed) else { continue }
            if channels.contains(where: { $0.name == channel.name }) {
                channelTable.error("name", "duplicate channel \"\(channel.name)\" in sensor \"\(sensor.id)\"")
                continue
            }
            channels.append(channel)
        }
        if channelTables.isEmpty {
            // No channel tables: every channel of the part, unfiltered and not framed.
            channels = (fixed ?? []).map { ChannelConfiguration(name: $0.name, unit: $0.unit, decimals: $0.decimals) }
        }
        sensor.channels = channels
        table.finish()
        return sensor
    }

    private static func readChannel(_ table: TableReader, driver: String, known: [ChannelSpec]?) -> ChannelConfiguration? {
        guard let name = table.string("name", required: true) else {
            table.finish()
            return nil
        }
        var channel: ChannelConfiguration
        if let known {
            guard let spec = known.first(where: { $0.name == name }) else {
                table.error("name", "\(driver) has no channel \"\(name)\"; it has " + TableReader.list(known.map { $0.name }))
                table.finish()
                return nil
            }
            channel = ChannelConfiguration(name: name, unit: spec.unit, decimals: spec.decimals)
            if let unit = table.string("unit"), unit != spec.unit {
                table.error("unit", "\(driver) \(name) is measured in \"\(spec.unit)\", not \"\(unit)\"")
            }
        } else if driver == "modbus" {
            channel = ChannelConfiguration(name: name, unit: table.string("unit", required: true) ?? "", decimals: 0)
        } else {
            // ADC inputs are volts; what they stand for (a moisture, a 4-20 mA loop) is the
            // channel's name and the frame's scale.
            channel = ChannelConfiguration(name: name, unit: "V", decimals: 4)
            if let unit = table.string("unit"), unit != "V" {
                table.error("unit", "\(driver) channels are measured in \"V\", not \"\(unit)\"")
            }
        }
        if driver == "ads1115" {
            let inputs = ["ain0", "ain1", "ain2", "ain3"]
            let input = table.choice("input", inputs, required: true).flatMap { inputs.firstIndex(of: $0) }
            let scales: [(Double, ADS1115FullScale)] = [(6.144, .volts6_144), (4.096, .volts4_096), (2.048, .volts2_048),
                                                        (1.024, .volts1_024), (0.512, .volts0_512), (0.256, .volts0_256)]
            var fullScale = ADS1115FullScale.volts4_096
            if let volts = table.number("full_scale") {
                if let match = scales.first(where: { $0.0 == volts }) {
                    fullScale = match.1
                } else {
                    table.error("full_scale", "\(DecimalText.shortest(volts)) V is not a gain of the ADS1115; use 6.144, 4.096, 2.048, 1.024, 0.512 or 0.256")
                }
            }
            if let input, let adcInput = ADS1115Input(rawValue: UInt8(input)) {
                channel.adcInput = ADS1115Channel(name: name, input: adcInput, fullScale: fullScale)
            }
        }
        if driver == "modbus" {
            let decimals = table.integer("decimals", in: 0...9).map { Int($0) } ?? 0
            channel.decimals = decimals
            let types: [(String, ModbusPoint.DataType)] = [("u16", .u16), ("s16", .s16), ("u32", .u32), ("s32", .s32), ("f32", .f32)]
            let typeName = table.choice("type", types.map { $0.0 }) ?? "u16"
            let type = types.first { $0.0 == typeName }?.1 ?? .u16
            let order: ModbusPoint.WordOrder = table.choice("word_order", ["big", "little"]) == "little" ? .little : .big
            let register = table.integer("register", in: 0...65_535, required: true)
            if let register, register + Int64(type.registerCount) > 65_536 {
                table.error("register", "a \(typeName) takes \(type.registerCount) registers: \(register) is the last address there is")
            }
            let scale = table.number("scale") ?? 1
            if scale == 0 { table.error("scale", "must not be 0 (every value would read 0)") }
            channel.modbus = ModbusPoint(name: name, unit: channel.unit, decimals: decimals, address: register.map { UInt16($0) },
                                         type: type, wordOrder: order, scale: scale, offset: table.number("offset") ?? 0)
        } else if let decimals = table.integer("decimals", in: 0...9) {
            channel.decimals = Int(decimals)
        }
        if let range = table.array("range") {
            if range.count == 2, let low = table.number(range[0], key: table.keyPath("range") + "[0]"),
               let high = table.number(range[1], key: table.keyPath("range") + "[1]") {
                if low < high {
                    channel.rangeLow = low
                    channel.rangeHigh = high
                } else {
                    table.error("range", "the low end must be below the high end")
                }
            } else if range.count != 2 {
                table.error("range", "expected [low, high], two numbers")
            }
        }
        for (index, filter) in table.tables("filters").enumerated() {
            guard let spec = readFilter(filter, index: index, channel: channel) else { continue }
            if let problem = spec.problem {
                table.diagnostics.error(filter.position, filter.path, problem)
            } else {
                channel.filters.append(spec)
            }
        }
        if let frame = table.table("frame") {
            channel.frame = readFrameField(frame)
            channel.framePosition = table.table["frame"]?.node.position ?? table.position
        }
        table.finish()
        return channel
    }

    static let filterTypes = ["median", "moving_average", "ema", "hampel", "deadband", "aggregate", "rate", "range"]

    private static func readFilter(_ table: TableReader, index: Int, channel: ChannelConfiguration) -> FilterSpec? {
        defer { table.finish() }
        guard let type = table.choice("type", filterTypes, required: true) else { return nil }
        switch type {
        case "median":
            return table.integer("window", in: 1...255, required: true).map { .median(window: Int($0)) }
        case "moving_average":
            return table.integer("window", in: 1...255, required: true).map { .movingAverage(window: Int($0)) }
        case "ema":
            let alpha = table.number("alpha", in: 0...1)
            let tau = table.duration("time_constant", in: TimeSpan.milliseconds(1)...TimeSpan.seconds(7 * 86_400))
            switch (alpha, tau, table.has("alpha") || table.has("time_constant")) {
            case (let alpha?, nil, _):
                if alpha == 0 { table.error("alpha", "must be greater than 0") ; return nil }
                return .ema(alpha: alpha)
            case (nil, let tau?, _): return .emaTimeConstant(tau)
            case (_?, _?, _): table.error("time_constant", "give alpha or time_constant, not both")
            case (nil, nil, false): table.diagnostics.error(table.position, table.keyPath("alpha"), "missing: an ema needs alpha or time_constant")
            default: break
            }
            return nil
        case "hampel":
            let window = table.integer("window", in: 3...255, required: true)
            let sigmas = table.number("sigmas", above: 0) ?? 3
            return window.map { .hampel(window: Int($0), sigmas: sigmas) }
        case "deadband":
            var band = Deadband()
            band.absolute = table.number("absolute", in: 0...Double.greatestFiniteMagnitude)
            band.percent = table.number("percent", in: 0...100)
            band.minimumPeriod = table.duration("min_period", in: TimeSpan.zero...TimeSpan.seconds(7 * 86_400))
            band.maximumPeriod = table.duration("max_period", in: TimeSpan.seconds(1)...TimeSpan.seconds(7 * 86_400))
            band.rangeLow = channel.rangeLow
            band.rangeHigh = channel.rangeHigh
            if band.percent != nil, channel.rangeLow == nil {
                table.error("percent", "a percent deadband needs the channel's range = [low, high]")
                return nil
            }
            if band.absolute == nil, band.percent == nil, band.maximumPeriod == nil, !table.has("absolute"), !table.has("percent") {
                table.diagnostics.error(table.position, table.keyPath("absolute"), "missing: a deadband needs absolute, percent or max_period")
            }
            if let low = band.minimumPeriod, let high = band.maximumPeriod, high < low {
                table.error("max_period", "must not be shorter than min_period")
            }
            return .deadband(band)
        case "aggregate":
            let period = table.duration("period", in: TimeSpan.seconds(1)...TimeSpan.seconds(7 * 86_400), required: true)
            let function = table.choice("function", ["min", "max", "mean", "last", "count"], required: true).flatMap { Aggregation(rawValue: $0) }
            guard let period, let function else { return nil }
            return .aggregate(period: period, function)
        case "rate":
            return .rateOfChange(per: table.duration("per", in: TimeSpan.milliseconds(1)...TimeSpan.seconds(86_400)) ?? .seconds(1))
        case "range":
            let low = table.number("min") ?? channel.rangeLow
            let high = table.number("max") ?? channel.rangeHigh
            guard let low, let high else {
                table.diagnostics.error(table.position, table.keyPath("min"), "missing: a range filter needs min and max (or the channel's range)")
                return nil
            }
            guard low < high else {
                table.error("max", "must be greater than min")
                return nil
            }
            return .rangeCheck(min: low, max: high)
        default:
            return nil
        }
    }

    private static func readFrameField(_ table: TableReader) -> FrameField? {
        defer { table.finish() }
        let id = table.integer("id", in: 0...255, required: true)
        // One-value types only: a channel has one value, and gps, accelerometer, gyrometer and
        // colour records hold three. Which format needs a type is checked with the whole node.
        var type: CayenneLPP.DataType?
        var typeRefused = false
        if let text = table.string("type") {
            if let named = CayenneLPP.DataType.named(text), !named.isScalar {
                table.error("type", "a \(text) record holds \(named.fields.count) values; a channel fills a one-value type")
                typeRefused = true
            } else if let name = table.choice("type", CayenneLPP.DataType.scalarTypes.map { $0.name }) {
                type = CayenneLPP.DataType.named(name)
            } else {
                typeRefused = true
            }
        }
        let scale = table.number("scale") ?? 1
        if scale == 0 { table.error("scale", "must not be 0 (every value would go on air as 0)") }
        var resolution: Double?
        if let step = table.number("resolution") {
            if step > 0 { resolution = step } else { table.error("resolution", "must be greater than 0") }
        }
        guard let id, !typeRefused else { return nil }  // said once, not again as a missing type
        return FrameField(channel: UInt8(id), type, scale: scale, resolution: resolution)
    }

    private static func readUplink(_ table: TableReader) -> UplinkConfiguration {
        var uplink = UplinkConfiguration()
        uplink.format = table.choice("format", ["cayennelpp", "mote", "senml"]) ?? uplink.format
        if let schema = table.integer("schema", in: 0...15) {
            if uplink.format == "mote" { uplink.schema = Int(schema) } else { table.error("schema", "only the compact frame (format = \"mote\") has a schema id") }
        }
        uplink.port = table.integer("port", in: 1...223).map { UInt8($0) } ?? uplink.port
        uplink.interval = table.duration("interval", in: TimeSpan.seconds(1)...TimeSpan.seconds(7 * 86_400)) ?? uplink.interval
        let regions = PayloadLimit.Link.allCases.map { $0.rawValue }
        if let region = table.choice("region", regions) { uplink.link = PayloadLimit.Link(rawValue: region) ?? uplink.link }
        uplink.dwellTime = table.boolean("dwell_time") ?? false
        if uplink.dwellTime, uplink.link != .as923 {
            table.error("dwell_time", "only AS923 has a dwell-time setting")
        }
        if let rate = table.integer("data_rate", in: 0...15) {
            if PayloadLimit.bytes(uplink.link, dataRate: Int(rate), dwellTime: uplink.dwellTime) != nil {
                uplink.dataRate = Int(rate)
            } else {
                table.error("data_rate", "\(uplink.link.rawValue)\(uplink.dwellTime ? " with dwell time" : "") has no uplink data rate \(rate)")
            }
        } else {
            uplink.dataRate = PayloadLimit.lowestDataRate(uplink.link, dwellTime: uplink.dwellTime)
        }
        let limit = PayloadLimit.bytes(uplink.link, dataRate: uplink.dataRate, dwellTime: uplink.dwellTime) ?? 11
        uplink.maximumPayload = limit
        if uplink.format == "senml" {
            // An IP link (NB-IoT, Ethernet): no LoRaWAN payload table, a SenML pack up to 1 KiB.
            uplink.maximumPayload = Int(table.integer("max_payload", in: 16...1024) ?? 1024)
        } else if let maximum = table.integer("max_payload", in: 1...242) {
            if Int(maximum) > limit {
                table.error("max_payload", "\(maximum) bytes is more than \(uplink.link.rawValue) DR\(uplink.dataRate) carries (\(limit))")
            } else {
                uplink.maximumPayload = Int(maximum)
            }
        }
        let transport = table.choice("transport", ["stdout", "file", "udp"] + UplinkConfiguration.modemTransports)
        uplink.transport = transport ?? uplink.transport
        // Each transport's own keys, refused with any other.
        uplink.file = table.string("file")
        if uplink.transport == "file", uplink.file == nil {
            table.error("transport", "the file transport needs file = \"path\"")
        } else if uplink.transport != "file", uplink.file != nil {
            table.error("file", "only with transport = \"file\"")
        }
        if let collector = table.string("collector") {
            if uplink.transport != "udp" {
                table.error("collector", "only with transport = \"udp\"")
            } else if let (host, port) = UplinkConfiguration.hostAndPort(collector) {
                uplink.collectorHost = host
                uplink.collectorPort = port
            } else {
                table.error("collector", "\"\(collector)\" is not host:port (\"192.0.2.7:1700\", \"[2001:db8::7]:1700\", \"collector.lan:1700\")")
            }
        } else if uplink.transport == "udp" {
            table.error("transport", "the udp transport needs collector = \"host:port\"")
        }
        let modem = UplinkConfiguration.modemTransports.contains(uplink.transport)
        if modem, uplink.format == "senml" {
            table.error("format", "SenML is for IP links (udp, file, stdout); a LoRaWAN modem takes cayennelpp or mote")
        }
        uplink.modemPort = table.string("modem_port")
        if let position = table.table["modem_port"]?.node.position { uplink.modemPortPosition = position }
        if modem, uplink.modemPort == nil {
            table.error("transport", "a modem transport needs modem_port = \"<a serial port of the board file>\"")
        } else if !modem, uplink.modemPort != nil {
            table.error("modem_port", "only with a modem transport (" + TableReader.list(UplinkConfiguration.modemTransports) + ")")
        }
        if let baud = table.integer("modem_baud", in: 1200...921_600) {
            if !modem { table.error("modem_baud", "only with a modem transport") }
            else if !SerialConfiguration.standardRates.contains(Int(baud)) { table.error("modem_baud", "\(baud) is not a standard rate") }
            else { uplink.modemBaud = Int(baud) }
        }
        uplink.confirmed = table.boolean("confirmed") ?? false
        if uplink.confirmed, uplink.transport == "stdout" || uplink.transport == "file" {
            table.error("confirmed", "a \(uplink.transport) transport has nobody to acknowledge; only udp and the modems")
        }
        uplink.fairUse = table.duration("fair_use", in: TimeSpan.seconds(1)...TimeSpan.seconds(86_400))
        if uplink.fairUse != nil, !modem { table.error("fair_use", "only with a modem transport: airtime exists only on a radio") }
        if modem, uplink.link == .sigfox { table.error("region", "a LoRaWAN modem needs a LoRaWAN region, not SIGFOX") }
        if let port = table.integer("downlink_port", in: 1...223) {
            if UInt8(port) == uplink.port { table.error("downlink_port", "must differ from the frames' port \(uplink.port)") }
            else { uplink.downlinkPort = UInt8(port) }
        } else if uplink.port == uplink.downlinkPort {
            table.error("port", "\(uplink.port) is the downlink commands' port; give downlink_port another")
        }
        uplink.sendOnEvent = table.boolean("send_on_event") ?? false
        table.finish()
        return uplink
    }

    /// Frame ids are unique per node, each field has what its format needs, and each field's
    /// value must fit one frame.
    private static func checkFrameFields(_ configuration: NodeConfiguration, _ root: TableReader) {
        var seen: [UInt8: String] = [:]
        let compact = configuration.uplink.format == "mote"
        let names = configuration.frameFieldNames()
        var fields: [(id: UInt8, field: CompactSchema.Field)] = []
        for (sensorIndex, sensor) in configuration.sensors.enumerated() {
            for (index, channel) in sensor.channels.enumerated() {
                guard let field = channel.frame else { continue }
                let name = sensor.id + "." + channel.name
                let key = sensor.path + ".channel[\(index)].frame"
                if let other = seen[field.channel] {
                    root.diagnostics.error(channel.framePosition, key + ".id", "frame id \(field.channel) is already used by \(other)")
                }
                seen[field.channel] = name
                if configuration.uplink.format == "senml" { continue }  // a record per value: any channel fits
                if !compact {
                    guard let type = field.type else {
                        root.diagnostics.error(channel.framePosition, key + ".type", "required: the CayenneLPP record type of the channel")
                        continue
                    }
                    if type.recordSize > configuration.uplink.maximumPayload {
                        root.diagnostics.error(channel.framePosition, key + ".type",
                                               "a \(type.name) record is \(type.recordSize) bytes, more than the link's \(configuration.uplink.maximumPayload)")
                    }
                    continue
                }
                guard let low = channel.rangeLow, let high = channel.rangeHigh else {
                    root.diagnostics.error(channel.framePosition, key, "the compact frame needs the channel's range = [low, high] (its field's scale)")
                    continue
                }
                do {
                    let schemaField = try CompactSchema.Field(name: names[sensorIndex][index] ?? channel.name, id: field.channel,
                                                              resolution: field.compactResolution(decimals: channel.decimals), min: low, max: high)
                    fields.append((field.channel, schemaField))
                } catch {
                    root.diagnostics.error(channel.framePosition, key + ".resolution", error.description)
                }
            }
        }
        guard compact, !fields.isEmpty else { return }
        fields.sort { $0.id < $1.id }
        let schema: CompactSchema
        do {
            schema = try CompactSchema(id: configuration.uplink.schema, fields: fields.map { $0.field })
        } catch {
            root.diagnostics.error(root.table["uplink"]?.node.position ?? root.position, "uplink.format", error.description)
            return
        }
        // One value of each field alone must fit an empty frame: header, presence bits, count, code.
        for field in schema.fields {
            let bytes = 1 + (schema.fields.count + 3 + field.bits + 7) / 8
            if bytes > configuration.uplink.maximumPayload {
                root.diagnostics.error(root.table["uplink"]?.node.position ?? root.position, "uplink.max_payload",
                                       "field \(field.name) needs a \(bytes)-byte compact frame, more than the link's \(configuration.uplink.maximumPayload)")
            }
        }
    }

    private static func readUpdate(_ table: TableReader) -> UpdateConfiguration? {
        defer { table.finish() }
        let url = table.string("url", required: true)
        if let url, !url.hasPrefix("https://"), !url.hasPrefix("file://") {
            table.error("url", "must start with https:// or file:// (metadata is fetched over TLS or from a local mirror)")
        }
        let targetsURL = table.string("targets_url")
        if let targetsURL, !targetsURL.hasPrefix("https://"), !targetsURL.hasPrefix("file://") {
            table.error("targets_url", "must start with https:// or file:// (targets are fetched over TLS or from a local mirror)")
        }
        if let url, targetsURL == nil, UpdateConfiguration.defaultTargetsURL(url) == nil {
            table.error("targets_url", "missing: required when url does not end in /metadata/ (where the repository's targets/ are)")
        }
        var update = UpdateConfiguration(url: url ?? "", targetsURL: targetsURL)
        update.checkInterval = table.duration("check_interval", in: TimeSpan.seconds(60)...TimeSpan.seconds(30 * 86_400)) ?? update.checkInterval
        update.trustedRoot = table.string("trusted_root") ?? update.trustedRoot
        update.hardwareID = table.string("hardware_id")
        update.target = table.string("target")
        update.configTarget = table.string("config_target")
        if let target = update.configTarget, target == update.target ?? "" {
            table.error("config_target", "names the image's own target \"\(target)\"; the node file is a target of its own")
        }
        return url == nil ? nil : update
    }

    /// Letters, digits, '_' and '-', at least one: node names, board ids, sensor ids (and, in
    /// motectl identity, device ids).
    public static func isIdentifier(_ text: String) -> Bool {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "-"): continue
            default: return false
            }
        }
        return !text.isEmpty
    }
}
