import MoteHAL
import MoteLinux
import MoteNode
import MoteSimulation

/// `mote --config NODE.toml`: load and check the files, build the node on the board's buses or
/// on device models, run it under systemd's eyes, keep its state across restarts.
public enum ConfiguredRun {
    /// sysexits.h EX_CONFIG: the node refuses to start on a file it cannot trust, and systemd
    /// (RestartPreventExitStatus=78) does not restart it into the same error.
    public static let invalidConfiguration: Int32 = 78

    static func run(_ options: Options) -> Int32 {
        guard let path = options.config else { return 2 }
        let loaded: (node: NodeConfiguration, board: BoardConfiguration, boardFile: String)
        switch loadFiles(path, board: options.board, deviceTree: options.deviceTree) {
        case .success(let files): loaded = files
        case .failure(let problems):
            for problem in problems.errors { Console.line(problem.description, to: .error) }
            Console.line("mote: \(problems.errors.count) error\(problems.errors.count == 1 ? "" : "s"); the node does not start", to: .error)
            return invalidConfiguration
        }
        let (configuration, board) = (loaded.node, loaded.board)
        if options.check {
            Console.write(configuration.normalized)
            return 0
        }
        let simulated = board.simulated || options.simulate || options.simDuration != nil
        if !options.downlinks.isEmpty && (!simulated || !UplinkConfiguration.modemTransports.contains(configuration.uplink.transport)) {
            Console.line("mote: --downlink is for a simulated modem: [uplink] transport = "
                         + UplinkConfiguration.modemTransports.joined(separator: ", ") + ", on device models", to: .error)
            return 2
        }
        var faults = FaultPlan()
        if let file = options.faultsFile {
            guard simulated, !options.realtime else {
                Console.line("mote: --faults is for device models on the virtual clock: add --simulate", to: .error)
                return 2
            }
            guard let text = Files.read(file, maximumLength: 1 << 20) else {
                Console.line("mote: --faults \(file): " + (Files.exists(file) ? "cannot be read" : "no such file"), to: .error)
                return 2
            }
            switch FaultPlan.parse(text, file: file, node: configuration) {
            case .success(let plan): faults = plan
            case .failure(let problems):
                for message in problems.messages { Console.line("mote: " + message, to: .error) }
                return 2
            }
        }
        if options.simStart != nil && (!simulated || options.realtime) {
            Console.line("mote: --sim-start is for device models on the virtual clock: add --simulate", to: .error)
            return 2
        }
        let sink = ConsoleSink(options)
        if simulated {
            if options.realtime {
                return runSimulatedRealtime(configuration, options: options, sink: sink)
            }
            return runSimulated(configuration, options: options, faults: faults, sink: sink)
        }
        if let refusal = boardConflict(board, boardFile: loaded.boardFile, deviceTree: options.deviceTree) {
            Console.line(refusal, to: .error)  // a Pi 5 driven as a Pi 4 would open the wrong chip
            return invalidConfiguration
        }
        return runOnBoard(configuration, board: board, options: options, sink: sink)
    }

    public struct Problems: Error {
        public var errors: [ConfigError]
    }

    /// Both files, parsed and checked against each other; every error of both at once.
    /// `node.board = "auto"` takes the board file the device tree (`deviceTree`, default
    /// /proc/device-tree) identifies among those of the first board directory that has any.
    public static func load(_ path: String, board boardPath: String?, deviceTree: String? = nil)
        -> Result<(NodeConfiguration, BoardConfiguration), Problems> {
        loadFiles(path, board: boardPath, deviceTree: deviceTree).map { ($0.node, $0.board) }
    }

    /// `load`, and which board file it used. `architecture`: whose board files "auto" considers.
    static func loadFiles(_ path: String, board boardPath: String?, deviceTree: String?,
                          architecture: String? = BoardIdentification.runningArchitecture)
        -> Result<(node: NodeConfiguration, board: BoardConfiguration, boardFile: String), Problems> {
        guard let text = Files.read(path, maximumLength: 1 << 20) else {
            return .failure(Problems(errors: [unreadable(path)]))
        }
        let (configuration, errors) = NodeConfiguration.parsePartially(text, file: path)
        func failure(_ message: String) -> Result<(node: NodeConfiguration, board: BoardConfiguration, boardFile: String), Problems> {
            .failure(Problems(errors: ConfigError.inFileOrder(errors + [ConfigError(file: path, position: configuration.boardPosition,
                                                                                    key: "node.board", message: message)])))
        }
        var candidates = boardPath.map { [$0] } ?? boardFiles(for: configuration.board, next: path)
        if boardPath == nil && configuration.board == autoBoard {
            switch identifiedBoardFile(next: path, deviceTree: deviceTree, architecture: architecture) {
            case .success(let file): candidates = [file]
            case .failure(let problem): return failure("\"auto\": " + problem.message)
            }
        }
        guard let found = candidates.first(where: { Files.exists($0) }),
              let boardText = Files.read(found, maximumLength: 1 << 20) else {
            return failure("no board file for \"\(configuration.board)\"; looked for " + candidates.joined(separator: ", "))
        }
        let (board, boardErrors) = BoardConfiguration.parse(boardText, file: found)
        guard let board else { return .failure(Problems(errors: ConfigError.inFileOrder(errors + boardErrors))) }
        // Sensors the schema could read are checked against the board even when others could not.
        let all = ConfigError.inFileOrder(errors + board.check(configuration, file: path))
        guard all.isEmpty else { return .failure(Problems(errors: all)) }
        return .success((configuration, board, found))
    }

