import Foundation
import Testing
import MoteNode
import MoteTools

@Suite struct FrameDecoderTests {
    /// The compact frame spec's worked example as a node file: schema 1, temperature 0.1 on
    /// [-40, 85], humidity 0.5 on [0, 100].
    static let exampleNode = """
        [node]
        name = "example"
        board = "simulated"

        [[sensor]]
        id = "air"
        driver = "sht4x"
        bus = "i2c-1"

          [[sensor.channel]]
          name = "temperature"
          range = [-40.0, 85.0]
          frame = { id = 1, type = "temperature", resolution = 0.1 }

          [[sensor.channel]]
          name = "humidity"
          range = [0.0, 100.0]
          frame = { id = 2, type = "humidity", resolution = 0.5 }

        [uplink]
        format = "mote"
        schema = 1
        port = 7
        """

    static func node(_ text: String) throws -> NodeConfiguration {
        let parsed = NodeConfiguration.parse(text, file: "test.toml")
        #expect(parsed.errors.isEmpty, "\(parsed.errors)")
        return try #require(parsed.configuration)
    }

    static func bytes(_ hex: String) -> [UInt8] {
        guard case .success(let bytes) = FrameText.bytes(hex) else { return [] }
        return bytes
    }

    // MARK: JSON.stringify's numbers and toFixed's rounding (the values node 18+ prints)

