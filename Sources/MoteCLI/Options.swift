import MoteHAL
import MoteNode
import MoteSimulation

/// The command line of `mote`. Parsed by hand: the board build has no ArgumentParser.
public struct Options: Equatable {
    public enum Output: Equatable { case human, jsonl }

    public var output = Output.human
    public var frames: Int?
    public var realtime = false
    public var benchSamples: Int?
    /// `--bench-frames N`: encode N frames of each format (or of `benchFormat` only), print a digest.
    public var benchFrames: Int?
    public var benchFormat: BenchFormat?
    public var faults: [FaultSpec] = []
    /// A real adapter (`/dev/i2c-1`) instead of the simulated bus, and the BME280's address on it.
    public var i2cBus: String?
    public var i2cAddress: UInt8 = 0x76
    public var help = false
    public var listDrivers = false
    /// A node file, and the board file when not the one the node names.
    public var config: String?
    public var board: String?
    /// `--device-tree DIR`: where the board identification reads model and compatible
    /// (default /proc/device-tree, else /sys/firmware/devicetree/base).
    public var deviceTree: String?
    /// Run the configured node on device models even when its board is a real one.
    public var simulate = false
    /// Virtual-clock run of this much node time (`24h`): as fast as the CPU allows.
    public var simDuration: TimeSpan?
    /// Where state is kept, overriding the node file's storage.state_dir.
    public var stateDirectory: String?
    /// Validate the node and board files and print the normalized node, then exit.
    public var check = false
    /// Leave out the readings: frames, events, sensor states and warnings only.
    public var quiet = false
    /// `--downlink 10:0300`: downlinks the simulated modem's network holds for the node, each
    /// delivered after one of its uplinks, in order.
    public var downlinks: [Downlink] = []
    /// `--sim-start 3d`: a virtual-clock run starts this far into the node's timeline (the
    /// clock, the models' stimuli and `--faults` windows all count from the timeline's 0), so
    /// consecutive runs continue one timeline.
    public var simStart: TimeSpan?
    /// `--faults FILE`: the device models' fault windows on that timeline (`FaultPlan`).
    public var faultsFile: String?

    /// `--fault nak@5-20`: a model fault, optionally limited to a window of node time in seconds.
    public struct FaultSpec: Equatable {
        public var fault: BME280Model.Fault
        public var from: Int64
        public var until: Int64?

        public init(fault: BME280Model.Fault, from: Int64 = 0, until: Int64? = nil) {
            self.fault = fault
            self.from = from
            self.until = until
        }
    }

    /// The encoders `--bench-frames` runs, by the names `[uplink] format` and the frames use.
    public enum BenchFormat: Equatable, Sendable {
        case cayenneLPP, compact, senML

        public var name: String {
            switch self {
            case .cayenneLPP: return "cayennelpp"
            case .compact: return "mote"
            case .senML: return "senml+cbor"
            }
        }

        static func named(_ name: String) -> BenchFormat? {
            switch name {
            case "cayennelpp": return .cayenneLPP
            case "mote": return .compact
            case "senml+cbor": return .senML
            default: return nil
            }
        }
    }

    public init() {}

