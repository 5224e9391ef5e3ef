import Foundation
import Testing
import MoteNode

/// The CayenneLPP encoder and decoder against the published vectors, the reference libraries'
/// vectors, every field's edges and the shared fixture Tests/corpus/frames/cayennelpp-types.jsonl
/// (which Tests/peers/cayennelpp_types_peer.py decodes with pycayennelpp).
@Suite struct CayenneLPPTests {
    typealias DataType = CayenneLPP.DataType

    /// The type table re-declared from the references (ElectronicCats CayenneLPP.h: sizes,
    /// multipliers, getTypeSigned; pycayennelpp lpp_type.py: sizes, scales, signs): type code,
    /// name, and per value (bytes, counts per unit, signed).
    static let table: [(type: DataType, code: UInt8, name: String, fields: [(size: Int, counts: Double, signed: Bool)])] = [
        (.digitalInput, 0, "digital_input", [(1, 1, false)]),
        (.digitalOutput, 1, "digital_output", [(1, 1, false)]),
        (.analogInput, 2, "analog_input", [(2, 100, true)]),
        (.analogOutput, 3, "analog_output", [(2, 100, true)]),
        (.genericSensor, 100, "generic_sensor", [(4, 1, false)]),
        (.illuminance, 101, "illuminance", [(2, 1, false)]),
        (.presence, 102, "presence", [(1, 1, false)]),
        (.temperature, 103, "temperature", [(2, 10, true)]),
        (.humidity, 104, "humidity", [(1, 2, false)]),
        (.accelerometer, 113, "accelerometer", [(2, 1000, true), (2, 1000, true), (2, 1000, true)]),
        (.barometer, 115, "barometer", [(2, 10, false)]),
        (.voltage, 116, "voltage", [(2, 100, false)]),
        (.current, 117, "current", [(2, 1000, false)]),
        (.frequency, 118, "frequency", [(4, 1, false)]),
        (.percentage, 120, "percentage", [(1, 1, false)]),
        (.altitude, 121, "altitude", [(2, 1, true)]),
        (.concentration, 125, "concentration", [(2, 1, false)]),
        (.power, 128, "power", [(2, 1, false)]),
        (.distance, 130, "distance", [(4, 1000, false)]),
        (.energy, 131, "energy", [(4, 1000, false)]),
        (.direction, 132, "direction", [(2, 1, false)]),
        (.unixTime, 133, "unix_time", [(4, 1, false)]),
        (.gyrometer, 134, "gyrometer", [(2, 100, true), (2, 100, true), (2, 100, true)]),
        (.colour, 135, "colour", [(1, 1, false), (1, 1, false), (1, 1, false)]),
        (.gps, 136, "gps", [(3, 10_000, true), (3, 10_000, true), (3, 100, true)]),
        (.onOffSwitch, 142, "switch", [(1, 1, false)]),
    ]

    func frame(_ records: [(UInt8, DataType, Double)], capacity: Int = 222) throws -> [UInt8] {
        var lpp = CayenneLPP(capacity: capacity)
        for (channel, type, value) in records { try lpp.add(channel: channel, type, value) }
        return lpp.bytes
    }

    func record(_ channel: UInt8, _ type: DataType, _ values: [Double]) throws -> [UInt8] {
        var lpp = CayenneLPP()
        try lpp.add(channel: channel, type, values: values)
        return lpp.bytes
    }

