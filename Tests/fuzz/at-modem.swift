// Fuzz target: an AT modem (RAK3172, LoRa-E5 or RN2483) whose serial replies are any bytes, on a
// ScriptedSerialPort and the VirtualClock (no real waits). The first byte picks the dialect
// (bits 0-1, 3 = RAK3172 again), how the replies arrive (bits 2-3: a line every 400 ms, 16-byte
// chunks 25 ms or 150 ms apart, a line every 3 s) and whether the first frame is confirmed
// (bit 4). The modem is connected and sent to, rejoining when told, until the replies run out.
// No trap; outcomes agree with the modem's state; waits are positive (but after the E5's "No
// band in 0ms"); every command written ends in CR LF; a downlink's port is an application port.
import MoteHAL
import MoteNode
import MoteSimulation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzATModem(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    guard let control = input.first else { return 0 }
    let bytes = Array(input.dropFirst())
    let dialects: [ATModemDialect] = [.rak3172, .loraE5, .rn2483, .rak3172]
    let dialect = dialects[Int(control & 0x03)]
    var chunks: [(at: Instant, bytes: [UInt8])] = []
    switch (control >> 2) & 0x03 {
    case 0: chunks = lines(bytes, every: .milliseconds(400))
    case 1: chunks = pieces(bytes, every: .milliseconds(25))
    case 2: chunks = pieces(bytes, every: .milliseconds(150))
    default: chunks = lines(bytes, every: .seconds(3))
    }
    let end = chunks.last.map { $0.at } ?? .zero

    let clock = VirtualClock()
    let port = ScriptedSerialPort(clock: clock, chunks: chunks)
    var modem = ATModem(port: port, clock: clock, dialect: dialect, joinRetries: 2, joinInterval: 7)
    var confirmed = control & 0x10 != 0
    var sequence: UInt32 = 0
    // Every step but the last reads at least a line or waits out a timeout: a few dozen steps
    // run the script dry.
    for _ in 0..<48 {
        let before = clock.now()
        invariant(before <= end + .seconds(3600), "the virtual clock ran away: \(before)")
        if !modem.joined {
            switch modem.connect() {
            case .ready:
                invariant(modem.joined, "connect() ready but not joined")
            case .retry(let after, let reason):
                invariant(!modem.joined, "connect() failed but joined")
                invariant(after >= .zero, "connect() retry after \(after)")
                invariant(!reason.isEmpty, "connect() retry without a reason")
            }
        } else {
            let frame = Frame(sequence: sequence, port: UInt8(1 + sequence % 4), format: "cayennelpp",
                              bytes: [0x01, 0x67, 0x00, 0xD7, 0x02, 0x68, UInt8(truncatingIfNeeded: sequence)])
            sequence += 1
            switch modem.send(frame, confirmed: confirmed) {
            case .sent(let acknowledged, let downlink):
                invariant((acknowledged == nil) == !confirmed, "acknowledged \(String(describing: acknowledged)) for confirmed \(confirmed)")
                if let downlink { invariant(downlink.port >= 1 && downlink.port <= 223, "downlink on port \(downlink.port)") }
                invariant(modem.joined, "sent but not joined")
            case .retry(let after, let reason):
                // Never zero: a modem that keeps refusing must not spin the uplink ("No band in 0ms" waits a second).
                invariant(after > .zero, "send() retry after \(after): \(reason)")
                invariant(!reason.isEmpty, "send() retry without a reason")
            case .rejoin(let reason):
                invariant(!modem.joined, "rejoin but still joined")
                invariant(!reason.isEmpty, "rejoin without a reason")
            case .rejected(let reason):
                invariant(!reason.isEmpty, "rejected without a reason")
            }
            confirmed.toggle()
        }
        let written = port.written
        invariant(written.count >= 2 && written[written.count - 2] == 0x0D && written[written.count - 1] == 0x0A,
                  "the last command does not end in CR LF")
        invariant(clock.now() >= before, "the clock went back")
        if clock.now() > end + .seconds(1) && clock.now() > before { break }
    }
    return 0
}

/// Each line (through its LF) in a chunk of its own, `gap` apart.
private func lines(_ bytes: [UInt8], every gap: TimeSpan) -> [(at: Instant, bytes: [UInt8])] {
    var chunks: [(at: Instant, bytes: [UInt8])] = []
    var line: [UInt8] = []
    for byte in bytes {
        line.append(byte)
        if byte == 0x0A {
            chunks.append((.zero + .milliseconds(1) + gap * Int64(chunks.count), line))
            line = []
        }
    }
    if !line.isEmpty { chunks.append((.zero + .milliseconds(1) + gap * Int64(chunks.count), line)) }
    return chunks
}

/// 16-byte pieces, `gap` apart.
private func pieces(_ bytes: [UInt8], every gap: TimeSpan) -> [(at: Instant, bytes: [UInt8])] {
    var chunks: [(at: Instant, bytes: [UInt8])] = []
    for (n, start) in stride(from: 0, to: bytes.count, by: 16).enumerated() {
        chunks.append((.zero + .milliseconds(1) + gap * Int64(n), Array(bytes[start..<min(start + 16, bytes.count)])))
    }
    return chunks
}