    @Test func numbersAsJavaScriptPrintsThem() {
        let cases: [(Double, String)] = [
            (40, "40"), (21.6, "21.6"), (-4.1, "-4.1"), (100660, "100660"), (0.000001, "0.000001"), (1e-7, "1e-7"),
            (-1.5e-7, "-1.5e-7"), (123456789012345680000, "123456789012345680000"), (1e21, "1e+21"), (-0.0, "0"),
            (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (0.1 + 0.2, "0.30000000000000004"),
            (.nan, "null"), (.infinity, "null"),
        ]
        for (value, text) in cases { #expect(JSValue.numberText(value) == text, "\(value)") }
    }

    @Test func roundIsToFixedOnTheExactValue() {
        // (v).toFixed(d) in node: exact ties away from zero, and 1.005 is below its tie.
        let cases: [(Double, Int, Double)] = [
            (0.5, 0, 1), (2.5, 0, 3), (-2.5, 0, -3), (1.005, 2, 1), (0.125, 2, 0.13), (-0.125, 2, -0.13), (1.45, 1, 1.4),
            (8.345, 2, 8.35), (100660.00000000001, 0, 100660), (21.75, 1, 21.8), (9.95, 1, 9.9), (99.5, 0, 100), (1e21, 2, 1e21),
        ]
        for (value, decimals, rounded) in cases { #expect(JSValue.round(value, decimals: decimals) == rounded, "\(value) \(decimals)") }
        let zero = JSValue.round(-0.04, decimals: 1)
        #expect(zero == 0 && zero.sign == .plus)
    }

    @Test func stringsAndKeyOrderAsJSONStringify() {
        #expect(JSValue.string("a\"b\\c\n\u{1}é").json == #""a\"b\\c\n\u0001é""#)
        // Array-index keys first, ascending; then insertion order.
        #expect(JSValue.object([("b", .null), ("10", .bool(true)), ("a", .number(1)), ("2", .number(2))]).json
                == #"{"2":2,"10":true,"b":null,"a":1}"#)
    }

    // MARK: Frames as typed

    @Test func hexAndBase64Frames() {
        let expected: [UInt8] = [0x01, 0x67, 0xFF, 0xD7]
        for text in ["0167FFD7", "01 67 ff d7", "01:67:FF:D7", "0x0167ffd7", " 0167FFD7 ", "b64:AWf/1w==", "b64:AWf/1w", "b64:AWf_1w"] {
            #expect(FrameText.bytes(text) == .success(expected), "\(text)")
        }
        #expect(FrameText.bytes("") == .success([]))
        // Hex text that is valid base64 too stays hex.
        #expect(FrameText.bytes("0167") == .success([0x01, 0x67]))
        #expect(FrameText.bytes("016") == .failure(.hex("016")))
        #expect(FrameText.bytes("01zz") == .failure(.hex("01zz")))
        #expect(FrameText.bytes("b64:A") == .failure(.base64("b64:A")))
        #expect(FrameText.bytes("b64:AW*=") == .failure(.base64("b64:AW*=")))
    }

    // MARK: CayenneLPP

    @Test func cayenneWithoutNodeFileNamesTypeAndChannel() throws {
        let decoder = try FrameDecoder(format: .cayenneLPP)
        // The Cayenne LPP documentation's examples.
        #expect(decoder.decode(Self.bytes("03670110056700FF")).json
                == #"{"data":{"temperature_3":27.2,"temperature_5":25.5},"warnings":[],"errors":[]}"#)
        #expect(decoder.decode(Self.bytes("067104D2FB2E0000")).json
                == #"{"data":{"accelerometer_6":{"x":1.234,"y":-1.234,"z":0}},"warnings":[],"errors":[]}"#)
        #expect(decoder.decode(Self.bytes("018806765ff2960a0003e8")).json
                == #"{"data":{"gps_1":{"latitude":42.3519,"longitude":-87.9094,"altitude":10}},"warnings":[],"errors":[]}"#)
        // Twice on one channel: the last record, in the first one's place.
        #expect(decoder.decode(Self.bytes("016700FB02680101670110")).json
                == #"{"data":{"temperature_1":27.2,"humidity_2":0.5},"warnings":["temperature_1 appears twice in the frame: the last record is kept"],"errors":[]}"#)
    }

    @Test func cayenneErrorsInTheCodecsWords() throws {
        let decoder = try FrameDecoder(format: .cayenneLPP)
        let cases: [(String, String)] = [
            ("", "empty frame: no CayenneLPP record"),
            ("01", "byte 0: the frame ends inside a record header (channel 1, no type)"),
            ("016700", "channel 1 temperature: the record needs 2 value bytes, the frame has 1 left"),
            ("016700FB03700000", "byte 5: unknown CayenneLPP type 112 (channel 3)"),
            ("0988067665", "channel 9 gps: the record needs 9 value bytes, the frame has 3 left"),
        ]
        for (hex, error) in cases {
            let result = decoder.decode(Self.bytes(hex))
            #expect(result.errors == [error] && result.warnings.isEmpty)
            #expect(result.json == #"{"data":{},"warnings":[],"errors":["# + JSValue.quoted(error) + "]}")
        }
    }

    @Test func weatherStationFrameAsDocsCodecMdShowsIt() throws {
        let text = try String(contentsOfFile: Self.root + "/examples/weather-station.toml", encoding: .utf8)
        let decoder = try FrameDecoder(configuration: try Self.node(text), format: .cayenneLPP)
        #expect(decoder.decode(Self.bytes("016700fb02686603732752046501f8056700da060200a50702008c"), port: 1).json
                == #"{"data":{"air_temperature":25.1,"humidity":51,"pressure":100660,"illuminance":504,"#
                + #""soil_temperature":21.8,"wind_vane_v":1.65,"rain_total":1.4},"warnings":[],"errors":[]}"#)
        // Records the node file does not frame as they are; the warnings come before an error too.
        let result = decoder.decode(Self.bytes("086700100168640167"), port: 1)
        #expect(result.warnings == ["channel 8 is not in the node file: kept as temperature_8",
                                    "channel 1 is air_temperature (temperature) in the node file, but the record is humidity: kept as humidity_1"])
        #expect(result.errors == ["channel 1 temperature: the record needs 2 value bytes, the frame has 0 left"])
        #expect(decoder.decode([0x01, 0x67, 0x00, 0xFB], port: 2).errors == ["FPort 2: this node sends its frames on FPort 1"])
    }

    // MARK: The compact frame

    @Test func compactWorkedExample() throws {
        let decoder = try FrameDecoder(configuration: try Self.node(Self.exampleNode), format: .mote)
        let result = decoder.decode([0x44, 0xD2, 0x67, 0x1C, 0x21, 0x40], port: 7)
        #expect(result.json == #"{"data":{"schema":1,"temperature":21.6,"humidity":40,"samples":{"temperature":[21.5,21.7,21.6]}},"warnings":[],"errors":[]}"#)
        // The decoded form CompactFrame.decodedText gives, parsed: the same object.
        let schema = try #require(try Self.node(Self.exampleNode).compactSchema())
        let spec = CompactFrame.decodedText(try CompactFrame.decode([0x44, 0xD2, 0x67, 0x1C, 0x21, 0x40], schemas: [schema]))
        let ours = try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any]
        let theirs = try JSONSerialization.jsonObject(with: Data(spec.utf8)) as? NSDictionary
        #expect((ours?["data"] as? NSDictionary) == theirs)
    }

