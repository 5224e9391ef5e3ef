import Foundation
import Testing
import MoteTools

@Suite struct PayloadCodecTests {
    /// The weather station's framed channels (examples/weather-station.toml), out of frame order.
    static let weather: [FramedChannel] = [
        FramedChannel(sensor: "soil", name: "temperature", unit: "Cel", decimals: 4, frameID: 5, type: "temperature"),
        FramedChannel(sensor: "air", name: "temperature", unit: "Cel", decimals: 2, rangeLow: -40, rangeHigh: 85, frameID: 1, type: "temperature"),
        FramedChannel(sensor: "air", name: "humidity", unit: "%RH", decimals: 3, rangeLow: 0, rangeHigh: 100, frameID: 2, type: "humidity"),
        FramedChannel(sensor: "air", name: "pressure", unit: "Pa", decimals: 2, frameID: 3, type: "barometer", scale: 0.01),
        FramedChannel(sensor: "wind", name: "wind_vane_v", unit: "V", decimals: 4, frameID: 6, type: "analog_input"),
    ]

    /// The spec's worked example: schema 1, temperature r 0.1 on [-40, 85], humidity r 0.5 on [0, 100].
    static let example: [FramedChannel] = [
        FramedChannel(sensor: "air", name: "temperature", unit: "Cel", decimals: 2, rangeLow: -40, rangeHigh: 85, frameID: 1,
                      type: "temperature", resolution: 0.1),
        FramedChannel(sensor: "air", name: "humidity", unit: "%RH", decimals: 2, rangeLow: 0, rangeHigh: 100, frameID: 2,
                      type: "humidity", resolution: 0.5),
    ]

