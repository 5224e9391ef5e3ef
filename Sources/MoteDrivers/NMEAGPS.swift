import MoteHAL

/// A GPS receiver sending NMEA 0183 sentences on a UART, 9600 8N1 by default (NMEA 0183 V4.11;
/// u-blox M8 protocol specification, section 31 "NMEA protocol").
///
/// Reads GGA (fix quality, position, satellites, altitude) and RMC (status A/V, position) from
/// the GP (GPS) and GN (multi-constellation) talkers; other sentences are passed over. Every
/// sentence must carry a `*hh` checksum. A read takes every sentence waiting, then waits for a
/// GGA or RMC if none came, and reports the newest valid fix if it is at most `maximumFixAge`
/// old.
///
/// `clock` is the timeline of the port's `waitReadable` deadlines, as for `PMS5003`.
public struct NMEAGPS<Port: SerialPort, C: Clock> {
    /// How long a read waits for a position sentence when none is waiting (receivers send a
    /// burst every second).
    public var sentenceTimeout: TimeSpan
    /// How long a started sentence may pause between bytes.
    public var interByteTimeout: TimeSpan
    /// A fix older than this is no fix.
    public var maximumFixAge: TimeSpan
    public private(set) var counters = NMEACounters()
    /// The newest GGA and RMC accepted, with the instant they came.
    public private(set) var lastGGA: (sentence: NMEAGGA, at: Instant)?
    public private(set) var lastRMC: (sentence: NMEARMC, at: Instant)?

    private var reader: LineReader<Port, C>
    private let portName: String

    public init(port: Port, clock: C, sentenceTimeout: TimeSpan = .seconds(2), interByteTimeout: TimeSpan = .milliseconds(20),
                maximumFixAge: TimeSpan = .seconds(10)) {
        self.sentenceTimeout = sentenceTimeout
        self.interByteTimeout = interByteTimeout
        self.maximumFixAge = maximumFixAge
        portName = port.name
        // NMEA 0183 limits a sentence to 82 characters; some receivers go beyond, none past 120.
        reader = LineReader(port: port, clock: clock, maximumLength: 120)
    }

    public var port: Port { reader.port }

    /// Takes in what the receiver has sent, and the newest fix no older than `maximumFixAge`.
    /// Refused sentences are counted and passed over; when no GGA or RMC comes in time, the
    /// last refusal is the error, or `.timeout` if there was none.
    public mutating func fix() throws(NMEAError) -> NMEAFix {
        var positions = 0
        var refusal: NMEAError?
        // What is waiting first, without waiting.
        positions += try takeWaiting(&refusal)
        if positions == 0 {
            let deadline = reader.clock.now() + sentenceTimeout
            while positions == 0 {
                let left = deadline - reader.clock.now()
                do throws(NMEAError) {
                    guard left > .zero else { throw .timeout }
                    if try nextSentence(timeout: left) == true { positions += 1 }
                } catch {
                    switch error {
                    case .bus: throw error
                    case .timeout:
                        counters.timeouts += 1
                        throw refusal ?? .timeout
                    default: refusal = error
                    }
                }
            }
            // The rest of the burst, if it is already in.
            positions += try takeWaiting(&refusal)
        }
        return try currentFix()
    }

    /// Takes in the sentences already waiting; returns how many were GGA or RMC.
    private mutating func takeWaiting(_ refusal: inout NMEAError?) throws(NMEAError) -> Int {
        var positions = 0
        while true {
            do {
                guard let position = try nextSentence(timeout: .zero) else { return positions }
                if position { positions += 1 }
            } catch {
                if case .bus = error { throw error }
                refusal = error
            }
        }
    }

