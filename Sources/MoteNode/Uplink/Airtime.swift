import MoteHAL

/// Time on air of one LoRaWAN uplink, exact to the nanosecond.
///
/// LoRa: the Semtech SX1276/77/78/79 datasheet, section 4.1.1.6 "Time on air" (also AN1200.13):
///
///     Tsym           = 2^SF / BW
///     Tpreamble      = (npreamble + 4.25) × Tsym                        npreamble = 8
///     payloadSymbNb  = 8 + max(ceil((8·PL − 4·SF + 28 + 16·CRC − 20·IH) / (4·(SF − 2·DE))) × (CR + 4), 0)
///     Tpacket        = Tpreamble + payloadSymbNb × Tsym
///
/// with the uplink settings of LoRaWAN: explicit header (IH = 0), CRC on (CRC = 1), coding rate
/// 4/5 (CR = 1), and low data rate optimisation (DE = 1) where a symbol lasts longer than 16 ms,
/// the datasheet's rule, which among the uplink rates is SF11 and SF12 at 125 kHz.
///
/// FSK (EU868 and AS923 DR7, 50 kbit/s): 5 preamble bytes, a 3-byte sync word (RP002 "preamble
/// format"), the length byte, the PHY payload and a 2-byte CRC, 8 bits each, as Semtech's
/// LoRaMac-node radio drivers count it (`SX1276GetGfskTimeOnAirNumerator`).
///
/// PL is the PHY payload: the application bytes plus 13 bytes of LoRaWAN overhead (MHDR 1,
/// FHDR 7 without FOpts, FPort 1, MIC 4). Every figure here is a whole number of nanoseconds
/// (and of microseconds): 2^SF / BW is 8 µs × 2^SF at 125 kHz, one FSK bit is 20 µs.
public enum Airtime {
    /// How a data rate modulates.
    public enum Modulation: Equatable, Sendable {
        case lora(spreadingFactor: Int, bandwidthHz: Int)
        case fsk(bitsPerSecond: Int)
    }

    /// MHDR 1 + FHDR 7 (DevAddr 4, FCtrl 1, FCnt 2, no FOpts) + FPort 1 + MIC 4.
    public static let lorawanOverhead = 13
    /// The radio's length field is one byte.
    public static let maxPhyPayload = 255
    static let preambleSymbols = 8

    /// The uplink data rates (index = DR) from the Regional Parameters (RP002-1.0.3 tables "EU863-870
    /// TX Data rate table", "US902-928 ...", "AS923 ..."), the same rows `PayloadLimit` sizes.
    private static let europe: [Modulation] = [
        .lora(spreadingFactor: 12, bandwidthHz: 125_000), .lora(spreadingFactor: 11, bandwidthHz: 125_000),
        .lora(spreadingFactor: 10, bandwidthHz: 125_000), .lora(spreadingFactor: 9, bandwidthHz: 125_000),
        .lora(spreadingFactor: 8, bandwidthHz: 125_000), .lora(spreadingFactor: 7, bandwidthHz: 125_000),
        .lora(spreadingFactor: 7, bandwidthHz: 250_000), .fsk(bitsPerSecond: 50_000),
    ]
    private static let northAmerica: [Modulation] = [
        .lora(spreadingFactor: 10, bandwidthHz: 125_000), .lora(spreadingFactor: 9, bandwidthHz: 125_000),
        .lora(spreadingFactor: 8, bandwidthHz: 125_000), .lora(spreadingFactor: 7, bandwidthHz: 125_000),
        .lora(spreadingFactor: 8, bandwidthHz: 500_000),
    ]

    /// By comparison, not a switch returning arrays (see `PayloadLimit`: such a switch came out
    /// shifted in the Embedded -Osize build). Sigfox is not LoRa: no figure here.
    private static func table(_ link: PayloadLimit.Link) -> [Modulation] {
        if link == .eu868 || link == .as923 { return europe }
        if link == .us915 { return northAmerica }
        return []
    }

    /// The modulation of an uplink data rate; nil where the link has none at that rate (and for Sigfox).
    public static func modulation(_ link: PayloadLimit.Link, dataRate: Int) -> Modulation? {
        let rates = table(link)
        guard dataRate >= 0, dataRate < rates.count else { return nil }
        return rates[dataRate]
    }

    /// Whether the radio turns low data rate optimisation on: symbols longer than 16 ms.
    public static func lowDataRateOptimization(spreadingFactor: Int, bandwidthHz: Int) -> Bool {
        // 2^SF / BW > 16 ms  ⇔  2^SF × 1000 > 16 × BW
        (Int64(1) << Int64(spreadingFactor)) * 1000 > 16 * Int64(bandwidthHz)
    }

    /// payloadSymbNb of the datasheet formula, for an uplink (explicit header, CRC on, CR 4/5).
    public static func payloadSymbols(phyPayloadBytes: Int, spreadingFactor sf: Int, bandwidthHz: Int) -> Int {
        let de = lowDataRateOptimization(spreadingFactor: sf, bandwidthHz: bandwidthHz) ? 1 : 0
        let numerator = 8 * phyPayloadBytes - 4 * sf + 28 + 16  // + 16·CRC, − 20·IH with IH = 0
        let denominator = 4 * (sf - 2 * de)
        let blocks = numerator <= 0 ? 0 : (numerator + denominator - 1) / denominator
        return 8 + blocks * 5  // × (CR + 4)
    }

    /// The time on air of a PHY payload of `phyPayloadBytes` (0...255).
    public static func phy(_ phyPayloadBytes: Int, _ modulation: Modulation) -> TimeSpan {
        switch modulation {
        case .lora(let sf, let bandwidth):
            // In quarter symbols, so the preamble's 4.25 stays whole: (8 + 4.25) × 4 = 49.
            let quarters = Int64(4 * preambleSymbols + 17)
                + 4 * Int64(payloadSymbols(phyPayloadBytes: phyPayloadBytes, spreadingFactor: sf, bandwidthHz: bandwidth))
            let numerator = quarters * (Int64(1) << Int64(sf)) * 1_000_000_000
            let denominator = 4 * Int64(bandwidth)
            return TimeSpan(nanoseconds: (numerator + denominator - 1) / denominator)  // exact for 125/250/500 kHz
        case .fsk(let bps):
            let bits = Int64(5 + 3 + 1 + phyPayloadBytes + 2) * 8
            let numerator = bits * 1_000_000_000
            return TimeSpan(nanoseconds: (numerator + Int64(bps) - 1) / Int64(bps))
        }
    }

    /// The time on air of an uplink of `payloadBytes` application bytes (FRMPayload, no FOpts) at
    /// `dataRate`; nil for a data rate the link does not have, or more than 242 bytes.
    public static func uplink(payloadBytes: Int, _ link: PayloadLimit.Link, dataRate: Int) -> TimeSpan? {
        guard let modulation = modulation(link, dataRate: dataRate),
              payloadBytes >= 0, payloadBytes + lorawanOverhead <= maxPhyPayload else { return nil }
        return phy(payloadBytes + lorawanOverhead, modulation)
    }
}