    @Test func cayenneFieldsInFrameOrderWithSensorNamesWhereNeeded() throws {
        let description = try CodecDescription(node: "weather-01", format: .cayenneLPP, port: 1, channels: Self.weather)
        #expect(description.fields.map(\.name) == ["air_temperature", "humidity", "pressure", "soil_temperature", "wind_vane_v"])
        #expect(description.fields.map(\.id) == [1, 2, 3, 5, 6])
        // 0.1 hPa over a scale of 0.01 is 10 Pa; 0.01 V unscaled.
        #expect(description.fields.map(\.resolution) == [0.1, 0.5, 0.1 / 0.01, 0.1, 0.01])
        let text = try PayloadCodec.javaScript(for: description)
        #expect(text.contains("""
            var FIELDS = {
              1: { name: "air_temperature", type: "temperature", scale: 1, decimals: 1 },
              2: { name: "humidity", type: "humidity", scale: 1, decimals: 1 },
              3: { name: "pressure", type: "barometer", scale: 0.01, decimals: 0 },
              5: { name: "soil_temperature", type: "temperature", scale: 1, decimals: 1 },
              6: { name: "wind_vane_v", type: "analog_input", scale: 1, decimals: 2 }
            };
            """))
        #expect(text.hasPrefix("// Payload codec for the Mote node \"weather-01\": CayenneLPP frames on FPort 1.\n"))
        #expect(text.contains("\nvar PORT = 1;\n"))
        #expect(text.contains("\nfunction decodeUplink(input) {\n"))
    }

    @Test func compactSchemaFromTheSpecExample() throws {
        let description = try CodecDescription(node: "n", format: .mote, port: 2, schema: 1, channels: Self.example)
        // Spec: temperature steps 1250, b 11; humidity steps 200, b 8.
        #expect(description.fields.map { PayloadCodec.compactLayout($0).steps } == [1250, 200])
        #expect(description.fields.map { PayloadCodec.compactLayout($0).bits } == [11, 8])
        let text = try PayloadCodec.javaScript(for: description)
        #expect(text.contains("""
            var SCHEMA = 1;
            """))
        #expect(text.contains("""
            var FIELDS = [
              { name: "temperature", bits: 11, steps: 1250, min: -40, resolution: 0.1, decimals: 1 },
              { name: "humidity", bits: 8, steps: 200, min: 0, resolution: 0.5, decimals: 1 }
            ];
            """))
    }

    @Test func compactResolutionDefaultsToTheChannelsDecimals() throws {
        var channels = Self.example
        channels[0].resolution = nil   // decimals 2: 0.01 °C, 12500 steps, 14 bits
        let description = try CodecDescription(node: "n", format: .mote, port: 1, channels: channels)
        #expect(description.schema == 0)
        #expect(description.fields[0].resolution == 0.01)
        #expect(PayloadCodec.compactLayout(description.fields[0]) == (12500, 14))
    }

    @Test func compactBitsFollowTheSpec() {
        func layout(_ low: Double, _ high: Double, _ step: Double) -> (Int, Int) {
            PayloadCodec.compactLayout(CodecDescription.Field(name: "f", id: 0, resolution: step, minimum: low, maximum: high))
        }
        // 2^b >= steps + 2: codes 0...steps are values, all ones is "no value".
        #expect(layout(0, 1, 1) == (1, 2))        // codes 0, 1 and 3
        #expect(layout(0, 2, 1) == (2, 2))        // 0, 1, 2 and 3
        #expect(layout(0, 6, 1) == (6, 3))
        #expect(layout(0, 7, 1) == (7, 4))
        #expect(layout(0, 2.5, 1) == (3, 3))      // 2.5 steps round away from zero
    }

    @Test func decimalsOfAResolution() {
        // The spec's examples: 0.1 -> 1, 0.5 -> 1, 0.25 -> 2, 1 -> 0.
        #expect(PayloadCodec.decimals(0.1) == 1)
        #expect(PayloadCodec.decimals(0.5) == 1)
        #expect(PayloadCodec.decimals(0.25) == 2)
        #expect(PayloadCodec.decimals(1) == 0)
        #expect(PayloadCodec.decimals(0.1 / 0.01) == 0)
        #expect(PayloadCodec.decimals(0.001) == 3)
        #expect(PayloadCodec.decimals(1.0 / 3) == 1)
    }

    @Test func derivationErrors() {
        func error(_ format: CodecDescription.Format, _ channels: [FramedChannel], schema: Int = 0, port: Int = 1) -> CodecError? {
            do {
                _ = try CodecDescription(node: "n", format: format, port: port, schema: schema, channels: channels)
                return nil
            } catch {
                return error
            }
        }
        #expect(error(.cayenneLPP, []) == .noFields)
        #expect(error(.mote, Self.weather) == .missingRange(field: "pressure"))
        #expect(error(.mote, Self.example, schema: 16) == .schemaOutOfRange(16))
        #expect(error(.cayenneLPP, Self.example, port: 224) == .portOutOfRange(224))
        var fine = Self.example
        fine[0].resolution = 0.00001   // 12.5 million steps: 24 bits, the most there is
        #expect(error(.mote, fine) == nil)
        fine[0].resolution = 0.000005
        #expect(error(.mote, fine) == .tooManyBits(field: "temperature", steps: 25_000_000, bits: 25))
        var twice = Self.example
        twice[1].frameID = 1
        #expect(error(.cayenneLPP, twice) == .duplicateID(1))
        var unknown = Self.example
        unknown[0].type = "temprature"
        #expect(error(.cayenneLPP, unknown) == .unknownType(field: "temperature", type: "temprature"))
        var reserved = Self.example
        reserved[1].name = "samples"
        #expect(error(.mote, reserved) == .reservedName("samples"))
        #expect(error(.cayenneLPP, reserved) == nil)   // only the compact frame's decoded form has the key
        #expect(CodecError.missingRange(field: "pressure").description
                    == "pressure: the compact frame needs the channel's range = [low, high]")
    }

    @Test func generationIsDeterministic() throws {
        for format in CodecDescription.Format.allCases {
            let channels = format == .mote ? Self.example : Self.weather
            let first = try PayloadCodec.javaScript(for: CodecDescription(node: "n", format: format, port: 3, channels: channels))
            let again = try PayloadCodec.javaScript(for: CodecDescription(node: "n", format: format, port: 3, channels: channels.reversed()))
            #expect(first == again)
        }
    }

    @Test func theLargestNodeFitsTheThingsStacksLimit() throws {
        // 64 fields with 40-character names: the most a compact schema holds.
        let channels = (0..<64).map { index in
            FramedChannel(sensor: "s", name: "channel_\(index)_" + String(repeating: "x", count: 30), unit: "V", decimals: 3,
                          rangeLow: -1000, rangeHigh: 1000, frameID: index, type: "analog_input", scale: 0.01)
        }
        for format in CodecDescription.Format.allCases {
            let text = try PayloadCodec.javaScript(for: CodecDescription(node: "n", format: format, port: 1, channels: channels))
            #expect(text.utf8.count < PayloadCodec.sizeLimit)
            #expect(text.utf8.count < 20_000)
        }
    }

    @Test func codecsAreECMAScript51() throws {
        let codecs = try CodecDescription.Format.allCases.map { format in
            try PayloadCodec.javaScript(for: CodecDescription(node: "n \"quoted\"", format: format, port: 1,
                                                              channels: format == .mote ? Self.example : Self.weather))
        }
        for codec in codecs {
            #expect(try acornECMA5(codec) == 0)
        }
        // The check can fail: acorn refuses what ES5.1 does not have.
        #expect(try acornECMA5("let x = 1;\n") != 0)
        #expect(try acornECMA5("var f = (x) => x;\n") != 0)
        #expect(try acornECMA5("var s = `t`;\n") != 0)
    }

    /// Exit status of Debian's node-acorn (`acorn --ecma5 --silent`) on the text.
    func acornECMA5(_ text: String) throws -> Int32 {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("codec-\(UUID().uuidString).js")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["acorn", "--ecma5", "--silent", file.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        // 127: env found no acorn; install node-acorn (scripts/setup).
        #expect(process.terminationStatus != 127, "acorn is not installed: scripts/setup installs node-acorn")
        return process.terminationStatus
    }

    @Test func stringsAreQuotedForJavaScript() throws {
        var channels = Self.example
        channels[0].name = "a\"b\\c\u{2028}"
        let text = try PayloadCodec.javaScript(for: CodecDescription(node: "n", format: .mote, port: 1, channels: channels))
        #expect(text.contains(#"{ name: "a\"b\\c\u2028", bits: 11"#))
    }

    /// The type table against ElectronicCats CayenneLPP (`src/CayenneLPP.h`: the LPP_* codes,
    /// `_SIZE`, `_MULT`, and `getTypeSigned`), re-declared here.
    @Test func typeTableMatchesTheReference() {
        let reference: [(code: UInt8, name: String, size: Int, multiplier: Double, signed: Bool)] = [
            (0, "digital_input", 1, 1, false), (1, "digital_output", 1, 1, false),
            (2, "analog_input", 2, 100, true), (3, "analog_output", 2, 100, true),
            (100, "generic_sensor", 4, 1, false), (101, "illuminance", 2, 1, false), (102, "presence", 1, 1, false),
            (103, "temperature", 2, 10, true), (104, "humidity", 1, 2, false), (113, "accelerometer", 6, 1000, true),
            (115, "barometer", 2, 10, false), (116, "voltage", 2, 100, false), (117, "current", 2, 1000, false),
            (118, "frequency", 4, 1, false), (120, "percentage", 1, 1, false), (121, "altitude", 2, 1, true),
            (125, "concentration", 2, 1, false), (128, "power", 2, 1, false), (130, "distance", 4, 1000, false),
            (131, "energy", 4, 1000, false), (132, "direction", 2, 1, false), (133, "unix_time", 4, 1, false),
            (134, "gyrometer", 6, 100, true), (135, "colour", 3, 1, false), (136, "gps", 9, 10_000, true),
            (142, "switch", 1, 1, false),
        ]
        #expect(CayenneLPPType.all.count == reference.count)
        for (type, expected) in zip(CayenneLPPType.all, reference) {
            #expect(type.code == expected.code && type.name == expected.name && type.size == expected.size, "\(type.name)")
            #expect(type.parts[0].countsPerUnit == expected.multiplier && type.parts.allSatisfy { $0.signed == expected.signed }, "\(type.name)")
        }
        // GPS: latitude and longitude 0.0001°, altitude 0.01 m (LPP_GPS_ALT_MULT 100).
        #expect(CayenneLPPType.named("gps")?.parts.map(\.countsPerUnit) == [10_000, 10_000, 100])
    }
}