    /// The newest fix from what has been taken in: a GGA with quality > 0, else an RMC with
    /// status A; none when the receiver's newest word on validity is "no fix", or it is too old.
    public func currentFix() throws(NMEAError) -> NMEAFix {
        let now = reader.clock.now()
        func fresh(_ at: Instant) -> Bool { now - at <= maximumFixAge }
        let gga = lastGGA.flatMap { fresh($0.at) ? $0 : nil }
        let rmc = lastRMC.flatMap { fresh($0.at) ? $0 : nil }
        if let gga, gga.sentence.quality > 0, let latitude = gga.sentence.latitude, let longitude = gga.sentence.longitude,
           !(rmc.map { !$0.sentence.valid && $0.at > gga.at } ?? false) {
            return NMEAFix(latitude: latitude, longitude: longitude, altitude: gga.sentence.altitude,
                           satellites: gga.sentence.satellites, at: gga.at)
        }
        if let rmc, rmc.sentence.valid, let latitude = rmc.sentence.latitude, let longitude = rmc.sentence.longitude,
           !(gga.map { $0.sentence.quality == 0 && $0.at > rmc.at } ?? false) {
            return NMEAFix(latitude: latitude, longitude: longitude, altitude: nil, satellites: nil, at: rmc.at)
        }
        if gga == nil && rmc == nil {
            let seen = lastGGA != nil || lastRMC != nil
            throw .noFix(seen ? "no fix in the last \(maximumFixAge.nanoseconds / 1_000_000_000) s" : "no fix yet")
        }
        // The newest word on validity says why.
        if let gga, gga.sentence.quality == 0, rmc.map({ $0.at <= gga.at }) ?? true {
            throw .noFix("no fix (quality 0, \(gga.sentence.satellites ?? 0) satellites)")
        }
        throw .noFix("no fix (status V)")
    }

    /// One line taken in: true for an accepted GGA or RMC, false for anything else accepted, nil
    /// when nothing came by the timeout (a zero timeout only looks). Refused lines throw.
    private mutating func nextSentence(timeout: TimeSpan) throws(NMEAError) -> Bool? {
        let line: [UInt8]
        do {
            line = try reader.readLine(timeout: timeout, interByte: interByteTimeout)
        } catch {
            switch error {
            case .bus(let bus): throw .bus(bus)
            case .timeout(let partial):
                if timeout == .zero && partial.isEmpty { return nil }
                if !partial.isEmpty {
                    counters.malformed += 1
                    throw .malformed("sentence cut off after \(partial.count) bytes")
                }
                throw .timeout
            case .tooLong(let length):
                counters.malformed += 1
                throw .malformed("line of \(length) bytes without an end")
            }
        }
        let body: ArraySlice<UInt8>
        switch NMEAChecksum.body(of: line) {
        case .success(let b): body = b
        case .failure(let failure):
            if case .mismatch(let expected, let found) = failure {
                counters.checksum += 1
                throw .checksum(expected: expected, found: found)
            }
            counters.malformed += 1
            throw .malformed(failure.description)
        }
        let fields = NMEAField.split(body)
        let address = fields[0]
        guard address.count == 5, address.starts(with: NMEAField.gp) || address.starts(with: NMEAField.gn) else {
            counters.ignored += 1
            return false
        }
        let now = reader.clock.now()
        if address.suffix(3).elementsEqual(NMEAField.gga) {
            guard let gga = NMEAGGA(fields: fields) else {
                counters.malformed += 1
                throw .malformed("GGA fields do not parse")
            }
            lastGGA = (gga, now)
        } else if address.suffix(3).elementsEqual(NMEAField.rmc) {
            guard let rmc = NMEARMC(fields: fields) else {
                counters.malformed += 1
                throw .malformed("RMC fields do not parse")
            }
            lastRMC = (rmc, now)
        } else {
            counters.ignored += 1
            return false
        }
        counters.sentences += 1
        return true
    }
}

/// Sentences taken in and refused, by reason.
public struct NMEACounters: Equatable, Sendable {
    /// GGA and RMC sentences accepted.
    public var sentences = 0
    /// Sentences with a good checksum that the driver does not use (GSV, VTG, other talkers).
    public var ignored = 0
    public var checksum = 0
    /// No `$` or `*hh`, fields that do not parse, a cut-off or endless line.
    public var malformed = 0
    /// Reads that saw no GGA or RMC in time.
    public var timeouts = 0
    public init() {}

