import MoteDrivers
import MoteHAL
import MoteLinux
import MoteNode
import MoteSimulation

/// `mote`: the board runtime. Shared by the desktop executable and the Embedded board binary.
public enum MoteCommand {
    /// Frames a virtual-clock run makes when `--frames` is not given: one minute of node time.
    public static let defaultSimulatedFrames = 6

    /// Runs with `arguments` (without the program name) and returns the exit status:
    /// 0 done, 1 the I2C adapter could not be opened, 2 usage error.
    public static func run(_ arguments: [String]) -> Int32 {
        defer { Console.flush() }
        switch arguments.first {
        case "gpio"?: return GPIOCommand.run(Array(arguments.dropFirst()))
        case "i2c"?: return I2CCommand.run(Array(arguments.dropFirst()))
        case "serial"?: return SerialCommand.run(Array(arguments.dropFirst()))
        case "update"?: return UpdateCommand.run(Array(arguments.dropFirst()))
        case "--sha256"?: return HashCommand.run(Array(arguments.dropFirst()))
        case "tuf-client"?: return TUFClientCommand.run(Array(arguments.dropFirst()), program: "mote tuf-client")
        case "--fetch"?: return FetchCommand.run(Array(arguments.dropFirst()))
        case "board"?: return BoardCommand.run(Array(arguments.dropFirst()))
        default: break
        }
        let options: Options
        switch Options.parse(arguments) {
        case .success(let parsed): options = parsed
        case .failure(let error):
            Console.line("mote: \(error.message)", to: .error)
            Console.line("Try 'mote --help' for the options.", to: .error)
            return 2
        }
        if options.help {
            Console.line(Options.usage)
            return 0
        }
        if options.listDrivers {
            for (part, bus, measures) in SimulatedBoard.parts {
                var name = part
                while name.utf8.count < 16 { name += " " }
                var busName = bus
                while busName.utf8.count < 8 { busName += " " }
                Console.line(name + busName + measures)
            }
            return 0
        }
        if let frames = options.benchFrames {
            return FrameBench.main(frames: frames, only: options.benchFormat)
        }
        if options.config != nil {
            return ConfiguredRun.run(options)
        }
        if let path = options.i2cBus {
            return runBoard(path: path, options: options)
        }
        if let samples = options.benchSamples {
            runBench(samples: samples)
        } else if options.realtime {
            runSimulatedBoard(clock: MonotonicClock(), options: options, frames: options.frames)
        } else {
            runSimulatedBoard(clock: VirtualClock(), options: options, frames: options.frames ?? defaultSimulatedFrames)
        }
        return 0
    }

    /// The BME280 model at 0x76 on a simulated I2C bus, alone: the bench's workload.
    private static func simulatedBME280(clock: some Clock) -> BME280<SimulatedI2CBus> {
        let bus = SimulatedI2CBus(name: "sim-i2c-1")
        bus.attach(BME280Model(address: 0x76, clock: clock))
        return BME280(bus: bus, address: 0x76)
    }

    private static func runSimulatedBoard<C: Clock>(clock: C, options: Options, frames: Int?) {
        let node = SimulatedBoard.node(clock: clock, sink: ConsoleSink(options), faults: options.faults)
        node.run(frames: frames)
    }

    /// A real BME280 on a Linux I2C adapter, on the kernel's clock. A part that does not answer
    /// is a degraded channel the node retries; an adapter that cannot be opened is a setup error.
    private static func runBoard(path: String, options: Options) -> Int32 {
        let bus: LinuxI2CBus
        do {
            bus = try LinuxI2CBus(path: path)
        } catch {
            Console.line("mote: \(error.description)", to: .error)
            return 1
        }
        let node = Node(sensor: BME280(bus: bus, address: options.i2cAddress), clock: MonotonicClock(),
                        sink: ConsoleSink(options))
        node.run(frames: options.frames)
        return 0
    }

    /// The bench workload of scripts/bench: datasheet calibration, EMA α = 0.2 per channel, a
    /// CayenneLPP frame per 10 samples; one digest line instead of every event.
    private static func runBench(samples: Int) {
        let clock = VirtualClock()
        let node = Node(sensor: simulatedBME280(clock: clock), clock: clock, sink: FrameDigest())
        node.run(samples: samples)
        Console.line(node.sink.summary(samples: node.samples))
    }
}

/// Events to the console, as JSON lines or as lines for people.
struct ConsoleSink: EventSink {
    let format: Options.Output
    /// Readings too, or only frames, events, sensor states and warnings.
    var readings = true

    init(format: Options.Output, readings: Bool = true) {
        self.format = format
        self.readings = readings
    }

    init(_ options: Options) {
        self.init(format: options.output, readings: !options.quiet)
    }

    mutating func emit(_ event: NodeEvent) {
        if !readings, case .reading = event { return }
        Console.line(format == .jsonl ? EventText.json(event) : EventText.human(event))
    }
}

/// Counts frames and folds every frame byte into a 64-bit FNV-1a digest: a fingerprint that
/// changes with any byte of any frame, for comparing builds (not a cryptographic hash).
struct FrameDigest: EventSink {
    private(set) var frames = 0
    private(set) var bytes = 0
    private(set) var digest: UInt64 = 0xcbf2_9ce4_8422_2325
    private(set) var last: [UInt8] = []

    mutating func emit(_ event: NodeEvent) {
        guard case .frame(let frame, _) = event else { return }
        frames += 1
        bytes += frame.bytes.count
        for byte in frame.bytes {
            digest = (digest ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        last = frame.bytes
    }

    func summary(samples: Int) -> String {
        var digestBytes: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) { digestBytes.append(UInt8(truncatingIfNeeded: digest >> UInt64(shift))) }
        return "{\"type\":\"bench\",\"samples\":\(samples),\"frames\":\(frames),\"bytes\":\(bytes),"
            + "\"fnv1a64\":\"\(Hex.encode(digestBytes))\",\"last\":\"\(Hex.encode(last))\"}"
    }
}
