import MoteDrivers
import MoteHAL

extension NodeConfiguration {
    /// The node as TOML with every default filled in and every key in one order: what
    /// `motectl check` prints, and itself a valid node file that parses to the same node.
    public var normalized: String {
        var out = "[node]\n"
        out += "name = \(quoted(name))\nboard = \(quoted(board))\ninterval = \(quoted(DurationText.format(interval)))\n"
        for sensor in sensors {
            out += "\n[[sensor]]\nid = \(quoted(sensor.id))\ndriver = \(quoted(sensor.driver))\n"
            let bus = DriverInfo.named(sensor.driver)?.bus
            switch bus {
            case .i2c?:
                out += "bus = \(quoted(sensor.bus ?? ""))\naddress = 0x\(Hex.encode([UInt8(truncatingIfNeeded: sensor.address ?? 0)]))\n"
            case .onewire?:
                out += "bus = \(quoted(sensor.bus ?? "w1"))\n"
                if let device = sensor.device { out += "device = \(quoted(device))\n" }
            case .serial?:
                out += "port = \(quoted(sensor.port ?? ""))\nbaud = \(sensor.serial.baud)\nparity = \(quoted(parity(sensor.serial.parity)))\n"
                if sensor.driver == "modbus" {
                    out += "address = \(sensor.address ?? 1)\nregister_type = \(quoted(sensor.registerType == .input ? "input" : "holding"))\n"
                }
                if sensor.driver == "pms5003" { out += "mode = \(quoted(sensor.mode))\n" }
            case .gpio?:
                out += "line = \(quoted(sensor.line ?? ""))\nedge = \(quoted(edge(sensor.edge)))\ndebounce = \(quoted(DurationText.format(sensor.debounce)))\n"
                out += "active_low = \(sensor.activeLow)\nbias = \(quoted(bias(sensor.bias)))\nwake = \(sensor.wake)\n"
                if sensor.driver == "pulse-counter" {
                    out += "per_pulse = \(number(sensor.perPulse))\nunit = \(quoted(sensor.pulseUnit))\n"
                }
            case nil: break
            }
            out += "interval = \(quoted(DurationText.format(sensor.interval)))\n"
            if let power = sensor.power {
                out += "power = \(quoted(power))\npower_warm_up = \(quoted(DurationText.format(sensor.powerWarmUp)))\n"
            }
            for channel in sensor.channels {
                out += "\n[[sensor.channel]]\nname = \(quoted(channel.name))\nunit = \(quoted(channel.unit))\ndecimals = \(channel.decimals)\n"
                if let input = channel.adcInput {
                    out += "input = \"ain\(input.input.rawValue)\"\nfull_scale = \(number(Double(input.fullScale.millivolts) / 1000))\n"
                }
                if let point = channel.modbus {
                    out += "register = \(point.address ?? 0)\ntype = \(quoted(modbusType(point.type)))\n"
                    out += "word_order = \(quoted(point.wordOrder == .big ? "big" : "little"))\nscale = \(number(point.scale))\noffset = \(number(point.offset))\n"
                }
                if let low = channel.rangeLow, let high = channel.rangeHigh {
                    out += "range = [\(number(low)), \(number(high))]\n"
                }
                out += "filters = [" + channel.filters.map(filterText).joined(separator: ", ") + "]\n"
                if let frame = channel.frame {
                    var keys = ["id = \(frame.channel)"]
                    if let type = frame.type { keys.append("type = \(quoted(type.name))") }
                    keys.append("scale = \(number(frame.scale))")
                    if uplink.format == "mote" { keys.append("resolution = \(number(frame.compactResolution(decimals: channel.decimals)))") }
                    out += "frame = { " + keys.joined(separator: ", ") + " }\n"
                }
            }
        }
        out += "\n[uplink]\nformat = \(quoted(uplink.format))\n"
        if uplink.format == "mote" { out += "schema = \(uplink.schema)\n" }
        out += "port = \(uplink.port)\ninterval = \(quoted(DurationText.format(uplink.interval)))\n"
        out += "region = \(quoted(uplink.link.rawValue))\ndata_rate = \(uplink.dataRate)\n"
        if uplink.link == .as923 { out += "dwell_time = \(uplink.dwellTime)\n" }
        out += "max_payload = \(uplink.maximumPayload)\ntransport = \(quoted(uplink.transport))\n"
        if let file = uplink.file { out += "file = \(quoted(file))\n" }
        if let host = uplink.collectorHost, let port = uplink.collectorPort {
            out += "collector = " + quoted(host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)") + "\n"
        }
        if let port = uplink.modemPort { out += "modem_port = \(quoted(port))\n" }
        if let baud = uplink.modemBaud { out += "modem_baud = \(baud)\n" }
        out += "confirmed = \(uplink.confirmed)\n"
        if let fairUse = uplink.fairUse { out += "fair_use = \(quoted(DurationText.format(fairUse)))\n" }
        out += "downlink_port = \(uplink.downlinkPort)\n"
        out += "send_on_event = \(uplink.sendOnEvent)\n"
        if let update {
            out += "\n[update]\nurl = \(quoted(update.url))\ntargets_url = \(quoted(update.targetsURL))\ncheck_interval = \(quoted(DurationText.format(update.checkInterval)))\n"
            out += "trusted_root = \(quoted(update.trustedRoot))\n"
            if let hardware = update.hardwareID { out += "hardware_id = \(quoted(hardware))\n" }
            if let target = update.target { out += "target = \(quoted(target))\n" }
            if let target = update.configTarget { out += "config_target = \(quoted(target))\n" }
        }
        out += "\n[storage]\nstate_dir = \(quoted(storage.stateDirectory))\nqueue_limit = \(storage.queueLimit)\n"
        return out
    }

