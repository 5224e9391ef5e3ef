import Foundation
import Testing
import MoteNode
import MoteHAL

private func parse(_ text: String, maxDepth: Int = JSON.defaultMaxDepth) throws(JSONError) -> JSONValue {
    try JSON.parse(Array(text.utf8), maxDepth: maxDepth)
}

private func parseError(_ bytes: [UInt8], maxDepth: Int = JSON.defaultMaxDepth) -> String? {
    do throws(JSONError) {
        _ = try JSON.parse(bytes, maxDepth: maxDepth)
        return nil
    } catch {
        return error.description
    }
}

private func parseError(_ text: String, maxDepth: Int = JSON.defaultMaxDepth) -> String? {
    parseError(Array(text.utf8), maxDepth: maxDepth)
}

@Suite struct JSONParserTests {
    @Test func valuesAndDocumentOrder() throws {
        let value = try parse(#" {"b": [1, -2, true, false, null, "x"], "a": {}, "c": []} "#)
        #expect(value == .object(JSONObject([
            JSONMember(key: "b", value: .array([.integer(1), .integer(-2), .bool(true), .bool(false), .null, .string("x")])),
            JSONMember(key: "a", value: .object(JSONObject())),
            JSONMember(key: "c", value: .array([])),
        ])))
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.members.map(\.key) == ["b", "a", "c"])
        #expect(object["a"] == .object(JSONObject()))
        #expect(object["d"] == nil)
    }

    @Test func numbers() throws {
        #expect(try parse("0") == .integer(0))
        #expect(try parse("-0") == .integer(0))
        #expect(try parse("9223372036854775807") == .integer(Int64.max))
        #expect(try parse("-9223372036854775808") == .integer(Int64.min))
        // Beyond Int64, fractions and exponents parse, keeping their text.
        #expect(try parse("9223372036854775808") == .number("9223372036854775808"))
        #expect(try parse("-9223372036854775809") == .number("-9223372036854775809"))
        #expect(try parse("1.5") == .number("1.5"))
        #expect(try parse("-0.0") == .number("-0.0"))
        #expect(try parse("1e2") == .number("1e2"))
        #expect(try parse("1E+2") == .number("1E+2"))
        #expect(try parse("2.5e-3") == .number("2.5e-3"))
        #expect(JSONValue.number("1.5").typeName == "a non-integer number")
        #expect(JSONValue.number("9223372036854775808").typeName == "an integer out of range")
    }

    @Test func numberErrors() {
        #expect(parseError("01") == "offset 0: a number cannot start with 0 (leading zeros are not JSON)")
        #expect(parseError("[-01]") == "offset 1: a number cannot start with 0 (leading zeros are not JSON)")
        #expect(parseError("-") == "offset 1: expected a digit after '-', found end of input")
        #expect(parseError("-a") == "offset 1: expected a digit after '-', found 'a'")
        #expect(parseError("1.") == "offset 2: expected a digit after '.' in a number, found end of input")
        #expect(parseError("[1.e5]") == "offset 3: expected a digit after '.' in a number, found 'e'")
        #expect(parseError("1e") == "offset 2: expected a digit in a number's exponent, found end of input")
        #expect(parseError("1e+") == "offset 3: expected a digit in a number's exponent, found end of input")
        #expect(parseError("+1") == "offset 0: expected a value, found '+'")
        #expect(parseError(".5") == "offset 0: expected a value, found '.'")
        #expect(parseError("0x10") == "offset 1: unexpected 'x' after the JSON value")
        #expect(parseError("NaN") == "offset 0: expected a value, found 'N'")
        #expect(parseError("-Infinity") == "offset 1: expected a digit after '-', found 'I'")
    }

    @Test func structureErrors() {
        #expect(parseError("") == "offset 0: expected a value, found end of input")
        #expect(parseError("   ") == "offset 3: expected a value, found end of input")
        #expect(parseError(#"{"a" 1}"#) == "offset 5: expected ':' after an object key, found '1'")
        #expect(parseError(#"{"a":1,}"#) == "offset 7: expected a string key, found '}'")
        #expect(parseError(#"{a:1}"#) == "offset 1: expected a string key, found 'a'")
        #expect(parseError(#"{"a":1 "b":2}"#) == "offset 7: expected ',' or '}' in an object, found '\"'")
        #expect(parseError(#"{"a":1"#) == "offset 6: expected ',' or '}' in an object, found end of input")
        #expect(parseError("[1,]") == "offset 3: expected a value, found ']'")
        #expect(parseError("[1 2]") == "offset 3: expected ',' or ']' in an array, found '2'")
        #expect(parseError("[") == "offset 1: expected a value, found end of input")
        #expect(parseError("[1") == "offset 2: expected ',' or ']' in an array, found end of input")
        #expect(parseError("tru") == "offset 0: expected 'true', found end of input")
        #expect(parseError("[nul]") == "offset 1: expected 'null', found ']'")
        #expect(parseError("falsey") == "offset 5: unexpected 'y' after the JSON value")
        #expect(parseError("{} {}") == "offset 3: unexpected '{' after the JSON value")
        // A byte-order mark is not JSON text (RFC 8259 section 8.1 lets a parser refuse it).
        #expect(parseError([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == "offset 0: expected a value, found byte 0xef")
        // Only space, tab, LF and CR are whitespace.
        #expect(parseError("\u{0C}1") == "offset 0: expected a value, found byte 0x0c")
        #expect(parseError("[1,\u{A0}2]") == "offset 3: expected a value, found byte 0xc2")
    }

    @Test func duplicateKeys() throws {
        #expect(parseError(#"{"a":1,"b":2,"a":3}"#) == #"offset 13: duplicate key "a" (first at offset 1)"#)
        // The earliest repeat is named, whichever key it is.
        #expect(parseError(#"{"z":1,"y":2,"y":3,"z":4}"#) == #"offset 13: duplicate key "y" (first at offset 7)"#)
        #expect(parseError(#"{"x":{"k":1,"k":1}}"#) == #"offset 12: duplicate key "k" (first at offset 6)"#)
        // An escape that spells the same key is the same key.
        #expect(parseError(#"{"a":1,"\u0061":2}"#) == #"offset 7: duplicate key "a" (first at offset 1)"#)
        // Keys are bytes: canonically equivalent spellings are different keys (Swift's String ==
        // would call them equal), as they are to Python and to TUF's canonical form.
        let value = try parse(#"{"\u00e9":1,"e\u0301":2}"#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.members.count == 2)
        #expect(object["\u{E9}"] == .integer(1))
        #expect(object["e\u{301}"] == .integer(2))
        // And values: equality is by bytes, as the canonical form is.
        #expect(try parse(#""\u00e9""#) != parse(#""e\u0301""#))
        #expect(try parse(#"{"\u00e9":1}"#) != parse(#"{"e\u0301":1}"#))
        // Equal keys in different objects are fine.
        #expect(parseError(#"[{"a":1},{"a":2}]"#) == nil)
    }

    @Test func depthLimit() {
        #expect(parseError(String(repeating: "[", count: 3) + String(repeating: "]", count: 3), maxDepth: 3) == nil)
        #expect(parseError(String(repeating: "[", count: 4) + String(repeating: "]", count: 4), maxDepth: 3)
            == "offset 3: nested deeper than 3 arrays and objects")
        #expect(parseError(#"{"a":{"b":{"c":{}}}}"#, maxDepth: 3) == "offset 15: nested deeper than 3 arrays and objects")
        // Far past the default: refused at the limit, not by running out of stack.
        #expect(parseError(String(repeating: "[", count: 100_000)) == "offset 64: nested deeper than 64 arrays and objects")
    }

    @Test func stringEscapes() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u0041\u00e9\u20AC\uFFFF""#) == .string("A\u{E9}\u{20AC}\u{FFFF}"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        // A surrogate pair is one scalar; the highest scalar is U+10FFFF.
        #expect(try parse(#""\ud83d\ude00""#) == .string("\u{1F600}"))
        #expect(try parse(#""\uD800\uDC00\uDBFF\uDFFF""#) == .string("\u{10000}\u{10FFFF}"))
        guard case .string(let s) = try parse(#""\ud83d\ude00""#) else { return }
        #expect(Array(s.utf8) == [0xF0, 0x9F, 0x98, 0x80])
    }

    @Test func stringErrors() {
        #expect(parseError(#""abc"#) == "offset 0: unterminated string")
        #expect(parseError("[\"a\\") == "offset 3: unterminated string")
        #expect(parseError(#""\x""#) == #"offset 1: invalid escape \x in a string"#)
        #expect(parseError(#""\U0041""#) == #"offset 1: invalid escape \U in a string"#)
        #expect(parseError("\"a\nb\"") == "offset 2: control character 0x0a in a string (write it as an escape)")
        #expect(parseError("\"\t\"") == "offset 1: control character 0x09 in a string (write it as an escape)")
        #expect(parseError(#""\u12""#) == #"offset 1: \u escape needs four hex digits"#)
        #expect(parseError(#""\u12G4""#) == #"offset 1: \u escape needs four hex digits"#)
        #expect(parseError(#""ab\ude00""#) == #"offset 3: lone low surrogate \uDE00 (not a character)"#)
        #expect(parseError(#""\ud83d""#) == #"offset 1: high surrogate \uD83D not followed by a low surrogate escape"#)
        #expect(parseError(#""\ud83dx""#) == #"offset 1: high surrogate \uD83D not followed by a low surrogate escape"#)
        #expect(parseError(#""\ud83d\n""#) == #"offset 1: high surrogate \uD83D not followed by a low surrogate escape"#)
        #expect(parseError(#""\ud83d\ud83d""#) == #"offset 7: high surrogate \uD83D followed by \uD83D, not a low surrogate"#)
        #expect(parseError(#""\ud83d\u0041""#) == #"offset 7: high surrogate \uD83D followed by \u0041, not a low surrogate"#)
    }

    /// Raw bytes in strings are UTF-8 exactly as RFC 3629 defines it.
    @Test func utf8Validation() throws {
        func string(_ bytes: [UInt8]) -> [UInt8] { [0x22] + bytes + [0x22] }
        // Valid: the first and last scalar of every length.
        #expect(try JSON.parse(string([0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xEF, 0xBF, 0xBF, 0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF]))
            == .string("\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"))
        #expect(try JSON.parse(string([0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80])) == .string("\u{D7FF}\u{E000}"))
        #expect(parseError(string([0x80])) == "offset 1: invalid UTF-8: byte 0x80 cannot start a character")
        #expect(parseError(string([0xC0, 0xAF])) == "offset 1: invalid UTF-8: byte 0xc0 cannot start a character")   // overlong '/'
        #expect(parseError(string([0xC1, 0xBF])) == "offset 1: invalid UTF-8: byte 0xc1 cannot start a character")
        #expect(parseError(string([0xE0, 0x9F, 0xBF])) == "offset 2: invalid UTF-8: byte 0x9f after 0xe0")         // overlong
        #expect(parseError(string([0xED, 0xA0, 0x80])) == "offset 2: invalid UTF-8: byte 0xa0 after 0xed")         // U+D800
        #expect(parseError(string([0xF0, 0x8F, 0xBF, 0xBF])) == "offset 2: invalid UTF-8: byte 0x8f after 0xf0")   // overlong
        #expect(parseError(string([0xF4, 0x90, 0x80, 0x80])) == "offset 2: invalid UTF-8: byte 0x90 after 0xf4")   // U+110000
        #expect(parseError(string([0xF5, 0x80, 0x80, 0x80])) == "offset 1: invalid UTF-8: byte 0xf5 cannot start a character")
        #expect(parseError(string([0xFF])) == "offset 1: invalid UTF-8: byte 0xff cannot start a character")
        #expect(parseError(string([0xE2, 0x82])) == "offset 3: invalid UTF-8: byte 0x22 after 0xe2")             // cut by the quote
        #expect(parseError([0x22, 0xE2, 0x82]) == "offset 1: invalid UTF-8: truncated character")
        #expect(parseError(string([0xC3, 0x28])) == "offset 2: invalid UTF-8: byte 0x28 after 0xc3")
        #expect(parseError(string([0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98])) == "offset 7: invalid UTF-8: byte 0x22 after 0xf0")
    }
}

