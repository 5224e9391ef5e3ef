import MoteDrivers
import MoteHAL
import MoteLinux
import MoteNode
import MoteSimulation

/// Why a configured node could not be built: a bus, port or line the board file names is not
/// there (or a state file cannot be trusted). `addSensors` puts the sensor's place in front.
struct SetupError: Error, Equatable {
    var message: String
}

/// Where a configured node's sensors are: the board's real buses, or device models. Each
/// serial driver gets its own port type, since in simulation each is a different model.
protocol Buses {
    associatedtype C: Clock
    associatedtype I2C: I2CBus
    associatedtype Pin: GPIOPin
    associatedtype Wire: OneWireBus
    associatedtype PMSPort: SerialPort
    associatedtype GPSPort: SerialPort
    associatedtype ModbusPort: SerialPort
    associatedtype ModemPort: SerialPort
    var clock: C { get }
    func i2c(_ sensor: SensorConfiguration) throws(SetupError) -> I2C
    func input(_ sensor: SensorConfiguration) throws(SetupError) -> Pin
    func output(_ line: String, for sensor: SensorConfiguration) throws(SetupError) -> Pin
    func oneWire(_ sensor: SensorConfiguration) throws(SetupError) -> (bus: Wire, device: String)
    func pms5003(_ sensor: SensorConfiguration) throws(SetupError) -> PMSPort
    func gps(_ sensor: SensorConfiguration) throws(SetupError) -> GPSPort
    func modbus(_ sensor: SensorConfiguration) throws(SetupError) -> ModbusPort
    /// The LoRaWAN AT modem of `[uplink] transport`, on `modem_port`.
    func modem(_ uplink: UplinkConfiguration, dialect: ATModemDialect) throws(SetupError) -> ModemPort
}

enum ConfiguredNode {
    /// Node settings from the file's uplink section.
    static func settings(_ configuration: NodeConfiguration) -> NodeSettings {
        var settings = NodeSettings()
        settings.sampleInterval = configuration.interval
        settings.uplinkInterval = configuration.uplink.interval
        settings.firstUplink = configuration.uplink.interval
        settings.port = configuration.uplink.port
        settings.frameCapacity = configuration.uplink.maximumPayload
        settings.sendOnEvent = configuration.uplink.sendOnEvent
        // A node file that passed its check makes a valid schema.
        if let schema = configuration.compactSchema() { settings.format = .compact(schema) }
        if configuration.uplink.format == "senml" {
            var names: [UInt8: String] = [:]
            let fieldNames = configuration.frameFieldNames()
            for (sensorIndex, sensor) in configuration.sensors.enumerated() {
                for (index, channel) in sensor.channels.enumerated() {
                    if let frame = channel.frame, let name = fieldNames[sensorIndex][index] { names[frame.channel] = name }
                }
            }
            settings.format = .senml(node: configuration.name, names: names)
        }
        return settings
    }

    /// Adds every sensor of the file to `node`, on `buses`.
    static func addSensors<B: Buses, Sink: EventSink>(_ configuration: NodeConfiguration, buses: B, to node: Node<B.C, Sink>) throws(SetupError) {
        for sensor in configuration.sensors {
            do {
                try addSensor(sensor, buses: buses, to: node)
            } catch {
                throw SetupError(message: "\(sensor.position.line):\(sensor.position.column): \(sensor.path) (\"\(sensor.id)\"): " + error.message)
            }
        }
    }

