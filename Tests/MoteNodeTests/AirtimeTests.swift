import Testing
import MoteHAL
import MoteNode

// The table between the GENERATED markers comes from Tests/peers/airtime_reference.py, an
// independent Python computation of the SX1276 datasheet formula (exact fractions), itself checked
// against published calculator figures and pamoja-lora; scripts/test reruns it with --check.

struct AirtimeCase: CustomTestStringConvertible, Sendable {
    var link: PayloadLimit.Link
    var dataRate: Int
    /// (application bytes, time on air in µs)
    var microseconds: [(Int, Int64)]
    var testDescription: String { "\(link.rawValue) DR\(dataRate)" }
}

@Suite struct AirtimeTests {
    @Test(arguments: referenceAirtimes) func matchesTheReference(_ row: AirtimeCase) {
        for (bytes, us) in row.microseconds {
            #expect(Airtime.uplink(payloadBytes: bytes, row.link, dataRate: row.dataRate) == .microseconds(us),
                    "\(row.link.rawValue) DR\(row.dataRate) \(bytes) bytes")
        }
    }

    /// The cases the uplink lives by, spelled out (SF12: 32.768 ms a symbol; 12.25 + 33 symbols for 24 bytes).
    @Test func namedCases() {
        #expect(Airtime.uplink(payloadBytes: 11, .eu868, dataRate: 0) == .microseconds(1_482_752))
        #expect(Airtime.uplink(payloadBytes: 51, .eu868, dataRate: 0) == .microseconds(2_793_472))
        #expect(Airtime.uplink(payloadBytes: 51, .eu868, dataRate: 5) == .microseconds(118_016))
        #expect(Airtime.uplink(payloadBytes: 242, .eu868, dataRate: 5) == .microseconds(399_616))
        #expect(Airtime.uplink(payloadBytes: 242, .eu868, dataRate: 6) == .microseconds(199_808))
        #expect(Airtime.uplink(payloadBytes: 51, .eu868, dataRate: 7) == .microseconds(12_000))   // (5+3+1+64+2) × 8 bits at 50 kbit/s
        // US915 DR0 at its 11-byte limit: under the 400 ms dwell time.
        let us915 = Airtime.uplink(payloadBytes: 11, .us915, dataRate: 0)
        #expect(us915 == .microseconds(370_688))
        #expect(us915! < .milliseconds(400))
        #expect(Airtime.uplink(payloadBytes: 242, .us915, dataRate: 4) == .microseconds(176_768))
        // AS923 with dwell time: DR2 at 11 bytes, DR3 at 53, DR4 at 125 are all under 400 ms.
        #expect(Airtime.uplink(payloadBytes: 11, .as923, dataRate: 2)! < .milliseconds(400))
        #expect(Airtime.uplink(payloadBytes: 53, .as923, dataRate: 3)! < .milliseconds(400))
        #expect(Airtime.uplink(payloadBytes: 125, .as923, dataRate: 4)! < .milliseconds(400))
    }

    /// Published calculator figures, at the PHY level (PL = the whole PHY payload).
    @Test func publishedFigures() {
        // rfwireless-world examples: SF7/125, 10 bytes: 41.216 ms; SF11/125, 10 bytes, LDRO: 577.536 ms.
        #expect(Airtime.phy(10, .lora(spreadingFactor: 7, bandwidthHz: 125_000)) == .microseconds(41_216))
        #expect(Airtime.phy(10, .lora(spreadingFactor: 11, bandwidthHz: 125_000)) == .microseconds(577_536))
        // The AN1200.13 spreadsheet: SF9/125, 13 bytes: 28 payload symbols, 164.864 ms.
        #expect(Airtime.payloadSymbols(phyPayloadBytes: 13, spreadingFactor: 9, bandwidthHz: 125_000) == 28)
        #expect(Airtime.phy(13, .lora(spreadingFactor: 9, bandwidthHz: 125_000)) == .microseconds(164_864))
        // The TTN console: SF12/125, 4 + 13 bytes: 1318.9 ms.
        #expect(Airtime.phy(17, .lora(spreadingFactor: 12, bandwidthHz: 125_000)) == .microseconds(1_318_912))
    }

    @Test func lowDataRateOptimisationOnlyAboveSixteenMillisecondSymbols() {
        #expect(Airtime.lowDataRateOptimization(spreadingFactor: 12, bandwidthHz: 125_000))
        #expect(Airtime.lowDataRateOptimization(spreadingFactor: 11, bandwidthHz: 125_000))
        #expect(!Airtime.lowDataRateOptimization(spreadingFactor: 10, bandwidthHz: 125_000))
        #expect(!Airtime.lowDataRateOptimization(spreadingFactor: 7, bandwidthHz: 250_000))
        #expect(!Airtime.lowDataRateOptimization(spreadingFactor: 8, bandwidthHz: 500_000))
        // SF11 without it would be 8 + ceil(80/44) × 5 = 18 symbols for 10 bytes; with it 23.
        #expect(Airtime.payloadSymbols(phyPayloadBytes: 10, spreadingFactor: 11, bandwidthHz: 125_000) == 23)
    }

    @Test func dataRateTables() {
        #expect(Airtime.modulation(.eu868, dataRate: 0) == .lora(spreadingFactor: 12, bandwidthHz: 125_000))
        #expect(Airtime.modulation(.eu868, dataRate: 5) == .lora(spreadingFactor: 7, bandwidthHz: 125_000))
        #expect(Airtime.modulation(.eu868, dataRate: 6) == .lora(spreadingFactor: 7, bandwidthHz: 250_000))
        #expect(Airtime.modulation(.eu868, dataRate: 7) == .fsk(bitsPerSecond: 50_000))
        #expect(Airtime.modulation(.eu868, dataRate: 8) == nil)
        #expect(Airtime.modulation(.us915, dataRate: 0) == .lora(spreadingFactor: 10, bandwidthHz: 125_000))
        #expect(Airtime.modulation(.us915, dataRate: 3) == .lora(spreadingFactor: 7, bandwidthHz: 125_000))
        #expect(Airtime.modulation(.us915, dataRate: 4) == .lora(spreadingFactor: 8, bandwidthHz: 500_000))
        #expect(Airtime.modulation(.us915, dataRate: 5) == nil)
        #expect(Airtime.modulation(.as923, dataRate: 0) == .lora(spreadingFactor: 12, bandwidthHz: 125_000))
        #expect(Airtime.modulation(.as923, dataRate: 6) == .lora(spreadingFactor: 7, bandwidthHz: 250_000))
        #expect(Airtime.modulation(.sigfox, dataRate: 0) == nil)
        #expect(Airtime.modulation(.eu868, dataRate: -1) == nil)
    }

    @Test func payloadsBeyondTheRadioAreRefused() {
        #expect(Airtime.uplink(payloadBytes: 242, .eu868, dataRate: 0) != nil)   // PHY 255: the length field's maximum
        #expect(Airtime.uplink(payloadBytes: 243, .eu868, dataRate: 0) == nil)
        #expect(Airtime.uplink(payloadBytes: -1, .eu868, dataRate: 0) == nil)
        #expect(Airtime.uplink(payloadBytes: 1, .sigfox, dataRate: 0) == nil)
        #expect(Airtime.uplink(payloadBytes: 1, .us915, dataRate: 5) == nil)
    }
}

