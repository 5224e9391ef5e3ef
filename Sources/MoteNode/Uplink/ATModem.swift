import MoteHAL

/// A LoRaWAN modem on a serial port, driven by its AT (or RN2483 ASCII) commands: joins by OTAA,
/// sends unconfirmed and confirmed frames on a port, and maps every reply the manuals list to
/// what the uplink does next. One command at a time, line by line (CR LF), each reply awaited
/// with the manual's timing; lines nobody asked for (a downlink, a link check) are taken as they
/// come. The three dialects differ in their tables and command builders (`ATModem+Dialects.swift`),
/// not in this flow.
///
/// The modem keeps its own keys and region: the node never sends DevEUI, JoinEUI or AppKey, so
/// they stay in the modem's flash where `AT+APPKEY` / `mac set appkey` put them.
public struct ATModem<Port: SerialPort, C: Clock>: UplinkTransport {
    public typealias Dialect = ATModemDialect
    public typealias RetryPolicy = ATModemRetryPolicy

    public let dialect: Dialect
    public var retry: RetryPolicy
    /// RAK3172 only: the join attempts the module makes by itself after the first, and the seconds
    /// between them (`AT+JOIN=1:0:<interval>:<retries>`, RUI3 manual "AT+JOIN").
    public let joinRetries: Int
    public let joinInterval: Int
    /// Whether the last `connect()` ended joined and no reply since said otherwise.
    public private(set) var joined = false

    private var reader: LineReader<Port, C>
    private let spec: DialectSpec
    /// RAK3172: what AT+CFM was last set to; E5: what AT+PORT was last set to. Unknown (nil)
    /// after a connect, so the first send sets them.
    private var confirmMode: Bool?
    private var modemPort: UInt8?
    /// A downlink that came while no send was waiting for it; handed out with the next outcome.
    private var pendingDownlink: Downlink?
    private var sendFailures = 0
    private var lastCause: Stop.Cause?
    private var connectFailures = 0
    /// The command whose replies are being read, for echo detection and reasons.
    private var current = ""

    /// The longest reply line taken: a RAK3172 downlink of 242 bytes is 29 + 484 characters, an
    /// E5 one with spaces between bytes about 760.
    public static var maximumLineLength: Int { 800 }

    /// - Parameters:
    ///   - port: the modem's serial port (115200 8N1 for RAK3172, 9600 for LoRa-E5, 57600 for RN2483).
    ///   - clock: the clock `port`'s waits are on.
    ///   - joinRetries, joinInterval: RAK3172's own join repetition (other dialects join once per `connect()`).
    public init(port: Port, clock: C, dialect: Dialect, retry: RetryPolicy = RetryPolicy(),
                joinRetries: Int = 8, joinInterval: Int = 10) {
        self.dialect = dialect
        self.retry = retry
        self.joinRetries = min(max(joinRetries, 0), 255)
        self.joinInterval = min(max(joinInterval, 7), 255)
        reader = LineReader(port: port, clock: clock, maximumLength: Self.maximumLineLength)
        spec = DialectSpec.of(dialect)
    }

    public var name: String { dialect.rawValue + " " + reader.port.name }
    public var port: Port { reader.port }

    /// The serial line settings the part ships with.
    public static func defaultConfiguration(_ dialect: Dialect) -> SerialConfiguration {
        switch dialect {
        case .rak3172: return SerialConfiguration(baud: 115200)
        case .loraE5: return SerialConfiguration(baud: 9600)
        case .rn2483: return SerialConfiguration(baud: 57600)
        }
    }

    // MARK: UplinkTransport

    public mutating func connect() -> ConnectOutcome {
        joined = false
        confirmMode = nil
        modemPort = nil
        do throws(Stop) {
            drainUnsolicited()
            try simple(spec.probe)
            for command in spec.setup { try simple(command) }
            try join()
        } catch {
            connectFailures += 1
            let after: TimeSpan
            switch error.cause {
            case .after(let span): after = span
            case .busy: after = retry.busy.delay(after: connectFailures)
            default: after = retry.join.delay(after: connectFailures)
            }
            return .retry(after: after, reason: error.reason)
        }
        joined = true
        connectFailures = 0
        return .ready
    }