    private func filterText(_ spec: FilterSpec) -> String {
        switch spec {
        case .median(let window): return "{ type = \"median\", window = \(window) }"
        case .movingAverage(let window): return "{ type = \"moving_average\", window = \(window) }"
        case .ema(let alpha): return "{ type = \"ema\", alpha = \(number(alpha)) }"
        case .emaTimeConstant(let tau): return "{ type = \"ema\", time_constant = \(quoted(DurationText.format(tau))) }"
        case .hampel(let window, let sigmas): return "{ type = \"hampel\", window = \(window), sigmas = \(number(sigmas)) }"
        case .deadband(let band):
            var parts = ["type = \"deadband\""]
            if let absolute = band.absolute { parts.append("absolute = \(number(absolute))") }
            if let percent = band.percent { parts.append("percent = \(number(percent))") }
            if let minimum = band.minimumPeriod { parts.append("min_period = \(quoted(DurationText.format(minimum)))") }
            if let maximum = band.maximumPeriod { parts.append("max_period = \(quoted(DurationText.format(maximum)))") }
            return "{ " + parts.joined(separator: ", ") + " }"
        case .aggregate(let period, let function):
            return "{ type = \"aggregate\", period = \(quoted(DurationText.format(period))), function = \(quoted(function.rawValue)) }"
        case .rateOfChange(let per): return "{ type = \"rate\", per = \(quoted(DurationText.format(per))) }"
        case .rangeCheck(let low, let high): return "{ type = \"range\", min = \(number(low)), max = \(number(high)) }"
        }
    }

    private func quoted(_ text: String) -> String { JSONText.quoted(text) }  // a JSON string is a TOML basic string

    /// A TOML float: always with a point, so it reads back as the same type.
    private func number(_ value: Double) -> String {
        let text = DecimalText.shortest(value)
        return text.utf8.contains(UInt8(ascii: ".")) ? text : text + ".0"
    }

    private func parity(_ parity: SerialConfiguration.Parity) -> String {
        switch parity {
        case .none: return "none"
        case .even: return "even"
        case .odd: return "odd"
        }
    }

    private func edge(_ edge: GPIOLineSettings.Edge) -> String {
        switch edge {
        case .rising: return "rising"
        case .falling: return "falling"
        default: return "both"
        }
    }

    private func bias(_ bias: GPIOLineSettings.Bias) -> String {
        switch bias {
        case .disabled: return "disabled"
        case .pullUp: return "pull-up"
        case .pullDown: return "pull-down"
        default: return "as-is"
        }
    }

    private func modbusType(_ type: ModbusPoint.DataType) -> String {
        switch type {
        case .u16: return "u16"
        case .s16: return "s16"
        case .u32: return "u32"
        case .s32: return "s32"
        case .f32: return "f32"
        }
    }
}
