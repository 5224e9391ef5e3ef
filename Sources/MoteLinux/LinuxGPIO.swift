import CClock
import CGPIO
import MoteHAL

/// A GPIO chip of the character-device interface, opened by label, name or path: never by
/// number alone, since numbers move between kernels and boards (gpiochip4 on a Pi 5 before
/// 6.6.45, gpiochip0 after).
public final class LinuxGPIOChip {
    fileprivate let handle: OpaquePointer
    public let name: String
    public let label: String
    public let lineCount: Int

    /// A line's state as the kernel reports it.
    public struct LineInfo: Equatable {
        public var offset: Int
        public var name: String?
        public var consumer: String?
        public var output: Bool
        public var used: Bool
        public var activeLow: Bool
        public var bias: GPIOLineSettings.Bias
    }

    /// `spec`: a path (/dev/gpiochip0), a name (gpiochip0) or a label (pinctrl-bcm2711).
    public init(_ spec: String) throws(GPIOError) {
        var chip: OpaquePointer?
        let rc = spec.withCString { mote_gpio_chip_open($0, &chip) }
        guard rc == 0, let chip else {
            let errno = Errno(-rc)
            if errno == .ENOENT || errno == .ENODEV || errno == .ENOTTY {
                throw GPIOError(.noSuchChip, operation: "open", chip: spec, errno: errno, existing: Self.summaries())
            }
            throw GPIOError(errno: errno, operation: "open", chip: spec)
        }
        handle = chip
        name = String(cString: mote_gpio_chip_name(chip))
        label = String(cString: mote_gpio_chip_label(chip))
        lineCount = Int(mote_gpio_chip_line_count(chip))
    }

    private init(handle: OpaquePointer) {
        self.handle = handle
        name = String(cString: mote_gpio_chip_name(handle))
        label = String(cString: mote_gpio_chip_label(handle))
        lineCount = Int(mote_gpio_chip_line_count(handle))
    }

    deinit { mote_gpio_chip_close(handle) }

    /// Every chip that can be opened, in /dev order.
    public static func all() -> [LinuxGPIOChip] {
        var chips: [LinuxGPIOChip] = []
        for entry in Files.list("/dev", prefix: "gpiochip") {
            guard let index = UInt32(entry.dropFirst(8)) else { continue }
            var chip: OpaquePointer?
            if mote_gpio_chip_open_index(index, &chip) == 0, let chip { chips.append(LinuxGPIOChip(handle: chip)) }
        }
        return chips
    }

    /// "gpiochip1 [mote-sim]" for every chip, for error messages.
    public static func summaries() -> [String] {
        all().map { "\($0.name) [\($0.label)]" }
    }

    public var summary: String { "\(name) [\(label)]" }

    public func lineInfo(_ offset: Int) throws(GPIOError) -> LineInfo {
        guard offset >= 0 && offset < lineCount else { throw noSuchLine(String(offset)) }
        var info = mote_gpio_line_info()
        let rc = mote_gpio_line_info_get(handle, UInt32(offset), &info)
        guard rc == 0 else { throw GPIOError(errno: Errno(-rc), operation: "line info", chip: summary, line: String(offset)) }
        let lineName = mote_gpio_line_name(handle, UInt32(offset)).map { String(cString: $0) }
        let consumer = mote_gpio_line_consumer(handle, UInt32(offset)).map { String(cString: $0) }
        return LineInfo(offset: offset, name: lineName, consumer: consumer, output: info.output, used: info.used,
                        activeLow: info.active_low, bias: Self.bias(info.bias))
    }

    /// A line by name, or by offset when `line` is a number.
    public func offset(of line: String) throws(GPIOError) -> Int {
        let rc = line.withCString { mote_gpio_chip_find_line(handle, $0) }
        if rc >= 0 { return Int(rc) }
        if let offset = Int(line), offset >= 0, offset < lineCount { return offset }
        throw noSuchLine(line)
    }