    public mutating func send(_ frame: Frame, confirmed: Bool) -> UplinkOutcome {
        do throws(Stop) {
            drainUnsolicited()
            let result = try transmit(frame, confirmed: confirmed)
            sendFailures = 0
            lastCause = nil
            // One downlink per outcome: a late one from before waits for the next send if this
            // send brought its own.
            var downlink = result.downlink
            if downlink == nil {
                downlink = pendingDownlink
                pendingDownlink = nil
            }
            return .sent(acknowledged: confirmed ? result.acknowledged : nil, downlink: downlink)
        } catch {
            switch error {
            case .rejoin(let reason):
                joined = false
                return .rejoin(reason: reason)
            case .rejected(let reason):
                return .rejected(reason: reason)
            case .retry(let cause, let reason):
                // Consecutive refusals of one kind back off; another kind starts over.
                if cause != lastCause { sendFailures = 0 }
                lastCause = cause
                sendFailures += 1
                let after: TimeSpan
                switch cause {
                case .after(let span): after = span
                case .busy: after = retry.busy.delay(after: sendFailures)
                case .dutyCycle: after = retry.dutyCycle.delay(after: sendFailures)
                case .noReply: after = retry.noReply.delay(after: sendFailures)
                }
                return .retry(after: after, reason: reason)
            }
        }
    }

    // MARK: The flow

    /// A command with one reply that starts with `expect` (or is OK-like for the dialect).
    private mutating func simple(_ command: DialectSpec.Command) throws(Stop) {
        try write(command.text)
        while true {
            let line = try nextLine(within: spec.timing.command, waiting: "no reply to \(current) within \(Self.text(spec.timing.command))")
            if !command.expect.isEmpty && line.hasPrefix(command.expect) { return }
            switch classify(line) {
            case .blank, .echo, .informational, .transmitted, .acknowledged, .notAcknowledged, .joined, .joinFailed: continue
            case .accepted where command.expect.isEmpty: return
            case .failure(let failure): throw stop(failure, line)
            case .downlink(let downlink): pendingDownlink = downlink
            default: throw unexpected(line)
            }
        }
    }

    private mutating func join() throws(Stop) {
        let command = spec.joinCommand(retries: joinRetries, interval: joinInterval)
        try write(command)
        // The E5 answers a join when joined with "+JOIN: Joined already" alone.
        if try awaitAccepted() == .joined { return }
        // RUI3 repeats the attempt by itself, reporting each failure; the others try once.
        let attempts = dialect == .rak3172 ? joinRetries + 1 : 1
        let perAttempt = spec.timing.join + (dialect == .rak3172 ? .seconds(Int64(joinInterval)) : .zero)
        let deadline = reader.clock.now() + perAttempt * Int64(attempts)
        var failures = 0
        var joinedSeen = false
        var failedLine = ""
        while true {
            let remaining = deadline - reader.clock.now()
            let line: String
            if joinedSeen {
                // E5 closes with "+JOIN: Done" after the NetID line; joined either way.
                guard let closing = try? nextLine(within: spec.timing.command, waiting: "") else { return }
                line = closing
            } else {
                line = try nextLine(within: remaining, waiting: failures == 0
                    ? "no join result after \(current) within \(Self.text(perAttempt * Int64(attempts)))"
                    : "join failed \(failures) of \(attempts) times, then no reply to \(current)")
            }
            switch classify(line) {
            case .joined:
                if dialect != .loraE5 { return }
                joinedSeen = true
            case .finished:
                if joinedSeen { return }
                throw .retry(.noReply, "join failed ('\(Self.shown(failedLine.isEmpty ? line : failedLine))' to \(current))")
            case .joinFailed:
                failures += 1
                failedLine = line
                if dialect == .rak3172 && failures < attempts { continue }
                if dialect == .loraE5 { continue }  // wait for Done
                throw .retry(.noReply, "join failed" + (attempts > 1 ? " \(failures) times" : "") + " ('\(Self.shown(line))' to \(current))")
            case .failure(let failure): throw stop(failure, line)
            case .downlink(let downlink): pendingDownlink = downlink
            case .blank, .echo, .informational, .accepted, .transmitted, .acknowledged, .notAcknowledged: continue
            case .unknown: throw unexpected(line)
            }
        }
    }