    public var rejected: Int { checksum + malformed }
}

/// A position in signed degrees (north and east positive).
public struct NMEAFix: Equatable, Sendable {
    public var latitude: Double
    public var longitude: Double
    /// Above mean sea level, m; GGA only.
    public var altitude: Double?
    /// Satellites in use; GGA only.
    public var satellites: Int?
    /// When the sentence came, on the driver's clock.
    public var at: Instant
}

/// $--GGA: time, latitude, N/S, longitude, E/W, quality, satellites, HDOP, altitude, M, ...
public struct NMEAGGA: Equatable, Sendable {
    /// 0 no fix, 1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, 6 dead reckoning.
    public var quality: Int
    public var latitude: Double?
    public var longitude: Double?
    public var satellites: Int?
    public var altitude: Double?

    init?(fields: [ArraySlice<UInt8>]) {
        guard fields.count >= 10, let quality = NMEAField.integer(fields[6]) else { return nil }
        self.quality = quality
        if fields[2].isEmpty && fields[4].isEmpty {
            latitude = nil
            longitude = nil
        } else {
            guard let latitude = NMEAField.angle(fields[2], hemisphere: fields[3], degreeDigits: 2),
                  let longitude = NMEAField.angle(fields[4], hemisphere: fields[5], degreeDigits: 3) else { return nil }
            self.latitude = latitude
            self.longitude = longitude
        }
        if fields[7].isEmpty { satellites = nil } else {
            guard let satellites = NMEAField.integer(fields[7]) else { return nil }
            self.satellites = satellites
        }
        if fields[9].isEmpty { altitude = nil } else {
            guard let altitude = NMEAField.decimal(fields[9]) else { return nil }
            self.altitude = altitude
        }
        if quality > 0 && latitude == nil { return nil }
    }
}

/// $--RMC: time, status A/V, latitude, N/S, longitude, E/W, speed, course, date, ...
public struct NMEARMC: Equatable, Sendable {
    /// Status A: the data are valid; V: a navigation receiver warning.
    public var valid: Bool
    public var latitude: Double?
    public var longitude: Double?

    init?(fields: [ArraySlice<UInt8>]) {
        guard fields.count >= 10, fields[2].count == 1 else { return nil }
        switch fields[2].first {
        case UInt8(ascii: "A"): valid = true
        case UInt8(ascii: "V"): valid = false
        default: return nil
        }
        if fields[3].isEmpty && fields[5].isEmpty {
            latitude = nil
            longitude = nil
        } else {
            guard let latitude = NMEAField.angle(fields[3], hemisphere: fields[4], degreeDigits: 2),
                  let longitude = NMEAField.angle(fields[5], hemisphere: fields[6], degreeDigits: 3) else { return nil }
            self.latitude = latitude
            self.longitude = longitude
        }
        if valid && latitude == nil { return nil }
    }
}

/// Field parsing on bytes: no Foundation, no locale, the same result in every build.
private enum NMEAField {
    static let gp: [UInt8] = Array("GP".utf8)
    static let gn: [UInt8] = Array("GN".utf8)
    static let gga: [UInt8] = Array("GGA".utf8)
    static let rmc: [UInt8] = Array("RMC".utf8)

    static func split(_ body: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var fields: [ArraySlice<UInt8>] = []
        var start = body.startIndex
        for index in body.indices where body[index] == UInt8(ascii: ",") {
            fields.append(body[start..<index])
            start = index + 1
        }
        fields.append(body[start..<body.endIndex])
        return fields
    }

