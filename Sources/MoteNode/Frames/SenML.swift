/// Sensor Measurement Lists (RFC 8428) in CBOR (section 6): the frame format for IP links
/// (NB-IoT, LTE-M, Wi-Fi), where a few dozen bytes more than CayenneLPP buy self-describing
/// names, units and times that any SenML reader understands.

/// A SenML value: exactly one per record (or none when the record carries a sum).
public enum SenMLValue: Equatable, Sendable {
    case number(Double)
    case string(String)
    case boolean(Bool)
    case data([UInt8])
}

/// One record as it stands in a pack: its base fields apply to it and to the records after it.
public struct SenMLRecord: Equatable, Sendable {
    public var baseName: String?
    public var baseTime: Double?
    public var baseUnit: String?
    public var baseValue: Double?
    public var baseSum: Double?
    public var baseVersion: UInt64?
    public var name: String?
    public var unit: String?
    public var value: SenMLValue?
    public var sum: Double?
    public var time: Double?
    public var updateTime: Double?

    public init(baseName: String? = nil, baseTime: Double? = nil, baseUnit: String? = nil, baseValue: Double? = nil,
                baseSum: Double? = nil, baseVersion: UInt64? = nil, name: String? = nil, unit: String? = nil,
                value: SenMLValue? = nil, sum: Double? = nil, time: Double? = nil, updateTime: Double? = nil) {
        self.baseName = baseName
        self.baseTime = baseTime
        self.baseUnit = baseUnit
        self.baseValue = baseValue
        self.baseSum = baseSum
        self.baseVersion = baseVersion
        self.name = name
        self.unit = unit
        self.value = value
        self.sum = sum
        self.time = time
        self.updateTime = updateTime
    }

    var hasRegularField: Bool {
        name != nil || unit != nil || value != nil || sum != nil || time != nil || updateTime != nil
    }
}

/// A record with the pack's base fields applied (RFC 8428 section 4.6): name = bn + n,
/// time = bt + t, unit = u or else bu, value = bv + v, sum = bs + s.
public struct SenMLResolvedRecord: Equatable, Sendable {
    public var name: String
    public var unit: String?
    public var value: SenMLValue?
    public var sum: Double?
    /// Seconds: since the Unix epoch at or above 2^28, relative to "now" (the time the pack
    /// was sent or received) below it (section 4.5.3).
    public var time: Double
    public var updateTime: Double?

    public init(name: String, unit: String? = nil, value: SenMLValue? = nil, sum: Double? = nil, time: Double = 0, updateTime: Double? = nil) {
        self.name = name
        self.unit = unit
        self.value = value
        self.sum = sum
        self.time = time
        self.updateTime = updateTime
    }

    /// Below 2^28 a time counts from "now", not from the epoch.
    public var isRelativeTime: Bool { time < 268_435_456 }
}

/// Why a pack could not be written or read.
public enum SenMLError: Error, Equatable, CustomStringConvertible {
    case cbor(CBORError)
    case notAnArray
    case emptyPack
    case recordNotAMap(record: Int)
    case labelType(record: Int)
    case unknownLabel(record: Int, label: Int64)
    case mustUnderstandLabel(record: Int, label: String)
    case duplicateLabel(record: Int, label: String)
    case fieldType(record: Int, label: String, expected: String)
    case notFinite(record: Int, label: String)
    case valueCount(record: Int, count: Int)
    case noValue(record: Int)
    case version(record: Int, version: UInt64)
    case versionChanged(record: Int, from: UInt64, to: UInt64)
    case invalidName(record: Int, name: String)
    case unregisteredUnit(name: String, unit: String)
    case tooLarge(needed: Int, capacity: Int)