    private static func addSensor<B: Buses, Sink: EventSink>(_ sensor: SensorConfiguration, buses: B, to node: Node<B.C, Sink>) throws(SetupError) {
        let address = UInt8(truncatingIfNeeded: sensor.address ?? 0)
        let clock = buses.clock
        switch sensor.driver {
        case "bme280": try place(BME280(bus: buses.i2c(sensor), address: address), sensor, buses, node)
        case "sht4x": try place(SHT4x(bus: buses.i2c(sensor), address: address), sensor, buses, node)
        case "sht3x": try place(SHT3x(bus: buses.i2c(sensor), address: address), sensor, buses, node)
        case "bh1750": try place(BH1750(bus: buses.i2c(sensor), address: address), sensor, buses, node)
        case "scd4x": try place(SCD4x(bus: buses.i2c(sensor), address: address), sensor, buses, node)
        case "ads1115":
            try place(ADS1115(bus: buses.i2c(sensor), address: address, inputs: sensor.channels.compactMap { $0.adcInput }), sensor, buses, node)
        case "pms5003":
            try place(PMS5003(port: buses.pms5003(sensor), clock: clock, mode: sensor.mode == "active" ? .active : .passive), sensor, buses, node)
        case "nmea-gps": try place(NMEAGPS(port: buses.gps(sensor), clock: clock), sensor, buses, node)
        case "modbus":
            let master = ModbusRTUMaster(port: try buses.modbus(sensor), clock: clock, configuration: sensor.serial)
            let device = ModbusDeviceConfiguration(slave: address, registerType: sensor.registerType, points: sensor.channels.compactMap { $0.modbus })
            try place(ModbusDevice(master: master, configuration: device), sensor, buses, node)
        case "ds18b20":
            let (wire, device) = try buses.oneWire(sensor)
            try place(DS18B20(bus: wire, id: device), sensor, buses, node)
        case "digital-input": try place(DigitalInput(pin: buses.input(sensor), name: sensor.id), sensor, buses, node)
        case "pulse-counter":
            try place(PulseCounter(pin: buses.input(sensor), name: sensor.id, unit: sensor.pulseUnit, perPulse: sensor.perPulse), sensor, buses, node)
        default:
            throw SetupError(message: "no driver \"\(sensor.driver)\"")  // the schema already refused it
        }
    }

    /// Adds the driver with the file's channels, behind its power switch when it has one.
    private static func place<D: SensorDriver, B: Buses, Sink: EventSink>(_ driver: D, _ sensor: SensorConfiguration, _ buses: B,
                                                                        _ node: Node<B.C, Sink>) throws(SetupError) {
        let specs = driver.channels
        var plans: [ChannelPlan] = []
        for channel in sensor.channels {
            guard let index = specs.firstIndex(where: { $0.name == channel.name }) else {
                throw SetupError(message: "\(sensor.id): the driver has no channel \(channel.name)")
            }
            let spec = specs[index]
            plans.append(ChannelPlan(index: index, channel: Channel(name: channel.name, unit: channel.unit, symbol: spec.symbol, decimals: channel.decimals),
                                     filters: channel.filters, field: channel.frame))
        }
        if let power = sensor.power {
            node.add(PowerSwitched(driver, power: try buses.output(power, for: sensor), warmUp: sensor.powerWarmUp),
                     interval: sensor.interval, channels: plans, wake: sensor.wake)
        } else {
            node.add(driver, interval: sensor.interval, channels: plans, wake: sensor.wake)
        }
    }
}

/// Every bus a device model: what `mote --config` runs on the desktop. The models' stimuli are
/// fixed and documented (docs/configuration.md, "Simulation"): doors open at 12.3 s into every
/// minute for 2.5 s, rain gauges tip once a minute (bouncing) in the first hour of every six
/// (16.8 mm a shower at 0.2794 mm a tip), meters follow an hourly wave.
final class SimulatedBuses<C: Clock>: Buses {
    let clock: C
    private var buses: [(name: String, bus: SimulatedI2CBus)] = []
    /// How long the scripted GPIO stimuli go on.
    private let span: TimeSpan
    /// What the simulated modem's network holds for the node (`--downlink`).
    private let downlinks: [Downlink]
    /// Where the run starts on the node's timeline (`--sim-start`): the stimuli cover
    /// `start ..< start + span`.
    private let start: Instant
    /// The models' fault windows (`--faults`), on the same timeline.
    private let faults: FaultPlan

    init(clock: C, span: TimeSpan, downlinks: [Downlink] = [], start: Instant = .zero, faults: FaultPlan = FaultPlan()) {
        self.clock = clock
        self.span = span
        self.downlinks = downlinks
        self.start = start
        self.faults = faults
    }

