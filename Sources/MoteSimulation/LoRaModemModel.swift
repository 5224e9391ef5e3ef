import MoteHAL

/// A LoRaWAN modem as the serial port its host talks to, in one of three dialects: RAK3172 with
/// RUI3 AT commands, Seeed LoRa-E5 / Wio-E5, Microchip RN2483. Byte for byte what the manuals
/// show: CR LF line ends, the RAK3172's echo (ATE, on by default as the manual's examples show
/// it), a join that takes `joinDelay` per attempt, a send whose result comes `transmitTime`
/// later, a downlink queue the network side fills, acks on confirmed frames.
///
/// The network is not simulated: a join succeeds unless `failJoins(_:)` said otherwise, a
/// confirmed frame is acknowledged while `acknowledges` is true, the next queued downlink comes
/// with the next uplink that the network answers. The replies' texts are the model's own
/// constants, not the transport's, so a wrong transport constant fails a test.
///
/// On the virtual clock it is a `SerialPort` like the other models; on a real pseudo-terminal
/// `pump(_:)` / `serve(_:until:)` move its bytes to and from the master side.
public final class LoRaModemModel: SerialPort {
    public enum Dialect: String, CaseIterable, Equatable, Sendable {
        case rak3172 = "rak3172", loraE5 = "lora-e5", rn2483 = "rn2483"
    }

    public enum Fault: Equatable, Sendable {
        /// The cable is off: nothing is received, nothing sent.
        case silence
        /// Every line the modem sends is line noise instead (bytes 00 FF 8A 13 7F, then CR LF).
        case garbage
        /// Joins and sends are refused as busy (AT_BUSY_ERROR, "LoRaWAN modem is busy", busy).
        case busy
        /// Sends are refused for the duty cycle (AT_DUTYCYCLE_RESTRICTED, "No free channel", no_free_ch).
        case dutyCycle
        /// The uplink frame counter is exhausted: RN2483 says frame_counter_err_rejoin_needed;
        /// the RAK3172 and E5 have no such reply and drop the session (not joined).
        case frameCounter
    }

    /// One frame the modem put on air.
    public struct Uplink: Equatable, Sendable {
        public var port: UInt8
        public var bytes: [UInt8]
        public var confirmed: Bool
    }

    public let dialect: Dialect
    public let name: String
    public let configuration: SerialConfiguration
    /// RAK3172: echo each received byte (ATE toggles it).
    public var echo: Bool
    /// From the join command to its result, per attempt: join request airtime plus RX2 at 6 s.
    public var joinDelay: TimeSpan = .seconds(7)
    /// From a send command to its result: airtime plus both receive windows.
    public var transmitTime: TimeSpan = .seconds(3)
    /// The largest payload the current data rate takes (51 bytes at EU868 DR0-2).
    public var maximumPayload = 51
    /// Whether the network acknowledges confirmed frames.
    public var acknowledges = true

    public private(set) var joined = false
    /// Join attempts made, successful or not.
    public private(set) var joinAttempts = 0
    /// Command lines received (without CR LF), in order; the newest `logLimit`.
    public private(set) var commands: [String] = []
    public private(set) var uplinks: [Uplink] = []
    /// How many of the newest commands and uplinks are kept for inspection: a month-long soak
    /// must not see the model's own log as the node's memory growth.
    public var logLimit = 1000

    private func trimUplinks() {
        if uplinks.count > logLimit { uplinks.removeFirst(uplinks.count - logLimit) }
    }
    public var queuedDownlinks: Int { downlinks.count }

    private let clock: any Clock
    private var line = ModelTransmitter()
    private var faults = FaultSchedule<Fault>()
    private var received: [UInt8] = []
    private var downlinks: [(port: UInt8, bytes: [UInt8])] = []
    private var joinFailuresLeft = 0
    /// End of the join or send in progress: join and send commands before it are busy.
    private var busyUntil = Instant.zero
    private var confirmMode = false
    private var e5Port: UInt8 = 8

    /// `configuration`: the part's default line settings when nil (115200, 9600, 57600 baud).
    public init(dialect: Dialect, clock: any Clock, configuration: SerialConfiguration? = nil, name: String? = nil) {
        self.dialect = dialect
        self.clock = clock
        self.name = name ?? "sim-" + dialect.rawValue
        switch dialect {
        case .rak3172: self.configuration = configuration ?? SerialConfiguration(baud: 115200)
        case .loraE5: self.configuration = configuration ?? SerialConfiguration(baud: 9600)
        case .rn2483: self.configuration = configuration ?? SerialConfiguration(baud: 57600)
        }
        echo = dialect == .rak3172
    }

    // MARK: Fault injection and the network side

    public func inject(_ fault: Fault, from: Instant = .zero, until: Instant? = nil) {
        faults.add(fault, from: from, until: until)
    }

