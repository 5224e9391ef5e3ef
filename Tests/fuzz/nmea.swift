// Fuzz target: the NMEA 0183 driver reading any bytes from its port, once all at once and once
// in 16-byte chunks 25 ms apart (past the inter-byte timeout, so sentences are cut). No trap; a
// fix is on the globe; every line is counted once.
import MoteDrivers
import MoteHAL
import MoteSimulation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNMEA(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    var chunks: [(at: Instant, bytes: [UInt8])] = []
    for (n, start) in stride(from: 0, to: bytes.count, by: 16).enumerated() {
        chunks.append((.zero + .milliseconds(Int64(1 + 25 * n)), Array(bytes[start..<min(start + 16, bytes.count)])))
    }
    read([(.zero + .milliseconds(1), bytes)])
    read(chunks)
    return 0
}

private func read(_ chunks: [(at: Instant, bytes: [UInt8])]) {
    let clock = VirtualClock()
    var gps = NMEAGPS(port: ScriptedSerialPort(clock: clock, chunks: chunks), clock: clock)
    // Each read takes every line waiting or waits for one: the reads end by timing out once the
    // script has run dry, and there are no more reads than lines.
    var timedOut = 0
    var reads = 0
    while timedOut < 2 && reads <= chunks.count + 2 {
        reads += 1
        let before = clock.now()
        do {
            let fix = try gps.fix()
            invariant(abs(fix.latitude) <= 90 && abs(fix.longitude) <= 180, "fix off the globe: \(fix)")
            invariant(fix.at <= clock.now(), "fix from the future")
        } catch {
            if case .bus = error { invariant(false, "a scripted port has no bus errors: \(error)") }
        }
        if clock.now() - before >= gps.sentenceTimeout { timedOut += 1 }
    }
    let counters = gps.counters
    let lines = counters.sentences + counters.ignored + counters.checksum + counters.malformed
    let bytes = chunks.reduce(0) { $0 + $1.bytes.count }
    invariant(lines <= bytes, "\(lines) lines counted from \(bytes) bytes")
}