    private mutating func transmit(_ frame: Frame, confirmed: Bool) throws(Stop) -> (acknowledged: Bool?, downlink: Downlink?) {
        if let setting = spec.preSend(confirmed: confirmed, port: frame.port, confirmMode: confirmMode, modemPort: modemPort) {
            try simple(setting)
            confirmMode = confirmed
            modemPort = frame.port
        }
        try write(spec.sendCommand(port: frame.port, bytes: frame.bytes, confirmed: confirmed))
        try awaitAccepted()
        let wait = confirmed ? spec.timing.confirmed : spec.timing.unconfirmed
        let deadline = reader.clock.now() + wait
        var acknowledged: Bool?
        var downlink: Downlink?
        loop: while true {
            let line = try nextLine(within: deadline - reader.clock.now(),
                                    waiting: "\(current) accepted, then no end within \(Self.text(wait))")
            switch classify(line) {
            case .transmitted:
                // RN2483's mac_tx_ok to cnf means acknowledged; RUI3 forks that print TX_DONE
                // before SEND_CONFIRMED_* are still waited for.
                if !confirmed { break loop }
                if dialect == .rn2483 { acknowledged = true; break loop }
            case .acknowledged:
                acknowledged = true
                if dialect == .rak3172 { break loop }
            case .notAcknowledged:
                guard confirmed else { throw .retry(.noReply, "transmission failed ('\(Self.shown(line))' to \(current))") }
                acknowledged = false
                if dialect != .loraE5 { break loop }
            case .downlink(let received):
                downlink = received
                // mac_rx is RN2483's whole second reply, and it implies the ack.
                if dialect == .rn2483 {
                    if confirmed { acknowledged = true }
                    break loop
                }
            case .finished:
                if confirmed && acknowledged == nil { acknowledged = false }
                break loop
            case .failure(let failure): throw stop(failure, line)
            case .blank, .echo, .informational, .accepted, .joined, .joinFailed: continue
            case .unknown: throw unexpected(line)
            }
        }
        // RUI3 prints the downlink right after the TX event (McpsConfirm, then McpsIndication).
        if spec.downlinkAfterDone && downlink == nil {
            let graceEnd = reader.clock.now() + spec.timing.downlinkGrace
            while downlink == nil, let line = try? nextLine(within: graceEnd - reader.clock.now(), waiting: "") {
                if case .downlink(let received) = classify(line) { downlink = received }
            }
        }
        return (acknowledged, downlink)
    }

    /// Reads past echo, blank and stale event lines to the command's first reply, which must
    /// accept it (or, to a join, say it is joined already).
    @discardableResult
    private mutating func awaitAccepted() throws(Stop) -> Reply {
        while true {
            let line = try nextLine(within: spec.timing.command, waiting: "no reply to \(current) within \(Self.text(spec.timing.command))")
            let reply = classify(line)
            switch reply {
            case .accepted: return reply
            case .joined where dialect == .loraE5: return reply
            // Events of a transaction that ended after its wait (RUI3's +EVT lines come unasked).
            case .blank, .echo, .informational, .transmitted, .acknowledged, .notAcknowledged, .joined, .joinFailed: continue
            case .failure(let failure): throw stop(failure, line)
            case .downlink(let downlink): pendingDownlink = downlink
            default: throw unexpected(line)
            }
        }
    }

