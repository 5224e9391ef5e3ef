import Foundation
import Testing
@testable import MoteCLI
import MoteHAL
import MoteNode

@Suite struct FaultPlanTests {
    static let node = """
        [node]
        name = "t"
        board = "simulated"

        [[sensor]]
        id = "air"
        driver = "bme280"
        bus = "i2c-1"

        [[sensor]]
        id = "pm"
        driver = "pms5003"
        port = "uart0"

        [uplink]
        transport = "rak3172"
        region = "EU868"
        modem_port = "uart1"
        """

    func configuration(_ text: String = FaultPlanTests.node) -> NodeConfiguration {
        NodeConfiguration.parsePartially(text, file: "n.toml").0
    }

    @Test func windowsCommentsAndBlankLines() {
        let text = "# TARGET FAULT FROM UNTIL\n\nair nak 2d3h 2d9h   # the BME280\n\tmodem\tsilence 0s 90m\r\npm garbage 1h 1h30m\n"
        let plan = FaultPlan.parse(text, file: "f.txt", node: configuration())
        #expect(plan == .success(FaultPlan(entries: [
            FaultPlan.Entry(target: "air", fault: "nak", from: .seconds(2 * 86_400 + 3 * 3_600), until: .seconds(2 * 86_400 + 9 * 3_600)),
            FaultPlan.Entry(target: "modem", fault: "silence", from: .zero, until: .seconds(5_400)),
            FaultPlan.Entry(target: "pm", fault: "garbage", from: .seconds(3_600), until: .seconds(5_400)),
        ])))
    }

    @Test func everyMistakeAtOnceWithItsLine() {
        let text = "x nak 1h 2h\nair foo 1x 2h\nmodem busy 3h 2h\nair nak\npm nak 1h 2h\n"
        #expect(FaultPlan.parse(text, file: "f.txt", node: configuration()) == .failure(UsageProblems(messages: [
            "f.txt:1: no sensor \"x\" in the node file (targets: air, pm, modem)",
            "f.txt:2: unknown fault \"foo\" for bme280 \"air\" (expected nak, chip-id, stuck)",
            "f.txt:2: \"1x\" is not a duration; write it like \"0s\", \"90m\" or \"2d3h\"",
            "f.txt:3: the window ends at or before it starts (3h until 2h)",
            "f.txt:4: expected TARGET FAULT FROM UNTIL, found 2 fields",
            "f.txt:5: unknown fault \"nak\" for pms5003 \"pm\" (expected checksum, garbage, partial, wrong-length, silence, stuck, out-of-range)",
        ])))
    }

    @Test func theModemOnlyWithAModemTransport() {
        let fileNode = FaultPlanTests.node.replacingOccurrences(of: "transport = \"rak3172\"\nregion = \"EU868\"\nmodem_port = \"uart1\"",
                                                                with: "transport = \"file\"\nfile = \"/tmp/x\"")
        #expect(FaultPlan.parse("modem busy 1h 2h\n", file: "f", node: configuration(fileNode))
                == .failure(UsageProblems(messages: ["f:1: modem: the node's transport is file, not a modem"])))
    }

    /// Every name the file may use is one the models are given: the table and the mappers agree.
    @Test func everyNameMapsToAModelFault() {
        let mappers: [String: (String) -> Bool] = [
            "bme280": { FaultPlan.bme280($0) != nil }, "sht4x": { FaultPlan.sht4x($0) != nil }, "sht3x": { FaultPlan.sht3x($0) != nil },
            "bh1750": { FaultPlan.bh1750($0) != nil }, "scd4x": { FaultPlan.scd4x($0) != nil }, "ads1115": { FaultPlan.ads1115($0) != nil },
            "ds18b20": { FaultPlan.ds18b20($0) != nil }, "pms5003": { FaultPlan.pms5003($0) != nil }, "nmea-gps": { FaultPlan.gps($0) != nil },
            "modbus": { FaultPlan.modbus($0) != nil }, "modem": { FaultPlan.modem($0) != nil },
            "digital-input": { $0 == "chip-lost" }, "pulse-counter": { $0 == "chip-lost" },
        ]
        #expect(FaultPlan.names.count == mappers.count)
        for (driver, faults) in FaultPlan.names {
            for fault in faults { #expect(mappers[driver]?(fault) == true, "\(driver) \(fault)") }
            #expect(mappers[driver]?("no-such-fault") == false)
        }
        #expect(FaultPlan.bme280("chip-id") == .wrongChipID(0x58))
        #expect(FaultPlan.modem("duty-cycle") == .dutyCycle)
        #expect(FaultPlan.modbus("exception") == .exception(0x04))
    }

    @Test func theUplinkSummaryLine() {
        var totals = UplinkTotals()
        totals.accepted = 143
        totals.sent = 106
        totals.dropped = 37
        totals.queued = 2
        totals.carried = 2
        totals.droppedTotal = 40
        totals.rejectedTotal = 1
        #expect(EventText.json(.uplink(totals, at: .zero + .milliseconds(43_154_820)))
                == "{\"type\":\"uplink\",\"t\":43154820,\"accepted\":143,\"sent\":106,\"dropped\":37,\"rejected\":0,\"queued\":2,\"carried\":2,\"dropped_total\":40,\"rejected_total\":1}")
        #expect(EventText.human(.uplink(totals, at: .zero + .milliseconds(43_154_820)))
                == "[43154.820 s]  uplink  accepted 143, sent 106, dropped 37, rejected 0, queued 2 (2 carried from before; 40 dropped and 1 rejected over the queue's life)")
    }
}