    static func integer(_ field: ArraySlice<UInt8>) -> Int? {
        guard !field.isEmpty, field.count <= 9 else { return nil }
        var value = 0
        for byte in field {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// "545.4" → (5454, 1); "-12" → (-12, 0).
    static func fixedPoint(_ field: ArraySlice<UInt8>) -> (value: Int64, decimals: Int)? {
        var digits = field
        var negative = false
        if digits.first == UInt8(ascii: "-") { negative = true; digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        var value: Int64 = 0
        var decimals = 0
        var seenPoint = false
        var digitCount = 0
        for byte in digits {
            if byte == UInt8(ascii: ".") && !seenPoint { seenPoint = true; continue }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            digitCount += 1
            if seenPoint { decimals += 1 }
        }
        guard digitCount > 0 else { return nil }
        return (negative ? -value : value, decimals)
    }

    static func decimal(_ field: ArraySlice<UInt8>) -> Double? {
        guard let (value, decimals) = fixedPoint(field) else { return nil }
        return Double(value) / power10(decimals)
    }

    /// ddmm.mmmm or dddmm.mmmm and a hemisphere letter → signed degrees. Minutes must be below
    /// 60 and degrees within 90 or 180.
    static func angle(_ field: ArraySlice<UInt8>, hemisphere: ArraySlice<UInt8>, degreeDigits: Int) -> Double? {
        let point = field.firstIndex(of: UInt8(ascii: ".")) ?? field.endIndex
        guard field.first != UInt8(ascii: "-"), point - field.startIndex == degreeDigits + 2,
              let (value, decimals) = fixedPoint(field), hemisphere.count == 1 else { return nil }
        let scale = Int64(power10(decimals))
        let degrees = value / (100 * scale)
        let minutes = value - degrees * 100 * scale
        guard minutes < 60 * scale else { return nil }
        let angle = Double(degrees) + Double(minutes) / Double(scale) / 60
        let limit: Double = degreeDigits == 2 ? 90 : 180
        guard angle <= limit else { return nil }
        switch hemisphere.first {
        case UInt8(ascii: "N") where degreeDigits == 2, UInt8(ascii: "E") where degreeDigits == 3: return angle
        case UInt8(ascii: "S") where degreeDigits == 2, UInt8(ascii: "W") where degreeDigits == 3: return -angle
        default: return nil
        }
    }

    static func power10(_ n: Int) -> Double {
        var result: Double = 1
        for _ in 0..<n { result *= 10 }
        return result
    }
}

extension NMEAGPS: SensorDriver {
    public static var part: String { "NMEA-GPS" }

    public var channels: [ChannelSpec] { ChannelSpec.nmeaGPS }

    public var location: String { "gps@" + portName }

    /// Nothing to set up: receivers start streaming at power-on in their default configuration.
    public mutating func setUp(clock: some Clock) throws(SensorError) {}

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        do {
            let fix = try fix()
            return [fix.latitude, fix.longitude, fix.altitude, fix.satellites.map { Double($0) }]
        } catch {
            throw error.sensorError
        }
    }
}

public enum NMEAError: Error, Equatable, CustomStringConvertible {
    case bus(BusError)
    /// No GGA or RMC sentence in time.
    case timeout
    case checksum(expected: UInt8, found: UInt8)
    case malformed(String)
    /// Sentences came but none with a fix recent enough.
    case noFix(String)

    public var sensorError: SensorError {
        switch self {
        case .bus(let error): return SensorError(error)
        case .timeout: return SensorError(.timeout, description)
        case .checksum: return SensorError(.checksum, description)
        case .malformed: return SensorError(.malformed, description)
        case .noFix: return SensorError(.device, description)
        }
    }

    public var description: String {
        switch self {
        case .bus(let error): return error.description
        case .timeout: return "no GGA or RMC sentence in time"
        case .checksum(let expected, let found): return "checksum mismatch: expected \(Hex.byte(expected)), found \(Hex.byte(found))"
        case .malformed(let why): return "malformed sentence: " + why
        case .noFix(let why): return why
        }
    }
}

extension ChannelSpec {
    /// The NMEAGPS's channels, also what configuration files are checked against.
    public static var nmeaGPS: [ChannelSpec] {
        [ChannelSpec(name: "latitude", unit: "deg", symbol: "°", decimals: 6),
         ChannelSpec(name: "longitude", unit: "deg", symbol: "°", decimals: 6),
         ChannelSpec(name: "altitude", unit: "m", decimals: 1),
         ChannelSpec(name: "satellites", unit: "count", decimals: 0)]
    }
}