    public func clearFaults() { faults.removeAll() }

    /// The next `count` join attempts fail (the RAK3172 keeps retrying by itself within one AT+JOIN).
    public func failJoins(_ count: Int) { joinFailuresLeft = count }

    /// The network forgets the device (a network server reset, a DevNonce clash): the next
    /// send is answered "not joined".
    public func networkReset() { joined = false }

    /// A downlink for the device, delivered in the receive window of the next uplink the network answers.
    public func queueDownlink(port: UInt8, bytes: [UInt8]) { downlinks.append((port, bytes)) }

    // MARK: SerialPort

    public func read(into buffer: inout [UInt8]) throws(BusError) -> Int {
        line.read(into: &buffer, now: clock.now())
    }

    public func write(_ bytes: [UInt8]) throws(BusError) {
        let now = clock.now()
        guard !faults.includes(.silence, at: now) else { return }
        let arrived = now + ModelTransmitter.duration(bytes.count, configuration)
        if echo { line.transmit(bytes, from: now, configuration) }
        received += bytes
        while let end = received.firstIndex(of: 0x0A) {
            var command = Array(received[..<end])
            received.removeFirst(end + 1)
            if command.last == 0x0D { command.removeLast() }
            guard !command.isEmpty else { continue }
            let text = String(decoding: command, as: UTF8.self)
            commands.append(text)
            if commands.count > logLimit { commands.removeFirst(commands.count - logLimit) }
            // Parts answer within milliseconds; none of the manuals gives a figure.
            handle(text, at: arrived + .milliseconds(10))
        }
    }

    public func waitReadable(until deadline: Instant) throws(BusError) -> Bool {
        line.waitReadable(until: deadline, clock: clock)
    }

    /// When the next output byte is due, if any is queued (for a loop serving a real port).
    public var nextOutput: Instant? { line.hasWaiting ? clock.now() : line.nextArrival }

    // MARK: On a real serial line

    /// Moves what the host wrote on `master` into the model, and what the model has sent by now
    /// out to `master`. `master` is the far end of a pseudo-terminal (or a real UART to the host).
    public func pump<Master: SerialPort>(_ master: inout Master) throws(BusError) {
        var chunk: [UInt8] = Array(repeating: 0, count: 256)
        while true {
            let count = try master.read(into: &chunk)
            if count == 0 { break }
            try write(Array(chunk[0..<count]))
        }
        while true {
            let count = try read(into: &chunk)
            if count == 0 { break }
            try master.write(Array(chunk[0..<count]))
        }
    }

    /// Serves `master` until `deadline` on the model's clock (which must be the real one).
    public func serve<Master: SerialPort>(_ master: inout Master, until deadline: Instant) throws(BusError) {
        while clock.now() < deadline {
            try pump(&master)
            var wake = deadline
            if let next = nextOutput, next < wake { wake = next }
            _ = try master.waitReadable(until: wake)
        }
        try pump(&master)
    }

    // MARK: The part

    private func handle(_ command: String, at start: Instant) {
        switch dialect {
        case .rak3172: rak3172(command, at: start)
        case .loraE5: loraE5(command, at: start)
        case .rn2483: rn2483(command, at: start)
        }
    }

    private func emit(_ text: String, at start: Instant) {
        guard !faults.includes(.silence, at: start) else { return }
        if faults.includes(.garbage, at: start) {
            line.transmit([0x00, 0xFF, 0x8A, 0x13, 0x7F, 0x0D, 0x0A], from: start, configuration)
            return
        }
        line.transmit(Array(text.utf8) + [0x0D, 0x0A], from: start, configuration)
    }

    /// Lines sent one after another from `start`, each after the one before has gone out.
    private func emit(_ texts: [String], at start: Instant) {
        var at = start
        for text in texts {
            emit(text, at: at)
            at = at + ModelTransmitter.duration(text.utf8.count + 2, configuration)
        }
    }

    private var busy: Bool { faults.includes(.busy, at: clock.now()) || busyUntil > clock.now() }

    /// Whether the send may go: joined and no duty-cycle or frame-counter fault. A frame-counter
    /// fault drops the session for the dialects that cannot say it.
    private func sessionProblem(at now: Instant) -> Fault? {
        if faults.includes(.frameCounter, at: now) {
            if dialect != .rn2483 { joined = false }
            return .frameCounter
        }
        if joined && faults.includes(.dutyCycle, at: now) { return .dutyCycle }
        return nil
    }

    /// Join attempts from `start`: the result lines of each and when the last comes.
    private func joinAttempts(_ count: Int, interval: TimeSpan, from start: Instant,
                              success: String, failure: String) -> (lines: [(Instant, String)], end: Instant) {
        var lines: [(Instant, String)] = []
        var at = start
        for attempt in 0..<count {
            at = at + joinDelay
            joinAttempts += 1
            if joinFailuresLeft > 0 {
                joinFailuresLeft -= 1
                lines.append((at, failure))
                if attempt < count - 1 { at = at + interval }
            } else {
                joined = true
                lines.append((at, success))
                break
            }
        }
        return (lines, at)
    }

