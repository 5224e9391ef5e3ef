import MoteHAL

/// The TX line of a serial device model: chunks that arrive whole at set instants (as a UART
/// hands over bytes at the end of their character time), read out as the clock passes them.
/// Shared by the serial models so they time their output the same way.
struct ModelTransmitter {
    private var pending: [(at: Instant, bytes: [UInt8])] = []
    private var waiting: [UInt8] = []

    /// Queues `bytes` to arrive at `at`, kept in time order.
    mutating func send(_ bytes: [UInt8], at: Instant) {
        guard !bytes.isEmpty else { return }
        var index = pending.count
        while index > 0 && pending[index - 1].at > at { index -= 1 }
        pending.insert((at, bytes), at: index)
    }

    mutating func deliver(now: Instant) {
        while let next = pending.first, next.at <= now {
            waiting += next.bytes
            pending.removeFirst()
        }
    }

    /// Sends `bytes` from `start` at the line's rate, in pieces of `piece` bytes each arriving
    /// at the end of its last character (a UART's receive FIFO trigger: the reader sees the
    /// stream flow, not one late lump). Returns when the last byte is in.
    @discardableResult
    mutating func transmit(_ bytes: [UInt8], from start: Instant, _ configuration: SerialConfiguration, piece: Int = 8) -> Instant {
        var offset = 0
        var end = start
        while offset < bytes.count {
            let count = min(piece, bytes.count - offset)
            offset += count
            end = start + Self.duration(offset, configuration)
            send(Array(bytes[offset - count..<offset]), at: end)
        }
        return end
    }

    var hasWaiting: Bool { !waiting.isEmpty }
    var nextArrival: Instant? { pending.first?.at }

    mutating func read(into buffer: inout [UInt8], now: Instant) -> Int {
        deliver(now: now)
        let count = min(buffer.count, waiting.count)
        for index in 0..<count { buffer[index] = waiting[index] }
        waiting.removeFirst(count)
        return count
    }

    /// Sleeps `clock` to the next arrival if it comes by `deadline`, else to `deadline`.
    mutating func waitReadable(until deadline: Instant, clock: any Clock) -> Bool {
        deliver(now: clock.now())
        if !waiting.isEmpty { return true }
        guard let next = pending.first?.at, next <= deadline else {
            clock.sleep(until: deadline)
            return false
        }
        clock.sleep(until: next)
        deliver(now: clock.now())
        return true
    }

    /// Transmission time of `count` characters.
    static func duration(_ count: Int, _ configuration: SerialConfiguration) -> TimeSpan {
        configuration.characterTime * Int64(count)
    }
}

extension FaultSchedule where Fault: Equatable {
    /// Whether `fault` is on at `now`.
    func includes(_ fault: Fault, at now: Instant) -> Bool { active(at: now, { $0 == fault }) != nil }
}