    /// Each of `target`'s windows whose fault name `map` knows, as `inject(fault, from, until)`.
    private func inject<Fault>(_ target: String, _ map: (String) -> Fault?, _ inject: (Fault, Instant, Instant) -> Void) {
        for entry in faults.windows(target) {
            if let fault = map(entry.fault) { inject(fault, .zero + entry.from, .zero + entry.until) }
        }
    }

    func i2c(_ sensor: SensorConfiguration) throws(SetupError) -> SimulatedI2CBus {
        let name = sensor.bus ?? "i2c"
        let bus: SimulatedI2CBus
        if let existing = buses.first(where: { $0.name == name }) {
            bus = existing.bus
        } else {
            bus = SimulatedI2CBus(name: "sim-" + name)
            buses.append((name, bus))
        }
        let address = UInt8(truncatingIfNeeded: sensor.address ?? 0)
        let id = sensor.id
        switch sensor.driver {
        case "bme280":
            let model = BME280Model(address: address, clock: clock)
            inject(id, FaultPlan.bme280) { model.inject($0, from: $1, until: $2) }
            bus.attach(model)
        case "sht4x":
            let model = SHT4xModel(address: address, clock: clock)
            inject(id, FaultPlan.sht4x) { model.inject($0, from: $1, until: $2) }
            bus.attach(model)
        case "sht3x":
            let model = SHT3xModel(address: address, clock: clock)
            inject(id, FaultPlan.sht3x) { model.inject($0, from: $1, until: $2) }
            bus.attach(model)
        case "bh1750":
            let model = BH1750Model(address: address, clock: clock)
            inject(id, FaultPlan.bh1750) { model.inject($0, from: $1, until: $2) }
            bus.attach(model)
        case "scd4x":
            let model = SCD4xModel(address: address, clock: clock)
            inject(id, FaultPlan.scd4x) { model.inject($0, from: $1, until: $2) }
            bus.attach(model)
        case "ads1115":
            let model = ADS1115Model(address: address, clock: clock)
            inject(id, FaultPlan.ads1115) { model.inject($0, from: $1, until: $2) }
            bus.attach(model)
        default: break
        }
        return bus
    }

    func input(_ sensor: SensorConfiguration) throws(SetupError) -> SimulatedGPIOLine {
        let line = SimulatedGPIOLine(name: sensor.line ?? sensor.id, clock: clock, edge: sensor.edge, debounce: sensor.debounce)
        for entry in faults.windows(sensor.id) where entry.fault == "chip-lost" { line.fail(from: .zero + entry.from, until: .zero + entry.until) }
        // The stimuli are on the timeline from 0: a run from `start` sees the ones of its span.
        let first = (start - .zero).nanoseconds / 1_000_000_000, last = first + span.nanoseconds / 1_000_000_000
        if sensor.driver == "pulse-counter" {
            var shower = first / (6 * 3_600) * (6 * 3_600)
            while shower < last {  // a shower in the first hour of every six
                line.pulses(count: 60, start: .zero + .seconds(shower) + .milliseconds(3_500), period: .seconds(60), width: .milliseconds(80), bounces: 3)
                shower += 6 * 3_600
            }
        } else {
            for minute in (first / 60)...(last / 60) {
                line.change(to: true, at: .zero + .milliseconds(minute * 60_000 + 12_300))
                line.change(to: false, at: .zero + .milliseconds(minute * 60_000 + 14_800))
            }
        }
        return line
    }

    func output(_ line: String, for sensor: SensorConfiguration) throws(SetupError) -> SimulatedGPIOLine {
        SimulatedGPIOLine(name: line, clock: clock)
    }

    func oneWire(_ sensor: SensorConfiguration) throws(SetupError) -> (bus: DS18B20Model, device: String) {
        let model = sensor.device.map { DS18B20Model(id: $0, clock: clock) } ?? DS18B20Model(clock: clock)
        inject(sensor.id, FaultPlan.ds18b20) { model.inject($0, from: $1, until: $2) }
        return (model, model.id)
    }