    public static let usage = """
        usage: mote [--jsonl] [--quiet] [--frames N] [--realtime] [--fault F[@A-B]] [--bench-samples N]
                    [--i2c-bus PATH [--i2c-address A]] [--list-drivers] [--help]
               mote --bench-frames N [--bench-format F]
               mote --config NODE.toml [--board BOARD.toml] [--device-tree DIR] [--simulate] [--sim-duration D]
                    [--state-dir DIR] [--check] [--jsonl] [--frames N] [--realtime]
                    [--downlink PORT:HEX ...] [--sim-start D] [--faults FILE]
               mote board [--device-tree DIR] [--boards DIR]   (which board file fits this board)
               mote gpio|i2c|serial ...   (bring-up diagnostics; mote gpio --help)
               mote update check|apply|guard|status ...   (signed updates, the A/B slots; mote update --help)
               mote --sha256 FILE...      (what sha256sum prints, through the board's libcrypto)
               mote --fetch URL --max-bytes N [--output FILE [--resume]] ...   (mote --fetch --help)

        Runs a Mote node. With no options it runs the simulated board: one of every supported
        part on its device model (a BME280 on a simulated I2C bus, sampled once a second, and
        the others), on a virtual clock (as fast as the CPU allows), an EMA filter per channel
        and a CayenneLPP frame of the BME280's channels every 10 samples.

          --jsonl             one JSON object per event instead of lines for people
          --quiet             leave out the readings: frames, events, sensor states and
                              warnings only (what a board's journal wants)
          --frames N          stop after N frames
          --realtime          run on the kernel's monotonic clock instead of the virtual clock
          --fault F[@A-B]     make the simulated BME280 fail: nak (no acknowledge), chip-id
                              (answers 0x58, a BMP280), stuck (data never changes); only from
                              second A to second B of node time when given
          --bench-samples N   process N samples without printing them, then print a digest
                              of every frame (see scripts/bench)
          --bench-frames N    encode N weather frames in each format (CayenneLPP, the
                              compact frame with runs of 8, SenML CBOR) from synthetic
                              readings, then print their counts and a digest of every byte
          --bench-format F    only this one: cayennelpp, mote or senml+cbor
          --i2c-bus PATH      read a real BME280 on this adapter (e.g. /dev/i2c-1) on the
                              kernel's clock instead of the simulated board
          --i2c-address A     its address: 0x76 (SDO low, the default) or 0x77
          --config FILE       run the node this file describes (docs/configuration.md) on
                              its board's buses, or on device models when the board is
                              the simulated one or with --simulate; exits 78 when the file
                              (or the board file) is invalid, naming file:line:column: key
          --board FILE        the board file (default: boards/<node.board>.toml next to
                              the node file or its parent, then /etc/mote/boards)
          --device-tree DIR   the device tree that node.board = "auto" and the check of the
                              named board read (default: /proc/device-tree); on real buses
                              the node refuses to start on a board the file does not name
          --simulate          device models instead of the board's buses
          --sim-duration D    simulate D of node time (e.g. 24h) as fast as possible
          --state-dir DIR     keep state (the frame counter) here, not in storage.state_dir;
                              virtual-clock runs keep none unless this is given
          --sim-start D       start the virtual clock D into the node's timeline (e.g. 3d),
                              so that runs one after another continue one timeline
          --faults FILE       device-model faults by window of that timeline, one a line:
                              TARGET FAULT FROM UNTIL (a sensor id or modem; docs/soak.md)
          --check             validate, print the normalized node, and exit
          --list-drivers      print the supported parts, one per line
          -h, --help          print this text
        """