    /// `node.board = "auto"`: the board the device tree identifies.
    public static let autoBoard = "auto"

    /// The board directories a node file's board files are looked for in, in order.
    static func boardDirectories(next nodeFile: String) -> [String] {
        let directory = Files.directory(of: nodeFile)
        return [directory + "/boards", directory + "/../boards", BoardFiles.installed]
    }

    /// The file of the board the device tree identifies, among the first board directory with board files.
    private static func identifiedBoardFile(next nodeFile: String, deviceTree: String?, architecture: String?) -> Result<String, SetupError> {
        identifiedBoard(in: boardDirectories(next: nodeFile), deviceTree: deviceTree, architecture: architecture).map { $0.directory + "/" + $0.id + ".toml" }
    }

    /// The board the device tree identifies among the board files of the first of `directories` that has any.
    static func identifiedBoard(in directories: [String], deviceTree: String?, architecture: String?) -> Result<(directory: String, id: String), SetupError> {
        var found: (directory: String, boards: [BoardConfiguration])?
        for directory in directories where found == nil {
            let boards = BoardFiles.load(directory).boards
            if !boards.isEmpty { found = (directory, boards) }
        }
        guard let found else {
            return .failure(SetupError(message: "no board files in " + directories.joined(separator: ", ")))
        }
        let (directory, boards) = (found.directory, found.boards)
        let (tree, looked) = BoardFiles.deviceTree(deviceTree)
        guard let tree else {
            return .failure(SetupError(message: "no device tree to identify the board by (no model or compatible in "
                                       + looked.joined(separator: " or ") + "); name the board, or give --board FILE"))
        }
        switch BoardIdentification.identify(tree, among: boards, architecture: architecture) {
        case .success(let match): return .success((directory, match.board.id))
        case .failure(let unknown): return .failure(SetupError(message: unknown.description))
        }
    }

    /// Why the node must not start on this board: the node file names one board and the device
    /// tree identifies another known one (among the board files next to the named one, of any
    /// architecture: a Pi 4 file on a Pi 5 is wrong whatever the build). Nil when they agree, or
    /// when there is no device tree or it identifies no known board (the node then runs with
    /// the board file it was given).
    static func boardConflict(_ board: BoardConfiguration, boardFile: String, deviceTree: String?) -> String? {
        guard let tree = BoardFiles.deviceTree(deviceTree).tree else { return nil }
        let known = BoardFiles.load(Files.directory(of: boardFile)).boards
        guard let other = BoardIdentification.conflict(named: board, tree: tree, among: known, architecture: nil) else { return nil }
        return "mote: node.board is \"\(board.id)\" (\(board.name)), but the device tree says this is \(other.board.id) (\(other.board.name)): "
            + tree.summary + "; the node does not start (set node.board = \"\(other.board.id)\", or \"auto\")"
    }

    private static func unreadable(_ path: String) -> ConfigError {
        ConfigError(file: path, position: TOMLPosition(line: 1, column: 1), key: "",
                    message: Files.exists(path) ? "cannot be read (larger than 1 MiB, or no permission)" : "no such file")
    }

    /// boards/<id>.toml next to the node file, in its parent (examples/ beside boards/), then /etc/mote/boards.
    static func boardFiles(for id: String, next nodeFile: String) -> [String] {
        boardDirectories(next: nodeFile).map { $0 + "/" + id + ".toml" }
    }

    /// The node the file describes, on `buses`; nil (and said why) when one cannot be opened.
    private static func build<B: Buses, Sink: EventSink>(_ configuration: NodeConfiguration, buses: B, sink: Sink, file: String) -> Node<B.C, Sink>? {
        let node = Node(clock: buses.clock, sink: sink, settings: ConfiguredNode.settings(configuration))
        do {
            try ConfiguredNode.addSensors(configuration, buses: buses, to: node)
        } catch {
            Console.line("mote: \(file):\(error.message)", to: .error)  // file:line:column: sensor[i] ("id"): what failed
            return nil
        }
        return node
    }

