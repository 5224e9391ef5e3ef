import Testing
import MoteNode

@Suite struct TOMLTests {
    /// Parses text that must be clean.
    func document(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLTable {
        let (document, errors) = TOML.parse(text)
        #expect(errors == [], sourceLocation: sourceLocation)
        return document
    }

    func errors(_ text: String) -> [TOMLError] { TOML.parse(text).errors }

    func error(_ line: Int, _ column: Int, _ message: String) -> TOMLError {
        TOMLError(position: TOMLPosition(line: line, column: column), message: message)
    }

    func pos(_ line: Int, _ column: Int) -> TOMLPosition { TOMLPosition(line: line, column: column) }

    /// The value at a dotted path of plain keys; integers pick array elements.
    func value(_ table: TOMLTable, _ path: String) -> TOMLValue? {
        var current: TOMLValue = .table(table)
        for part in path.split(separator: ".") {
            switch current {
            case .table(let t):
                guard let entry = t[String(part)] else { return nil }
                current = entry.node.value
            case .array(let elements):
                guard let k = Int(part), k < elements.count else { return nil }
                current = elements[k].value
            default:
                return nil
            }
        }
        return current
    }

    // MARK: Values

    @Test func scalarsOfEveryType() {
        let doc = document("""
            name = "node-7"
            literal = 'C:\\path\\no escapes'
            count = -42
            big = 9_223_372_036_854_775_807
            small = -9223372036854775808
            hex = 0xDEAD_beef
            oct = 0o755
            bin = 0b1101
            zero = +0
            ratio = 0.25
            exp = -1.5e-3
            caps = 6E2
            under = 1_000.000_1
            on = true
            off = false
            """)
        #expect(value(doc, "name") == .string("node-7"))
        #expect(value(doc, "literal") == .string("C:\\path\\no escapes"))
        #expect(value(doc, "count") == .integer(-42))
        #expect(value(doc, "big") == .integer(Int64.max))
        #expect(value(doc, "small") == .integer(Int64.min))
        #expect(value(doc, "hex") == .integer(0xDEAD_BEEF))
        #expect(value(doc, "oct") == .integer(0o755))
        #expect(value(doc, "bin") == .integer(13))
        #expect(value(doc, "zero") == .integer(0))
        #expect(value(doc, "ratio") == .float(0.25))
        #expect(value(doc, "exp") == .float(-0.0015))
        #expect(value(doc, "caps") == .float(600))
        #expect(value(doc, "under") == .float(1000.0001))
        #expect(value(doc, "on") == .boolean(true))
        #expect(value(doc, "off") == .boolean(false))
        #expect(doc.entries.map(\.key) == ["name", "literal", "count", "big", "small", "hex", "oct", "bin", "zero", "ratio", "exp", "caps", "under", "on", "off"])
    }

    @Test func infinityAndNaN() {
        let doc = document("a = inf\nb = -inf\nc = +inf\nd = nan\ne = -nan\n")
        #expect(value(doc, "a") == .float(.infinity))
        #expect(value(doc, "b") == .float(-.infinity))
        #expect(value(doc, "c") == .float(.infinity))
        guard case .float(let d) = value(doc, "d"), case .float(let e) = value(doc, "e") else {
            Issue.record("nan did not parse as a float")
            return
        }
        #expect(d.isNaN && e.isNaN && e.sign == .minus)
    }

    @Test func stringEscapes() {
        let doc = document(#"""
            s = "tab\there \"q\" back\\slash \b\f\r\n é \u00E9 \U0001F600"
            k = "\u0041"
            """#)
        #expect(value(doc, "s") == .string("tab\there \"q\" back\\slash \u{8}\u{C}\r\n é é 😀"))
        #expect(value(doc, "k") == .string("A"))
    }

    @Test func multiLineStrings() {
        let doc = document("""
            a = \"\"\"
            first
              second\"\"\"
            b = \"\"\"one \\
                 two \\
            
               three\"\"\"
            c = '''
            raw \\n ''quoted'' '''
            d = \"\"\"ends with two quotes\"\"\"\"\"
            e = ''''one quote inside''''
            """)
        #expect(value(doc, "a") == .string("first\n  second"))
        #expect(value(doc, "b") == .string("one two three"))
        #expect(value(doc, "c") == .string("raw \\n ''quoted'' "))
        #expect(value(doc, "d") == .string("ends with two quotes\"\""))
        #expect(value(doc, "e") == .string("'one quote inside'"))
    }

    @Test func crlfLineEndings() {
        let doc = document("a = 1\r\n# comment\r\nb = \"\"\"x\r\ny\"\"\"\r\n[t]\r\nc = 2\r\n")
        #expect(value(doc, "a") == .integer(1))
        #expect(value(doc, "b") == .string("x\ny"))
        #expect(value(doc, "t.c") == .integer(2))
        #expect(doc["t"]?.node.position == pos(5, 1))  // the multi-line string took lines 3 and 4
    }

    @Test func arraysAndInlineTables() {
        let doc = document("""
            mixed = [ 1, "two", 3.0, [4], { five = 5 }, ]
            multi = [
              1,  # one
              # a comment line
              2
            ]
            empty = []
            point = { x = 1, y.z = "deep", "quoted key" = true }
            none = {}
            """)
        #expect(value(doc, "mixed.0") == .integer(1))
        #expect(value(doc, "mixed.1") == .string("two"))
        #expect(value(doc, "mixed.2") == .float(3))
        #expect(value(doc, "mixed.3.0") == .integer(4))
        #expect(value(doc, "mixed.4.five") == .integer(5))
        guard case .array(let multi) = value(doc, "multi") else {
            Issue.record("multi is not an array")
            return
        }
        #expect(multi == [TOMLNode(value: .integer(1), position: pos(3, 3)), TOMLNode(value: .integer(2), position: pos(5, 3))])
        #expect(value(doc, "empty") == .array([]))
        #expect(value(doc, "point.x") == .integer(1))
        #expect(value(doc, "point.y.z") == .string("deep"))
        #expect(value(doc, "point.quoted key") == .boolean(true))
        #expect(value(doc, "none") == .table(TOMLTable(entries: [], position: pos(9, 8))))
    }

    // MARK: Keys and tables

    @Test func keysAndPositions() {
        let doc = document("""
            # header comment
            plain = 1
              "quoted.key" = 2
            'lit' = 3
            a . b."c" = 4
            "é" = "ü"
            """)
        #expect(doc.entries.map(\.key) == ["plain", "quoted.key", "lit", "a", "é"])
        #expect(doc["plain"] == TOMLEntry(key: "plain", keyPosition: pos(2, 1), node: TOMLNode(value: .integer(1), position: pos(2, 9))))
        #expect(doc["quoted.key"]?.keyPosition == pos(3, 3))
        #expect(doc["quoted.key"]?.node.position == pos(3, 18))
        #expect(doc["lit"]?.keyPosition == pos(4, 1))
        // a and b are tables made by the dotted key, positioned at their own parts.
        #expect(doc["a"]?.node.position == pos(5, 1))
        guard case .table(let a) = doc["a"]?.node.value, case .table(let b) = a["b"]?.node.value else {
            Issue.record("a.b is not a table")
            return
        }
        #expect(a["b"]?.keyPosition == pos(5, 5))
        #expect(b["c"] == TOMLEntry(key: "c", keyPosition: pos(5, 7), node: TOMLNode(value: .integer(4), position: pos(5, 13))))
        // Columns count scalars, not bytes: "é" is two bytes but one column.
        #expect(doc["é"]?.node.position == pos(6, 7))
    }

    @Test func sensorConfigWithArraysOfTables() {
        let doc = document("""
            [node]
            id = "n1"

            [[sensor]]
            kind = "bme280"
            [sensor.power]
            pin = 17
            [[sensor.channel]]
            name = "temperature"
            [[sensor.channel]]
            name = "humidity"

            [[sensor]]
            kind = "sht4x"
            [[sensor.channel]]
            name = "temperature"
            """)
        #expect(value(doc, "node.id") == .string("n1"))
        #expect(value(doc, "sensor.0.kind") == .string("bme280"))
        #expect(value(doc, "sensor.0.power.pin") == .integer(17))
        #expect(value(doc, "sensor.0.channel.0.name") == .string("temperature"))
        #expect(value(doc, "sensor.0.channel.1.name") == .string("humidity"))
        #expect(value(doc, "sensor.1.kind") == .string("sht4x"))
        #expect(value(doc, "sensor.1.power") == nil)
        #expect(value(doc, "sensor.1.channel.0.name") == .string("temperature"))
        guard case .array(let sensors) = doc["sensor"]?.node.value else {
            Issue.record("sensor is not an array")
            return
        }
        #expect(doc["sensor"]?.keyPosition == pos(4, 3))
        #expect(doc["sensor"]?.node.position == pos(4, 1))
        #expect(sensors.map(\.position) == [pos(4, 1), pos(13, 1)])
        guard case .table(let first) = sensors[0].value else { return }
        #expect(first.position == pos(4, 1))
        #expect(first["power"]?.node.position == pos(6, 1))
        #expect(first["power"]?.keyPosition == pos(6, 9))
        #expect(first.entries.map(\.key) == ["kind", "power", "channel"])
    }

    @Test func implicitTablesMayBeDefinedLater() {
        let doc = document("""
            [a.b.c]
            x = 1
            [a]
            y = 2
            [a.b.d]
            z = 3
            """)
        #expect(value(doc, "a.b.c.x") == .integer(1))
        #expect(value(doc, "a.y") == .integer(2))
        #expect(value(doc, "a.b.d.z") == .integer(3))
        // a is defined by its own header at 3:1; b was only ever implied, at its key in line 1.
        #expect(doc["a"]?.node.position == pos(3, 1))
        #expect(doc["a"]?.keyPosition == pos(1, 2))
        guard case .table(let a) = doc["a"]?.node.value else { return }
        #expect(a["b"]?.node.position == pos(1, 4))
    }

    @Test func headersMayAddSubTablesToDottedTables() {
        let doc = document("""
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        #expect(value(doc, "fruit.apple.color") == .string("red"))
        #expect(value(doc, "fruit.apple.taste.sweet") == .boolean(true))
        #expect(value(doc, "fruit.apple.texture.smooth") == .boolean(true))
    }

    // MARK: Errors

    @Test func threeErrorsOnThreeLinesAreAllReported() {
        let text = """
            a = 01
            b = "bad \\q escape"
            ok = 1
            c 5
            d = 2
            """
        let (doc, found) = TOML.parse(text)
        #expect(found == [
            error(1, 5, "invalid number '01': leading zeros are not allowed"),
            error(2, 10, "invalid escape '\\q' in a string (allowed: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)"),
            error(4, 3, "expected '=' after key 'c', found '5'"),
        ])
        // What parsed cleanly is still there.
        #expect(doc.entries.map(\.key) == ["ok", "d"])
    }

