import MoteHAL

/// A serial port whose long waits are cut into slices of at most `slice`, calling `keepAlive`
/// between them: a modem's reply can take minutes, and the service watchdog must hear from the
/// node meanwhile.
public struct KeepAlivePort<Port: SerialPort, C: Clock>: SerialPort {
    public var port: Port
    public let clock: C
    public var slice: TimeSpan
    public var keepAlive: () -> Void

    public init(_ port: Port, clock: C, slice: TimeSpan = .seconds(1), keepAlive: @escaping () -> Void) {
        self.port = port
        self.clock = clock
        self.slice = slice
        self.keepAlive = keepAlive
    }

    public var name: String { port.name }
    public mutating func read(into buffer: inout [UInt8]) throws(BusError) -> Int { try port.read(into: &buffer) }
    public mutating func write(_ bytes: [UInt8]) throws(BusError) { try port.write(bytes) }

    public mutating func waitReadable(until deadline: Instant) throws(BusError) -> Bool {
        while true {
            keepAlive()
            let end = clock.now() + slice
            if deadline <= end { return try port.waitReadable(until: deadline) }
            if try port.waitReadable(until: end) { return true }
        }
    }
}