    /// The network's answer to an uplink: whether it was acked and what came down.
    private func networkAnswer(confirmed: Bool) -> (acked: Bool, downlink: (port: UInt8, bytes: [UInt8])?) {
        let answered = !confirmed || acknowledges
        guard answered, !downlinks.isEmpty else { return (confirmed && acknowledges, nil) }
        return (confirmed && acknowledges, downlinks.removeFirst())
    }

    // MARK: RAK3172 (RUI3 AT Command Manual)

    private func rak3172(_ command: String, at start: Instant) {
        // RUI3 status codes go out as CR LF, status, CR LF (the manual's examples show the blank line).
        func status(_ code: String) { emit(["", code], at: start) }
        let (head, argument) = Self.split(command, at: "=")
        switch head {
        case "AT": status("OK")
        case "ATE":
            echo.toggle()
            status("OK")
        case "AT+NJM", "AT+CFM":
            guard argument == "0" || argument == "1" else { return status("AT_PARAM_ERROR") }
            if head == "AT+CFM" { confirmMode = argument == "1" }
            status("OK")
        case "AT+JOIN":
            // AT+JOIN=w:x:y:z: join, auto-join, reattempt interval 7...255 s, attempts after the first.
            let fields = (argument ?? "1").split(separator: ":").map { Self.number(Substring($0)) }
            guard fields.allSatisfy({ $0 != nil }), fields.count <= 4 else { return status("AT_PARAM_ERROR") }
            let interval = fields.count > 2 ? fields[2]! : 8
            let retries = fields.count > 3 ? fields[3]! : 0
            guard interval >= 7 && interval <= 255 && retries <= 255 else { return status("AT_PARAM_ERROR") }
            guard !busy else { return status("AT_BUSY_ERROR") }
            status("OK")
            joined = false
            let result = joinAttempts(retries + 1, interval: .seconds(Int64(interval)), from: start,
                                      success: "+EVT:JOINED", failure: "+EVT:JOIN_FAILED_RX_TIMEOUT")
            for (at, text) in result.lines { emit(text, at: at) }
            busyUntil = result.end
        case "AT+SEND":
            let (portText, hexText) = Self.split(argument ?? "", at: ":")
            guard let port = Self.number(Substring(portText)), port >= 1, port <= 223,
                  let hexText, let bytes = Hex.decode(hexText), !bytes.isEmpty, bytes.count <= maximumPayload
            else { return status("AT_PARAM_ERROR") }
            guard !busy else { return status("AT_BUSY_ERROR") }
            if let problem = sessionProblem(at: start) {
                return status(problem == .dutyCycle ? "AT_DUTYCYCLE_RESTRICTED" : "AT_NO_NETWORK_JOINED")
            }
            guard joined else { return status("AT_NO_NETWORK_JOINED") }
            status("OK")
            uplinks.append(Uplink(port: UInt8(port), bytes: bytes, confirmed: confirmMode))
            trimUplinks()
            let done = start + transmitTime
            busyUntil = done
            let answer = networkAnswer(confirmed: confirmMode)
            var lines = [confirmMode ? (answer.acked ? "+EVT:SEND_CONFIRMED_OK" : "+EVT:SEND_CONFIRMED_FAILED(4)") : "+EVT:TX_DONE"]
            if let downlink = answer.downlink {
                // service_lora.c prints the payload with %02x.
                lines.append("+EVT:RX_1:-46:10:UNICAST:\(downlink.port):" + Hex.encode(downlink.bytes, uppercase: false))
            }
            emit(lines, at: done)
        default:
            status("AT_COMMAND_NOT_FOUND")
        }
    }

    // MARK: LoRa-E5 (LoRa-E5 AT Command Specification V1.0)

