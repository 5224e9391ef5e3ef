import MoteHAL

/// A serial port on the virtual clock that delivers scripted chunks at set times and records
/// what is written: the seam for reader and driver tests with exact timing.
public final class ScriptedSerialPort: SerialPort {
    public let name = "scripted-serial"
    private let clock: VirtualClock
    private var pending: [(at: Instant, bytes: [UInt8])]
    private var waiting: [UInt8] = []
    public private(set) var written: [UInt8] = []

    /// `chunks`: bytes that arrive at the given instants, in order.
    public init(clock: VirtualClock, chunks: [(at: Instant, bytes: [UInt8])]) {
        self.clock = clock
        self.pending = chunks
    }

    private func deliver() {
        while let next = pending.first, next.at <= clock.now() {
            waiting += next.bytes
            pending.removeFirst()
        }
    }

    public func read(into buffer: inout [UInt8]) throws(BusError) -> Int {
        deliver()
        let count = min(buffer.count, waiting.count)
        for index in 0..<count { buffer[index] = waiting[index] }
        waiting.removeFirst(count)
        return count
    }

    public func write(_ bytes: [UInt8]) throws(BusError) {
        written += bytes
    }

    /// Sleeps the virtual clock to the next chunk if it comes by `deadline`, else to `deadline`.
    public func waitReadable(until deadline: Instant) throws(BusError) -> Bool {
        deliver()
        if !waiting.isEmpty { return true }
        guard let next = pending.first, next.at <= deadline else {
            clock.sleep(until: deadline)
            return false
        }
        clock.sleep(until: next.at)
        deliver()
        return true
    }
}