    func pms5003(_ sensor: SensorConfiguration) throws(SetupError) -> PMS5003Model {
        let model = PMS5003Model(clock: clock)
        inject(sensor.id, FaultPlan.pms5003) { model.inject($0, from: $1, until: $2) }
        return model
    }

    /// A modem of the dialect, joined at its first try, acknowledging confirmed frames, with
    /// the downlinks `--downlink` gave queued on its network side.
    func modem(_ uplink: UplinkConfiguration, dialect: ATModemDialect) throws(SetupError) -> LoRaModemModel {
        let model = LoRaModemModel(dialect: LoRaModemModel.Dialect(rawValue: dialect.rawValue) ?? .rak3172, clock: clock, name: uplink.modemPort)
        for downlink in downlinks { model.queueDownlink(port: downlink.port, bytes: downlink.bytes) }
        inject("modem", FaultPlan.modem) { model.inject($0, from: $1, until: $2) }
        return model
    }

    func gps(_ sensor: SensorConfiguration) throws(SetupError) -> NMEAGPSModel {
        let model = NMEAGPSModel(clock: clock)
        inject(sensor.id, FaultPlan.gps) { model.inject($0, from: $1, until: $2) }
        return model
    }

    /// A meter whose registers hold plausible values for the channel names it is asked for.
    func modbus(_ sensor: SensorConfiguration) throws(SetupError) -> ModbusSlaveModel {
        var registers: [UInt16] = []
        var waves: [(UInt16, Int32)] = []
        for channel in sensor.channels {
            guard let point = channel.modbus, let address = point.address else { continue }
            while registers.count < Int(address) + point.registerCount { registers.append(0) }
            let raw = Self.plausible(channel.name, scale: point.scale)
            if point.registerCount == 2 {
                let words = point.wordOrder == .big ? [UInt16(truncatingIfNeeded: raw >> 16), UInt16(truncatingIfNeeded: raw)]
                                                    : [UInt16(truncatingIfNeeded: raw), UInt16(truncatingIfNeeded: raw >> 16)]
                registers[Int(address)] = words[0]
                registers[Int(address) + 1] = words[1]
            } else {
                registers[Int(address)] = UInt16(truncatingIfNeeded: raw)
                waves.append((address, Int32(clamping: raw)))
            }
        }
        let model = ModbusSlaveModel(clock: clock, slave: UInt8(truncatingIfNeeded: sensor.address ?? 1), configuration: sensor.serial,
                                     holding: registers, input: registers)
        for (address, base) in waves where sensor.registerType == .input {
            model.animate(input: address, base: base, amplitude: max(base / 50, 1), period: .seconds(3600))
        }
        inject(sensor.id, FaultPlan.modbus) { model.inject($0, from: $1, until: $2) }
        return model
    }

    /// Raw register values of a typical 230 V, 1.5 A load, by what the channel's name says.
    private static func plausible(_ name: String, scale: Double) -> Int64 {
        let typical: [(word: String, value: Double)] = [("volt", 230.1), ("current", 1.52), ("energy", 12_345), ("power", 349), ("freq", 50)]
        let value = typical.first { mentions(name, $0.word) }?.value ?? 100
        let raw = (value / (scale == 0 ? 1 : scale)).rounded()
        return raw.isFinite && abs(raw) < 9e18 ? Int64(raw) : 0  // a scale no register could hold: a zero register
    }

    /// Whether `word` occurs in `name` (the Embedded standard library has no substring search).
    private static func mentions(_ name: String, _ word: String) -> Bool {
        let text = Array(name.utf8), part = Array(word.utf8)
        guard part.count <= text.count else { return false }
        for start in 0...(text.count - part.count) where Array(text[start..<start + part.count]) == part { return true }
        return false
    }
}