    private func loraE5(_ command: String, at start: Instant) {
        let (head, argument) = Self.split(command, at: "=")
        guard head.hasPrefix("AT") else { return emit("+AT: ERROR(-10)", at: start) }
        let name = head == "AT" ? "AT" : String(head.dropFirst(3))  // "AT+MSGHEX" -> "MSGHEX"
        switch name {
        case "AT": emit("+AT: OK", at: start)
        case "MODE":
            guard argument == "LWOTAA" || argument == "LWABP" || argument == "TEST" else { return emit("+MODE: ERROR(-1)", at: start) }
            emit("+MODE: " + argument!, at: start)
        case "PORT":
            guard let port = argument.flatMap({ Self.number(Substring($0)) }), port >= 1, port <= 223 else {
                return emit("+PORT: ERROR(-1)", at: start)
            }
            e5Port = UInt8(port)
            emit("+PORT: \(port)", at: start)
        case "JOIN":
            guard !busy else { return emit("+JOIN: LoRaWAN modem is busy", at: start) }
            if joined { return emit("+JOIN: Joined already", at: start) }
            emit(["+JOIN: Start", "+JOIN: NORMAL"], at: start)
            let result = joinAttempts(1, interval: .zero, from: start, success: "ok", failure: "failed")
            let lines = joined ? ["+JOIN: Network joined", "+JOIN: NetID 000013 DevAddr 26:0B:4E:7C", "+JOIN: Done"]
                               : ["+JOIN: Join failed", "+JOIN: Done"]
            emit(lines, at: result.end)
            busyUntil = result.end
        case "MSGHEX", "CMSGHEX":
            let confirmed = name == "CMSGHEX"
            let prefix = "+" + name + ": "
            guard let argument, argument.utf8.count >= 2, argument.hasPrefix("\""), argument.hasSuffix("\""),
                  let bytes = Hex.decode(String(argument.dropFirst().dropLast()).filter { $0 != " " })
            else { return emit(prefix + "ERROR(-1)", at: start) }
            guard bytes.count <= maximumPayload else { return emit(prefix + "Length error \(maximumPayload)", at: start) }
            guard !busy else { return emit(prefix + "LoRaWAN modem is busy", at: start) }
            if let problem = sessionProblem(at: start), problem == .dutyCycle {
                return emit(prefix + "No free channel", at: start)
            }
            guard joined else { return emit(prefix + "Please join network first", at: start) }
            uplinks.append(Uplink(port: e5Port, bytes: bytes, confirmed: confirmed))
            trimUplinks()
            emit(confirmed ? [prefix + "Start", prefix + "Wait ACK"] : [prefix + "Start"], at: start)
            let done = start + transmitTime
            busyUntil = done
            let answer = networkAnswer(confirmed: confirmed)
            var lines: [String] = []
            if answer.acked { lines.append(prefix + "ACK Received") }
            if let downlink = answer.downlink {
                lines.append(prefix + "PORT: \(downlink.port); RX: \"" + Hex.encode(downlink.bytes, uppercase: true) + "\"")
            }
            if answer.acked || answer.downlink != nil { lines.append(prefix + "RXWIN1, RSSI -43, SNR 10.0") }
            lines.append(prefix + "Done")
            emit(lines, at: done)
        default:
            emit("+" + name + ": ERROR(-10)", at: start)
        }
    }

    // MARK: RN2483 (Command Reference DS40001784)

    private func rn2483(_ command: String, at start: Instant) {
        let words = command.split(separator: " ").map(String.init)
        if words == ["sys", "get", "ver"] { return emit("RN2483 1.0.5 Oct 31 2018 15:06:52", at: start) }
        if words == ["mac", "join", "otaa"] {
            guard !busy else { return emit("busy", at: start) }
            emit("ok", at: start)
            joined = false
            let result = joinAttempts(1, interval: .zero, from: start, success: "accepted", failure: "denied")
            for (at, text) in result.lines { emit(text, at: at) }
            busyUntil = result.end
            return
        }
        guard words.count == 5, words[0] == "mac", words[1] == "tx", words[2] == "cnf" || words[2] == "uncnf",
              let port = Self.number(Substring(words[3])), port >= 1, port <= 223,
              let bytes = Hex.decode(words[4])
        else { return emit("invalid_param", at: start) }
        let confirmed = words[2] == "cnf"
        guard !busy else { return emit("busy", at: start) }
        if let problem = sessionProblem(at: start) {
            return emit(problem == .dutyCycle ? "no_free_ch" : "frame_counter_err_rejoin_needed", at: start)
        }
        guard joined else { return emit("not_joined", at: start) }
        guard bytes.count <= maximumPayload else { return emit("invalid_data_len", at: start) }
        emit("ok", at: start)
        uplinks.append(Uplink(port: UInt8(port), bytes: bytes, confirmed: confirmed))
        trimUplinks()
        let done = start + transmitTime
        busyUntil = done
        let answer = networkAnswer(confirmed: confirmed)
        if let downlink = answer.downlink {
            emit("mac_rx \(downlink.port) " + Hex.encode(downlink.bytes, uppercase: true), at: done)
        } else if confirmed && !answer.acked {
            emit("mac_err", at: done)
        } else {
            emit("mac_tx_ok", at: done)
        }
    }

    // MARK: Text

    private static func split(_ text: String, at separator: Character) -> (String, String?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (String(text[..<index]), String(text[text.index(after: index)...]))
    }

    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 6 else { return nil }
        var value = 0
        for c in text.utf8 {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            value = value * 10 + Int(c - 0x30)
        }
        return value
    }

}