    @Test func duplicateKeysAndTables() {
        #expect(errors("address = 1\naddress = 2\n") == [error(2, 1, "duplicate key 'address' (first defined at 1:1)")])
        #expect(errors("[a]\nx = 1\n[a]\n") == [error(3, 2, "duplicate table [a] (first defined at 1:1)")])
        #expect(errors("[a]\nb = 1\n[a.b]\n") == [error(3, 4, "duplicate key 'a.b' (first defined at 2:1)")])
        #expect(errors("[a.b]\n[a]\nb = 1\n") == [error(3, 1, "duplicate key 'b' (first defined at 1:4)")])
        #expect(errors("p = { x = 1 }\np.y = 2\n") == [error(2, 1, "cannot extend inline table 'p' (defined at 1:1)")])
        #expect(errors("p = { x = 1 }\n[p.q]\n") == [error(2, 2, "cannot extend inline table 'p' (defined at 1:1)")])
        #expect(errors("p = { x = 1, x = 2 }\n") == [error(1, 14, "duplicate key 'x' (first defined at 1:7)")])
        #expect(errors("[fruit]\napple.color = 1\n[fruit.apple]\n") == [error(3, 8, "duplicate table [fruit.apple] (first defined at 2:1)")])
        #expect(errors("[a.b.c]\n[a]\nb.c.t = 1\n") == [error(3, 1, "duplicate key 'b' (first defined at 1:4)")])
        #expect(errors("[[s]]\n[s]\n") == [error(2, 2, "[s]: 's' is already an array of tables (first defined at 1:1)")])
        #expect(errors("[s]\n[[s]]\n") == [error(2, 3, "[[s]]: 's' is already a table (first defined at 1:1)")])
        #expect(errors("s = [1]\n[[s]]\n") == [error(2, 3, "duplicate key 's' (first defined at 1:1)")])
        #expect(errors("a.b = 1\na = 2\n") == [error(2, 1, "duplicate key 'a' (first defined at 1:1)")])
    }