    /// The node on device models and the virtual clock: a day runs in about a second.
    private static func runSimulated(_ configuration: NodeConfiguration, options: Options, faults: FaultPlan, sink: ConsoleSink) -> Int32 {
        let start = Instant.zero + (options.simStart ?? .zero)
        let clock = VirtualClock(start: start)
        let buses = SimulatedBuses(clock: clock, span: options.simDuration ?? TimeSpan.seconds(86_400), downlinks: options.downlinks,
                                   start: start, faults: faults)
        let state = options.stateDirectory.map { NodeState(directory: $0, node: configuration.name) }
        guard let pump = UplinkPump(configuration, state: state, buses: buses, console: sink),
              let node = build(configuration, buses: buses, sink: QueueingSink(pump: pump), file: options.config ?? "") else { return 1 }
        pump.applyDownlinks(to: node, configuration: configuration)
        defer { pump.detachDownlinks() }  // the handler holds the node, which holds the pump
        if let state, !state.attach(to: node) { return 1 }
        node.sleeper = pump.serviced(node.sleeper)
        pump.service()  // what the queue holds from before goes first
        // A virtual clock never waits, so every run has an end: the duration asked for, or the
        // time N uplink intervals take (a node with nothing framed would otherwise spin forever).
        let settings = node.settings
        let frames = options.frames ?? (options.simDuration == nil ? MoteCommand.defaultSimulatedFrames : nil)
        let end = options.simDuration.map { start + $0 }
            ?? start + settings.firstUplink + settings.uplinkInterval * Int64((frames ?? 1) - 1) + TimeSpan(nanoseconds: 1)
        node.run(frames: frames, until: end)
        pump.service()
        state?.close(node)
        pump.report()
        return 0
    }

    /// Device models on the kernel's clock, supervised like a board node: a demonstration at a
    /// real node's pace, and what the systemd and bench checks run on the desktop.
    private static func runSimulatedRealtime(_ configuration: NodeConfiguration, options: Options, sink: ConsoleSink) -> Int32 {
        let clock = MonotonicClock()
        let buses = SimulatedBuses(clock: clock, span: TimeSpan.seconds(86_400))
        let state = NodeState(directory: options.stateDirectory ?? configuration.storage.stateDirectory, node: configuration.name)
        let watchdog = ServiceWatchdog(ServiceNotifier.fromEnvironment(), clock: clock)
        guard let pump = UplinkPump(configuration, state: state, buses: buses, console: sink, keepAlive: { watchdog.ping() }),
              let node = build(configuration, buses: buses, sink: QueueingSink(pump: pump), file: options.config ?? "") else { return 1 }
        pump.applyDownlinks(to: node, configuration: configuration)
        defer { pump.detachDownlinks() }  // the handler holds the node, which holds the pump
        return supervise(node, pump: pump, state: state, watchdog: watchdog, clock: clock, configuration: configuration, options: options)
    }

    private static func runOnBoard(_ configuration: NodeConfiguration, board: BoardConfiguration, options: Options, sink: ConsoleSink) -> Int32 {
        let clock = MonotonicClock(fromBoot: true)  // the timeline of GPIO edge timestamps
        let buses = LinuxBuses(clock: clock, board: board)
        let state = NodeState(directory: options.stateDirectory ?? configuration.storage.stateDirectory, node: configuration.name)
        let watchdog = ServiceWatchdog(ServiceNotifier.fromEnvironment(), clock: clock)
        guard let pump = UplinkPump(configuration, state: state, buses: buses, console: sink, keepAlive: { watchdog.ping() }),
              let node = build(configuration, buses: buses, sink: QueueingSink(pump: pump), file: options.config ?? "") else { return 1 }
        pump.applyDownlinks(to: node, configuration: configuration)
        defer { pump.detachDownlinks() }  // the handler holds the node, which holds the pump
        return supervise(node, pump: pump, state: state, watchdog: watchdog, clock: clock, configuration: configuration, options: options)
    }

