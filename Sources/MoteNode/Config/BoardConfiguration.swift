import MoteHAL

/// A board file from `boards/`: what the board is and where its buses and lines are, so that a
/// node file says "i2c-1" and "GPIO17" and never a device path or a chip number.
public struct BoardConfiguration: Equatable, Sendable {
    public var id: String
    public var name: String
    /// "aarch64", "armv7" or "x86_64".
    public var architecture: String
    /// Prefixes of /proc/device-tree/model and entries of .../compatible that identify it.
    public var models: [String] = []
    public var compatible: [String] = []
    /// The labels of the GPIO chips holding the header's lines ("pinctrl-bcm2711"; never a
    /// number), searched in order for a line name: the BeagleBone's header spans four chips.
    public var gpioChips: [String] = []
    /// Header pin → line name. A pin is a number ("11", on a Raspberry Pi's 40-pin header) or a
    /// connector pin ("P9_12" on a BeagleBone), kept in its canonical form (`pinKey`).
    public var header: [(pin: String, line: String)] = []
    /// Bus name → device path ("i2c-1" → "/dev/i2c-1"); "sim" on the simulated board.
    public var i2c: [(name: String, path: String)] = []
    public var serial: [(name: String, path: String)] = []
    public var oneWire: [(name: String, path: String)] = []
    /// The simulated board: every bus is a device model.
    public var simulated = false
    /// Matches any device tree, but only when no other board file does and the CPU is this
    /// board's architecture (`boards/generic-aarch64.toml`).
    public var fallback = false

    public init(id: String, name: String, architecture: String) {
        self.id = id
        self.name = name
        self.architecture = architecture
    }

    public static func == (a: BoardConfiguration, b: BoardConfiguration) -> Bool {
        a.id == b.id && a.name == b.name && a.architecture == b.architecture && a.models == b.models && a.compatible == b.compatible
            && a.gpioChips == b.gpioChips && a.simulated == b.simulated && a.fallback == b.fallback
            && a.header.map { "\($0.pin)=\($0.line)" } == b.header.map { "\($0.pin)=\($0.line)" }
            && a.i2c.map { $0.name + "=" + $0.path } == b.i2c.map { $0.name + "=" + $0.path }
            && a.serial.map { $0.name + "=" + $0.path } == b.serial.map { $0.name + "=" + $0.path }
            && a.oneWire.map { $0.name + "=" + $0.path } == b.oneWire.map { $0.name + "=" + $0.path }
    }

    public func i2cPath(_ name: String) -> String? { i2c.first { $0.name == name }?.path }
    public func serialPath(_ name: String) -> String? { serial.first { $0.name == name }?.path }
    public func oneWirePath(_ name: String) -> String? { oneWire.first { $0.name == name }?.path }

    /// A sensor's `line`: "pin11" is header pin 11 and "P9_12" (or "pinP9_12") connector pin
    /// P9_12, through the header; anything else a line name of the header (any name, on a board
    /// file that lists no header).
    public func lineName(_ line: String) -> String? {
        if line.hasPrefix("pin") {
            guard let key = Self.pinKey(String(line.dropFirst(3))) else { return nil }
            return header.first { $0.pin == key }?.line
        }
        if Self.isConnectorPin(line), let key = Self.pinKey(line), let entry = header.first(where: { $0.pin == key }) {
            return entry.line
        }
        return header.isEmpty || header.contains(where: { $0.line == line }) ? line : nil
    }