    /// Big-endian two's complement of `count` in `size` bytes, worked out here, not by the encoder.
    static func wire(_ count: Int64, size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: count >> Int64((size - 1 - $0) * 8)) }
    }

    @Test func theTableIsTheReferencesTable() {
        #expect(Self.table.count == 26)
        #expect(DataType.allCases.count == Self.table.count)
        for row in Self.table {
            #expect(row.type.rawValue == row.code, "\(row.name)")
            #expect(row.type.name == row.name)
            #expect(DataType.named(row.name) == row.type)
            #expect(row.type.fields.map { [Double($0.size), $0.countsPerUnit, $0.signed ? 1 : 0] }
                    == row.fields.map { [Double($0.size), $0.counts, $0.signed ? 1 : 0] }, "\(row.name)")
            #expect(row.type.recordSize == 2 + row.fields.reduce(0) { $0 + $1.size })
        }
        #expect(DataType.scalarTypes.count == 22)
        #expect(DataType.allCases.filter { !$0.isScalar } == [.accelerometer, .gyrometer, .colour, .gps])
        #expect(DataType.named("gps_location") == nil)
    }

    // MARK: - The published vectors (myDevices' Cayenne LPP documentation), both ways

    @Test func publishedVectorsEncode() throws {
        #expect(try frame([(3, .temperature, 27.2), (5, .temperature, 25.5)]) == [0x03, 0x67, 0x01, 0x10, 0x05, 0x67, 0x00, 0xFF])
        #expect(try frame([(1, .temperature, -4.1)]) == [0x01, 0x67, 0xFF, 0xD7])
        var lpp = CayenneLPP()
        try lpp.addAccelerometer(channel: 6, x: 1.234, y: -1.234, z: 0)
        #expect(lpp.bytes == [0x06, 0x71, 0x04, 0xD2, 0xFB, 0x2E, 0x00, 0x00])
        lpp = CayenneLPP()
        try lpp.addGPS(channel: 1, latitude: 42.3519, longitude: -87.9094, altitude: 10)
        #expect(lpp.bytes == [0x01, 0x88, 0x06, 0x76, 0x5F, 0xF2, 0x96, 0x0A, 0x00, 0x03, 0xE8])
    }

    @Test func publishedVectorsDecode() throws {
        #expect(try CayenneLPP.decode([0x03, 0x67, 0x01, 0x10, 0x05, 0x67, 0x00, 0xFF])
                == [.init(channel: 3, .temperature, [27.2]), .init(channel: 5, .temperature, [25.5])])
        #expect(try CayenneLPP.decode([0x01, 0x67, 0xFF, 0xD7]) == [.init(channel: 1, .temperature, [-4.1])])
        #expect(try CayenneLPP.decode([0x06, 0x71, 0x04, 0xD2, 0xFB, 0x2E, 0x00, 0x00])
                == [.init(channel: 6, .accelerometer, [1.234, -1.234, 0])])
        #expect(try CayenneLPP.decode([0x01, 0x88, 0x06, 0x76, 0x5F, 0xF2, 0x96, 0x0A, 0x00, 0x03, 0xE8])
                == [.init(channel: 1, .gps, [42.3519, -87.9094, 10])])
    }

    // MARK: - One vector per type

    /// Marked EC: from ElectronicCats' test/aunit/main.cpp (EncoderTest); the rest worked by hand
    /// (count = value × counts per unit, big-endian).
    static let vectors: [(DataType, UInt8, [Double], [UInt8])] = [
        (.digitalInput, 6, [1], [0x06, 0x00, 0x01]),
        (.digitalOutput, 2, [1], [0x02, 0x01, 0x01]),
        (.analogInput, 4, [-3.27], [0x04, 0x02, 0xFE, 0xB9]),                          // -327
        (.analogOutput, 1, [12.34], [0x01, 0x03, 0x04, 0xD2]),                         // 1234
        (.genericSensor, 1, [998], [0x01, 0x64, 0x00, 0x00, 0x03, 0xE6]),             // EC
        (.illuminance, 1, [65535], [0x01, 0x65, 0xFF, 0xFF]),
        (.presence, 1, [1], [0x01, 0x66, 0x01]),
        (.temperature, 5, [-4.7], [0x05, 0x67, 0xFF, 0xD1]),                           // EC
        (.humidity, 2, [54], [0x02, 0x68, 0x6C]),                                      // EC
        (.accelerometer, 6, [1.234, -1.234, 0], [0x06, 0x71, 0x04, 0xD2, 0xFB, 0x2E, 0x00, 0x00]),  // EC, published
        (.barometer, 3, [1006.5277], [0x03, 0x73, 0x27, 0x51]),                        // 10065
        (.voltage, 3, [224.56], [0x03, 0x74, 0x57, 0xB8]),                             // EC
        (.current, 1, [0.237], [0x01, 0x75, 0x00, 0xED]),                              // EC
        (.frequency, 1, [868_100_000], [0x01, 0x76, 0x33, 0xBE, 0x27, 0xA0]),          // EC
        (.percentage, 1, [42], [0x01, 0x78, 0x2A]),
        (.altitude, 5, [-17], [0x05, 0x79, 0xFF, 0xEF]),                               // EC
        (.concentration, 1, [415], [0x01, 0x7D, 0x01, 0x9F]),
        (.power, 5, [3450], [0x05, 0x80, 0x0D, 0x7A]),                                 // EC
        (.distance, 1, [0.034], [0x01, 0x82, 0x00, 0x00, 0x00, 0x22]),                 // EC
        (.energy, 1, [7953.2], [0x01, 0x83, 0x00, 0x79, 0x5B, 0x30]),                  // EC
        (.direction, 1, [256], [0x01, 0x84, 0x01, 0x00]),                              // EC
        (.unixTime, 1, [1_700_000_000], [0x01, 0x85, 0x65, 0x53, 0xF1, 0x00]),
        (.gyrometer, 2, [12.5, -3.21, 0], [0x02, 0x86, 0x04, 0xE2, 0xFE, 0xBF, 0x00, 0x00]),  // 1250, -321, 0
        (.colour, 1, [255, 128, 0], [0x01, 0x87, 0xFF, 0x80, 0x00]),
        (.gps, 1, [42.3519, -87.9094, 10], [0x01, 0x88, 0x06, 0x76, 0x5F, 0xF2, 0x96, 0x0A, 0x00, 0x03, 0xE8]),  // published
        (.onOffSwitch, 5, [1], [0x05, 0x8E, 0x01]),                                    // EC
    ]

    @Test func oneVectorPerTypeBothWays() throws {
        #expect(Set(Self.vectors.map { $0.0 }) == Set(DataType.allCases))
        for (type, channel, values, bytes) in Self.vectors {
            #expect(try record(channel, type, values) == bytes, "\(type.name)")
            let decoded = try CayenneLPP.decode(bytes)
            #expect(decoded.count == 1)
            #expect(decoded.first?.channel == channel)
            #expect(decoded.first?.type == type)
            // Decoding gives the count's value, which the vector's value rounds to.
            let counts = zip(decoded.first?.values ?? [], type.fields).map { $0 * $1.countsPerUnit }
            let expected = zip(values, type.fields).map { ($0 * $1.countsPerUnit).rounded(.toNearestOrAwayFromZero) }
            #expect(counts == expected, "\(type.name)")
        }
        var lpp = CayenneLPP()
        try lpp.addGyrometer(channel: 2, x: 12.5, y: -3.21, z: 0)
        try lpp.addColour(channel: 1, red: 255, green: 128, blue: 0)
        #expect(lpp.bytes == [0x02, 0x86, 0x04, 0xE2, 0xFE, 0xBF, 0x00, 0x00, 0x01, 0x87, 0xFF, 0x80, 0x00])
    }

    // MARK: - Rounding and the edges of every field

    @Test func tiesRoundAwayFromZero() throws {
        #expect(try frame([(1, .temperature, 27.25)]) == [0x01, 0x67, 0x01, 0x11])     // 273
        #expect(try frame([(1, .temperature, -4.05)]) == [0x01, 0x67, 0xFF, 0xD7])     // -41
        #expect(try frame([(1, .humidity, 50.25)]) == [0x01, 0x68, 0x65])              // 100.5 → 101
        // In every field: 2.5 counts → 3, -2.5 → -3 where signed (not 2, as ties-to-even would).
        for row in Self.table {
            for (index, field) in row.fields.enumerated() {
                for sign in field.signed ? [1.0, -1.0] : [1.0] {
                    let value = sign * 2.5 / field.counts
                    #expect(value * field.counts == sign * 2.5)  // an exact tie
                    var values = [Double](repeating: 0, count: row.fields.count)
                    values[index] = value
                    var expected: [UInt8] = [7, row.code]
                    for (other, otherField) in row.fields.enumerated() {
                        expected += Self.wire(other == index ? Int64(sign * 3) : 0, size: otherField.size)
                    }
                    #expect(try record(7, row.type, values) == expected, "\(row.name) value \(index): \(value)")
                }
            }
        }
    }

    /// At both ends of every field: the end fits, a value rounding to it fits, a tie beyond it
    /// and a whole step beyond it are refused and leave the frame as it was.
    @Test func everyFieldsEdges() throws {
        var inexactTies: [String] = []
        for row in Self.table {
            for (index, field) in row.fields.enumerated() {
                let bits = Int64(field.size * 8)
                let low: Int64 = field.signed ? -(1 << (bits - 1)) : 0
                let high: Int64 = field.signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1
                for (edge, outward) in [(high, 1.0), (low, -1.0)] {
                    func values(_ value: Double) -> [Double] {
                        var values = [Double](repeating: 0, count: row.fields.count)
                        values[index] = value
                        return values
                    }
                    var expected: [UInt8] = [9, row.code]
                    for (other, otherField) in row.fields.enumerated() {
                        expected += Self.wire(other == index ? edge : 0, size: otherField.size)
                    }
                    let label = "\(row.name) value \(index) at \(edge)"
                    #expect(try record(9, row.type, values(Double(edge) / field.counts)) == expected, "\(label)")
                    #expect(try record(9, row.type, values((Double(edge) + outward * 0.4) / field.counts)) == expected, "\(label)")
                    let tie = (Double(edge) + outward * 0.5) / field.counts
                    let step = (Double(edge) + outward) / field.counts
                    var refused = [step]
                    if tie * field.counts == Double(edge) + outward * 0.5 { refused.append(tie) } else { inexactTies.append(label) }
                    for value in refused {
                        var lpp = CayenneLPP()
                        try lpp.add(channel: 1, .presence, 1)
                        #expect(throws: FrameError.valueOutOfRange(channel: 9, type: row.name, value: value), "\(label)") {
                            try lpp.add(channel: 9, row.type, values: values(value))
                        }
                        #expect(lpp.bytes == [0x01, 0x66, 0x01])
                    }
                }
            }
        }
        // 838.86075° is no exact double: the tie above gps latitude's and longitude's top is not one.
        #expect(inexactTies == ["gps value 0 at 8388607", "gps value 1 at 8388607"])
    }

    @Test func valuesOutsideTheFieldAreRefused() {
        #expect(throws: FrameError.valueOutOfRange(channel: 1, type: "temperature", value: 3276.8)) {
            try frame([(1, .temperature, 3276.8)])
        }
        #expect(throws: FrameError.valueOutOfRange(channel: 2, type: "humidity", value: 128)) {
            try frame([(2, .humidity, 128)])
        }
        #expect(throws: FrameError.valueOutOfRange(channel: 3, type: "barometer", value: -1)) {
            try frame([(3, .barometer, -1)])
        }
        #expect(throws: FrameError.valueOutOfRange(channel: 1, type: "temperature", value: .infinity)) {
            try frame([(1, .temperature, .infinity)])
        }
        #expect(throws: FrameError.valueOutOfRange(channel: 4, type: "voltage", value: -0.01)) {
            try frame([(4, .voltage, -0.01)])
        }
        #expect(FrameError.valueOutOfRange(channel: 2, type: "humidity", value: 128).description
                == "channel 2 humidity: 128.000 does not fit the field")
        // NaN in any value of a three-value record.
        var lpp = CayenneLPP()
        #expect(throws: (any Error).self) { try lpp.addGPS(channel: 1, latitude: 1, longitude: .nan, altitude: 0) }
        #expect(lpp.bytes == [])
        // The extremes that do fit.
        #expect((try? frame([(1, .temperature, 3276.7), (1, .temperature, -3276.8)])) == [0x01, 0x67, 0x7F, 0xFF, 0x01, 0x67, 0x80, 0x00])
    }

    @Test func aRecordGetsAsManyValuesAsItsTypeHas() throws {
        #expect(throws: FrameError.valueCount(channel: 1, type: "gps", expected: 3, given: 1)) {
            try frame([(1, .gps, 42)])
        }
        var lpp = CayenneLPP()
        #expect(throws: FrameError.valueCount(channel: 2, type: "temperature", expected: 1, given: 2)) {
            try lpp.add(channel: 2, .temperature, values: [1, 2])
        }
        #expect(lpp.bytes == [])
        #expect(FrameError.valueCount(channel: 1, type: "gps", expected: 3, given: 1).description == "channel 1 gps: takes 3 values, given 1")
        #expect(FrameError.valueCount(channel: 2, type: "temperature", expected: 1, given: 2).description
                == "channel 2 temperature: takes 1 value, given 2")
    }

    @Test func aRecordBeyondTheLinkLimitIsRefusedAndTheFrameKept() throws {
        var lpp = CayenneLPP(capacity: 11)
        try lpp.add(channel: 1, .temperature, 20)
        try lpp.add(channel: 2, .humidity, 40)
        try lpp.add(channel: 3, .barometer, 1000)
        #expect(lpp.bytes.count == 11)
        #expect(throws: FrameError.tooLarge(needed: 15, capacity: 11)) { try lpp.add(channel: 4, .temperature, 1) }
        #expect(lpp.bytes.count == 11)
        // A gps record is 11 bytes: it fills US915 DR0 alone, and not one byte less.
        var gps = CayenneLPP(capacity: 11)
        try gps.addGPS(channel: 1, latitude: 0, longitude: 0, altitude: 0)
        #expect(gps.bytes.count == 11)
        var small = CayenneLPP(capacity: 10)
        #expect(throws: FrameError.tooLarge(needed: 11, capacity: 10)) { try small.addGPS(channel: 1, latitude: 0, longitude: 0, altitude: 0) }
        try small.addColour(channel: 1, red: 1, green: 2, blue: 3)
        try small.addColour(channel: 2, red: 4, green: 5, blue: 6)
        #expect(throws: FrameError.tooLarge(needed: 15, capacity: 10)) { try small.addColour(channel: 3, red: 0, green: 0, blue: 0) }
        #expect(small.bytes == [0x01, 0x87, 0x01, 0x02, 0x03, 0x02, 0x87, 0x04, 0x05, 0x06])
    }

    // MARK: - The decoder's refusals

    @Test func everyDecoderError() {
        #expect(throws: FrameDecodeError.empty) { try CayenneLPP.decode([]) }
        #expect(FrameDecodeError.empty.description == "empty frame: no records")

        // 0x05 after a good temperature record: the type byte is at offset 5.
        #expect(throws: FrameDecodeError.unknownType(offset: 5, code: 0x05)) {
            try CayenneLPP.decode([0x03, 0x67, 0x01, 0x10, 0x04, 0x05, 0x00])
        }
        #expect(throws: FrameDecodeError.unknownType(offset: 1, code: 0xFF)) { try CayenneLPP.decode([0x01, 0xFF, 0x00, 0x00]) }
        // 143 and 144 are older ElectronicCats releases' ppm and rgb codes, not in the table.
        #expect(throws: FrameDecodeError.unknownType(offset: 1, code: 143)) { try CayenneLPP.decode([0x01, 0x8F, 0x00, 0x00]) }
        #expect(FrameDecodeError.unknownType(offset: 5, code: 0x05).description == "byte 5: unknown type 5 (0x05)")

        // A record cut short: the second one starts at offset 4 and needs 4 bytes.
        #expect(throws: FrameDecodeError.truncated(offset: 4, type: .temperature, needed: 4, available: 3)) {
            try CayenneLPP.decode([0x03, 0x67, 0x01, 0x10, 0x05, 0x67, 0x00])
        }
        #expect(throws: FrameDecodeError.truncated(offset: 0, type: .gps, needed: 11, available: 10)) {
            try CayenneLPP.decode([0x01, 0x88, 0x06, 0x76, 0x5F, 0xF2, 0x96, 0x0A, 0x00, 0x03])
        }
        #expect(throws: FrameDecodeError.truncated(offset: 0, type: .digitalInput, needed: 3, available: 2)) {
            try CayenneLPP.decode([0x01, 0x00])
        }
        #expect(FrameDecodeError.truncated(offset: 4, type: .temperature, needed: 4, available: 3).description
                == "byte 4: truncated temperature record: needs 4 bytes, 3 left")
        // A channel byte alone at the end.
        #expect(throws: FrameDecodeError.truncated(offset: 3, type: nil, needed: 2, available: 1)) {
            try CayenneLPP.decode([0x06, 0x00, 0x01, 0x07])
        }
        #expect(throws: FrameDecodeError.truncated(offset: 0, type: nil, needed: 2, available: 1)) { try CayenneLPP.decode([0x07]) }
        #expect(FrameDecodeError.truncated(offset: 3, type: nil, needed: 2, available: 1).description
                == "byte 3: truncated record: a channel byte without its type byte")
    }

    @Test func signedAndUnsignedFieldsDecodeApart() throws {
        // The same two bytes: -0.01 as analog input (signed), 655.35 V as voltage (unsigned).
        #expect(try CayenneLPP.decode([0x01, 0x02, 0xFF, 0xFF, 0x02, 0x74, 0xFF, 0xFF])
                == [.init(channel: 1, .analogInput, [-0.01]), .init(channel: 2, .voltage, [655.35])])
        #expect(try CayenneLPP.decode([0x01, 0x88, 0x80, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
                == [.init(channel: 1, .gps, [-838.8608, 838.8607, -0.01])])
    }

    // MARK: - The shared fixture (pycayennelpp decodes the same file)

    struct FixtureFrame: Decodable {
        struct Record: Decodable {
            var channel: UInt8
            var type: String
            var values: [Double]
        }
        var hex: String
        var records: [Record]
    }

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture() throws -> [FixtureFrame] {
        let text = try String(contentsOf: repository.appendingPathComponent("Tests/corpus/frames/cayennelpp-types.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(FixtureFrame.self, from: Data($0.utf8)) }
    }

    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    @Test func theFixtureFramesEncodeAndDecodeExactly() throws {
        let frames = try Self.fixture()
        #expect(frames.count == 28)
        var types: Set<String> = []
        for frame in frames {
            var lpp = CayenneLPP()
            var expected: [CayenneLPP.Record] = []
            for record in frame.records {
                let type = try #require(DataType.named(record.type), "\(record.type)")
                try lpp.add(channel: record.channel, type, values: record.values)
                expected.append(.init(channel: record.channel, type, record.values))
                types.insert(record.type)
            }
            #expect(lpp.bytes == Self.bytes(frame.hex), "\(frame.hex)")
            #expect(try CayenneLPP.decode(Self.bytes(frame.hex)) == expected, "\(frame.hex)")
        }
        #expect(types == Set(Self.table.map { $0.name }))
    }

    /// docs/frames/cayennelpp.md has a row per type: code, hex, name, record bytes.
    @Test func theFramesPageHasEveryType() throws {
        let page = try String(contentsOf: Self.repository.appendingPathComponent("docs/frames/cayennelpp.md"), encoding: .utf8)
        let missing = Self.table.filter { row in
            let size = 2 + row.fields.reduce(0) { $0 + $1.size }
            return !page.contains("| \(row.code) | " + String(format: "0x%02X", row.code) + " | `\(row.name)` | \(size) | ")
        }
        #expect(missing.map { $0.name } == [])
    }

    // MARK: - The configuration's frame types

    @Test func aChannelsFrameTakesEveryOneValueType() {
        func errors(_ type: String) -> [String] {
            let text = """
                [node]
                name = "n"

                [[sensor]]
                id = "air"
                driver = "bme280"
                bus = "i2c-1"

                  [[sensor.channel]]
                  name = "temperature"
                  frame = { id = 1, type = "\(type)" }
                """
            return NodeConfiguration.parse(text, file: "n.toml").errors.map { $0.description }
        }
        for row in Self.table where row.fields.count == 1 {
            #expect(errors(row.name) == [], "\(row.name)")
        }
        #expect(errors("gps") == ["n.toml:11:28: sensor[0].channel[0].frame.type: a gps record holds 3 values; a channel fills a one-value type"])
        #expect(errors("colour") == ["n.toml:11:28: sensor[0].channel[0].frame.type: a colour record holds 3 values; a channel fills a one-value type"])
        #expect(errors("lux").first?.hasPrefix(#"n.toml:11:28: sensor[0].channel[0].frame.type: unknown value "lux"; expected one of "digital_input", "#) == true)
    }
}

@Suite struct FilterAndTextTests {
    @Test func emaFollowsItsRecurrence() {
        var ema = ExponentialMovingAverage(alpha: 0.2)
        let outputs = [10.0, 20, 20, 0].map { ema.update($0) }
        // y0 = x0; y = y + 0.2 (x - y): 10, 12, 13.6, 10.88 (worked by hand).
        for (output, expected) in zip(outputs, [10, 12, 13.6, 10.88]) {
            #expect(abs(output - expected) < 1e-12)
        }
        ema.reset()
        #expect(ema.value == nil)
        #expect(ema.update(5) == 5)
    }

    @Test func alphaOnePassesThrough() {
        var ema = ExponentialMovingAverage(alpha: 1)
        #expect([3.0, -7, 11].map { ema.update($0) } == [3, -7, 11])
    }

    @Test func decimalTextIsFixedPoint() {
        #expect(DecimalText.format(25.08, decimals: 2) == "25.08")
        #expect(DecimalText.format(-0.004, decimals: 2) == "0.00")
        #expect(DecimalText.format(-1.5, decimals: 0) == "-2")
        #expect(DecimalText.format(100653.25390625, decimals: 2) == "100653.25")
        #expect(DecimalText.format(0.05, decimals: 3) == "0.050")
        #expect(DecimalText.format(-12.3456, decimals: 3) == "-12.346")
        #expect(DecimalText.format(.nan, decimals: 2) == "nan")
        #expect(DecimalText.format(-.infinity, decimals: 2) == "-inf")
        #expect(JSONText.number(.nan, decimals: 2) == "null")
    }

    @Test func jsonStringsAreEscaped() {
        #expect(JSONText.quoted("a\"b\\c\nd\u{1}é") == "\"a\\\"b\\\\c\\nd\\u0001é\"")
    }
}
