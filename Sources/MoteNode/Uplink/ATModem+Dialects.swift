import MoteHAL

/// One dialect as data: the commands, the reply table, the waits. Where a table cannot say it
/// (a downlink's fields, a command's parameters) a small function per dialect does.
struct DialectSpec {
    /// A command and the start of the reply that means it worked ("" = the dialect's OK).
    struct Command {
        var text: String
        var expect: String
    }

    /// What a reply line (or its start, when `prefix`) means.
    struct Rule {
        enum Meaning { case reply(Reply), downlink, bandWait, errorCode }
        var text: String
        var prefix: Bool
        var meaning: Meaning

        static func exact(_ text: String, _ reply: Reply) -> Rule { Rule(text: text, prefix: false, meaning: .reply(reply)) }
        static func starts(_ text: String, _ reply: Reply) -> Rule { Rule(text: text, prefix: true, meaning: .reply(reply)) }
        static func starts(_ text: String, _ meaning: Meaning) -> Rule { Rule(text: text, prefix: true, meaning: meaning) }
    }

    struct Timing {
        /// First reply to any command (OK, an error, "+MSGHEX: Start").
        var command: TimeSpan
        /// One join attempt: the join request's airtime at SF12 (about 1.5 s) plus
        /// JOIN_ACCEPT_DELAY2 (6 s, LoRaWAN RP002 "Default settings") plus the RX2 window.
        var join: TimeSpan
        /// Unconfirmed: airtime (2.8 s for 51 bytes at SF12) plus RECEIVE_DELAY2 (2 s) plus RX2.
        var unconfirmed: TimeSpan
        /// Confirmed: that again for each retransmission the modem makes without an ack.
        var confirmed: TimeSpan
        /// RAK3172: how long after the TX event a downlink line may still follow.
        var downlinkGrace: TimeSpan
        var interByte: TimeSpan
    }

    let dialect: ATModemDialect
    let probe: Command
    let setup: [Command]
    let rules: [Rule]
    /// E5 replies are "+COMMAND: text": the rules match the text.
    let rulesAfterColon: Bool
    let downlinkAfterDone: Bool
    let timing: Timing

    static func of(_ dialect: ATModemDialect) -> DialectSpec {
        switch dialect {
        case .rak3172: return rak3172
        case .loraE5: return loraE5
        case .rn2483: return rn2483
        }
    }

    // MARK: RAK3172, RUI3 AT Command Manual

    /// Replies from the RUI3 AT Command Manual ("AT Command Format": status codes; "LoRaWAN
    /// Joining and Sending": AT+JOIN, AT+SEND, AT+CFM and the +EVT events) and RUI3's
    /// service_lora.c (McpsConfirm prints TX_DONE for unconfirmed, SEND_CONFIRMED_OK or
    /// SEND_CONFIRMED_FAILED(<status>) for confirmed; McpsIndication then prints
    /// +EVT:RX_<slot>:<rssi>:<snr>:UNICAST:<port>:<hex>). AT_DUTYCYLE_RESTRICTED is the older
    /// firmware's spelling.
    static let rak3172 = DialectSpec(
        dialect: .rak3172,
        probe: Command(text: "AT", expect: ""),
        setup: [Command(text: "AT+NJM=1", expect: "")],  // OTAA
        rules: [
            .exact("OK", .accepted),
            .exact("+EVT:JOINED", .joined),
            .starts("+EVT:JOIN_FAILED", .joinFailed),
            .starts("+EVT:JOIN FAILED", .joinFailed),
            .exact("+EVT:TX_DONE", .transmitted),
            .exact("+EVT:SEND_CONFIRMED_OK", .acknowledged),
            .starts("+EVT:SEND_CONFIRMED_FAILED", .notAcknowledged),
            .starts("+EVT:RX_", .downlink),
            .starts("+EVT:", .informational),  // LINKCHECK, TIMEREQ, BC, PS
            .exact("AT_BUSY_ERROR", .failure(.busy)),
            .exact("AT_DUTYCYCLE_RESTRICTED", .failure(.dutyCycle)),
            .exact("AT_DUTYCYLE_RESTRICTED", .failure(.dutyCycle)),
            .exact("AT_NO_NETWORK_JOINED", .failure(.notJoined)),
            .exact("AT_PARAM_ERROR", .failure(.invalid)),
            .exact("AT_TEST_PARAM_OVERFLOW", .failure(.tooLong)),
            .exact("AT_MODE_NO_SUPPORT", .failure(.wrongMode)),
            .exact("AT_ERROR", .failure(.error)),
            .exact("AT_RX_ERROR", .failure(.error)),
            .exact("AT_COMMAND_NOT_FOUND", .failure(.error)),
            .exact("AT_NO_CLASSB_ENABLE", .failure(.error)),
        ],
        rulesAfterColon: false,
        downlinkAfterDone: true,
        timing: Timing(command: .seconds(2), join: .seconds(10), unconfirmed: .seconds(10), confirmed: .seconds(70),
                       downlinkGrace: .milliseconds(500), interByte: .milliseconds(100)))