/// Tests/corpus/json/canonical.jsonl: inputs and the bytes securesystemslib's encode_canonical
/// gives for them (Tests/peers/canonical_json_peer.py checks the same lines against it).
@Suite struct CanonicalJSONTests {
    struct FixtureLine: Decodable {
        var `case`: String
        var input: String
        var canonical: String?
        var error: String?
    }

    static func fixture() throws -> [FixtureLine] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("corpus/json/canonical.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(FixtureLine.self, from: Data($0.utf8)) }
    }

    @Test func fixtureFromSecuresystemslib() throws {
        let lines = try Self.fixture()
        #expect(lines.count == 17)
        var encoded = 0, refused = 0
        for line in lines {
            let value = try JSON.parse(Array(line.input.utf8))
            do throws(CanonicalJSONError) {
                let bytes = try CanonicalJSON.encode(value)
                #expect(line.error == nil, "\(line.case): encoded, the fixture expects an error")
                #expect(Hex.encode(bytes) == line.canonical, "\(line.case)")
                encoded += 1
            } catch {
                #expect(error.description == line.error, "\(line.case)")
                refused += 1
            }
        }
        #expect(encoded == 12)
        #expect(refused == 5)
    }

    @Test func exactBytes() throws {
        // Re-declared here, not read from the fixture, so a fixture regenerated wrong fails too.
        let value = try JSON.parse(Array(#"{"b":"\"q\" \\ \n","a":[1,{"y":null,"x":true}],"\u00e9":-0}"#.utf8))
        #expect(try CanonicalJSON.encode(value) == Array("{\"a\":[1,{\"x\":true,\"y\":null}],\"b\":\"\\\"q\\\" \\\\ \n\",\"\u{E9}\":0}".utf8))
        #expect(String(decoding: try CanonicalJSON.encode(.object(JSONObject([JSONMember(key: "\u{10000}", value: .integer(1)),
                                                                              JSONMember(key: "\u{FFFF}", value: .integer(2))]))),
                       as: UTF8.self) == "{\"\u{FFFF}\":2,\"\u{10000}\":1}")
    }

    @Test func paths() {
        #expect(JSONPath([.key("signed"), .key("meta"), .key("targets.json"), .key("version")]).description
            == #"signed.meta."targets.json".version"#)
        #expect(JSONPath([.key("signatures"), .index(0), .key("keyid")]).description == "signatures[0].keyid")
        #expect(JSONPath([.key("a\"b\\c")]).description == #""a\"b\\c""#)
        #expect(JSONPath([.key("")]).description == #""""#)
        #expect(JSONPath([.index(2), .index(3)]).description == "[2][3]")
    }
}

