import Foundation
import Testing
import MoteDrivers
import MoteHAL
import MoteNode
import MoteSimulation

/// The node file schema, the board files, durations, payload limits and the driver catalogue,
/// against the files the repository ships and against files broken on purpose.
@Suite struct NodeConfigurationTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(relative), encoding: .utf8)
    }

    static let examples = ["examples/air-quality.toml", "examples/door-rain-events.toml",
                           "examples/modbus-energy-meter.toml", "examples/weather-station.toml"]

    /// The descriptions of every error of `text` as a node file named "n.toml".
    static func errors(_ text: String) -> [String] {
        NodeConfiguration.parse(text, file: "n.toml").errors.map(\.description)
    }

    /// A valid node to break one key at a time.
    static let minimal = """
        [node]
        name = "n"

        [[sensor]]
        id = "air"
        driver = "bme280"
        bus = "i2c-1"

        """

    static let duration = #"is not a duration; write it like "500ms", "10s", "15m", "1h30m" or "1d""#

    // MARK: - One broken file, every error in one pass

    @Test func everyErrorOfABrokenFileInFileOrder() {
        let broken = """
            [node]
            name = "broken"
            interval = "10 s"
            colour = "red"

            [[sensor]]
            id = "air"
            driver = "bme280"
            bus = "i2c-1"
            address = 0x90
            interval = 10

              [[sensor.channel]]
              name = "temperature"
              decimals = "2"
              filters = [ { type = "deadband", percent = 1.0 } ]
              frame = { id = 1, type = "temperature", size = 4 }

            [[sensor]]
            id = "air"
            driver = "sht4x"
            bus = "i2c-1"

              [[sensor.channel]]
              name = "temperature"
              filters = [ { type = "ema", alpha = 0.5, time_constant = "1m" } ]
              frame = { id = 1, type = "temperature" }

            [[sensor]]
            id = "meter"
            driver = "modbus"
            port = "usb0"

            [uplink]
            region = "US915"
            data_rate = 0
            max_payload = 3
            interval = "1m1h"
            """
        let (configuration, errors) = NodeConfiguration.parse(broken, file: "broken.toml")
        #expect(configuration == nil)
        #expect(errors.map(\.description) == [
            #"broken.toml:3:12: node.interval: "10 s" \#(Self.duration)"#,
            "broken.toml:4:1: node.colour: unknown key",
            "broken.toml:10:11: sensor[0].address: 144 is out of range 8...119",
            #"broken.toml:11:12: sensor[0].interval: expected a duration such as "10s", found the integer 10"#,
            #"broken.toml:15:14: sensor[0].channel[0].decimals: expected an integer, found the string "2""#,
            "broken.toml:16:46: sensor[0].channel[0].filters[0].percent: a percent deadband needs the channel's range = [low, high]",
            "broken.toml:17:11: sensor[0].channel[0].frame.type: a temperature record is 4 bytes, more than the link's 3",
            "broken.toml:17:43: sensor[0].channel[0].frame.size: unknown key",
            #"broken.toml:20:6: sensor[1].id: duplicate sensor id "air" (first at 7:6)"#,
            "broken.toml:26:60: sensor[1].channel[0].filters[0].time_constant: give alpha or time_constant, not both",
            "broken.toml:27:11: sensor[1].channel[0].frame.id: frame id 1 is already used by air.temperature",
            "broken.toml:27:11: sensor[1].channel[0].frame.type: a temperature record is 4 bytes, more than the link's 3",
            "broken.toml:29:1: sensor[2].channel: modbus has no fixed channels: give each one as [[sensor.channel]]",
            #"broken.toml:38:12: uplink.interval: "1m1h" \#(Self.duration)"#,
        ])
        // What could be read despite the errors is there for the board check.
        let partial = NodeConfiguration.parsePartially(broken, file: "broken.toml").configuration
        #expect(partial.sensors.map(\.id) == ["air", "air", "meter"])
        #expect(partial.sensors[0].address == 0x76)  // the out-of-range address fell back to the default
        #expect(partial.uplink.maximumPayload == 3)
    }

    // MARK: - [update]

    @Test func updateTargetsURLDefaultsToTheRepositoryLayout() throws {
        func parsed(_ section: String) -> UpdateConfiguration? {
            NodeConfiguration.parse(Self.minimal + "[update]\n" + section, file: "n.toml").configuration?.update
        }
        #expect(parsed("url = \"https://u.example/mote/metadata/\"")?.targetsURL == "https://u.example/mote/targets/")
        #expect(parsed("url = \"file:///srv/repo/metadata\"")?.targetsURL == "file:///srv/repo/targets")
        let full = try #require(parsed("url = \"https://u.example/meta\"\ntargets_url = \"https://cdn.example/t/\"\ntarget = \"mote-pi\"\nconfig_target = \"pi.toml\""))
        #expect(full.targetsURL == "https://cdn.example/t/" && full.target == "mote-pi" && full.configTarget == "pi.toml")
        let defaults = try #require(parsed("url = \"https://u.example/metadata\""))
        #expect(defaults.target == nil && defaults.configTarget == nil && defaults.hardwareID == nil)
        #expect(UpdateConfiguration.defaultTargetsURL("https://u.example/mymetadata/") == nil)
        #expect(UpdateConfiguration.defaultTargetsURL("/metadata") == nil)
        #expect(Self.errors(Self.minimal + "[update]\nurl = \"https://u.example/meta/\"\n") == [
            "n.toml:8:1: update.targets_url: missing: required when url does not end in /metadata/ (where the repository's targets/ are)",
        ])
        #expect(Self.errors(Self.minimal + "[update]\nurl = \"https://u.example/metadata\"\ntargets_url = \"http://u.example/targets\"\ntarget = \"m\"\nconfig_target = \"m\"\n") == [
            "n.toml:10:15: update.targets_url: must start with https:// or file:// (targets are fetched over TLS or from a local mirror)",
            "n.toml:12:17: update.config_target: names the image's own target \"m\"; the node file is a target of its own",
        ])
    }

    @Test func syntaxErrorsComeWithTheirPositionAndNoKey() {
        let errors = NodeConfiguration.parse("[node]\nname = \"n\"\nboard = \n", file: "s.toml").errors
        // The schema goes on past a syntax error, in the same pass.
        #expect(errors.map(\.description) == [
            "s.toml:1:1: sensor: a node needs at least one [[sensor]]",
            "s.toml:3:9: missing value for key 'board'",
        ])
        #expect(errors.map(\.key) == ["sensor", ""])
    }

    // MARK: - Unknown keys, wrong types, ranges

    @Test func unknownKeysAtEveryLevel() {
        let file = """
            extra = 1
            [node]
            name = "n"
            nmae = "x"

            [[sensor]]
            id = "air"
            driver = "bme280"
            bus = "i2c-1"
            adress = 0x77

              [[sensor.channel]]
              name = "temperature"
              unti = "Cel"
              filters = [ { type = "median", window = 3, windw = 4 } ]
              frame = { id = 1, type = "temperature", chanel = 2 }

            [uplink]
            regoin = "EU868"

            [update]
            url = "https://u.example/metadata/"
            every = "1d"

            [storage]
            queue = 3

            [extra_table]
            """
        #expect(Self.errors(file) == [
            "n.toml:1:1: extra: unknown key",
            "n.toml:4:1: node.nmae: unknown key",
            "n.toml:10:1: sensor[0].adress: unknown key",
            "n.toml:14:3: sensor[0].channel[0].unti: unknown key",
            "n.toml:15:46: sensor[0].channel[0].filters[0].windw: unknown key",
            "n.toml:16:43: sensor[0].channel[0].frame.chanel: unknown key",
            "n.toml:19:1: uplink.regoin: unknown key",
            "n.toml:23:1: update.every: unknown key",
            "n.toml:26:1: storage.queue: unknown key",
            "n.toml:28:2: extra_table: unknown key",
        ])
    }

    @Test func wrongTypes() {
        let file = """
            [node]
            name = 5
            board = true

            [[sensor]]
            id = "door"
            driver = "digital-input"
            line = "pin11"
            active_low = "yes"
            debounce = 20

            [uplink]
            port = "2"
            send_on_event = 1
            """
        #expect(Self.errors(file) == [
            "n.toml:2:8: node.name: expected a string, found the integer 5",
            "n.toml:3:9: node.board: expected a string, found true",
            #"n.toml:9:14: sensor[0].active_low: expected true or false, found the string "yes""#,
            #"n.toml:10:12: sensor[0].debounce: expected a duration such as "10s", found the integer 20"#,
            #"n.toml:13:8: uplink.port: expected an integer, found the string "2""#,
            "n.toml:14:17: uplink.send_on_event: expected true or false, found the integer 1",
        ])
    }

    @Test func outOfRangeValues() {
        let file = """
            [node]
            name = "n"
            interval = "5ms"

            [[sensor]]
            id = "air"
            driver = "bme280"
            bus = "i2c-1"
            interval = "8d"

              [[sensor.channel]]
              name = "temperature"
              decimals = 10
              filters = [ { type = "median", window = 0 }, { type = "deadband", percent = 101.0 } ]
              range = [-40.0, 85.0]
              frame = { id = 256, type = "temperature" }

            [uplink]
            port = 224
            data_rate = 5
            queue_limit = 0

            [storage]
            queue_limit = 0
            """
        #expect(Self.errors(file) == [
            "n.toml:3:12: node.interval: 5ms is out of range 10ms...7d",
            "n.toml:9:12: sensor[0].interval: 8d is out of range 10ms...7d",
            "n.toml:13:14: sensor[0].channel[0].decimals: 10 is out of range 0...9",
            "n.toml:14:43: sensor[0].channel[0].filters[0].window: 0 is out of range 1...255",
            "n.toml:14:79: sensor[0].channel[0].filters[1].percent: 101 is out of range 0...100",
            "n.toml:16:18: sensor[0].channel[0].frame.id: 256 is out of range 0...255",
            "n.toml:19:8: uplink.port: 224 is out of range 1...223",
            "n.toml:20:13: uplink.data_rate: US915 has no uplink data rate 5",
            "n.toml:21:1: uplink.queue_limit: unknown key",
            "n.toml:24:15: storage.queue_limit: 0 is out of range 1...1000000",
        ])
    }

    // MARK: - The rules that need more than one key

    @Test func duplicateSensorIDsAndFrameIDs() {
        let file = Self.minimal + """

              [[sensor.channel]]
              name = "temperature"
              frame = { id = 1, type = "temperature" }

              [[sensor.channel]]
              name = "humidity"
              frame = { id = 1, type = "humidity" }

            [[sensor]]
            id = "air"
            driver = "bh1750"
            bus = "i2c-1"

              [[sensor.channel]]
              name = "illuminance"
              frame = { id = 1, type = "illuminance" }
            """
        #expect(Self.errors(file) == [
            "n.toml:15:11: sensor[0].channel[1].frame.id: frame id 1 is already used by air.temperature",
            #"n.toml:18:6: sensor[1].id: duplicate sensor id "air" (first at 5:6)"#,
            "n.toml:24:11: sensor[1].channel[0].frame.id: frame id 1 is already used by air.humidity",
        ])
    }

    @Test func aFrameFieldLargerThanUS915DR0Carries() {
        let framed = Self.minimal + """

              [[sensor.channel]]
              name = "temperature"
              frame = { id = 1, type = "temperature" }

            [uplink]
            region = "US915"
            data_rate = 0

            """
        // DR0's 11 bytes hold a 4-byte temperature record...
        #expect(Self.errors(framed) == [])
        // ...and cannot be raised, and a 3-byte cap leaves no room for it.
        #expect(Self.errors(framed + "max_payload = 12\n") == [
            "n.toml:16:15: uplink.max_payload: 12 bytes is more than US915 DR0 carries (11)",
        ])
        #expect(Self.errors(framed + "max_payload = 3\n") == [
            "n.toml:11:11: sensor[0].channel[0].frame.type: a temperature record is 4 bytes, more than the link's 3",
        ])
        let parsed = NodeConfiguration.parse(framed, file: "n.toml").configuration
        #expect(parsed?.uplink.maximumPayload == 11)
    }

    @Test func aPercentDeadbandNeedsTheChannelsRange() {
        let file = Self.minimal + """

              [[sensor.channel]]
              name = "humidity"
              filters = [ { type = "deadband", percent = 1.0 } ]
            """
        #expect(Self.errors(file) == [
            "n.toml:11:46: sensor[0].channel[0].filters[0].percent: a percent deadband needs the channel's range = [low, high]",
        ])
        let ranged = file.replacingOccurrences(of: "name = \"humidity\"", with: "name = \"humidity\"\nrange = [0.0, 100.0]")
        let channel = NodeConfiguration.parse(ranged, file: "n.toml").configuration?.sensors[0].channels[0]
        #expect(channel?.filters == [.deadband(Deadband(percent: 1, rangeLow: 0, rangeHigh: 100))])
    }

    @Test func anEMATakesAlphaOrTimeConstantNotBoth() {
        func ema(_ keys: String) -> [String] {
            Self.errors(Self.minimal + "\n  [[sensor.channel]]\n  name = \"temperature\"\n  filters = [ { type = \"ema\"\(keys) } ]\n")
        }
        #expect(ema(#", alpha = 0.5, time_constant = "1m""#) == [
            "n.toml:11:60: sensor[0].channel[0].filters[0].time_constant: give alpha or time_constant, not both",
        ])
        #expect(ema("") == ["n.toml:11:15: sensor[0].channel[0].filters[0].alpha: missing: an ema needs alpha or time_constant"])
        #expect(ema(", alpha = 0") == ["n.toml:11:39: sensor[0].channel[0].filters[0].alpha: must be greater than 0"])
        #expect(ema(", alpha = 0.5") == [])
        #expect(ema(#", time_constant = "2m""#) == [])
    }

    @Test func modbusAndADS1115NeedTheirChannels() {
        let modbus = "[node]\nname = \"n\"\n\n[[sensor]]\nid = \"m\"\ndriver = \"modbus\"\nport = \"usb0\"\n"
        #expect(Self.errors(modbus) == [
            "n.toml:4:1: sensor[0].channel: modbus has no fixed channels: give each one as [[sensor.channel]]",
        ])
        let adc = "[node]\nname = \"n\"\n\n[[sensor]]\nid = \"w\"\ndriver = \"ads1115\"\nbus = \"i2c-1\"\n"
        #expect(Self.errors(adc) == [
            "n.toml:4:1: sensor[0].channel: ads1115 has no fixed channels: give each one as [[sensor.channel]]",
        ])
        // A modbus channel needs its unit and its register.
        #expect(Self.errors(modbus + "\n  [[sensor.channel]]\n  name = \"voltage\"\n") == [
            "n.toml:9:3: sensor[0].channel[0].unit: missing (required)",
            "n.toml:9:3: sensor[0].channel[0].register: missing (required)",
        ])
    }

    // MARK: - The shipped examples

    @Test(arguments: examples)
    func anExampleParsesAgainstItsBoardAndRoundTrips(_ path: String) throws {
        let (parsed, errors) = NodeConfiguration.parse(try Self.text(path), file: path)
        #expect(errors.map(\.description) == [])
        let configuration = try #require(parsed)
        #expect(configuration.board == "raspberry-pi-4b")
        let (board, boardErrors) = BoardConfiguration.parse(try Self.text("boards/raspberry-pi-4b.toml"), file: "boards/raspberry-pi-4b.toml")
        #expect(boardErrors.map(\.description) == [])
        #expect(try #require(board).check(configuration, file: path).map(\.description) == [])

        let normalized = configuration.normalized
        let (reparsed, reparseErrors) = NodeConfiguration.parse(normalized, file: "normalized.toml")
        #expect(reparseErrors.map(\.description) == [])
        let again = try #require(reparsed)
        // Positions say where things were written, which differs between the two texts.
        #expect(Self.withoutPositions(again) == Self.withoutPositions(configuration))
        #expect(again.normalized == normalized)
    }

    static func withoutPositions(_ configuration: NodeConfiguration) -> NodeConfiguration {
        var copy = configuration
        copy.boardPosition = TOMLPosition(line: 1, column: 1)
        for index in copy.sensors.indices {
            copy.sensors[index].position = TOMLPosition(line: 1, column: 1)
            copy.sensors[index].positions = [:]
            for channel in copy.sensors[index].channels.indices {
                copy.sensors[index].channels[channel].framePosition = TOMLPosition(line: 1, column: 1)
            }
        }
        return copy
    }

    @Test func theWeatherStationAsParsed() throws {
        let configuration = try #require(NodeConfiguration.parse(try Self.text(Self.examples[3]), file: "w.toml").configuration)
        #expect(configuration.name == "weather-01")
        #expect(configuration.interval == .seconds(10))
        #expect(configuration.sensors.map(\.id) == ["air", "light", "soil", "wind", "rain"])
        #expect(configuration.sensors.map(\.interval) == [.seconds(10), .seconds(30), .seconds(60), .seconds(5), .seconds(60)])
        #expect(configuration.sensors[0].channels[0].filters == [
            .rangeCheck(min: -40, max: 85), .median(window: 5), .emaTimeConstant(.seconds(120)),
            .deadband(Deadband(absolute: 0.2, rangeLow: -40, rangeHigh: 85, maximumPeriod: .seconds(900))),  // the range is the channel's
        ])
        #expect(configuration.sensors[0].channels[2].frame == FrameField(channel: 3, .barometer, scale: 0.01))
        #expect(configuration.sensors[2].power == "pin11")
        #expect(configuration.sensors[2].powerWarmUp == .milliseconds(10))
        #expect(configuration.sensors[3].channels[0].adcInput == ADS1115Channel(name: "wind_vane_v", input: .ain0, fullScale: .volts4_096))
        #expect(configuration.uplink.link == .eu868)
        #expect(configuration.uplink.maximumPayload == 51)
        #expect(configuration.update?.checkInterval == .seconds(86_400))
        #expect(configuration.storage.queueLimit == 2000)
    }

    // MARK: - Durations

    @Test func durationsParse() {
        let table: [(String, Int64)] = [
            ("1h30m", 5_400_000_000_000), ("250ms", 250_000_000), ("1d", 86_400_000_000_000), ("10s", 10_000_000_000),
            ("15m", 900_000_000_000), ("0s", 0), ("1d2h3m4s5ms", 93_784_005_000_000), ("90s", 90_000_000_000),
        ]
        for (text, nanoseconds) in table {
            #expect(DurationText.parse(text) == TimeSpan(nanoseconds: nanoseconds), "\(text)")
        }
        for text in ["10 s", "1m1h", "", "5", "s", "1.5s", "5x", "-5s", "1s1s", "1ms1s", " 1s", "1S",
                     "106752d",  // 106,752 days are more nanoseconds than Int64 holds
                     "9223372036854775808ms"] {  // the number itself overflows
            #expect(DurationText.parse(text) == nil, "\(text)")
        }
        #expect(DurationText.parse("106751d") == TimeSpan(nanoseconds: 106_751 * 86_400_000_000_000))
    }

    @Test func durationsFormatShortestFirst() {
        let table: [(Int64, String)] = [
            (5_400_000_000_000, "1h30m"), (250_000_000, "250ms"), (86_400_000_000_000, "1d"), (0, "0s"),
            (90_000_000_000, "1m30s"), (93_784_005_000_000, "1d2h3m4s5ms"), (1_500, "1500ns"), (1_000_001_000, "1s1000ns"),
        ]
        for (nanoseconds, text) in table {
            #expect(DurationText.format(TimeSpan(nanoseconds: nanoseconds)) == text)
        }
        for nanoseconds: Int64 in [1_000_000, 61_000_000_000, 3_600_000_000_000 * 25, 7 * 86_400_000_000_000] {
            #expect(DurationText.parse(DurationText.format(TimeSpan(nanoseconds: nanoseconds))) == TimeSpan(nanoseconds: nanoseconds))
        }
    }

    // MARK: - Payload limits

    @Test func payloadLimitsFromTheRegionalParameters() {
        let table: [(PayloadLimit.Link, Int, Bool, Int?)] = [
            (.eu868, 0, false, 51), (.eu868, 3, false, 115), (.eu868, 5, false, 242), (.eu868, 8, false, nil),
            (.us915, 0, false, 11), (.us915, 1, false, 53), (.us915, 4, false, 242), (.us915, 5, false, nil),
            (.as923, 0, true, nil), (.as923, 1, true, nil), (.as923, 2, true, 11), (.as923, 0, false, 51),
            (.sigfox, 0, false, 12), (.sigfox, 1, false, nil), (.eu868, -1, false, nil),
        ]
        for (link, rate, dwell, bytes) in table {
            #expect(PayloadLimit.bytes(link, dataRate: rate, dwellTime: dwell) == bytes, "\(link) DR\(rate) dwell \(dwell)")
        }
        #expect(PayloadLimit.lowestDataRate(.as923, dwellTime: true) == 2)
        #expect(PayloadLimit.lowestDataRate(.us915) == 0)
    }

    // MARK: - The driver catalogue against the drivers

    @Test func everyFixedChannelListIsTheDriversOwn() {
        let clock = VirtualClock()
        let bus = SimulatedI2CBus(name: "sim")
        let drivers: [(String, [ChannelSpec])] = [
            ("bme280", BME280(bus: bus).channels),
            ("sht4x", SHT4x(bus: bus).channels),
            ("sht3x", SHT3x(bus: bus).channels),
            ("bh1750", BH1750(bus: bus).channels),
            ("scd4x", SCD4x(bus: bus).channels),
            ("pms5003", PMS5003(port: PMS5003Model(clock: clock), clock: clock).channels),
            ("nmea-gps", NMEAGPS(port: NMEAGPSModel(clock: clock), clock: clock).channels),
            ("ds18b20", DS18B20(bus: DS18B20Model(clock: clock), id: DS18B20Model(clock: clock).id).channels),
        ]
        let fixed = DriverInfo.all.filter { $0.channels != nil }.map(\.name)
        #expect(fixed == drivers.map { $0.0 })
        for (name, channels) in drivers {
            #expect(DriverInfo.named(name)?.channels == channels, "\(name)")
        }
        #expect(DriverInfo.names == ["bme280", "sht4x", "sht3x", "bh1750", "ads1115", "scd4x", "pms5003", "nmea-gps", "modbus",
                                     "ds18b20", "digital-input", "pulse-counter"])
    }

    @Test func channelsNamedByTheFileAreTheDriversToo() throws {
        let clock = VirtualClock()
        let file = try Self.text("examples/door-rain-events.toml")
        let configuration = try #require(NodeConfiguration.parse(file, file: "d.toml").configuration)
        let door = configuration.sensors[0], rain = configuration.sensors[1]
        let line = SimulatedGPIOLine(name: "GPIO17", clock: clock)
        #expect(DriverInfo.channels(of: door) == DigitalInput(pin: line, name: door.id).channels)
        #expect(DriverInfo.channels(of: rain) == PulseCounter(pin: line, name: rain.id, unit: rain.pulseUnit, perPulse: rain.perPulse).channels)
        #expect(DriverInfo.channels(of: rain).map(\.unit).first == "mm")

        let weather = try #require(NodeConfiguration.parse(try Self.text("examples/weather-station.toml"), file: "w.toml").configuration)
        let wind = weather.sensors[3]
        let adc = ADS1115(bus: SimulatedI2CBus(name: "sim"), inputs: wind.channels.compactMap { $0.adcInput })
        #expect(DriverInfo.channels(of: wind) == adc.channels)
    }

    // MARK: - Board files

    @Test(arguments: ["boards/raspberry-pi-4b.toml", "boards/simulated.toml"])
    func aBoardFileParses(_ path: String) throws {
        let (board, errors) = BoardConfiguration.parse(try Self.text(path), file: path)
        #expect(errors.map(\.description) == [])
        let parsed = try #require(board)
        #expect(parsed.lineName("pin11") == "GPIO17")
        #expect(parsed.lineName("pin7") == "GPIO_GCLK")  // the device tree's name for GPIO4
        #expect(parsed.lineName("pin07") == "GPIO_GCLK")
        #expect(parsed.lineName("pin1") == nil)  // 3.3 V, not a line
        #expect(parsed.header.count == 26)  // every GPIO of the 40-pin header but the HAT EEPROM's
        #expect(parsed.i2c.map(\.name).first == "i2c-1")
        #expect(parsed.oneWire.map(\.name) == ["w1"])
    }

    @Test func thePi4BoardAsParsed() throws {
        let board = try #require(BoardConfiguration.parse(try Self.text("boards/raspberry-pi-4b.toml"), file: "b.toml").board)
        #expect(board.id == "raspberry-pi-4b")
        #expect(board.architecture == "aarch64")
        #expect(board.gpioChips == ["pinctrl-bcm2711"])
        #expect(board.compatible == ["raspberrypi,4-model-b", "brcm,bcm2711"])
        #expect(board.i2cPath("i2c-1") == "/dev/i2c-1")
        #expect(board.serial.map { $0.name + "=" + $0.path } == ["uart0=/dev/serial0", "usb0=/dev/ttyUSB0"])
        #expect(!board.simulated)
        let simulated = try #require(BoardConfiguration.parse(try Self.text("boards/simulated.toml"), file: "s.toml").board)
        #expect(simulated.simulated)
        #expect(simulated.i2c.map(\.name) == ["i2c-1", "i2c-3"])
    }

    @Test func aBrokenBoardFile() {
        let file = """
            [board]
            id = "b"
            arch = "riscv64"
            colour = "green"

            [gpio.header]
            81 = "GPIO1"
            7 = 4
            """
        #expect(BoardConfiguration.parse(file, file: "b.toml").errors.map(\.description) == [
            "b.toml:1:1: board.name: missing (required)",
            #"b.toml:3:8: board.arch: unknown value "riscv64"; expected one of "aarch64", "armv7", "x86_64""#,
            "b.toml:4:1: board.colour: unknown key",
            "b.toml:6:2: gpio.chip: missing (required)",
            "b.toml:7:1: gpio.header.81: a header pin is a number from 1 to 80 or a connector pin such as P9_12",
            "b.toml:8:5: gpio.header.7: expected the line name as a string",
        ])
    }

    @Test func theBoardCheckNamesEveryUnknownBusPortAndPin() throws {
        let board = try #require(BoardConfiguration.parse(try Self.text("boards/raspberry-pi-4b.toml"), file: "b.toml").board)
        let file = """
            [node]
            name = "n"
            board = "raspberry-pi-4b"

            [[sensor]]
            id = "air"
            driver = "bme280"
            bus = "i2c-7"
            power = "pin1"

            [[sensor]]
            id = "pm"
            driver = "pms5003"
            port = "uart3"

            [[sensor]]
            id = "door"
            driver = "digital-input"
            line = "pin99"

            [[sensor]]
            id = "soil"
            driver = "ds18b20"
            bus = "w2"
            """
        let configuration = try #require(NodeConfiguration.parse(file, file: "n.toml").configuration)
        #expect(board.check(configuration, file: "n.toml").map(\.description) == [
            #"n.toml:8:7: sensor[0].bus: no I2C bus "i2c-7"; the board has "i2c-1" (board raspberry-pi-4b)"#,
            #"n.toml:9:9: sensor[0].power: no header pin "pin1" (board raspberry-pi-4b)"#,
            #"n.toml:14:8: sensor[1].port: no serial port "uart3"; the board has "uart0", "usb0" (board raspberry-pi-4b)"#,
            #"n.toml:19:8: sensor[2].line: no header pin "pin99" (board raspberry-pi-4b)"#,
            #"n.toml:24:7: sensor[3].bus: no 1-wire bus "w2"; the board has "w1" (board raspberry-pi-4b)"#,
        ])
        var noGPIO = board
        noGPIO.gpioChips = []
        let door = try #require(NodeConfiguration.parse("[node]\nname = \"n\"\n\n[[sensor]]\nid = \"d\"\ndriver = \"digital-input\"\nline = \"pin11\"\n",
                                                        file: "d.toml").configuration)
        #expect(board.check(door, file: "d.toml") == [])
        #expect(noGPIO.check(door, file: "d.toml").map(\.description) == [
            "d.toml:7:8: sensor[0].line: the board has no GPIO chip (board raspberry-pi-4b)",
        ])
    }
}