    private func noSuchLine(_ line: String) -> GPIOError {
        var names: [String] = []
        for offset in 0..<lineCount {
            let lineName = mote_gpio_line_name(handle, UInt32(offset)).map { String(cString: $0) }
            names.append(lineName.map { "\(offset) \($0)" } ?? "\(offset)")
        }
        return GPIOError(.noSuchLine, operation: "find line", chip: summary, line: line, existing: names)
    }

    /// Requests `offset` with `settings`; the request lasts as long as the returned line.
    public func request(_ offset: Int, _ settings: GPIOLineSettings, consumer: String = "mote") throws(GPIOError) -> LinuxGPIOLine {
        guard offset >= 0 && offset < lineCount else { throw noSuchLine(String(offset)) }
        return try LinuxGPIOLine(chip: self, offset: offset, settings: settings, consumer: consumer)
    }

    fileprivate static func bias(_ raw: Int32) -> GPIOLineSettings.Bias {
        switch raw {
        case Int32(MOTE_GPIO_BIAS_DISABLED): return .disabled
        case Int32(MOTE_GPIO_BIAS_PULL_UP): return .pullUp
        case Int32(MOTE_GPIO_BIAS_PULL_DOWN): return .pullDown
        case Int32(MOTE_GPIO_BIAS_AS_IS): return .asIs
        default: return .unknown
        }
    }
}

/// A requested line, held for the object's lifetime and reconfigured in place.
///
/// Edge events carry the kernel's CLOCK_MONOTONIC timestamps (`Instant`s since boot). With a
/// debounce window and libgpiod 1.6 (no kernel debounce), the line asks the kernel for both
/// edges and `Debouncer` reports the settled ones.
public final class LinuxGPIOLine: GPIOPin {
    public let chip: LinuxGPIOChip
    public let offset: Int
    public private(set) var settings: GPIOLineSettings
    private var handle: OpaquePointer
    private let consumer: String
    private var debouncer: Debouncer?
    /// Kernel time: event timestamps and debounce deadlines share it.
    private let kernelClock = MonotonicClock(fromBoot: true)

    fileprivate init(chip: LinuxGPIOChip, offset: Int, settings: GPIOLineSettings, consumer: String) throws(GPIOError) {
        self.chip = chip
        self.offset = offset
        self.settings = settings
        self.consumer = consumer
        var config = Self.config(settings, softwareDebounce: !mote_gpio_kernel_debounce())
        var line: OpaquePointer?
        let rc = consumer.withCString { name in
            config.consumer = name
            return mote_gpio_request(chip.handle, UInt32(offset), &config, &line)
        }
        guard rc == 0, let line else {
            throw GPIOError(errno: Errno(-rc), operation: "request", chip: chip.summary, line: String(offset))
        }
        handle = line
        try startDebounce()
    }

    deinit { mote_gpio_release(handle) }

    private var lineName: String { String(offset) }

    private static func config(_ settings: GPIOLineSettings, softwareDebounce: Bool) -> mote_gpio_config {
        var config = mote_gpio_config()
        if case .output(let initial) = settings.direction {
            config.output = true
            config.initial_value = initial ? 1 : 0
        }
        config.active_low = settings.activeLow
        switch settings.bias {
        case .asIs, .unknown: config.bias = Int32(MOTE_GPIO_BIAS_AS_IS)
        case .disabled: config.bias = Int32(MOTE_GPIO_BIAS_DISABLED)
        case .pullUp: config.bias = Int32(MOTE_GPIO_BIAS_PULL_UP)
        case .pullDown: config.bias = Int32(MOTE_GPIO_BIAS_PULL_DOWN)
        }
        let debounced = settings.debounce > .zero && !config.output
        var edge = settings.edge
        if debounced && softwareDebounce && edge != .none { edge = .both }  // Debouncer needs every edge
        switch edge {
        case .none: config.edge = Int32(MOTE_GPIO_EDGE_NONE)
        case .rising: config.edge = Int32(MOTE_GPIO_EDGE_RISING)
        case .falling: config.edge = Int32(MOTE_GPIO_EDGE_FALLING)
        case .both: config.edge = Int32(MOTE_GPIO_EDGE_BOTH)
        }
        if debounced && !softwareDebounce { config.debounce_us = UInt32(clamping: settings.debounce.nanoseconds / 1000) }
        return config
    }