    /// Takes what came while nobody asked: a late downlink is kept, the rest is dropped.
    /// Garbled lines are skipped; a line noise stream ends the drain after 64 lines.
    private mutating func drainUnsolicited() {
        current = ""
        lastCommand = ""
        for _ in 0..<64 {
            let line: String
            do {
                line = try nextLine(within: .zero, waiting: "")
            } catch {
                if error.reason.isEmpty { return }  // nothing (more) waiting
                continue
            }
            if case .downlink(let downlink) = classify(line) { pendingDownlink = downlink }
        }
    }

    // MARK: Lines

    private mutating func write(_ command: String) throws(Stop) {
        current = Self.commandName(command)
        do {
            try reader.port.write(Array(command.utf8) + [0x0D, 0x0A])
        } catch {
            throw .retry(.noReply, "cannot write \(current): \(error.description)")
        }
        lastCommand = command
    }

    private var lastCommand = ""

    /// The next line as text, or the reason it is not one.
    private mutating func nextLine(within timeout: TimeSpan, waiting reason: String) throws(Stop) -> String {
        let bytes: [UInt8]
        do {
            bytes = try reader.readLine(timeout: timeout < .zero ? .zero : timeout, interByte: spec.timing.interByte)
        } catch {
            switch error {
            case .timeout(let partial):
                if partial.isEmpty { throw .retry(.noReply, reason) }
                throw .retry(.noReply, "unterminated reply '\(Self.shown(partial))' to \(current)")
            case .tooLong(let length):
                throw .retry(.noReply, "reply to \(current) longer than \(Self.maximumLineLength) bytes (\(length) without an end)")
            case .bus(let busError):
                throw .retry(.noReply, "serial port: \(busError.description)")
            }
        }
        // The reader returns a line that ended within the chunk that crossed its limit.
        if bytes.count > Self.maximumLineLength {
            throw .retry(.noReply, "reply to \(current) longer than \(Self.maximumLineLength) bytes (\(bytes.count))")
        }
        for byte in bytes where byte < 0x20 || byte > 0x7E {
            throw .retry(.noReply, "garbled reply '\(Self.shown(bytes))' to \(current)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func classify(_ line: String) -> Reply {
        if line.isEmpty { return .blank }
        if !lastCommand.isEmpty && line == lastCommand { return .echo }
        return spec.classify(line)
    }

    private func stop(_ failure: Failure, _ line: String) -> Stop {
        let said = "('\(Self.shown(line))' to \(current))"
        switch failure {
        case .busy: return .retry(.busy, "modem busy " + said)
        case .dutyCycle: return .retry(.dutyCycle, "duty cycle or no free channel " + said)
        case .retryAfter(let span): return .retry(.after(span), "no free band for \(Self.text(span)) " + said)
        case .notJoined: return .rejoin("not joined " + said)
        case .frameCounter: return .rejoin("frame counter error " + said)
        case .wrongMode: return .rejoin("modem not in LoRaWAN OTAA mode " + said)
        case .tooLong: return .rejected("frame too long for the modem now " + said)
        case .invalid: return .rejected("refused as invalid " + said)
        case .error: return .retry(.noReply, "modem error " + said)
        }
    }

    private func unexpected(_ line: String) -> Stop {
        .retry(.noReply, "unexpected reply '\(Self.shown(line))' to \(current)")
    }

    // MARK: Text helpers

    /// "AT+SEND" for "AT+SEND=2:0167FFD7", "mac tx" for "mac tx uncnf 2 0167FFD7", "sys get ver".
    static func commandName(_ command: String) -> String {
        var name: [UInt8] = []
        var spaces = 0
        let isMac = command.hasPrefix("mac ")
        for byte in command.utf8 {
            if byte == UInt8(ascii: "=") { break }
            if byte == UInt8(ascii: " ") {
                spaces += 1
                if isMac && spaces == 2 { break }
            }
            name.append(byte)
        }
        return String(decoding: name, as: UTF8.self)
    }

    /// A reply as a message can show it: printable ASCII as is, other bytes as \xHH, at most 60.
    static func shown(_ text: String) -> String { shown(Array(text.utf8)) }

    static func shown(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes.prefix(60) {
            if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "\\") {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        if bytes.count > 60 { out += Array("...".utf8) }
        return String(decoding: out, as: UTF8.self)
    }

    /// "10 s", "500 ms".
    static func text(_ span: TimeSpan) -> String {
        let ms = span.nanoseconds / 1_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}

public enum ATModemDialect: String, CaseIterable, Equatable, Sendable {
    /// RAKwireless RAK3172 with RUI3 firmware (RUI3 AT Command Manual).
    case rak3172 = "rak3172"
    /// Seeed LoRa-E5 / Wio-E5 (LoRa-E5 AT Command Specification V1.0).
    case loraE5 = "lora-e5"
    /// Microchip RN2483 (RN2483 LoRa Technology Module Command Reference, DS40001784).
    case rn2483 = "rn2483"
}

/// Doubling waits: `base` after the first failure in a row, twice that after the second,
/// never more than `maximum`.
public struct Backoff: Equatable, Sendable {
    public var base: TimeSpan
    public var maximum: TimeSpan

    public init(base: TimeSpan, maximum: TimeSpan) {
        self.base = base
        self.maximum = maximum
    }

    /// The wait after `failures` (1 or more) failures in a row.
    public func delay(after failures: Int) -> TimeSpan {
        var delay = base
        var n = 1
        while n < failures && delay < maximum {
            delay = delay * 2
            n += 1
        }
        return delay < maximum ? delay : maximum
    }
}

/// How long to wait after each kind of refusal.
public struct ATModemRetryPolicy: Equatable, Sendable {
    /// The modem is busy with a transaction (AT_BUSY_ERROR, busy, "LoRaWAN modem is busy").
    public var busy = Backoff(base: .seconds(2), maximum: .seconds(60))
    /// Duty cycle or no free channel: the sub-bands need minutes to free up, not seconds.
    public var dutyCycle = Backoff(base: .seconds(30), maximum: .seconds(900))
    /// Silence, garbage, unexpected or generic error replies.
    public var noReply = Backoff(base: .seconds(5), maximum: .seconds(300))
    /// A join that failed or was refused.
    public var join = Backoff(base: .seconds(30), maximum: .seconds(3600))

    public init() {}
}

/// What a refused or failed step leads to; `connect()` and `send()` turn it into an outcome.
enum Stop: Error, Equatable {
    enum Cause: Equatable { case busy, dutyCycle, noReply, after(TimeSpan) }
    case retry(Cause, String)
    case rejoin(String)
    case rejected(String)

    var reason: String {
        switch self {
        case .retry(_, let reason), .rejoin(let reason), .rejected(let reason): return reason
        }
    }

    var cause: Cause? {
        if case .retry(let cause, _) = self { return cause }
        return nil
    }
}

/// What one reply line means, whatever the dialect's words for it.
enum Reply: Equatable {
    case blank, echo
    /// The command was taken: OK, ok, "+MSGHEX: Start".
    case accepted
    case joined
    /// One join attempt failed.
    case joinFailed
    /// An unconfirmed frame is out (RUI3 TX_DONE, RN2483 mac_tx_ok).
    case transmitted
    case acknowledged
    case notAcknowledged
    case downlink(Downlink)
    /// The E5's "Done": the transaction is over.
    case finished
    case failure(Failure)
    /// Progress and link-quality lines that change nothing.
    case informational
    case unknown
}

/// Error replies, by what the node can do about them.
enum Failure: Equatable {
    case busy, dutyCycle, retryAfter(TimeSpan), notJoined, frameCounter, wrongMode, tooLong, invalid, error
}