// BEGIN GENERATED by Tests/peers/airtime_reference.py (do not edit; rerun the script)
let referenceAirtimes: [AirtimeCase] = [
    AirtimeCase(link: .eu868, dataRate: 0, microseconds: [(0, 1155072), (1, 1155072), (11, 1482752), (12, 1482752), (51, 2793472), (52, 2793472), (115, 4923392), (222, 8364032), (242, 9019392)]),
    AirtimeCase(link: .eu868, dataRate: 1, microseconds: [(0, 577536), (1, 659456), (11, 823296), (12, 823296), (51, 1560576), (52, 1560576), (115, 2707456), (222, 4673536), (242, 5001216)]),
    AirtimeCase(link: .eu868, dataRate: 2, microseconds: [(0, 288768), (1, 288768), (11, 370688), (12, 411648), (51, 698368), (52, 739328), (115, 1230848), (222, 2131968), (242, 2295808)]),
    AirtimeCase(link: .eu868, dataRate: 3, microseconds: [(0, 164864), (1, 164864), (11, 205824), (12, 205824), (51, 390144), (52, 390144), (115, 676864), (222, 1168384), (242, 1250304)]),
    AirtimeCase(link: .eu868, dataRate: 4, microseconds: [(0, 82432), (1, 82432), (11, 113152), (12, 113152), (51, 215552), (52, 215552), (115, 379392), (222, 655872), (242, 707072)]),
    AirtimeCase(link: .eu868, dataRate: 5, microseconds: [(0, 46336), (1, 46336), (11, 61696), (12, 61696), (51, 118016), (52, 123136), (115, 215296), (222, 368896), (242, 399616)]),
    AirtimeCase(link: .eu868, dataRate: 6, microseconds: [(0, 23168), (1, 23168), (11, 30848), (12, 30848), (51, 59008), (52, 61568), (115, 107648), (222, 184448), (242, 199808)]),
    AirtimeCase(link: .eu868, dataRate: 7, microseconds: [(0, 3840), (1, 4000), (11, 5600), (12, 5760), (51, 12000), (52, 12160), (115, 22240), (222, 39360), (242, 42560)]),
    AirtimeCase(link: .us915, dataRate: 0, microseconds: [(0, 288768), (1, 288768), (11, 370688), (12, 411648), (51, 698368), (52, 739328), (115, 1230848), (222, 2131968), (242, 2295808)]),
    AirtimeCase(link: .us915, dataRate: 1, microseconds: [(0, 164864), (1, 164864), (11, 205824), (12, 205824), (51, 390144), (52, 390144), (115, 676864), (222, 1168384), (242, 1250304)]),
    AirtimeCase(link: .us915, dataRate: 2, microseconds: [(0, 82432), (1, 82432), (11, 113152), (12, 113152), (51, 215552), (52, 215552), (115, 379392), (222, 655872), (242, 707072)]),
    AirtimeCase(link: .us915, dataRate: 3, microseconds: [(0, 46336), (1, 46336), (11, 61696), (12, 61696), (51, 118016), (52, 123136), (115, 215296), (222, 368896), (242, 399616)]),
    AirtimeCase(link: .us915, dataRate: 4, microseconds: [(0, 20608), (1, 20608), (11, 28288), (12, 28288), (51, 53888), (52, 53888), (115, 94848), (222, 163968), (242, 176768)]),
    AirtimeCase(link: .as923, dataRate: 0, microseconds: [(0, 1155072), (1, 1155072), (11, 1482752), (12, 1482752), (51, 2793472), (52, 2793472), (115, 4923392), (222, 8364032), (242, 9019392)]),
    AirtimeCase(link: .as923, dataRate: 1, microseconds: [(0, 577536), (1, 659456), (11, 823296), (12, 823296), (51, 1560576), (52, 1560576), (115, 2707456), (222, 4673536), (242, 5001216)]),
    AirtimeCase(link: .as923, dataRate: 2, microseconds: [(0, 288768), (1, 288768), (11, 370688), (12, 411648), (51, 698368), (52, 739328), (115, 1230848), (222, 2131968), (242, 2295808)]),
    AirtimeCase(link: .as923, dataRate: 3, microseconds: [(0, 164864), (1, 164864), (11, 205824), (12, 205824), (51, 390144), (52, 390144), (115, 676864), (222, 1168384), (242, 1250304)]),
    AirtimeCase(link: .as923, dataRate: 4, microseconds: [(0, 82432), (1, 82432), (11, 113152), (12, 113152), (51, 215552), (52, 215552), (115, 379392), (222, 655872), (242, 707072)]),
    AirtimeCase(link: .as923, dataRate: 5, microseconds: [(0, 46336), (1, 46336), (11, 61696), (12, 61696), (51, 118016), (52, 123136), (115, 215296), (222, 368896), (242, 399616)]),
    AirtimeCase(link: .as923, dataRate: 6, microseconds: [(0, 23168), (1, 23168), (11, 30848), (12, 30848), (51, 59008), (52, 61568), (115, 107648), (222, 184448), (242, 199808)]),
    AirtimeCase(link: .as923, dataRate: 7, microseconds: [(0, 3840), (1, 4000), (11, 5600), (12, 5760), (51, 12000), (52, 12160), (115, 22240), (222, 39360), (242, 42560)]),
]
// END GENERATED