    private func startDebounce() throws(GPIOError) {
        debouncer = nil
        if settings.debounce > .zero, settings.edge != .none, settings.direction == .input, !mote_gpio_kernel_debounce() {
            debouncer = Debouncer(window: settings.debounce, edge: settings.edge, level: try value())
        }
    }

    /// The logical value (active-low applied).
    public func value() throws(GPIOError) -> Bool {
        let rc = mote_gpio_get(handle)
        guard rc >= 0 else { throw GPIOError(errno: Errno(-rc), operation: "get", chip: chip.summary, line: lineName) }
        return rc == 1
    }

    public func set(_ value: Bool) throws(GPIOError) {
        let rc = mote_gpio_set(handle, value ? 1 : 0)
        guard rc == 0 else { throw GPIOError(errno: Errno(-rc), operation: "set", chip: chip.summary, line: lineName) }
    }

    /// Changes direction, bias, active-low, edges or debounce without giving the line up.
    public func reconfigure(_ new: GPIOLineSettings) throws(GPIOError) {
        var config = Self.config(new, softwareDebounce: !mote_gpio_kernel_debounce())
        let rc = consumer.withCString { name in
            config.consumer = name
            return mote_gpio_reconfigure(handle, &config)
        }
        guard rc == 0 else { throw GPIOError(errno: Errno(-rc), operation: "reconfigure", chip: chip.summary, line: lineName) }
        settings = new
        try startDebounce()
    }

    /// The bias the kernel reports now: drivers may ignore a request, so read it back.
    public func bias() throws(GPIOError) -> GPIOLineSettings.Bias {
        try chip.lineInfo(offset).bias
    }

    /// The descriptor that becomes readable when an event is queued, for a shared poll.
    public func eventDescriptor() throws(GPIOError) -> Int32 {
        let fd = mote_gpio_event_fd(handle)
        guard fd >= 0 else { throw GPIOError(errno: Errno(-fd), operation: "event fd", chip: chip.summary, line: lineName) }
        return fd
    }

    /// The next reported edge, or nil when `deadline` (kernel time, since boot) passes first.
    public func nextEvent(until deadline: Instant?) throws(GPIOError) -> GPIOEdgeEvent? {
        let fd = try eventDescriptor()
        while true {
            var wake = deadline
            if let settle = debouncer?.deadline, wake.map({ settle < $0 }) ?? true { wake = settle }
            let ready = Poller.wait(readable: [fd], until: wake, clock: kernelClock)
            if !ready.isEmpty {
                var raw = mote_gpio_event()
                let rc = mote_gpio_read_event(handle, &raw)
                guard rc == 0 else { throw GPIOError(errno: Errno(-rc), operation: "read event", chip: chip.summary, line: lineName) }
                let event = GPIOEdgeEvent(rising: raw.rising, timestamp: Instant(nanoseconds: raw.timestamp_ns), sequence: raw.sequence)
                guard debouncer != nil else { return event }
                debouncer!.raw(rising: event.rising, at: event.timestamp)
            }
            let now = kernelClock.now()
            if let settled = debouncer?.expire(at: now) { return settled }
            if let deadline, now >= deadline { return nil }
        }
    }

    /// The event descriptor of an edge-reporting input, and when a pending debounce settles (on
    /// the kernel's timeline: a node waking on it runs on `MonotonicClock(fromBoot: true)`).
    public var wakeSource: WakeSource {
        guard settings.edge != .none, let fd = try? eventDescriptor() else { return .none }
        return WakeSource(descriptor: fd, at: debouncer?.deadline)
    }

