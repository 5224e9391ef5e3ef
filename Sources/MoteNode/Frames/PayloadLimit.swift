/// How many application bytes one uplink may carry, by link and data rate: the frame encoders
/// never exceed it. LoRaWAN figures are the maximum FRMPayload N without FOpts from the LoRaWAN
/// Regional Parameters (RP002-1.0.3, tables "EU863-870 maximum payload size", "US902-928 ..."
/// and "AS923 ..."); Sigfox carries 12 bytes.
public enum PayloadLimit {
    public enum Link: String, CaseIterable, Equatable, Sendable {
        case eu868 = "EU868", us915 = "US915", as923 = "AS923", sigfox = "SIGFOX"
    }

    /// Uplink bytes per data rate (index = DR), a row per link in `Link.allCases` order; 0 where
    /// the data rate is not allowed.
    private static let rows: [[Int]] = [
        [51, 51, 51, 115, 242, 242, 242, 242],  // EU868
        [11, 53, 125, 242, 242],                // US915
        [51, 51, 51, 115, 242, 242, 242, 242],  // AS923, dwell time off
        [12],                                   // Sigfox
    ]
    private static let as923DwellTime = [0, 0, 11, 53, 125, 242, 242, 242]

    /// Looked up by the link's place in `allCases`, not by a switch returning array literals:
    /// that switch came out shifted by one case in the Embedded -Osize build (EU868 got
    /// Sigfox's row), which the cross-build comparison caught.
    private static func table(_ link: Link, dwellTime: Bool) -> [Int] {
        if link == .as923 && dwellTime { return as923DwellTime }
        guard let row = Link.allCases.firstIndex(of: link), row < rows.count else { return [] }
        return rows[row]
    }

    /// The payload limit at `dataRate`; nil when the link has no such uplink data rate.
    public static func bytes(_ link: Link, dataRate: Int, dwellTime: Bool = false) -> Int? {
        let rates = table(link, dwellTime: dwellTime)
        guard dataRate >= 0, dataRate < rates.count, rates[dataRate] > 0 else { return nil }
        return rates[dataRate]
    }

    /// The slowest allowed data rate: the worst case a node must fit when the network slows it down.
    public static func lowestDataRate(_ link: Link, dwellTime: Bool = false) -> Int {
        table(link, dwellTime: dwellTime).firstIndex { $0 > 0 } ?? 0
    }
}
