import Foundation

/// A made-up node run in `mote --jsonl` shape: a temperature sine with noise and spikes, an EMA
/// filter, send-on-delta reports each followed by an 11-byte frame, some uncertain readings, a
/// degraded span, and a door input. Deterministic (its own LCG), so renders can be compared.
enum Synthetic {
    static let sensor = "bme280@i2c-1:0x76"

    struct Counts { var readings = 0; var reports = 0; var flagged = 0; var frames = 0 }

    static func run(samples: Int, intervalMs: Int = 1000) -> (text: String, counts: Counts) {
        var seed: UInt64 = 0x2545F4914F6CDD1D
        func noise() -> Double {   // uniform in [-0.5, 0.5)
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53) - 0.5
        }
        var lines: [String] = []
        var counts = Counts()
        var filtered: Double?
        var lastSent: Double?
        for i in 0..<samples {
            let t = i * intervalMs
            var value = 21 + 3 * sin(2 * Double.pi * Double(i) / Double(samples) * 2) + 0.4 * noise()
            if i % 97 == 50 { value += 5 }                    // spikes the filter should mostly ignore
            let raw = (value * 100).rounded() / 100
            let f = filtered.map { $0 + 0.1 * (raw - $0) } ?? raw
            filtered = f
            var line = "{\"type\":\"reading\",\"t\":\(t),\"sensor\":\"\(sensor)\",\"channel\":\"temperature\","
                + "\"value\":\(raw),\"filtered\":\((f * 100).rounded() / 100),\"unit\":\"Cel\""
            let report = lastSent.map { abs(f - $0) > 0.5 } ?? true
            if report { line += ",\"report\":true"; lastSent = f; counts.reports += 1 }
            if i % 150 == 75 { line += ",\"quality\":\"uncertain\""; counts.flagged += 1 }
            lines.append(line + ",\"extra\":[1,2]}")             // unknown fields are ignored
            counts.readings += 1
            if report {
                lines.append("{\"type\":\"frame\",\"t\":\(t),\"seq\":\(counts.frames),\"port\":1,\"format\":\"cayennelpp\",\"size\":11,\"hex\":\"0167\"}")
                counts.frames += 1
            }
            if i == samples / 3 {
                lines.append("{\"type\":\"sensor\",\"t\":\(t),\"sensor\":\"\(sensor)\",\"state\":\"degraded\",\"error\":\"no ack\",\"retry_t\":\(t + 6000)}")
            }
            if i == samples / 3 + samples / 10 {
                lines.append("{\"type\":\"sensor\",\"t\":\(t),\"sensor\":\"\(sensor)\",\"state\":\"ok\"}")
            }
            if i % (samples / 4) == 10 {
                lines.append("{\"type\":\"event\",\"t\":\(t + 20),\"sensor\":\"door@gpiochip0:17\",\"channel\":\"door\",\"value\":\(i / (samples / 4) % 2),\"timestamp_ns\":\((t + 5) * 1_000_000)}")
            }
            if i == 3 { lines.append("{\"type\":\"warning\",\"t\":\(t),\"message\":\"unknown types are ignored\"}") }
        }
        return (lines.joined(separator: "\n") + "\n", counts)
    }
}