    @Test func badNumbers() {
        #expect(errors("a = 01") == [error(1, 5, "invalid number '01': leading zeros are not allowed")])
        #expect(errors("a = 1__0") == [error(1, 5, "invalid number '1__0': an underscore must stand between two digits")])
        #expect(errors("a = 1_") == [error(1, 5, "invalid number '1_': an underscore must stand between two digits")])
        #expect(errors("a = 9223372036854775808") == [error(1, 5, "integer '9223372036854775808' does not fit in 64 bits")])
        #expect(errors("a = -9223372036854775809") == [error(1, 5, "integer '-9223372036854775809' does not fit in 64 bits")])
        #expect(errors("a = 0x8000000000000000") == [error(1, 5, "integer '0x8000000000000000' does not fit in 64 bits")])
        #expect(errors("a = +0x10") == [error(1, 5, "invalid number '+0x10': a hexadecimal, octal or binary integer takes no sign")])
        #expect(errors("a = 0o8") == [error(1, 5, "invalid number '0o8'")])
        #expect(errors("a = 1.") == [error(1, 5, "invalid number '1.'")])
        #expect(errors("a = 1.e5") == [error(1, 5, "invalid number '1.e5'")])
        #expect(errors("a = 1e") == [error(1, 5, "invalid number '1e'")])
        #expect(errors("a = 1.2.3") == [error(1, 5, "invalid number '1.2.3'")])
        #expect(errors("a = 1e999") == [error(1, 5, "float '1e999' is out of range")])
        #expect(errors("a = .5") == [error(1, 5, "invalid value '.5' (strings need quotes)")])
        #expect(errors("a = Inf") == [error(1, 5, "invalid value 'Inf' (strings need quotes)")])
        #expect(errors("a = hello") == [error(1, 5, "invalid value 'hello' (strings need quotes)")])
    }