    // MARK: LoRa-E5, LoRa-E5 AT Command Specification V1.0

    /// Replies from the LoRa-E5 AT Command Specification V1.0 (sections MSGHEX, CMSGHEX, PORT,
    /// MODE, JOIN and the error code table): every reply is "+<COMMAND>: <text>", a transaction
    /// runs from "Start" to "Done", "No band in <n>ms" says how long the duty cycle blocks.
    static let loraE5 = DialectSpec(
        dialect: .loraE5,
        probe: Command(text: "AT", expect: "+AT: OK"),
        setup: [Command(text: "AT+MODE=LWOTAA", expect: "+MODE: LWOTAA")],
        rules: [
            .exact("OK", .accepted),
            .exact("Start", .accepted),
            .exact("Done", .finished),
            .exact("Network joined", .joined),
            .exact("Joined already", .joined),
            .exact("Join failed", .joinFailed),
            .exact("ACK Received", .acknowledged),
            .starts("PORT: ", .downlink),
            .exact("Please join network first", .failure(.notJoined)),
            .exact("LoRaWAN modem is busy", .failure(.busy)),
            .starts("No free channel", .failure(.dutyCycle)),
            .starts("No band in ", .bandWait),
            .exact("DR error", .failure(.error)),
            .starts("Length error", .failure(.tooLong)),
            .exact("Not in OTAA mode", .failure(.wrongMode)),
            .starts("ERROR(", .errorCode),
            .exact("NORMAL", .informational),
            .exact("FORCE", .informational),
            .exact("Wait ACK", .informational),
            .exact("FPENDING", .informational),
            .starts("RXWIN", .informational),
            .starts("TX ", .informational),
            .starts("NetID", .informational),
            .starts("MACCMD", .informational),
            .starts("Link ", .informational),
        ],
        rulesAfterColon: true,
        downlinkAfterDone: false,
        timing: Timing(command: .seconds(2), join: .seconds(15), unconfirmed: .seconds(10), confirmed: .seconds(40),
                       downlinkGrace: .zero, interByte: .milliseconds(100)))

    // MARK: RN2483, Command Reference DS40001784

    /// Replies from the RN2483 Command Reference (DS40001784F, 2.4.3 "mac tx" and 2.4.4
    /// "mac join": the first reply, then after the receive windows the second).
    static let rn2483 = DialectSpec(
        dialect: .rn2483,
        probe: Command(text: "sys get ver", expect: "RN2"),
        setup: [],
        rules: [
            .exact("ok", .accepted),
            .exact("accepted", .joined),
            .exact("denied", .joinFailed),
            .exact("mac_tx_ok", .transmitted),
            .exact("mac_err", .notAcknowledged),
            .starts("mac_rx ", .downlink),
            .exact("invalid_param", .failure(.invalid)),
            .exact("not_joined", .failure(.notJoined)),
            .exact("no_free_ch", .failure(.dutyCycle)),
            .exact("silent", .failure(.dutyCycle)),
            .exact("frame_counter_err_rejoin_needed", .failure(.frameCounter)),
            .exact("busy", .failure(.busy)),
            .exact("mac_paused", .failure(.error)),
            .exact("invalid_data_len", .failure(.tooLong)),
            .exact("keys_not_init", .failure(.error)),
            .exact("radio_err", .failure(.error)),
        ],
        rulesAfterColon: false,
        downlinkAfterDone: false,
        timing: Timing(command: .seconds(2), join: .seconds(15), unconfirmed: .seconds(10), confirmed: .seconds(70),
                       downlinkGrace: .zero, interByte: .milliseconds(100)))

    // MARK: Commands with parameters

    func joinCommand(retries: Int, interval: Int) -> String {
        switch dialect {
        // w:x:y:z = join, no auto-join at power-up, reattempt interval, attempts after the first.
        case .rak3172: return "AT+JOIN=1:0:\(interval):\(retries)"
        case .loraE5: return "AT+JOIN"
        case .rn2483: return "mac join otaa"
        }
    }