    public static func parse(_ arguments: [String]) -> Result<Options, UsageError> {
        var options = Options()
        var index = 0
        func value(for name: String, inline: String?) -> Result<String, UsageError> {
            if let inline { return .success(inline) }
            index += 1
            guard index < arguments.count else { return .failure(UsageError("option \(name) needs a value")) }
            return .success(arguments[index])
        }
        func count(_ name: String, _ text: String) -> Result<Int, UsageError> {
            guard let number = Int(text), number > 0 else {
                return .failure(UsageError("option \(name) needs a positive whole number, not '\(text)'"))
            }
            return .success(number)
        }
        while index < arguments.count {
            let argument = arguments[index]
            var name = argument
            var inline: String?
            if let equals = argument.utf8.firstIndex(of: UInt8(ascii: "=")), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            switch name {
            case "--jsonl": options.output = .jsonl
            case "--realtime": options.realtime = true
            case "-h", "--help": options.help = true
            case "--list-drivers": options.listDrivers = true
            case "--simulate": options.simulate = true
            case "--check": options.check = true
            case "--quiet": options.quiet = true
            case "--config", "--board", "--device-tree", "--state-dir", "--sim-duration", "--sim-start", "--faults":
                let text: String
                switch value(for: name, inline: inline) {
                case .success(let v): text = v
                case .failure(let e): return .failure(e)
                }
                guard !text.isEmpty else { return .failure(UsageError("option \(name) needs a value")) }
                switch name {
                case "--config": options.config = text
                case "--board": options.board = text
                case "--device-tree": options.deviceTree = text
                case "--state-dir": options.stateDirectory = text
                case "--faults": options.faultsFile = text
                case "--sim-start":
                    guard let span = DurationText.parse(text) else {
                        return .failure(UsageError("option --sim-start needs a duration such as 3d or 36h (0s for the start), not '\(text)'"))
                    }
                    options.simStart = span
                default:
                    guard let span = DurationText.parse(text), span > .zero else {
                        return .failure(UsageError("option --sim-duration needs a duration such as 24h or 90m, not '\(text)'"))
                    }
                    options.simDuration = span
                }
            case "--downlink":
                let text: String
                switch value(for: name, inline: inline) {
                case .success(let v): text = v
                case .failure(let e): return .failure(e)
                }
                let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2, let port = Int(parts[0]), port >= 1, port <= 223, let bytes = Hex.decode(parts[1]), !bytes.isEmpty else {
                    return .failure(UsageError("option --downlink needs PORT:HEX with a port of 1...223 and at least one byte (10:0300), not '\(text)'"))
                }
                options.downlinks.append(Downlink(port: UInt8(port), bytes: bytes))
            case "--frames", "--bench-samples", "--bench-frames", "--bench-format", "--fault", "--i2c-bus", "--i2c-address":
                let text: String
                switch value(for: name, inline: inline) {
                case .success(let v): text = v
                case .failure(let e): return .failure(e)
                }
                if name == "--bench-format" {
                    guard let format = BenchFormat.named(text) else {
                        return .failure(UsageError("option --bench-format needs cayennelpp, mote or senml+cbor, not '\(text)'"))
                    }
                    options.benchFormat = format
                } else if name == "--i2c-bus" {
                    guard !text.isEmpty else { return .failure(UsageError("option --i2c-bus needs a device path")) }
                    options.i2cBus = text
                } else if name == "--i2c-address" {
                    switch text {
                    case "0x76", "118": options.i2cAddress = 0x76
                    case "0x77", "119": options.i2cAddress = 0x77
                    default: return .failure(UsageError("a BME280 answers at 0x76 or 0x77, not '\(text)'"))
                    }
                } else if name == "--fault" {
                    switch FaultSpec.parse(text) {
                    case .success(let spec): options.faults.append(spec)
                    case .failure(let e): return .failure(e)
                    }
                } else {
                    switch count(name, text) {
                    case .success(let n):
                        switch name {
                        case "--frames": options.frames = n
                        case "--bench-frames": options.benchFrames = n
                        default: options.benchSamples = n
                        }
                    case .failure(let e): return .failure(e)
                    }
                }
            default:
                return .failure(UsageError(argument.hasPrefix("-") ? "unknown option '\(argument)'" : "unexpected argument '\(argument)'"))
            }
            if inline != nil && (name == "--jsonl" || name == "--realtime" || name == "--help" || name == "--list-drivers"
                                 || name == "--simulate" || name == "--check" || name == "--quiet") {
                return .failure(UsageError("option \(name) takes no value"))
            }
            index += 1
        }
        if options.i2cBus != nil && (options.benchSamples != nil || !options.faults.isEmpty) {
            return .failure(UsageError("--bench-samples and --fault need the simulated board; drop --i2c-bus"))
        }
        if options.config == nil && (options.board != nil || options.deviceTree != nil || options.simulate || options.simDuration != nil
                                     || options.stateDirectory != nil || options.check) {
            return .failure(UsageError("--board, --device-tree, --simulate, --sim-duration, --state-dir and --check need --config"))
        }
        if options.config == nil && (options.simStart != nil || options.faultsFile != nil) {
            return .failure(UsageError("--sim-start and --faults need --config"))
        }
        if options.realtime && (options.simStart != nil || options.faultsFile != nil) {
            return .failure(UsageError("--sim-start and --faults run on the virtual clock; drop --realtime"))
        }
        if options.config != nil && (options.i2cBus != nil || options.benchSamples != nil || !options.faults.isEmpty) {
            return .failure(UsageError("--i2c-bus, --bench-samples and --fault are for the built-in simulated board; drop --config"))
        }
        if !options.downlinks.isEmpty && (options.config == nil || options.realtime) {
            return .failure(UsageError("--downlink is for the simulated modem of a --config run on the virtual clock"))
        }
        if options.realtime && options.simDuration != nil {
            return .failure(UsageError("--sim-duration runs on the virtual clock; drop --realtime"))
        }
        if options.realtime && options.benchSamples != nil {
            return .failure(UsageError("--bench-samples runs on the virtual clock; drop --realtime"))
        }
        if options.benchFormat != nil && options.benchFrames == nil {
            return .failure(UsageError("--bench-format needs --bench-frames"))
        }
        if options.benchFrames != nil && (options.config != nil || options.i2cBus != nil || options.benchSamples != nil
                                          || !options.faults.isEmpty || options.realtime || options.frames != nil) {
            return .failure(UsageError("--bench-frames runs no node; drop --config, --i2c-bus, --bench-samples, --fault, --realtime and --frames"))
        }
        return .success(options)
    }
}

extension Options.FaultSpec {
    static func parse(_ text: String) -> Result<Options.FaultSpec, UsageError> {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let fault: BME280Model.Fault
        switch parts[0] {
        case "nak": fault = .nakAddress
        case "chip-id": fault = .wrongChipID(0x58)
        case "stuck": fault = .stuck
        default: return .failure(UsageError("unknown fault '\(parts[0])' (expected nak, chip-id or stuck)"))
        }
        var spec = Options.FaultSpec(fault: fault)
        if parts.count == 2 {
            let window = parts[1].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            guard window.count == 2, let from = Int64(window[0]), let until = Int64(window[1]), from >= 0, until > from else {
                return .failure(UsageError("fault window '\(parts[1])' must be A-B seconds with A < B"))
            }
            spec.from = from
            spec.until = until
        }
        return .success(spec)
    }
}

public struct UsageError: Error, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