    @Test func compactWarningsFlagsAndErrors() throws {
        let decoder = try FrameDecoder(configuration: try Self.node(Self.exampleNode), format: .mote)
        // Humidity alone, code 250 (> 200 steps): bits 01 000 11111010 000. Header 0x47: more and continued.
        let beyond = decoder.decode([0x47, 0x47, 0xD0], port: 7)
        #expect(beyond.json == #"{"data":{"schema":1,"humidity":125,"more":true,"continued":true},"warnings":["humidity: code 250 is beyond the range's 200 steps"],"errors":[]}"#)
        // Humidity code 255 is "no value".
        #expect(decoder.decode([0x44, 0x47, 0xF8], port: 7).json == #"{"data":{"schema":1,"humidity":null},"warnings":[],"errors":[]}"#)
        let cases: [([UInt8], String)] = [
            ([], "empty frame"),
            ([0x04, 0xD2], "layout version 0: this codec reads version 1"),
            ([0x48, 0xD2], "schema 2: this node's schema is 1"),
            ([0x44], "the frame ends inside the presence bits"),
            ([0x44, 0x00], "no field present"),
            ([0x44, 0xD2, 0x67, 0x1C, 0x21], "humidity: the frame ends inside the field"),
            ([0x44, 0xD2, 0x67, 0x1C, 0x21, 0x41], "the padding bits are not zero"),
            ([0x44, 0xD2, 0x67, 0x1C, 0x21, 0x40, 0x00], "1 byte left over after the last field"),
        ]
        for (frame, error) in cases { #expect(decoder.decode(frame, port: 7).errors == [error], "\(frame)") }
        #expect(throws: DecodeSetupError.compactNeedsNodeFile) { try FrameDecoder(format: .mote) }
    }

    @Test func compactNeedsRanges() throws {
        let text = Self.exampleNode.replacingOccurrences(of: "  range = [0.0, 100.0]\n", with: "")
            .replacingOccurrences(of: "format = \"mote\"\nschema = 1\n", with: "")
        #expect(throws: DecodeSetupError.noSchema("humidity: the compact frame needs the channel's range = [low, high]")) {
            try FrameDecoder(configuration: try Self.node(text), format: .mote)
        }
    }

    // MARK: SenML

    @Test func senMLResolvedRecords() throws {
        let decoder = try FrameDecoder(format: .senml)
        // [{bn: "urn:dev:mote:n:", bt: 1700000000, n: "t", v: 1.5}, {n: "h", v: 40, t: 60}], RFC 8428 labels -2, -3, 0, 2, 6.
        let pack = Self.bytes("82a4216f75726e3a6465763a6d6f74653a6e3a221a6553f100006174" + "02f93e00" + "a3006168021828" + "06183c")
        #expect(decoder.decode(pack).json
                == #"{"data":[{"n":"urn:dev:mote:n:t","v":1.5,"t":1700000000},{"n":"urn:dev:mote:n:h","v":40,"t":1700000060}],"warnings":[],"errors":[]}"#)
        #expect(decoder.decode([0xA0]).errors == ["a SenML pack is an array of records; this is not an array"])
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