    func sendCommand(port: UInt8, bytes: [UInt8], confirmed: Bool) -> String {
        let hex = Hex.encode(bytes, uppercase: true)
        switch dialect {
        // Confirmed or not is AT+CFM's setting (preSend), not the command's.
        case .rak3172: return "AT+SEND=\(port):\(hex)"
        // The port is AT+PORT's setting (preSend).
        case .loraE5: return (confirmed ? "AT+CMSGHEX=\"" : "AT+MSGHEX=\"") + hex + "\""
        case .rn2483: return (confirmed ? "mac tx cnf " : "mac tx uncnf ") + "\(port) " + hex
        }
    }

    /// The setting a send needs first, when the modem's differs (or is not known).
    func preSend(confirmed: Bool, port: UInt8, confirmMode: Bool?, modemPort: UInt8?) -> Command? {
        switch dialect {
        case .rak3172:
            return confirmMode == confirmed ? nil : Command(text: confirmed ? "AT+CFM=1" : "AT+CFM=0", expect: "")
        case .loraE5:
            return modemPort == port ? nil : Command(text: "AT+PORT=\(port)", expect: "+PORT: \(port)")
        case .rn2483:
            return nil
        }
    }

    // MARK: Reading replies

    func classify(_ line: String) -> Reply {
        var text = Substring(line)
        if rulesAfterColon {
            guard line.hasPrefix("+"), let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) else { return .unknown }
            let head = line[..<colon]
            if head == "+INFO" || head == "+LOG" { return .informational }
            text = line[line.index(after: colon)...]
            if text.hasPrefix(" ") { text = text.dropFirst() }
        }
        for rule in rules {
            guard rule.prefix ? text.hasPrefix(rule.text) : text == rule.text else { continue }
            switch rule.meaning {
            case .reply(let reply): return reply
            case .downlink: return parseDownlink(text).map { .downlink($0) } ?? .unknown
            case .bandWait:
                // "No band in 13469ms"
                let digits = Array(text.utf8.dropFirst(rule.text.utf8.count).prefix { $0 >= 0x30 && $0 <= 0x39 })
                guard let ms = DialectSpec.decimal(digits) else { return .failure(.dutyCycle) }
                // At least a second: "No band in 0ms" again and again must not spin the uplink.
                return .failure(.retryAfter(.milliseconds(Int64(max(ms, 1000)))))
            case .errorCode:
                // The error code table: -1 parameter invalid, -12 unavailable in this mode,
                // -21 command too long; the rest say our line was not understood.
                let digits = Array(text.utf8.dropFirst(7).prefix { $0 >= 0x30 && $0 <= 0x39 })
                switch DialectSpec.decimal(digits) {
                case 1: return .failure(.invalid)
                case 12: return .failure(.wrongMode)
                case 21: return .failure(.tooLong)
                default: return .failure(.error)
                }
            }
        }
        return .unknown
    }

    /// RAK3172 "+EVT:RX_1:-46:10:UNICAST:111:48454c4c4f0a", E5 "PORT: 15; RX: "48656C6C6F""
    /// (older firmware puts spaces between bytes), RN2483 "mac_rx 2 AABB".
    func parseDownlink(_ text: Substring) -> Downlink? {
        let portText: [UInt8]
        var hexText: [UInt8]
        switch dialect {
        case .rak3172:
            let fields = text.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 6 else { return nil }
            portText = Array(fields[5].utf8)
            hexText = fields.count > 6 ? Array(fields[6].utf8) : []
        case .loraE5:
            let bytes = Array(text.utf8.dropFirst(6))  // "PORT: "
            portText = Array(bytes.prefix { $0 != UInt8(ascii: ";") })
            guard let quote = bytes.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let rest = bytes[(quote + 1)...]
            guard let end = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            hexText = Array(rest[..<end]).filter { $0 != UInt8(ascii: " ") }
        case .rn2483:
            let fields = text.split(separator: " ")
            guard fields.count == 2 || fields.count == 3 else { return nil }
            portText = Array(fields[1].utf8)
            hexText = fields.count == 3 ? Array(fields[2].utf8) : []
        }
        guard let port = DialectSpec.decimal(portText), port >= 1, port <= 223,
              let bytes = Hex.decode(hexText) else { return nil }
        return Downlink(port: UInt8(port), bytes: bytes)
    }

    // MARK: Number text

    /// Up to 9 decimal digits, nothing else.
    static func decimal(_ text: [UInt8]) -> Int? {
        guard !text.isEmpty, text.count <= 9 else { return nil }
        var value = 0
        for c in text {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            value = value * 10 + Int(c - 0x30)
        }
        return value
    }
}
