import MoteHAL
import MoteLinux
import MoteNode

/// `mote --bench-frames N`: the frame encoders alone, for scripts/bench's frames per second and
/// for comparing builds. N frames of each format from the same synthetic weather readings
/// (temperature, humidity, pressure as a seeded random walk, integers scaled so every build
/// computes the same Doubles), then one JSON line with counts and an FNV-1a digest of every byte.
///
/// A frame is what the format sends per uplink: CayenneLPP and SenML the newest reading of each
/// channel (3 values), the compact frame a run of 8 readings per field (24 values).
enum FrameBench {
    /// The formats in the order they are run and digested.
    static let formats: [Options.BenchFormat] = [.cayenneLPP, .compact, .senML]
    static let run = 8

    /// Counts of one format.
    struct Tally {
        var frames = 0
        var bytes = 0
        var values = 0
    }

    /// Returns the exit status: 0, or 1 when an encoder refused a frame (a bug: the readings are
    /// all in range).
    static func main(frames: Int, only: Options.BenchFormat?) -> Int32 {
        var digest = Digest()
        var line = "{\"type\":\"bench-frames\",\"frames\":\(frames)"
        for format in formats where only == nil || only == format {
            var tally = Tally()
            let failure: String?
            switch format {
            case .cayenneLPP: failure = cayenneLPP(frames: frames, tally: &tally, digest: &digest)
            case .compact: failure = compact(frames: frames, tally: &tally, digest: &digest)
            case .senML: failure = senML(frames: frames, tally: &tally, digest: &digest)
            }
            if let failure {
                Console.line("mote: --bench-frames: \(format.name): \(failure)", to: .error)
                return 1
            }
            line += ",\"\(format.name)\":{\"frames\":\(tally.frames),\"bytes\":\(tally.bytes),\"values\":\(tally.values)}"
        }
        Console.line(line + ",\"fnv1a64\":\"\(digest.hex)\"}")
        return 0
    }

    /// Synthetic readings: a random walk from a fixed seed, in the counts of each channel's
    /// resolution (0.1 °C, 0.5 %RH, 1 Pa).
    struct Readings {
        private var state: UInt32 = 0x2545_F491
        private var temperature: Int = 215
        private var humidity: Int = 96
        private var pressure: Int = 101_325

        private mutating func next(_ spread: Int) -> Int {
            // xorshift32 (Marsaglia 2003)
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return Int(state % UInt32(2 * spread + 1)) - spread
        }

        /// The next sample: °C, %RH, Pa.
        mutating func sample() -> (temperature: Double, humidity: Double, pressure: Double) {
            temperature = Swift.min(Swift.max(temperature + next(2), -400), 850)
            humidity = Swift.min(Swift.max(humidity + next(1), 0), 200)
            pressure = Swift.min(Swift.max(pressure + next(6), 30_000), 110_000)
            return (Double(temperature) / 10, Double(humidity) / 2, Double(pressure))
        }
    }

    /// FNV-1a, 64 bits, as `FrameDigest`: a fingerprint, not a cryptographic hash.
    struct Digest {
        private var value: UInt64 = 0xcbf2_9ce4_8422_2325

        mutating func add(_ bytes: [UInt8]) {
            for byte in bytes { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }

        var hex: String {
            var bytes: [UInt8] = []
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
            return Hex.encode(bytes)
        }
    }

    private static func cayenneLPP(frames: Int, tally: inout Tally, digest: inout Digest) -> String? {
        var readings = Readings()
        for _ in 0..<frames {
            var newest = readings.sample()
            for _ in 1..<run { newest = readings.sample() }
            var frame = CayenneLPP(capacity: 51)
            do throws(FrameError) {
                try frame.add(channel: 1, .temperature, newest.temperature)
                try frame.add(channel: 2, .humidity, newest.humidity)
                try frame.add(channel: 3, .barometer, newest.pressure / 100)
            } catch {
                return error.description
            }
            tally.frames += 1
            tally.bytes += frame.bytes.count
            tally.values += 3
            digest.add(frame.bytes)
        }
        return nil
    }

    /// The weather schema of docs/frames/compact.md's examples: id 1, at EU868 DR0's 51 bytes.
    private static func weatherSchema() throws(CompactSchemaError) -> CompactSchema {
        try CompactSchema(id: 1, fields: [
            try CompactSchema.Field(name: "temperature", id: 1, resolution: 0.1, min: -40, max: 85),
            try CompactSchema.Field(name: "humidity", id: 2, resolution: 0.5, min: 0, max: 100),
            try CompactSchema.Field(name: "pressure", id: 3, resolution: 10, min: 30_000, max: 110_000),
        ])
    }

    private static func compact(frames: Int, tally: inout Tally, digest: inout Digest) -> String? {
        let schema: CompactSchema
        do throws(CompactSchemaError) { schema = try weatherSchema() } catch { return error.description }
        var readings = Readings()
        for _ in 0..<frames {
            var batch: [[Double?]] = [[], [], []]
            for _ in 0..<run {
                let sample = readings.sample()
                batch[0].append(sample.temperature)
                batch[1].append(sample.humidity)
                batch[2].append(sample.pressure)
            }
            let encoded: CompactFrame.Encoded
            do throws(CompactEncodeError) {
                encoded = try CompactFrame.encode(batch, schema: schema, limit: 51)
            } catch {
                return error.description
            }
            for bytes in encoded.frames {
                tally.frames += 1
                tally.bytes += bytes.count
                digest.add(bytes)
            }
            tally.values += 3 * run
        }
        return nil
    }

    private static func senML(frames: Int, tally: inout Tally, digest: inout Digest) -> String? {
        var readings = Readings()
        for index in 0..<frames {
            var newest = readings.sample()
            for _ in 1..<run { newest = readings.sample() }
            // Five minutes apart from 2023-11-14T22:13:20Z.
            var frame = SenMLFrame(node: "bench", time: Double(1_700_000_000 + 300 * index), capacity: 222)
            do throws(SenMLError) {
                try frame.add(name: "temperature", unit: "Cel", value: newest.temperature)
                try frame.add(name: "humidity", unit: "%RH", value: newest.humidity)
                try frame.add(name: "pressure", unit: "Pa", value: newest.pressure)
            } catch {
                return error.description
            }
            tally.frames += 1
            tally.bytes += frame.bytes.count
            tally.values += 3
            digest.add(frame.bytes)
        }
        return nil
    }
}
