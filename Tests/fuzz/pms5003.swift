// Fuzz target: the PMS5003 driver reading any bytes from its port, in active and in passive
// mode. No trap; an accepted frame has 13 words and is in range; counters add up.
import MoteDrivers
import MoteHAL
import MoteSimulation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPMS5003(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    read(bytes, mode: .active)
    read(bytes, mode: .passive)
    return 0
}

private func read(_ bytes: [UInt8], mode: PMS5003<ScriptedSerialPort, VirtualClock>.Mode) {
    let clock = VirtualClock()
    // Passive mode drops what is waiting before it asks, so the bytes come after the request.
    let port = ScriptedSerialPort(clock: clock, chunks: [(.zero + .milliseconds(5), bytes)])
    var sensor = PMS5003(port: port, clock: clock, mode: mode)
    var accepted = 0
    // Each measure takes at least one frame's start byte or times out: bounded by the input.
    for _ in 0..<(bytes.count / 32 + 3) {
        do {
            let frame = try sensor.measure()
            accepted += 1
            invariant(frame.words.count == 13, "frame of \(frame.words.count) words")
            let a = frame.atmospheric
            invariant(max(a.pm1_0, a.pm2_5, a.pm10) <= sensor.maximumConcentration, "out of range frame accepted: \(frame)")
        } catch {
            if case .bus = error { invariant(false, "a scripted port has no bus errors: \(error)") }
        }
    }
    invariant(sensor.counters.bus == 0, "bus errors counted: \(sensor.counters)")
    invariant(accepted <= sensor.counters.frames, "\(accepted) frames returned, \(sensor.counters.frames) counted")
    invariant(sensor.counters.frames * 32 <= bytes.count, "\(sensor.counters.frames) frames from \(bytes.count) bytes")
}