    public var description: String {
        switch self {
        case .cbor(let error): return "not CBOR SenML: " + error.description
        case .notAnArray: return "a SenML pack is an array of records; this is not an array"
        case .emptyPack: return "a SenML pack holds at least one record; this one is empty"
        case .recordNotAMap(let record): return "record \(record) is not a map"
        case .labelType(let record): return "record \(record): a label is neither an integer nor a text string"
        case .unknownLabel(let record, let label):
            return "record \(record): unknown integer label \(label) (RFC 8428 Table 4 is conclusive)"
        case .mustUnderstandLabel(let record, let label):
            return "record \(record): label \"\(label)\" ends in _ and must be understood, which this reader does not"
        case .duplicateLabel(let record, let label): return "record \(record): label \(label) appears twice"
        case .fieldType(let record, let label, let expected): return "record \(record): \(label) must be \(expected)"
        case .notFinite(let record, let label): return "record \(record): \(label) is not a finite number"
        case .valueCount(let record, let count): return "record \(record): \(count) value fields (v, vs, vb, vd); at most one"
        case .noValue(let record): return "record \(record): no value (v, vs, vb, vd) and no sum (s)"
        case .version(let record, let version):
            return "record \(record): SenML version \(version) has features this reader does not know (it reads 10, and 26 with secondary units)"
        case .versionChanged(let record, let from, let to):
            return "record \(record): version \(to) after \(from); every record of a pack has the same version"
        case .invalidName(let record, let name):
            return "record \(record): name \"\(name)\" must start with a letter or digit and hold only A-Z a-z 0-9 - : . / _"
        case .unregisteredUnit(let name, let unit):
            return "\(name): unit \"\(unit)\" is not in the SenML units registries (RFC 8428 section 12.1, RFC 8798)"
        case .tooLarge(let needed, let capacity): return "pack needs \(needed) bytes, the link takes \(capacity)"
        }
    }
}

/// The SenML units registries: primary units (RFC 8428 section 12.1 and RFC 8798 section 2) go
/// into `u` as they are; secondary units (RFC 8798 section 3, such as ppm, ug/m3, Wh, hPa) are
/// linear multiples of a primary unit that only readers implementing RFC 8798 know.
public enum SenMLUnits {
    /// What the frame does with a secondary unit.
    public enum Policy: Equatable, Sendable {
        /// Converts to the primary unit (415 ppm → 0.000415 "/", 12 ug/m3 → 1.2e-8 kg/m3): a plain
        /// version-10 pack that every RFC 8428 reader takes.
        case primary
        /// Keeps the secondary unit and says so with version 26 (RFC 9100 feature 4, "secondary
        /// units", on top of 10): smaller and exact, but readers without the feature must refuse it.
        case secondary
    }

    public static let primaryUnits: [String] = [
        // RFC 8428 Table 6
        "m", "kg", "g", "s", "A", "K", "cd", "mol", "Hz", "rad", "sr", "N", "Pa", "J", "W", "C", "V", "F",
        "Ohm", "S", "Wb", "T", "H", "Cel", "lm", "lx", "Bq", "Gy", "Sv", "kat", "m2", "m3", "l", "m/s", "m/s2",
        "m3/s", "l/s", "W/m2", "cd/m2", "bit", "bit/s", "lat", "lon", "pH", "dB", "dBW", "Bspl", "count", "/",
        "%", "%RH", "%EL", "EL", "1/s", "1/min", "beat/min", "beats", "S/m",
        // RFC 8798 section 2
        "B", "VA", "VAs", "var", "vars", "J/m", "kg/m3", "deg", "NTU",
    ]

    /// A secondary unit: primary value = value × multiplier, or value / divisor (division keeps
    /// 415 / 1e6 the double nearest 0.000415, which 415 × 1e-6 is not always).
    public struct Secondary: Sendable {
        public let name: String
        public let primary: String
        public let multiplier: Double
        public let divisor: Double

        init(_ name: String, _ primary: String, times multiplier: Double = 1, over divisor: Double = 1) {
            self.name = name
            self.primary = primary
            self.multiplier = multiplier
            self.divisor = divisor
        }