    @Test func datesAndTimesAreRefusedByName() {
        let refused = "date and time values are not supported"
        #expect(errors("a = 1979-05-27") == [error(1, 5, refused)])
        #expect(errors("a = 1979-05-27T07:32:00Z") == [error(1, 5, refused)])
        #expect(errors("a = 1979-05-27 07:32:00") == [error(1, 5, refused)])
        #expect(errors("a = 07:32:00") == [error(1, 5, refused)])
        #expect(errors("a = [1, 1979-05-27]\nb = 2") == [error(1, 9, refused)])
    }

    @Test func stringErrors() {
        #expect(errors("a = \"open\nb = 1") == [error(1, 5, "unterminated string: '\"' expected before the end of the line")])
        #expect(errors("a = 'open\n") == [error(1, 5, "unterminated string: \"'\" expected before the end of the line")])
        #expect(errors("a = \"\"\"never closed\n\n") == [error(1, 5, "unterminated multi-line string: \"\"\" expected before end of file")])
        #expect(errors("a = \"x\u{1}y\"") == [error(1, 7, "control character U+0001 in a string (write it as an escape)")])
        #expect(errors("a = \"\\uD800\"") == [error(1, 6, "invalid escape: \\uD800 is not a Unicode scalar value")])
        #expect(errors("a = \"\\u12\"") == [error(1, 6, "invalid escape: \\u needs 4 hex digits")])
        #expect(errors("a = 1 # bell \u{7}") == [error(1, 14, "control character U+0007 in a comment")])
        #expect(errors("a = 1\rb = 2") == [error(1, 6, "carriage return (U+000D) not followed by a line feed")])
        #expect(errors("\"\"\"k\"\"\" = 1") == [error(1, 1, "a multi-line string cannot be a key")])
    }