    /// Every event reported up to now (debounced ones once settled), without waiting.
    public func takeEvents() throws(GPIOError) -> [GPIOEdgeEvent] {
        var events: [GPIOEdgeEvent] = []
        let now = kernelClock.now()
        while let event = try nextEvent(until: now) { events.append(event) }
        return events
    }

    /// Kernel time now, on the timeline of event timestamps.
    public func now() -> Instant { kernelClock.now() }
}

/// The GPIO chips of a board file, by label, searched in order for a line name: libgpiod's own
/// lookup on each chip, so a BeagleBone's "P9_12" is found on whichever of its four chips holds
/// it. Chips open on first use and stay open; a label no chip has is skipped while another
/// listed chip exists. The label "*" stands for every chip, in /dev order (the generic board
/// file, which knows no labels): its lines are found by name only.
public final class LinuxGPIOChipSet {
    public let labels: [String]
    private var opened: [(label: String, chip: LinuxGPIOChip)] = []
    private var absent: [String] = []

    public init(labels: [String]) {
        self.labels = labels
    }

    /// The listed chips that exist, in list order; `noSuchChip` (with the chips there are) when none does.
    public func chips() throws(GPIOError) -> [LinuxGPIOChip] {
        var firstError: GPIOError?
        for label in labels where !absent.contains(label) && !opened.contains(where: { $0.label == label }) {
            if label == Self.everyChip {
                absent.append(label)  // listed once; the chips themselves are kept under their own names
                for chip in LinuxGPIOChip.all() where !opened.contains(where: { $0.chip.name == chip.name }) {
                    opened.append((Self.everyChip + chip.name, chip))
                }
                continue
            }
            do {
                opened.append((label, try LinuxGPIOChip(label)))
            } catch {
                if error.kind == .noSuchChip { absent.append(label) } else if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }  // a chip that exists but cannot be opened (permissions)
        var chips: [LinuxGPIOChip] = []
        for label in labels {
            if label == Self.everyChip {
                for entry in opened where entry.label.hasPrefix(Self.everyChip) && !chips.contains(where: { $0 === entry.chip }) {
                    chips.append(entry.chip)
                }
            } else if let entry = opened.first(where: { $0.label == label }), !chips.contains(where: { $0 === entry.chip }) {
                chips.append(entry.chip)
            }
        }
        guard !chips.isEmpty else {
            throw GPIOError(.noSuchChip, operation: "open", chip: Self.joined(labels), existing: LinuxGPIOChip.summaries())
        }
        return chips
    }

    /// The chip and offset of the line called `name` on the first listed chip that has one; a
    /// number is an offset on the first chip when no chip has a line of that name.
    public func locate(_ name: String) throws(GPIOError) -> (chip: LinuxGPIOChip, offset: Int) {
        let chips = try chips()
        for chip in chips {
            let rc = name.withCString { mote_gpio_chip_find_line(chip.handle, $0) }
            if rc >= 0 { return (chip, Int(rc)) }
            if rc != -Errno.ENOENT.rawValue {
                throw GPIOError(errno: Errno(-rc), operation: "find line", chip: chip.summary, line: name)
            }
        }
        let wildcard = labels.contains(Self.everyChip)
        if chips.count == 1 && !wildcard { return (chips[0], try chips[0].offset(of: name)) }  // its own message: every line of the chip
        if !wildcard, let offset = Int(name), offset >= 0, offset < chips[0].lineCount { return (chips[0], offset) }
        throw GPIOError(.noSuchLine, operation: "find line", chip: Self.joined(chips.map { $0.summary }), line: name,
                        existing: ["see `mote gpio list`"])
    }

    /// The label that stands for every chip.
    public static let everyChip = "*"

    private static func joined(_ names: [String]) -> String {
        var text = ""
        for name in names { text += (text.isEmpty ? "" : ", ") + name }
        return text
    }
}