        public func toPrimary(_ value: Double) -> Double { value * multiplier / divisor }
    }

    /// RFC 8798 Table 2, less dBm (an offset, not a scale).
    public static let secondaryUnits: [Secondary] = [
        Secondary("ms", "s", over: 1000), Secondary("min", "s", times: 60), Secondary("h", "s", times: 3600),
        Secondary("MHz", "Hz", times: 1_000_000), Secondary("kW", "W", times: 1000), Secondary("kVA", "VA", times: 1000),
        Secondary("kvar", "var", times: 1000), Secondary("Ah", "C", times: 3600), Secondary("Wh", "J", times: 3600),
        Secondary("kWh", "J", times: 3_600_000), Secondary("varh", "vars", times: 3600),
        Secondary("kvarh", "vars", times: 3_600_000), Secondary("kVAh", "VAs", times: 3_600_000),
        Secondary("Wh/km", "J/m", times: 3.6), Secondary("KiB", "B", times: 1024), Secondary("GB", "B", times: 1e9),
        Secondary("Mbit/s", "bit/s", times: 1_000_000), Secondary("B/s", "bit/s", times: 8),
        Secondary("MB/s", "bit/s", times: 8_000_000), Secondary("mV", "V", over: 1000), Secondary("mA", "A", over: 1000),
        Secondary("ug/m3", "kg/m3", over: 1e9), Secondary("mm/h", "m/s", over: 3_600_000), Secondary("m/h", "m/s", over: 3600),
        Secondary("ppm", "/", over: 1e6), Secondary("/100", "/", over: 100), Secondary("/1000", "/", over: 1000),
        Secondary("hPa", "Pa", times: 100), Secondary("mm", "m", over: 1000), Secondary("cm", "m", over: 100),
        Secondary("km", "m", times: 1000), Secondary("km/h", "m/s", over: 3.6),
    ]

    public static func isPrimary(_ unit: String) -> Bool {
        for name in primaryUnits where name == unit { return true }
        return false
    }

    public static func secondary(_ unit: String) -> Secondary? {
        for entry in secondaryUnits where entry.name == unit { return entry }
        return nil
    }
}

/// The CBOR labels of RFC 8428 Table 4.
enum SenMLLabel {
    static let baseVersion: Int64 = -1, baseName: Int64 = -2, baseTime: Int64 = -3, baseUnit: Int64 = -4
    static let baseValue: Int64 = -5, baseSum: Int64 = -6
    static let name: Int64 = 0, unit: Int64 = 1, value: Int64 = 2, stringValue: Int64 = 3, booleanValue: Int64 = 4
    static let sum: Int64 = 5, time: Int64 = 6, updateTime: Int64 = 7, dataValue: Int64 = 8

    static func text(_ label: Int64) -> String {
        let names: [(Int64, String)] = [(-1, "bver"), (-2, "bn"), (-3, "bt"), (-4, "bu"), (-5, "bv"), (-6, "bs"),
                                        (0, "n"), (1, "u"), (2, "v"), (3, "vs"), (4, "vb"), (5, "s"), (6, "t"), (7, "ut"), (8, "vd")]
        for (value, name) in names where value == label { return name }
        return "\(label)"
    }
}

public enum SenML {
    /// A field to write: a number (with numeric reduction) or any other item.
    private enum Field {
        case number(Double)
        case item(CBORValue)
    }

    /// The version RFC 8428 defines, and the one with RFC 9100's secondary-units feature.
    public static let version: UInt64 = 10
    public static let versionWithSecondaryUnits: UInt64 = 26

    /// The order of the fields in a record's map.
    public enum KeyOrder: Equatable, Sendable {
        /// RFC 8949 section 4.2.1 (core deterministic encoding): keys sorted by their encoded
        /// bytes, so n u v vs vb s t ut vd, then bver bn bt bu bv bs. Any deterministic encoder
        /// (cbor2 with canonical=True, say) writes the same pack byte for byte.
        case deterministic
        /// bn bt bu bv bs bver n u t ut v|vs|vb|vd s: the order of the RFC 8428 examples.
        case fieldOrder
    }