    @Test func structureErrors() {
        #expect(errors("a = ") == [error(1, 5, "missing value for key 'a'")])
        #expect(errors("a = 1 2") == [error(1, 7, "unexpected '2' after the end of a value or header; expected a comment or a new line")])
        #expect(errors("= 1") == [error(1, 1, "missing key before '='")])
        #expect(errors("a.= 1") == [error(1, 3, "expected a key after '.' in 'a.', found '='")])
        #expect(errors("$ = 1") == [error(1, 1, "invalid key: '$' cannot start a key (bare keys are A-Z a-z 0-9 _ -; quote others)")])
        #expect(errors("[a\nb = 1") == [error(1, 3, "expected ']' to close the header [a], found end of line")])
        #expect(errors("[[a]\n") == [error(1, 4, "expected ']]' to close the header [[a]], found ']'")])
        #expect(errors("a = [1, 2\n") == [error(1, 5, "unclosed array: ']' expected before end of file")])
        #expect(errors("a = [1 2]") == [error(1, 8, "expected ',' or ']' after an array element, found '2'")])
        #expect(errors("a = [1,,2]") == [error(1, 8, "expected a value in array, found ','")])
        // Recovery at the next line then reads `y = 2` as a key of its own, and trips on the '}'.
        #expect(errors("a = { x = 1,\n y = 2 }") == [
            error(1, 13, "unclosed inline table: '}' expected before the end of the line (inline tables are one line)"),
            error(2, 8, "unexpected '}' after the end of a value or header; expected a comment or a new line"),
        ])
        #expect(errors("a = { x = 1, }") == [error(1, 14, "trailing comma not allowed in an inline table")])
        #expect(errors("a = { x = 1 y = 2 }") == [error(1, 13, "expected ',' or '}' in inline table, found 'y'")])
        #expect(errors("a = { x = 1") == [error(1, 5, "unclosed inline table: '}' expected before end of file")])
    }

    @Test func errorsAreSortedByPosition() {
        // The unclosed array is found last (at end of file) but is reported at its '['.
        let found = errors("a = 01\nb = [\n  1,\n  2 3,\n")
        #expect(found == [
            error(1, 5, "invalid number '01': leading zeros are not allowed"),
            error(4, 5, "expected ',' or ']' after an array element, found '3'"),
        ])
    }

    // MARK: Robustness

    @Test func deepNestingIsRefusedNotOverflowed() {
        let deep = "a = " + String(repeating: "[", count: 100_000)
        #expect(errors(deep) == [error(1, 105, "values nested deeper than 100 levels")])
        let deepTables = "a = " + String(repeating: "{b = ", count: 10_000)
        #expect(errors(deepTables).count == 1)
        let longKey = (0..<1000).map { _ in "k" }.joined(separator: ".") + " = 1"
        #expect(errors(longKey) == [error(1, 201, "key has more than 100 dotted parts")])
    }

    /// Linear, not quadratic: 50,000 keys in one table and a 100,000-element array on one line.
    @Test func largeInputsParse() {
        let keys = (0..<50_000).map { "k\($0) = \($0)" }.joined(separator: "\n")
        let doc = document(keys)
        #expect(doc.entries.count == 50_000)
        #expect(doc.entries.last == TOMLEntry(key: "k49999", keyPosition: pos(50_000, 1), node: TOMLNode(value: .integer(49_999), position: pos(50_000, 10))))
        let array = "a = [" + String(repeating: "1, ", count: 100_000) + "\"é\"]"
        guard case .array(let elements) = document(array)["a"]?.node.value else {
            Issue.record("a is not an array")
            return
        }
        #expect(elements.count == 100_001)
        #expect(elements.last == TOMLNode(value: .string("é"), position: pos(1, 300_006)))
    }

    @Test func garbageNeverTraps() {
        var generator = SplitMix64(seed: 0x70_6D_6C)
        let alphabet = Array("ab1_-.=[]{}\"'\\#,\n\r\t 0x+e:uU\u{1}é".unicodeScalars)
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 40) { text.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            let (_, found) = TOML.parse(text)
            #expect(found.map(\.position) == found.map(\.position).sorted())
        }
    }

    /// The board build has no strtod, so floats go through our own conversion: it must round
    /// exactly as the standard library's does.
    @Test func floatConversionRoundsCorrectly() {
        let cases = [
            "0.1", "0.3", "1.7976931348623157e308", "2.2250738585072014e-308", "2.2250738585072011e-308",
            "4.9406564584124654e-324", "2.4703282292062328e-324", "2.4703282292062327e-324", "1e-400",
            "9007199254740993", "9007199254740993.0", "123456789012345678901234567890e-10", "1e23", "8.589973e9",
            "0.000000000000000000000000000000000000000000001", "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203126",
            "7.2057594037927933e16", "3.14159265358979323846264338327950288", "1e22", "1e-22", "123.456e-5",
        ]
        for text in cases {
            guard case .float(let parsed) = TOML.parse("x = \(text.contains(".") || text.contains("e") ? text : text + ".0")").document["x"]?.node.value else {
                Issue.record("\(text) did not parse")
                continue
            }
            #expect(parsed.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
        var generator = SplitMix64(seed: 7)
        for _ in 0..<3000 {
            let digits = (0..<Int(1 + generator.next() % 25)).map { _ in String(generator.next() % 10) }.joined()
            let exponent = Int(generator.next() % 660) - 340
            let text = "1" + digits + "e" + String(exponent)
            guard case .float(let parsed) = TOML.parse("x = \(text)").document["x"]?.node.value else {
                if let expected = Double(text), expected.isFinite { Issue.record("\(text) did not parse") }
                continue
            }
            #expect(parsed.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
    }
}

/// A small seeded generator, so the random tests are the same on every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