/// The board's own buses, by the board file's names.
final class LinuxBuses: Buses {
    let clock: MonotonicClock
    let board: BoardConfiguration
    private var adapters: [(path: String, bus: LinuxI2CBus)] = []
    /// The board file's chips, searched in order for each line name.
    private let chips: LinuxGPIOChipSet

    init(clock: MonotonicClock, board: BoardConfiguration) {
        self.clock = clock
        self.board = board
        chips = LinuxGPIOChipSet(labels: board.gpioChips)
    }

    func i2c(_ sensor: SensorConfiguration) throws(SetupError) -> LinuxI2CBus {
        guard let path = board.i2cPath(sensor.bus ?? "") else { throw SetupError(message: "no I2C bus \(sensor.bus ?? "")") }
        if let open = adapters.first(where: { $0.path == path }) { return open.bus }
        do {
            let bus = try LinuxI2CBus(path: path)
            adapters.append((path, bus))
            return bus
        } catch {
            throw SetupError(message: error.description)
        }
    }

    private func request(_ line: String, _ settings: GPIOLineSettings) throws(SetupError) -> LinuxGPIOLine {
        guard let name = board.lineName(line) else { throw SetupError(message: "board \(board.id) has no header pin \(line)") }
        guard !board.gpioChips.isEmpty else { throw SetupError(message: "board \(board.id) has no GPIO chip") }
        do {
            let (chip, offset) = try chips.locate(name)
            return try chip.request(offset, settings)
        } catch {
            throw SetupError(message: error.description)
        }
    }

    func input(_ sensor: SensorConfiguration) throws(SetupError) -> LinuxGPIOLine {
        try request(sensor.line ?? "", GPIOLineSettings(direction: .input, bias: sensor.bias, activeLow: sensor.activeLow,
                                                        edge: sensor.edge, debounce: sensor.debounce))
    }

    func output(_ line: String, for sensor: SensorConfiguration) throws(SetupError) -> LinuxGPIOLine {
        try request(line, GPIOLineSettings(direction: .output(initial: false), bias: .asIs, activeLow: false, edge: .none, debounce: .zero))
    }

    func oneWire(_ sensor: SensorConfiguration) throws(SetupError) -> (bus: LinuxOneWire, device: String) {
        let wire = LinuxOneWire(root: board.oneWirePath(sensor.bus ?? "w1") ?? "/sys/bus/w1/devices")
        if let device = sensor.device { return (wire, device) }
        guard let first = wire.devices().first(where: { $0.hasPrefix("28-") }) else {
            throw SetupError(message: "no DS18B20 (28-...) on the 1-wire bus")
        }
        return (wire, first)
    }

    private func serial(_ sensor: SensorConfiguration, _ configuration: SerialConfiguration) throws(SetupError) -> LinuxSerialPort {
        guard let path = board.serialPath(sensor.port ?? "") else { throw SetupError(message: "no serial port \(sensor.port ?? "")") }
        do {
            return try LinuxSerialPort(path: path, configuration: configuration)
        } catch {
            throw SetupError(message: error.description)
        }
    }

    func pms5003(_ sensor: SensorConfiguration) throws(SetupError) -> LinuxSerialPort { try serial(sensor, sensor.serial) }
    func gps(_ sensor: SensorConfiguration) throws(SetupError) -> LinuxSerialPort { try serial(sensor, sensor.serial) }
    func modbus(_ sensor: SensorConfiguration) throws(SetupError) -> LinuxSerialPort { try serial(sensor, sensor.serial) }

    func modem(_ uplink: UplinkConfiguration, dialect: ATModemDialect) throws(SetupError) -> LinuxSerialPort {
        guard let path = board.serialPath(uplink.modemPort ?? "") else { throw SetupError(message: "no serial port \(uplink.modemPort ?? "")") }
        var line = ATModem<LinuxSerialPort, MonotonicClock>.defaultConfiguration(dialect)
        if let baud = uplink.modemBaud { line.baud = baud }
        do {
            return try LinuxSerialPort(path: path, configuration: line)
        } catch {
            throw SetupError(message: "modem: " + error.description)
        }
    }
}