    /// The records as a CBOR pack. Numbers use numeric reduction (integral values as integers,
    /// others as the shortest float that is exact), floats preferred serialization.
    public static func encode(_ records: [SenMLRecord], keyOrder: KeyOrder = .deterministic) throws(SenMLError) -> [UInt8] {
        var writer = CBORWriter()
        writer.arrayHeader(records.count)
        for (index, record) in records.enumerated() {
            var fields: [(Int64, Field)] = []
            func number(_ label: Int64, _ value: Double?) throws(SenMLError) {
                guard let value else { return }
                guard value.isFinite else { throw .notFinite(record: index, label: SenMLLabel.text(label)) }
                fields.append((label, .number(value)))
            }
            if let baseName = record.baseName { fields.append((SenMLLabel.baseName, .item(.text(baseName)))) }
            try number(SenMLLabel.baseTime, record.baseTime)
            if let baseUnit = record.baseUnit { fields.append((SenMLLabel.baseUnit, .item(.text(baseUnit)))) }
            try number(SenMLLabel.baseValue, record.baseValue)
            try number(SenMLLabel.baseSum, record.baseSum)
            if let version = record.baseVersion { fields.append((SenMLLabel.baseVersion, .item(.unsigned(version)))) }
            if let name = record.name { fields.append((SenMLLabel.name, .item(.text(name)))) }
            if let unit = record.unit { fields.append((SenMLLabel.unit, .item(.text(unit)))) }
            try number(SenMLLabel.time, record.time)
            try number(SenMLLabel.updateTime, record.updateTime)
            switch record.value {
            case .number(let value): try number(SenMLLabel.value, value)
            case .string(let text): fields.append((SenMLLabel.stringValue, .item(.text(text))))
            case .boolean(let flag): fields.append((SenMLLabel.booleanValue, .item(.boolean(flag))))
            case .data(let data): fields.append((SenMLLabel.dataValue, .item(.bytes(data))))
            case nil: break
            }
            try number(SenMLLabel.sum, record.sum)
            if keyOrder == .deterministic {
                // 0...8 encode as 0x00...0x08, -1...-6 as 0x20...0x25.
                fields.sort { (a, b) in (a.0 >= 0 ? a.0 : 32 - 1 - a.0) < (b.0 >= 0 ? b.0 : 32 - 1 - b.0) }
            }
            writer.mapHeader(fields.count)
            for (label, value) in fields {
                writer.integer(label)
                switch value {
                case .number(let number): writer.number(number)
                case .item(let item): writer.value(item)
                }
            }
        }
        return writer.bytes
    }