    /// Runs `node` on the real clock: READY once it is built, watchdog pings at half the
    /// interval systemd asked for, and on SIGTERM or SIGINT the pending values are queued (and
    /// sent if the link takes them) and the state saved before the exit. The queue is durable
    /// at every instant, so a kill loses nothing accepted either.
    static func supervise<C: Clock, Sink: EventSink, ModemPort: SerialPort>(_ node: Node<C, Sink>, pump: UplinkPump<C, ModemPort>, state: NodeState,
                                                                         watchdog: ServiceWatchdog, clock: C,
                                                                         configuration: NodeConfiguration, options: Options) -> Int32 {
        guard state.attach(to: node) else { return 1 }
        let signals: TerminationSignals
        do {
            signals = try TerminationSignals()
        } catch {
            Console.line("mote: cannot watch for SIGTERM: \(error.description)", to: .error)
            return 1
        }
        let notifier = watchdog.notifier
        node.sleeper = { deadline, descriptors in
            while true {
                watchdog.ping()
                var until = deadline
                if let due = watchdog.due, due < until { until = due }
                let ready = Poller.wait(readable: descriptors + [signals.fileDescriptor], until: until, clock: clock)
                if ready.contains(where: { $0.index == descriptors.count }), let signal = signals.take() {
                    if signal == .terminate {
                        _ = notifier?.stopping(status: "sending what was reported and saving state")
                        signals.release()  // a second signal ends a shutdown that hangs
                        return .terminate
                    }
                    continue  // SIGHUP: nothing to reload yet
                }
                let readable = ready.filter { $0.index < descriptors.count }.map { descriptors[$0.index] }
                if !readable.isEmpty || clock.now() >= deadline { return .woke(ready: readable) }
            }
        }
        node.sleeper = pump.serviced(node.sleeper)
        // Ready once the sensors are built: a modem's join, in the first service, can take minutes.
        _ = notifier?.ready(status: "\(configuration.name): \(configuration.sensors.count) sensors")
        // Healthy once ready and a first frame is accepted: an update on trial is kept
        // (docs/updates.md). A single small write per start, and only from a slot's binary.
        pump.onFirstAccepted = {
            if let problem = HealthMark.write(stateDirectory: state.directory) { Console.line("mote: " + problem, to: .error) }
        }
        pump.service()  // what the queue holds from before goes first
        node.run(frames: options.frames)
        pump.service()
        state.close(node)
        pump.report()
        Console.flush()
        return 0
    }
}

/// What the node keeps across restarts, in `<state_dir>/<node.name>.state.toml`, replaced
/// atomically and durably. The frame counter is written ahead: the file says "no frame numbered
/// this or above has been sent", so numbers are reserved a block at a time before they are
/// used, and a crash (SIGKILL, power cut, the watchdog) skips at most a block, never reuses one.
struct NodeState {
    /// Numbers reserved per write: at one frame a minute, a write an hour.
    static let block: UInt32 = 64

    let directory: String
    let node: String
    var path: String { directory + "/" + node + ".state.toml" }
    /// The uplink queue's log (docs/uplink-queue.md).
    var queuePath: String { directory + "/" + node + ".queue" }

    /// The first number that may be used, or why the file cannot be trusted. No file: 0.
    func load() -> Result<UInt32, SetupError> {
        guard Files.exists(path) else { return .success(0) }
        guard let text = Files.read(path) else { return .failure(SetupError(message: "state file \(path) cannot be read")) }
        let (document, errors) = TOML.parse(text)
        guard errors.isEmpty, case .integer(let next)? = document["next_sequence"]?.node.value, let sequence = UInt32(exactly: next) else {
            // Starting from 0 could reuse frame counters the network has seen: an operator decides.
            return .failure(SetupError(message: "state file \(path) holds no valid next_sequence; fix it, or remove it to count frames from 0 again"))
        }
        return .success(sequence)
    }

    func save(_ nextSequence: UInt32) -> Bool {
        Files.writeAtomically(path, "# Written by mote; do not edit while it runs.\nnext_sequence = \(nextSequence)\n") == nil
    }

    /// Restores the node's counter and has it reserve numbers through this file; false (and
    /// said why) when the file cannot be trusted or written, and the node must not start.
    func attach<C: Clock, Sink: EventSink>(to node: Node<C, Sink>) -> Bool {
        switch load() {
        case .failure(let problem):
            Console.line("mote: \(problem.message)", to: .error)
            return false
        case .success(let next):
            node.nextSequence = next
        }
        node.reserveSequences = { upTo in self.save(upTo) }
        node.sequenceBlock = NodeState.block
        guard node.reserveNow() else {
            Console.line("mote: cannot write the state file \(path)", to: .error)
            return false
        }
        return true
    }

    /// After a clean stop: every number below the node's next one is used, none above.
    func close<C: Clock, Sink: EventSink>(_ node: Node<C, Sink>) {
        if !save(node.nextSequence) { Console.line("mote: could not save state in \(path)", to: .error) }
    }
}
