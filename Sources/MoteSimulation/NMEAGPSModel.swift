import MoteHAL

/// A GPS receiver sending NMEA 0183 at 9600 8N1, as the serial port its driver reads.
///
/// Every `period` from its creation it sends a burst of GGA, GSA and RMC sentences (the GSA
/// for the driver to pass over), flowing at 9600 baud in 8-byte pieces.
/// Before `timeToFix` has passed it reports no fix (GGA quality 0, RMC status V). The UTC time
/// in the sentences starts at 12:35:19 on 23 March 1994, the NMEA reference examples' moment.
/// The checksum code is its own, not the driver's.
public final class NMEAGPSModel: SerialPort {
    public enum Fault: Equatable, Sendable {
        /// Every sentence's `*hh` is off by one.
        case checksum
        /// Line noise (bytes that are no NMEA) before each burst.
        case garbage
        /// The GGA is cut off after 20 characters, without a line end.
        case partialSentence
        /// Nothing is sent (antenna cable or UART off); ending the fault resumes the bursts.
        case silence
        /// The receiver hangs, repeating its last burst word for word (time included).
        case stuck
        /// Latitude 95° N, which no receiver can report.
        case outOfRange
        /// The receiver has lost the fix: quality 0, status V, no position.
        case noFix
    }

    public let name: String
    public let configuration = SerialConfiguration(baud: 9600)
    public let period: TimeSpan
    public var latitude: Double
    public var longitude: Double
    /// Above mean sea level, m.
    public var altitude: Double
    public var satellites: Int
    public var timeToFix: TimeSpan
    /// "GP" (GPS only) or "GN" (several constellations).
    public var talker: String
    public private(set) var burstsSent = 0

    private let clock: any Clock
    private let origin: Instant
    private var line = ModelTransmitter()
    private var faults = FaultSchedule<Fault>()
    private var nextBurstAt: Instant
    private var lastBurst: [[UInt8]] = []

    public init(clock: any Clock, latitude: Double = 48.1173, longitude: Double = 11.516667, altitude: Double = 545.4,
                satellites: Int = 8, period: TimeSpan = .seconds(1), timeToFix: TimeSpan = .zero, talker: String = "GP",
                name: String = "sim-gps") {
        self.clock = clock
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
        self.satellites = satellites
        self.period = period
        self.timeToFix = timeToFix
        self.talker = talker
        self.name = name
        origin = clock.now()
        nextBurstAt = origin + period
    }

    public func inject(_ fault: Fault, from: Instant = .zero, until: Instant? = nil) {
        faults.add(fault, from: from, until: until)
    }

    public func clearFaults() { faults.removeAll() }

    // MARK: SerialPort

    public func read(into buffer: inout [UInt8]) throws(BusError) -> Int {
        produce(until: clock.now())
        return line.read(into: &buffer, now: clock.now())
    }

    /// Configuration commands are not modelled: what the host sends is dropped.
    public func write(_ bytes: [UInt8]) throws(BusError) {}

    public func waitReadable(until deadline: Instant) throws(BusError) -> Bool {
        produce(until: clock.now())
        if line.nextArrival == nil { produceOne(until: deadline) }
        return line.waitReadable(until: deadline, clock: clock)
    }

    // MARK: The receiver

    private func produce(until deadline: Instant) {
        while produceOne(until: deadline) {}
    }

    @discardableResult
    private func produceOne(until deadline: Instant) -> Bool {
        guard nextBurstAt <= deadline else { return false }
        let at = nextBurstAt
        nextBurstAt = at + period
        guard !faults.includes(.silence, at: at) else { return true }
        let burst = faults.includes(.stuck, at: at) && !lastBurst.isEmpty ? lastBurst : sentences(at: at)
        lastBurst = burst
        burstsSent += 1
        var bytes: [UInt8] = []
        if faults.includes(.garbage, at: at) {
            bytes += [0x00, 0xFF, 0x7E, 0x24, 0x0D]  // a stray "$" and CR among them
        }
        for (index, sentence) in burst.enumerated() {
            bytes += index == 0 && faults.includes(.partialSentence, at: at) ? Array(sentence.prefix(20)) : sentence
        }
        line.transmit(bytes, from: at, configuration)
        return true
    }

    private func sentences(at instant: Instant) -> [[UInt8]] {
        let seconds = Int((instant - origin).nanoseconds / 1_000_000_000)
        let secondOfDay = (12 * 3600 + 35 * 60 + 19 + seconds) % 86400
        let time = Self.digits(secondOfDay / 3600, 2) + Self.digits(secondOfDay / 60 % 60, 2) + Self.digits(secondOfDay % 60, 2)
        let fix = instant - origin >= timeToFix && !faults.includes(.noFix, at: instant)
        let latitude = faults.includes(.outOfRange, at: instant) ? 95.0 : self.latitude
        let lat = Self.angle(latitude, degreeDigits: 2) + (latitude < 0 ? ",S" : ",N")
        let lon = Self.angle(longitude, degreeDigits: 3) + (longitude < 0 ? ",W" : ",E")
        let gga = fix
            ? "\(talker)GGA,\(time),\(lat),\(lon),1,\(Self.digits(satellites, 2)),0.9,\(Self.tenths(altitude)),M,46.9,M,,"
            : "\(talker)GGA,\(time),,,,,0,\(Self.digits(min(satellites, 3), 2)),99.99,,,,,,"
        let gsa = "\(talker)GSA,A,\(fix ? 3 : 1),04,05,,09,12,,,24,,,,,2.5,1.3,2.1"
        let rmc = fix
            ? "\(talker)RMC,\(time),A,\(lat),\(lon),000.0,000.0,230394,003.1,W"
            : "\(talker)RMC,\(time),V,,,,,,,230394,,"
        return [gga, gsa, rmc].map { Self.sentence(Array($0.utf8), wrongChecksum: faults.includes(.checksum, at: instant)) }
    }

    private static func sentence(_ body: [UInt8], wrongChecksum: Bool) -> [UInt8] {
        var sum: UInt8 = 0
        for byte in body { sum ^= byte }
        if wrongChecksum { sum &+= 1 }
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        return [0x24] + body + [0x2A, hex[Int(sum >> 4)], hex[Int(sum & 0x0F)], 0x0D, 0x0A]
    }

    /// ddmm.mmmm (or dddmm.mmmm) of |degrees|, minutes rounded to 1/10000.
    private static func angle(_ degrees: Double, degreeDigits: Int) -> String {
        let total = Int((degrees < 0 ? -degrees : degrees) * 600_000 + 0.5)  // 1/10000 minutes
        let whole = total / 600_000, minutes = total % 600_000
        return digits(whole, degreeDigits) + digits(minutes / 10_000, 2) + "." + digits(minutes % 10_000, 4)
    }

    /// "545.4", "-3.0": one decimal, rounded half away from zero.
    private static func tenths(_ value: Double) -> String {
        let scaled = Int(value < 0 ? value * 10 - 0.5 : value * 10 + 0.5)
        let magnitude = scaled < 0 ? -scaled : scaled
        return (scaled < 0 ? "-" : "") + "\(magnitude / 10).\(magnitude % 10)"
    }

    private static func digits(_ value: Int, _ count: Int) -> String {
        var text = "\(value)"
        while text.utf8.count < count { text = "0" + text }
        return text
    }
}