    /// The records of a CBOR pack as they stand, checked field by field.
    public static func decode(_ bytes: [UInt8]) throws(SenMLError) -> [SenMLRecord] {
        let root: CBORValue
        do throws(CBORError) { root = try CBORReader.decode(bytes) } catch { throw .cbor(error) }
        guard case .array(let items) = root else { throw .notAnArray }
        guard !items.isEmpty else { throw .emptyPack }
        var records: [SenMLRecord] = []
        records.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .map(let pairs) = item else { throw .recordNotAMap(record: index) }
            records.append(try record(pairs, index: index))
        }
        return records
    }

    private static func record(_ pairs: [CBORPair], index: Int) throws(SenMLError) -> SenMLRecord {
        var record = SenMLRecord()
        var seen: [Int64] = []
        var values = 0
        for pair in pairs {
            let label: Int64
            switch pair.key {
            case .text(let text):
                // Extensions use text labels: ignored, unless they must be understood (section 4.4).
                if text.hasSuffix("_") { throw .mustUnderstandLabel(record: index, label: text) }
                continue
            default:
                guard let integer = pair.key.integer else { throw .labelType(record: index) }
                label = integer
            }
            guard label >= -6 && label <= 8 else { throw .unknownLabel(record: index, label: label) }
            if seen.contains(label) { throw .duplicateLabel(record: index, label: SenMLLabel.text(label)) }
            seen.append(label)
            let name = SenMLLabel.text(label)
            func text() throws(SenMLError) -> String {
                guard case .text(let value) = pair.value else { throw .fieldType(record: index, label: name, expected: "a text string") }
                return value
            }
            func number() throws(SenMLError) -> Double {
                guard let value = pair.value.number else { throw .fieldType(record: index, label: name, expected: "a number") }
                guard value.isFinite else { throw .notFinite(record: index, label: name) }
                return value
            }
            switch label {
            case SenMLLabel.baseVersion:
                guard case .unsigned(let version) = pair.value else {
                    throw .fieldType(record: index, label: name, expected: "an unsigned integer")
                }
                record.baseVersion = version
            case SenMLLabel.baseName: record.baseName = try text()
            case SenMLLabel.baseTime: record.baseTime = try number()
            case SenMLLabel.baseUnit: record.baseUnit = try text()
            case SenMLLabel.baseValue: record.baseValue = try number()
            case SenMLLabel.baseSum: record.baseSum = try number()
            case SenMLLabel.name: record.name = try text()
            case SenMLLabel.unit: record.unit = try text()
            case SenMLLabel.value:
                record.value = .number(try number())
                values += 1
            case SenMLLabel.stringValue:
                record.value = .string(try text())
                values += 1
            case SenMLLabel.booleanValue:
                guard case .boolean(let flag) = pair.value else { throw .fieldType(record: index, label: name, expected: "a boolean") }
                record.value = .boolean(flag)
                values += 1
            case SenMLLabel.dataValue:
                guard case .bytes(let data) = pair.value else { throw .fieldType(record: index, label: name, expected: "a byte string") }
                record.value = .data(data)
                values += 1
            case SenMLLabel.sum: record.sum = try number()
            case SenMLLabel.time: record.time = try number()
            case SenMLLabel.updateTime: record.updateTime = try number()
            default: throw .unknownLabel(record: index, label: label)
            }
        }
        if values > 1 { throw .valueCount(record: index, count: values) }
        return record
    }

    /// The pack's records with the base fields applied, in the pack's order.
    ///
    /// A record of base fields only (the first record of the RFC 8428 section 5.1.7 example)
    /// sets bases and resolves to nothing. Any other record needs exactly one value or a sum.
    public static func resolve(_ records: [SenMLRecord]) throws(SenMLError) -> [SenMLResolvedRecord] {
        var baseName = "", baseTime: Double = 0, baseUnit: String? = nil
        var baseValue: Double = 0, baseSum: Double? = nil, version: UInt64? = nil
        var resolved: [SenMLResolvedRecord] = []
        for (index, record) in records.enumerated() {
            if let next = record.baseVersion {
                if let version, version != next { throw .versionChanged(record: index, from: version, to: next) }
                // 10 and below (RFC 8428), and 16...26: the same plus feature 4, secondary units (RFC 9100).
                guard next & ~UInt64(16) <= SenML.version else { throw .version(record: index, version: next) }
                version = next
            }
            if let value = record.baseName { baseName = value }
            if let value = record.baseTime { baseTime = value }
            if let value = record.baseUnit { baseUnit = value }
            if let value = record.baseValue { baseValue = value }
            if let value = record.baseSum { baseSum = value }
            guard record.hasRegularField else { continue }
            guard record.value != nil || record.sum != nil else { throw .noValue(record: index) }
            let name = baseName + (record.name ?? "")
            guard validName(name) else { throw .invalidName(record: index, name: name) }
            var value = record.value
            if case .number(let number) = value { value = .number(baseValue + number) }
            var sum: Double? = nil
            if record.sum != nil || baseSum != nil { sum = (baseSum ?? 0) + (record.sum ?? 0) }
            resolved.append(SenMLResolvedRecord(name: name, unit: record.unit ?? baseUnit, value: value, sum: sum,
                                                time: baseTime + (record.time ?? 0), updateTime: record.updateTime))
        }
        return resolved
    }

    /// Decodes and resolves: what `motectl decode` shows.
    public static func decodeResolved(_ bytes: [UInt8]) throws(SenMLError) -> [SenMLResolvedRecord] {
        try resolve(try decode(bytes))
    }

    /// Section 4.5.1: starts with a letter or digit; then letters, digits and - : . / _ only.
    public static func validName(_ name: String) -> Bool {
        var first = true
        for byte in name.utf8 {
            let alphanumeric = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if first {
                guard alphanumeric else { return false }
                first = false
            } else if !alphanumeric {
                switch byte {
                case UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "_"): break
                default: return false
                }
            }
        }
        return !first
    }
}

