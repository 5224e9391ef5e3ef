import MoteHAL

/// Durations in configuration files: a sequence of number-unit pairs, largest unit first, such
/// as "250ms", "10s", "15m", "1h30m", "1d" (units ms, s, m, h, d; whole numbers only, so a
/// schedule is exact in nanoseconds).
public enum DurationText {
    private static let units: [(name: String, nanoseconds: Int64)] = [
        ("d", 86_400_000_000_000), ("h", 3_600_000_000_000), ("m", 60_000_000_000),
        ("s", 1_000_000_000), ("ms", 1_000_000),
    ]

    public static func parse(_ text: String) -> TimeSpan? {
        let bytes = Array(text.utf8)
        var index = 0
        var total: Int64 = 0
        var lastUnit = -1
        guard !bytes.isEmpty else { return nil }
        while index < bytes.count {
            var number: Int64 = 0
            let digitsStart = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (times, overflow1) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
                if overflow1 || overflow2 { return nil }
                number = sum
                index += 1
            }
            guard index > digitsStart else { return nil }
            let unitStart = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "a"), bytes[index] <= UInt8(ascii: "z") { index += 1 }
            let unit = String(decoding: bytes[unitStart..<index], as: UTF8.self)
            guard let position = units.firstIndex(where: { $0.name == unit }), position > lastUnit else { return nil }
            lastUnit = position
            let (part, overflow3) = number.multipliedReportingOverflow(by: units[position].nanoseconds)
            let (sum, overflow4) = total.addingReportingOverflow(part)
            if overflow3 || overflow4 { return nil }
            total = sum
        }
        return TimeSpan(nanoseconds: total)
    }

    /// The shortest text `parse` reads back as `span`: 5400 s → "1h30m"; zero → "0s".
    public static func format(_ span: TimeSpan) -> String {
        guard span.nanoseconds > 0 else { return span.nanoseconds == 0 ? "0s" : "-" + format(TimeSpan(nanoseconds: -span.nanoseconds)) }
        var rest = span.nanoseconds
        var text = ""
        for unit in units where rest >= unit.nanoseconds {
            text += "\(rest / unit.nanoseconds)" + unit.name
            rest %= unit.nanoseconds
        }
        if rest > 0 { text += "\(rest)ns" }  // below a millisecond: not writable in a file, but printable
        return text
    }
}
