import Testing
import MoteHAL
import MoteLinux
import MoteNode
import MoteSimulation

/// Records every byte the transport writes, passing everything through to `inner`.
final class Tap<Inner: SerialPort>: SerialPort {
    var inner: Inner
    private(set) var written: [UInt8] = []
    init(_ inner: Inner) { self.inner = inner }
    var name: String { inner.name }
    func read(into buffer: inout [UInt8]) throws(BusError) -> Int { try inner.read(into: &buffer) }
    func write(_ bytes: [UInt8]) throws(BusError) {
        written += bytes
        try inner.write(bytes)
    }
    func waitReadable(until deadline: Instant) throws(BusError) -> Bool { try inner.waitReadable(until: deadline) }
    var text: String { String(decoding: written, as: UTF8.self) }
    func clear() { written.removeAll() }
}

/// Answers each command line written with the next scripted reply, 10 ms later: for replies the
/// model does not make (every error of the tables, odd formats, over-long lines).
final class ReplyPort: SerialPort {
    let name = "reply-port"
    let clock: VirtualClock
    private var replies: [[UInt8]]
    private var pending: [(at: Instant, bytes: [UInt8])] = []
    private var waiting: [UInt8] = []
    private var partial: [UInt8] = []
    private(set) var lines: [String] = []

    init(clock: VirtualClock, replies: [String]) {
        self.clock = clock
        self.replies = replies.map { Array($0.utf8) }
    }

    init(clock: VirtualClock, rawReplies: [[UInt8]]) {
        self.clock = clock
        self.replies = rawReplies
    }

    private func deliver() {
        while let next = pending.first, next.at <= clock.now() {
            waiting += next.bytes
            pending.removeFirst()
        }
    }

    func read(into buffer: inout [UInt8]) throws(BusError) -> Int {
        deliver()
        let count = min(buffer.count, waiting.count)
        for index in 0..<count { buffer[index] = waiting[index] }
        waiting.removeFirst(count)
        return count
    }

    func write(_ bytes: [UInt8]) throws(BusError) {
        partial += bytes
        while let end = partial.firstIndex(of: 0x0A) {
            lines.append(String(decoding: partial[..<(end - 1)], as: UTF8.self))
            partial.removeFirst(end + 1)
            if !replies.isEmpty { pending.append((clock.now() + .milliseconds(10), replies.removeFirst())) }
        }
    }

    func waitReadable(until deadline: Instant) throws(BusError) -> Bool {
        deliver()
        if !waiting.isEmpty { return true }
        guard let next = pending.first, next.at <= deadline else {
            clock.sleep(until: deadline)
            return false
        }
        clock.sleep(until: next.at)
        deliver()
        return true
    }
}

/// CayenneLPP channel 1 temperature -4.1 °C (IPSO 3303: 0.1 °C signed, -41 = 0xFFD7).
let temperatureFrame = Frame(sequence: 0, port: 2, format: "cayenne-lpp", bytes: [0x01, 0x67, 0xFF, 0xD7])

@Suite struct ATModemTests {
    typealias Modem = ATModem<Tap<LoRaModemModel>, VirtualClock>

    func setUp(_ dialect: LoRaModemModel.Dialect) -> (LoRaModemModel, Modem, VirtualClock) {
        let clock = VirtualClock()
        let model = LoRaModemModel(dialect: dialect, clock: clock)
        let transport: ATModemDialect = dialect == .rak3172 ? .rak3172 : dialect == .loraE5 ? .loraE5 : .rn2483
        return (model, ATModem(port: Tap(model), clock: clock, dialect: transport), clock)
    }

    func joined(_ dialect: LoRaModemModel.Dialect) -> (LoRaModemModel, Modem, VirtualClock) {
        var (model, modem, clock) = setUp(dialect)
        #expect(modem.connect() == .ready)
        modem.port.clear()
        return (model, modem, clock)
    }

    // MARK: RAK3172