/// Builds one SenML frame from a node's reported values: the first record carries the base
/// name `urn:dev:mote:<node>:` and the frame's time as base time; each record carries its
/// channel's name, unit and value, and `t` only where its time differs from the frame's.
public struct SenMLFrame: Sendable {
    public static let format = "senml+cbor"

    public let baseName: String
    /// Seconds since the Unix epoch; nil when the node has no wall clock (times are then
    /// relative to when the frame arrives).
    public let baseTime: Double?
    public let capacity: Int
    public let units: SenMLUnits.Policy
    public private(set) var records: [SenMLRecord] = []
    public private(set) var bytes: [UInt8] = []
    private var usesSecondaryUnits = false

    public init(node: String, time: Double?, baseName: String? = nil, capacity: Int = 1024, units: SenMLUnits.Policy = .primary) {
        self.baseName = baseName ?? "urn:dev:mote:" + node + ":"
        self.baseTime = time
        self.capacity = capacity
        self.units = units
    }

    /// Appends one record. `offset`: seconds from the frame's time to the reading's (-30: half
    /// a minute earlier). A record that would take the pack past `capacity` is refused and the
    /// frame stays as it was.
    public mutating func add(name: String, unit: String, value: Double, offset: Double = 0) throws(SenMLError) {
        guard value.isFinite else { throw .notFinite(record: records.count, label: "v") }
        guard offset.isFinite else { throw .notFinite(record: records.count, label: "t") }
        guard SenML.validName(baseName + name) else { throw .invalidName(record: records.count, name: baseName + name) }
        var senmlUnit: String? = unit
        var senmlValue = value
        var secondary = usesSecondaryUnits
        if unit.isEmpty {
            senmlUnit = nil
        } else if unit == "1" {
            senmlUnit = "/"  // a dimensionless state (digital input 0/1): SenML's ratio unit, Note 2
        } else if !SenMLUnits.isPrimary(unit) {
            guard let entry = SenMLUnits.secondary(unit) else { throw .unregisteredUnit(name: name, unit: unit) }
            switch units {
            case .primary:
                senmlUnit = entry.primary
                senmlValue = entry.toPrimary(value)
            case .secondary:
                secondary = true
            }
        }
        var record = SenMLRecord(name: name, unit: senmlUnit, value: .number(senmlValue), time: offset == 0 ? nil : offset)
        if records.isEmpty {
            record.baseName = baseName
            record.baseTime = baseTime
        }
        var candidate = records
        candidate.append(record)
        candidate[0].baseVersion = secondary ? SenML.versionWithSecondaryUnits : nil
        let encoded = try SenML.encode(candidate)
        guard encoded.count <= capacity else { throw .tooLarge(needed: encoded.count, capacity: capacity) }
        records = candidate
        bytes = encoded
        usesSecondaryUnits = secondary
    }

    /// The frame for the uplink.
    public func frame(sequence: UInt32, port: UInt8) -> Frame {
        Frame(sequence: sequence, port: port, format: Self.format, bytes: bytes)
    }
}