    /// A header pin's canonical key: "7" for "7" or "07" (1...80), "P8_3" for "P8_3" or "P8_03"
    /// (a connector of upper-case letters and digits, a pin of 1...99); nil for anything else.
    public static func pinKey(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        func number(_ digits: ArraySlice<UInt8>, _ range: ClosedRange<Int>) -> Int? {
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            var value = 0
            for digit in digits { value = value * 10 + Int(digit - 0x30) }
            return range.contains(value) ? value : nil
        }
        guard let underscore = bytes.lastIndex(of: UInt8(ascii: "_")) else {
            return number(bytes[...], 1...80).map { String($0) }
        }
        let connector = bytes[..<underscore]
        guard let first = connector.first, first >= 0x41 && first <= 0x5A,
              connector.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }),
              let pin = number(bytes[(underscore + 1)...], 1...99) else { return nil }
        return String(decoding: connector, as: UTF8.self) + "_" + String(pin)
    }

    /// "P9_12": a connector pin, not a bare number.
    static func isConnectorPin(_ text: String) -> Bool {
        text.utf8.contains(UInt8(ascii: "_")) && pinKey(text) != nil
    }

    public static func parse(_ text: String, file: String) -> (board: BoardConfiguration?, errors: [ConfigError]) {
        let diagnostics = ConfigDiagnostics(file: file)
        let (document, syntaxErrors) = TOML.parse(text)
        for error in syntaxErrors { diagnostics.syntax(error) }
        let root = TableReader(document, path: "", diagnostics: diagnostics)
        var board = BoardConfiguration(id: "", name: "", architecture: "")
        if let table = root.table("board", required: true) {
            board.id = table.string("id", required: true) ?? ""
            board.name = table.string("name", required: true) ?? ""
            board.architecture = table.choice("arch", ["aarch64", "armv7", "x86_64"], required: true) ?? ""
            board.models = strings(table, "model")
            board.compatible = strings(table, "compatible")
            board.simulated = table.boolean("simulated") ?? false
            board.fallback = table.boolean("fallback") ?? false
            table.finish()
        }
        if let gpio = root.table("gpio") {
            board.gpioChips = chips(gpio)
            if let header = gpio.table("header") {
                for entry in header.table.entries {
                    _ = header.entry(entry.key)
                    guard let pin = pinKey(entry.key) else {
                        diagnostics.error(entry.keyPosition, header.keyPath(entry.key),
                                          "a header pin is a number from 1 to 80 or a connector pin such as P9_12")
                        continue
                    }
                    guard case .string(let line) = entry.node.value, !line.isEmpty else {
                        diagnostics.error(entry.node.position, header.keyPath(entry.key), "expected the line name as a string")
                        continue
                    }
                    if let same = header.table.entries.first(where: { $0.key != entry.key && pinKey($0.key) == pin }),
                       board.header.contains(where: { $0.pin == pin }) {
                        diagnostics.error(entry.keyPosition, header.keyPath(entry.key), "the same pin as \(same.key)")
                        continue
                    }
                    board.header.append((pin, line))
                }
                header.finish()
            }
            gpio.finish()
        }
        board.i2c = paths(root, "i2c")
        board.serial = paths(root, "serial")
        board.oneWire = paths(root, "onewire")
        root.finish()
        let errors = diagnostics.sorted
        return (errors.isEmpty ? board : nil, errors)
    }

    /// `chip = "label"` or `chip = ["label", ...]`: at least one, none empty.
    private static func chips(_ gpio: TableReader) -> [String] {
        guard let entry = gpio.entry("chip", required: true) else { return [] }
        let key = gpio.keyPath("chip")
        switch entry.node.value {
        case .string(let label) where !label.isEmpty:
            return [label]
        case .array(let nodes) where !nodes.isEmpty:
            var labels: [String] = []
            for (index, node) in nodes.enumerated() {
                if case .string(let label) = node.value, !label.isEmpty { labels.append(label) } else {
                    gpio.diagnostics.error(node.position, key + "[\(index)]", "expected a chip label as a string")
                }
            }
            return labels
        default:
            gpio.diagnostics.error(entry.node.position, key, "expected a chip label or an array of chip labels, found "
                                   + TableReader.describe(entry.node.value))
            return []
        }
    }

    private static func strings(_ table: TableReader, _ key: String) -> [String] {
        guard let nodes = table.array(key) else { return [] }
        var result: [String] = []
        for (index, node) in nodes.enumerated() {
            if case .string(let text) = node.value { result.append(text) } else {
                table.diagnostics.error(node.position, table.keyPath(key) + "[\(index)]", "expected a string")
            }
        }
        return result
    }

    /// A table of bus name → device path.
    private static func paths(_ root: TableReader, _ key: String) -> [(name: String, path: String)] {
        guard let table = root.table(key) else { return [] }
        var result: [(name: String, path: String)] = []
        for entry in table.table.entries {
            if let path = table.string(entry.key) { result.append((entry.key, path)) }
        }
        table.finish()
        return result
    }

    /// Errors for every bus, port and line of `node` that this board does not have, at the
    /// sensor's key in the node file.
    public func check(_ node: NodeConfiguration, file: String) -> [ConfigError] {
        var errors: [ConfigError] = []
        func fail(_ sensor: SensorConfiguration, _ key: String, _ message: String) {
            errors.append(ConfigError(file: file, position: sensor.positions[key] ?? sensor.position, key: sensor.path + "." + key,
                                      message: message + " (board \(id))"))
        }
        for sensor in node.sensors {
            if let bus = sensor.bus, DriverInfo.named(sensor.driver)?.bus == .i2c, i2cPath(bus) == nil {
                fail(sensor, "bus", "no I2C bus \"\(bus)\"; the board has " + TableReader.list(i2c.map { $0.name }))
            }
            if let bus = sensor.bus, DriverInfo.named(sensor.driver)?.bus == .onewire, oneWirePath(bus) == nil {
                fail(sensor, "bus", "no 1-wire bus \"\(bus)\"; the board has " + TableReader.list(oneWire.map { $0.name }))
            }
            if let port = sensor.port, serialPath(port) == nil {
                fail(sensor, "port", "no serial port \"\(port)\"; the board has " + TableReader.list(serial.map { $0.name }))
            }
            for (key, line) in [("line", sensor.line), ("power", sensor.power)] {
                guard let line else { continue }
                if lineName(line) == nil {
                    fail(sensor, key, line.hasPrefix("pin") ? "no header pin \"\(line)\"" : "no line \"\(line)\" on the board's header")
                } else if gpioChips.isEmpty {
                    fail(sensor, key, "the board has no GPIO chip")
                }
            }
        }
        if let port = node.uplink.modemPort {
            if serialPath(port) == nil {
                errors.append(ConfigError(file: file, position: node.uplink.modemPortPosition, key: "uplink.modem_port",
                                          message: "no serial port \"\(port)\"; the board has " + TableReader.list(serial.map { $0.name }) + " (board \(id))"))
            } else if let user = node.sensors.first(where: { $0.port == port }) {
                errors.append(ConfigError(file: file, position: node.uplink.modemPortPosition, key: "uplink.modem_port",
                                          message: "serial port \(port) is already used by sensor \"\(user.id)\" (\(user.path))"))
            }
        }
        // One part per address, one driver per port, one user per line: two would fight on the bus.
        var claimed: [(what: String, by: SensorConfiguration)] = []
        for sensor in node.sensors {
            var claims: [(key: String, what: String)] = []
            if let bus = sensor.bus, let address = sensor.address, DriverInfo.named(sensor.driver)?.bus == .i2c {
                claims.append(("address", "I2C address 0x" + Hex.encode([UInt8(truncatingIfNeeded: address)]) + " on " + bus))
            }
            if let port = sensor.port {
                // RS-485 is multi-drop: Modbus slaves share a port, each at its own address.
                if sensor.driver == "modbus" { claims.append(("address", "Modbus slave \(sensor.address ?? 1) on " + port)) }
                else { claims.append(("port", "serial port " + port)) }
            }
            for (key, line) in [("line", sensor.line), ("power", sensor.power)] {
                if let line, let name = lineName(line) { claims.append((key, "GPIO line " + name)) }
            }
            for claim in claims {
                if let other = claimed.first(where: { $0.what == claim.what }) {
                    errors.append(ConfigError(file: file, position: sensor.positions[claim.key] ?? sensor.position, key: sensor.path + "." + claim.key,
                                              message: "\(claim.what) is already used by sensor \"\(other.by.id)\" (\(other.by.path))"))
                } else {
                    claimed.append((claim.what, sensor))
                }
            }
        }
        return errors
    }
}