    @Test func rakJoinsWithTheManualsCommands() {
        var (model, modem, _) = setUp(.rak3172)
        #expect(modem.connect() == .ready)
        #expect(modem.port.text == "AT\r\nAT+NJM=1\r\nAT+JOIN=1:0:10:8\r\n")
        #expect(model.joined && modem.joined)
        #expect(modem.name == "rak3172 sim-rak3172")
    }

    @Test func rakSendsUnconfirmedThenConfirmedWithAck() {
        var (model, modem, _) = joined(.rak3172)
        #expect(modem.send(temperatureFrame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))
        #expect(modem.port.text == "AT+CFM=0\r\nAT+SEND=2:0167FFD7\r\n")
        modem.port.clear()
        #expect(modem.send(temperatureFrame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))
        #expect(modem.port.text == "AT+SEND=2:0167FFD7\r\n")  // AT+CFM already 0
        modem.port.clear()
        model.queueDownlink(port: 10, bytes: [0x48, 0x45, 0x4C, 0x4C, 0x4F])
        #expect(modem.send(temperatureFrame, confirmed: true)
                == .sent(acknowledged: true, downlink: Downlink(port: 10, bytes: [0x48, 0x45, 0x4C, 0x4C, 0x4F])))
        #expect(modem.port.text == "AT+CFM=1\r\nAT+SEND=2:0167FFD7\r\n")
        #expect(model.uplinks.map(\.confirmed) == [false, false, true])
        #expect(model.uplinks.last?.bytes == [0x01, 0x67, 0xFF, 0xD7])
    }

    @Test func rakConfirmedWithoutAck() {
        var (model, modem, _) = joined(.rak3172)
        model.acknowledges = false
        model.queueDownlink(port: 3, bytes: [1])  // the network never answered: it stays queued
        #expect(modem.send(temperatureFrame, confirmed: true) == .sent(acknowledged: false, downlink: nil))
        #expect(model.queuedDownlinks == 1)
    }

    @Test func rakJoinRetriesInsideOneConnectUntilItsAttemptsRunOut() {
        var (model, modem, clock) = setUp(.rak3172)
        model.failJoins(3)
        #expect(modem.connect() == .ready)
        #expect(model.joinAttempts == 4)
        // Three failed attempts of 7 s each with 10 s between, then the fourth.
        #expect(clock.now() >= Instant.zero + .seconds(58) && clock.now() < Instant.zero + .seconds(59))

        model.networkReset()
        model.failJoins(9)
        #expect(modem.connect() == .retry(after: .seconds(30), reason: "join failed 9 times ('+EVT:JOIN_FAILED_RX_TIMEOUT' to AT+JOIN)"))
        model.failJoins(9)
        #expect(modem.connect() == .retry(after: .seconds(60), reason: "join failed 9 times ('+EVT:JOIN_FAILED_RX_TIMEOUT' to AT+JOIN)"))
        #expect(modem.connect() == .ready)
        #expect(model.joinAttempts == 4 + 9 + 9 + 1)
    }

    @Test func rakModelFaultsMapToOutcomes() {
        var (model, modem, clock) = joined(.rak3172)
        #expect(modem.send(temperatureFrame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))

        model.inject(.busy, from: clock.now(), until: clock.now() + .seconds(10))
        #expect(modem.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(2), reason: "modem busy ('AT_BUSY_ERROR' to AT+SEND)"))
        #expect(modem.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(4), reason: "modem busy ('AT_BUSY_ERROR' to AT+SEND)"))
        model.clearFaults()

        model.inject(.dutyCycle)
        #expect(modem.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(30), reason: "duty cycle or no free channel ('AT_DUTYCYCLE_RESTRICTED' to AT+SEND)"))
        model.clearFaults()
        #expect(modem.send(temperatureFrame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))

        model.networkReset()
        #expect(modem.send(temperatureFrame, confirmed: false) == .rejoin(reason: "not joined ('AT_NO_NETWORK_JOINED' to AT+SEND)"))
        #expect(!modem.joined)
        #expect(modem.connect() == .ready)

        model.inject(.frameCounter, from: clock.now(), until: clock.now() + .seconds(1))
        #expect(modem.send(temperatureFrame, confirmed: false) == .rejoin(reason: "not joined ('AT_NO_NETWORK_JOINED' to AT+SEND)"))
        #expect(modem.connect() == .ready)

        model.maximumPayload = 3
        #expect(modem.send(temperatureFrame, confirmed: false) == .rejected(reason: "refused as invalid ('AT_PARAM_ERROR' to AT+SEND)"))
        model.maximumPayload = 51

        model.inject(.silence, from: clock.now(), until: clock.now() + .seconds(5))
        #expect(modem.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(5), reason: "no reply to AT+SEND within 2 s"))
        model.clearFaults()

        model.inject(.garbage, from: clock.now(), until: clock.now() + .seconds(1))
        #expect(modem.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(10), reason: "garbled reply '\\x00\\xff\\x8a\\x13\\x7f' to AT+SEND"))
        model.clearFaults()
        clock.sleep(for: .seconds(10))  // the garbled send went out; its TX_DONE is drained next time
        #expect(modem.send(temperatureFrame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))
    }

    func scripted(_ dialect: ATModemDialect, _ replies: [String]) -> ATModem<ReplyPort, VirtualClock> {
        let clock = VirtualClock()
        return ATModem(port: ReplyPort(clock: clock, replies: replies), clock: clock, dialect: dialect)
    }

    @Test func rakEveryErrorReplyHasItsOutcome() {
        let table: [(String, UplinkOutcome)] = [
            ("AT_BUSY_ERROR", .retry(after: .seconds(2), reason: "modem busy ('AT_BUSY_ERROR' to AT+SEND)")),
            ("AT_DUTYCYCLE_RESTRICTED", .retry(after: .seconds(30), reason: "duty cycle or no free channel ('AT_DUTYCYCLE_RESTRICTED' to AT+SEND)")),
            ("AT_DUTYCYLE_RESTRICTED", .retry(after: .seconds(30), reason: "duty cycle or no free channel ('AT_DUTYCYLE_RESTRICTED' to AT+SEND)")),
            ("AT_NO_NETWORK_JOINED", .rejoin(reason: "not joined ('AT_NO_NETWORK_JOINED' to AT+SEND)")),
            ("AT_MODE_NO_SUPPORT", .rejoin(reason: "modem not in LoRaWAN OTAA mode ('AT_MODE_NO_SUPPORT' to AT+SEND)")),
            ("AT_PARAM_ERROR", .rejected(reason: "refused as invalid ('AT_PARAM_ERROR' to AT+SEND)")),
            ("AT_TEST_PARAM_OVERFLOW", .rejected(reason: "frame too long for the modem now ('AT_TEST_PARAM_OVERFLOW' to AT+SEND)")),
            ("AT_ERROR", .retry(after: .seconds(5), reason: "modem error ('AT_ERROR' to AT+SEND)")),
            ("AT_RX_ERROR", .retry(after: .seconds(5), reason: "modem error ('AT_RX_ERROR' to AT+SEND)")),
            ("AT_COMMAND_NOT_FOUND", .retry(after: .seconds(5), reason: "modem error ('AT_COMMAND_NOT_FOUND' to AT+SEND)")),
            ("HELLO", .retry(after: .seconds(5), reason: "unexpected reply 'HELLO' to AT+SEND")),
            ("OK\r\n+EVT:SEND_CONFIRMED_FAILED(4)", .retry(after: .seconds(5), reason: "transmission failed ('+EVT:SEND_CONFIRMED_FAILED(4)' to AT+SEND)")),
            ("OK\r\n+EVT:LINKCHECK:0:20:1:-60:9\r\n+EVT:TX_DONE\r\n+EVT:RX_2:-90:-3:MULTICAST:7:A0B1", .sent(acknowledged: nil, downlink: Downlink(port: 7, bytes: [0xA0, 0xB1]))),
            ("OK", .retry(after: .seconds(5), reason: "AT+SEND accepted, then no end within 10 s")),
        ]
        for (reply, outcome) in table {
            var modem = scripted(.rak3172, ["OK\r\n", reply + "\r\n"])
            #expect(modem.send(temperatureFrame, confirmed: false) == outcome, "\(reply)")
            #expect(modem.port.lines == ["AT+CFM=0", "AT+SEND=2:0167FFD7"])
        }
    }

    @Test func overlongAndUnendedLinesAreRefusedWithAReason() {
        let long = String(repeating: "A", count: 900)
        var modem = scripted(.rak3172, ["OK\r\n", long + "\r\n"])
        #expect(modem.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(5), reason: "reply to AT+SEND longer than 800 bytes (900)"))
        modem = scripted(.rak3172, ["OK\r\n", long + long])
        #expect(modem.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(5), reason: "reply to AT+SEND longer than 800 bytes (1024 without an end)"))
        modem = scripted(.rak3172, ["OK\r\n", "OK\r\n+EVT:TX_"])
        #expect(modem.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(5), reason: "unterminated reply '+EVT:TX_' to AT+SEND"))
        let clock = VirtualClock()
        var raw = ATModem(port: ReplyPort(clock: clock, rawReplies: [Array("OK\r\n".utf8), [0x4F, 0x4B, 0x00, 0x0D, 0x0A]]), clock: clock, dialect: .rak3172)
        #expect(raw.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(5), reason: "garbled reply 'OK\\x00' to AT+SEND"))
    }

    // MARK: LoRa-E5

    @Test func e5JoinsSetsThePortAndSends() {
        var (model, modem, _) = setUp(.loraE5)
        #expect(modem.connect() == .ready)
        #expect(modem.port.text == "AT\r\nAT+MODE=LWOTAA\r\nAT+JOIN\r\n")
        modem.port.clear()
        #expect(modem.send(temperatureFrame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))
        #expect(modem.port.text == "AT+PORT=2\r\nAT+MSGHEX=\"0167FFD7\"\r\n")
        modem.port.clear()
        model.queueDownlink(port: 15, bytes: [0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(modem.send(temperatureFrame, confirmed: true)
                == .sent(acknowledged: true, downlink: Downlink(port: 15, bytes: [0x48, 0x65, 0x6C, 0x6C, 0x6F])))
        #expect(modem.port.text == "AT+CMSGHEX=\"0167FFD7\"\r\n")
        model.acknowledges = false
        #expect(modem.send(temperatureFrame, confirmed: true) == .sent(acknowledged: false, downlink: nil))
        #expect(model.uplinks.map(\.port) == [2, 2, 2])
    }

    @Test func e5JoinFailureIsARetryThenAJoin() {
        var (model, modem, _) = setUp(.loraE5)
        model.failJoins(1)
        #expect(modem.connect() == .retry(after: .seconds(30), reason: "join failed ('+JOIN: Join failed' to AT+JOIN)"))
        #expect(modem.connect() == .ready)
        #expect(modem.connect() == .ready)  // "+JOIN: Joined already"
        #expect(model.joinAttempts == 2)
    }

    @Test func e5ModelFaults() {
        var (model, modem, clock) = joined(.loraE5)
        #expect(modem.send(temperatureFrame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))
        model.inject(.dutyCycle, from: clock.now(), until: clock.now() + .seconds(1))
        #expect(modem.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(30), reason: "duty cycle or no free channel ('+MSGHEX: No free channel' to AT+MSGHEX)"))
        model.clearFaults()
        model.inject(.busy, from: clock.now(), until: clock.now() + .seconds(1))
        #expect(modem.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(2), reason: "modem busy ('+MSGHEX: LoRaWAN modem is busy' to AT+MSGHEX)"))
        model.clearFaults()
        model.maximumPayload = 2
        #expect(modem.send(temperatureFrame, confirmed: false) == .rejected(reason: "frame too long for the modem now ('+MSGHEX: Length error 2' to AT+MSGHEX)"))
        model.maximumPayload = 51
        model.networkReset()
        #expect(modem.send(temperatureFrame, confirmed: false) == .rejoin(reason: "not joined ('+MSGHEX: Please join network first' to AT+MSGHEX)"))
    }

    @Test func e5EveryErrorReplyHasItsOutcome() {
        let table: [(String, UplinkOutcome)] = [
            ("+MSGHEX: No band in 13469ms", .retry(after: .milliseconds(13469), reason: "no free band for 13469 ms ('+MSGHEX: No band in 13469ms' to AT+MSGHEX)")),
            // A wait of at least a second, so a modem that says 0 again and again does not spin the uplink.
            ("+MSGHEX: No band in 0ms", .retry(after: .seconds(1), reason: "no free band for 1 s ('+MSGHEX: No band in 0ms' to AT+MSGHEX)")),
            ("+MSGHEX: DR error", .retry(after: .seconds(5), reason: "modem error ('+MSGHEX: DR error' to AT+MSGHEX)")),
            ("+MSGHEX: ERROR(-1)", .rejected(reason: "refused as invalid ('+MSGHEX: ERROR(-1)' to AT+MSGHEX)")),
            ("+MSGHEX: ERROR(-12)", .rejoin(reason: "modem not in LoRaWAN OTAA mode ('+MSGHEX: ERROR(-12)' to AT+MSGHEX)")),
            ("+MSGHEX: ERROR(-21)", .rejected(reason: "frame too long for the modem now ('+MSGHEX: ERROR(-21)' to AT+MSGHEX)")),
            ("+MSGHEX: ERROR(-22)", .retry(after: .seconds(5), reason: "modem error ('+MSGHEX: ERROR(-22)' to AT+MSGHEX)")),
            ("+MSGHEX: Start\r\n+MSGHEX: FPENDING\r\n+MSGHEX: PORT: 5; RX: \"14 54 54\"\r\n+MSGHEX: RXWIN2, RSSI -88, SNR 13.5\r\n+MSGHEX: Done",
             .sent(acknowledged: nil, downlink: Downlink(port: 5, bytes: [0x14, 0x54, 0x54]))),
            ("+MSGHEX: Start\r\n+MSGHEX: PORT: 0; RX: \"14\"", .retry(after: .seconds(5), reason: "unexpected reply '+MSGHEX: PORT: 0; RX: \"14\"' to AT+MSGHEX")),
        ]
        for (reply, outcome) in table {
            var modem = scripted(.loraE5, ["+PORT: 2\r\n", reply + "\r\n"])
            #expect(modem.send(temperatureFrame, confirmed: false) == outcome, "\(reply)")
            #expect(modem.port.lines == ["AT+PORT=2", "AT+MSGHEX=\"0167FFD7\""])
        }
    }

    // MARK: RN2483

    @Test func rnJoinsAndSends() {
        var (model, modem, _) = setUp(.rn2483)
        #expect(modem.connect() == .ready)
        #expect(modem.port.text == "sys get ver\r\nmac join otaa\r\n")
        modem.port.clear()
        #expect(modem.send(temperatureFrame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))
        #expect(modem.port.text == "mac tx uncnf 2 0167FFD7\r\n")
        modem.port.clear()
        model.queueDownlink(port: 4, bytes: [0x12, 0x34, 0xAB, 0xCD])
        #expect(modem.send(temperatureFrame, confirmed: true) == .sent(acknowledged: true, downlink: Downlink(port: 4, bytes: [0x12, 0x34, 0xAB, 0xCD])))
        #expect(modem.port.text == "mac tx cnf 2 0167FFD7\r\n")
        #expect(modem.send(temperatureFrame, confirmed: true) == .sent(acknowledged: true, downlink: nil))
        model.acknowledges = false
        #expect(modem.send(temperatureFrame, confirmed: true) == .sent(acknowledged: false, downlink: nil))
    }

    @Test func rnJoinDeniedThenAccepted() {
        var (model, modem, _) = setUp(.rn2483)
        model.failJoins(2)
        #expect(modem.connect() == .retry(after: .seconds(30), reason: "join failed ('denied' to mac join)"))
        #expect(modem.connect() == .retry(after: .seconds(60), reason: "join failed ('denied' to mac join)"))
        #expect(modem.connect() == .ready)
    }

    @Test func rnModelFaults() {
        var (model, modem, clock) = joined(.rn2483)
        model.inject(.frameCounter, from: clock.now(), until: clock.now() + .seconds(1))
        #expect(modem.send(temperatureFrame, confirmed: false) == .rejoin(reason: "frame counter error ('frame_counter_err_rejoin_needed' to mac tx)"))
        model.clearFaults()
        model.inject(.dutyCycle, from: clock.now(), until: clock.now() + .seconds(1))
        #expect(modem.send(temperatureFrame, confirmed: false) == .retry(after: .seconds(30), reason: "duty cycle or no free channel ('no_free_ch' to mac tx)"))
        model.clearFaults()
        model.maximumPayload = 2
        #expect(modem.send(temperatureFrame, confirmed: false) == .rejected(reason: "frame too long for the modem now ('invalid_data_len' to mac tx)"))
        model.networkReset()
        #expect(modem.send(temperatureFrame, confirmed: false) == .rejoin(reason: "not joined ('not_joined' to mac tx)"))
        model.inject(.silence)
        #expect(modem.connect() == .retry(after: .seconds(30), reason: "no reply to sys get ver within 2 s"))
    }

    @Test func rnEveryErrorReplyHasItsOutcome() {
        let table: [(String, UplinkOutcome)] = [
            ("invalid_param", .rejected(reason: "refused as invalid ('invalid_param' to mac tx)")),
            ("not_joined", .rejoin(reason: "not joined ('not_joined' to mac tx)")),
            ("no_free_ch", .retry(after: .seconds(30), reason: "duty cycle or no free channel ('no_free_ch' to mac tx)")),
            ("silent", .retry(after: .seconds(30), reason: "duty cycle or no free channel ('silent' to mac tx)")),
            ("frame_counter_err_rejoin_needed", .rejoin(reason: "frame counter error ('frame_counter_err_rejoin_needed' to mac tx)")),
            ("busy", .retry(after: .seconds(2), reason: "modem busy ('busy' to mac tx)")),
            ("mac_paused", .retry(after: .seconds(5), reason: "modem error ('mac_paused' to mac tx)")),
            ("invalid_data_len", .rejected(reason: "frame too long for the modem now ('invalid_data_len' to mac tx)")),
            ("ok\r\ninvalid_data_len", .rejected(reason: "frame too long for the modem now ('invalid_data_len' to mac tx)")),
            ("ok\r\nmac_err", .retry(after: .seconds(5), reason: "transmission failed ('mac_err' to mac tx)")),
            ("ok\r\nmac_rx 1 aabbcc", .sent(acknowledged: nil, downlink: Downlink(port: 1, bytes: [0xAA, 0xBB, 0xCC]))),
        ]
        for (reply, outcome) in table {
            var modem = scripted(.rn2483, [reply + "\r\n"])
            #expect(modem.send(temperatureFrame, confirmed: false) == outcome, "\(reply)")
            #expect(modem.port.lines == ["mac tx uncnf 2 0167FFD7"])
        }
    }

    @Test func backoffDoublesToItsCap() {
        let backoff = Backoff(base: .seconds(5), maximum: .seconds(300))
        #expect((1...8).map { backoff.delay(after: $0) } == [5, 10, 20, 40, 80, 160, 300, 300].map { TimeSpan.seconds($0) })
    }
}

/// The transport on a real pseudo-terminal: LinuxSerialPort on the slave, the model on the
/// master. One thread: the client's waits pump the model (`PumpedPort`), so the model runs
/// exactly when the client is waiting for it, the test is deterministic in order, and no
/// Sendable wrappers are needed. The bytes still cross the kernel's pty both ways in raw mode.
@Suite struct ATModemPseudoTerminalTests {
    final class PumpedPort: SerialPort {
        let slave: LinuxSerialPort
        var master: PseudoTerminal
        let model: LoRaModemModel
        init(slave: LinuxSerialPort, master: PseudoTerminal, model: LoRaModemModel) {
            self.slave = slave
            self.master = master
            self.model = model
        }
        var name: String { slave.name }
        func read(into buffer: inout [UInt8]) throws(BusError) -> Int { try slave.read(into: &buffer) }
        func write(_ bytes: [UInt8]) throws(BusError) { try slave.write(bytes) }
        func waitReadable(until deadline: Instant) throws(BusError) -> Bool {
            while true {
                try model.pump(&master)
                let now = slave.clock.now()
                var wake = now + .milliseconds(2)  // soon enough to take the host's bytes off the master
                if let next = model.nextOutput, next < wake { wake = next }
                if deadline < wake { wake = deadline }
                if try slave.waitReadable(until: wake) { return true }
                if slave.clock.now() >= deadline { return false }
            }
        }
    }

    func run(_ dialect: LoRaModemModel.Dialect, _ transport: ATModemDialect) throws {
        let master = try PseudoTerminal()
        let slave = try LinuxSerialPort(path: master.path, configuration: ATModem<PumpedPort, MonotonicClock>.defaultConfiguration(transport))
        let model = LoRaModemModel(dialect: dialect, clock: slave.clock)
        model.joinDelay = .milliseconds(300)
        model.transmitTime = .milliseconds(200)
        var modem = ATModem(port: PumpedPort(slave: slave, master: master, model: model), clock: slave.clock, dialect: transport)
        if dialect == .rak3172 {
            // (RUI3's own join retry waits AT+JOIN's interval, 7 s at least: tested on the virtual clock.)
            #expect(modem.connect() == .ready)
        } else {
            model.failJoins(1)
            #expect(modem.connect() == .retry(after: .seconds(30), reason: dialect == .loraE5
                ? "join failed ('+JOIN: Join failed' to AT+JOIN)" : "join failed ('denied' to mac join)"))
            #expect(modem.connect() == .ready)
        }
        model.queueDownlink(port: 9, bytes: [0xCA, 0xFE])
        #expect(modem.send(temperatureFrame, confirmed: true) == .sent(acknowledged: true, downlink: Downlink(port: 9, bytes: [0xCA, 0xFE])))
        #expect(modem.send(temperatureFrame, confirmed: false) == .sent(acknowledged: nil, downlink: nil))
        #expect(model.uplinks.count == 2 && model.uplinks.allSatisfy { $0.bytes == temperatureFrame.bytes })
    }

    @Test func rak3172OnAPseudoTerminal() throws { try run(.rak3172, .rak3172) }
    @Test func loraE5OnAPseudoTerminal() throws { try run(.loraE5, .loraE5) }
    @Test func rn2483OnAPseudoTerminal() throws { try run(.rn2483, .rn2483) }
}

/// The modem's port pings the service watchdog at least once a second while a reply is awaited.
@Suite struct KeepAlivePortTests {
    final class Count { var value = 0 }

    @Test func aLongWaitIsCutIntoSecondsWithAPingBetween() throws {
        let clock = VirtualClock()
        let pings = Count()
        var port = KeepAlivePort(ScriptedSerialPort(clock: clock, chunks: [(at: Instant.zero + .milliseconds(7_500), bytes: [0x4F, 0x4B])]),
                                 clock: clock, keepAlive: { pings.value += 1 })
        #expect(try port.waitReadable(until: Instant.zero + .seconds(5)) == false)
        #expect(clock.now() == Instant.zero + .seconds(5))
        #expect(pings.value == 5)  // at 0, 1, 2, 3 and 4 s
        #expect(try port.waitReadable(until: Instant.zero + .seconds(60)) == true)
        #expect(clock.now() == Instant.zero + .milliseconds(7_500))
        #expect(pings.value == 8)  // at 5, 6 and 7 s
    }
}
