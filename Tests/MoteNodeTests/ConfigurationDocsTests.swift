import Foundation
import Testing
@testable import MoteNode

/// Keeps docs/configuration.md honest: every key the schema reads, every driver and every filter
/// type must be on the page as `key`. The keys come from the schema's source, not from a list
/// here, so a key added to the code without a line in the page fails this test.
@Suite struct ConfigurationDocsTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
    }

    static let schemaFiles = ["Sources/MoteNode/Config/NodeConfiguration.swift", "Sources/MoteNode/Config/BoardConfiguration.swift"]
    static let page = "docs/configuration.md"

    /// TableReader's accessors that take the key first (ConfigReader.swift): each marks its key
    /// as part of the schema.
    static let accessors: Set = ["string", "choice", "integer", "number", "boolean", "duration", "table", "tables", "array", "entry", "has"]
    /// TableReader methods with a key argument that read nothing: they report at a key.
    static let notReading: Set = ["error", "keyPath", "mismatch"]
    /// BoardConfiguration's helpers that take the reader first and the key second.
    static let helpers: Set = ["strings", "paths"]

    /// The string literals passed as the key to an accessor (`table.integer("window", ...)`) or
    /// to a helper (`strings(table, "model")`).
    static func schemaKeys(in source: String) throws -> Set<String> {
        let names = accessors.sorted().joined(separator: "|")
        let accessorCall = try Regex(#"\.(?:"# + names + #")\("([^"\\]*)""#)
        let helperCall = try Regex(#"\b(?:"# + helpers.sorted().joined(separator: "|") + #")\(\w+, "([^"\\]*)""#)
        var keys: Set<String> = []
        for regex in [accessorCall, helperCall] {
            for match in source.matches(of: regex) {
                if let key = match.output[1].substring { keys.insert(String(key)) }
            }
        }
        return keys
    }

    /// Every key, driver and filter type the page must show.
    static func required() throws -> Set<String> {
        var names: Set<String> = []
        for file in schemaFiles { names.formUnion(try schemaKeys(in: try text(file))) }
        names.formUnion(DriverInfo.names)
        names.formUnion(NodeConfiguration.filterTypes)
        return names
    }

    /// The names `page` does not show as `name`, sorted.
    static func missing(_ names: Set<String>, from page: String) -> [String] {
        names.filter { !page.contains("`" + $0 + "`") }.sorted()
    }

    @Test func theAccessorListIsTheReadersOwn() throws {
        let reader = try Self.text("Sources/MoteNode/Config/ConfigReader.swift")
        let declared = Set(reader.matches(of: try Regex(#"func (\w+)\(_ key: String"#)).compactMap { $0.output[1].substring.map(String.init) })
        #expect(declared.subtracting(Self.notReading) == Self.accessors)
        var helpers: Set<String> = []
        for file in Self.schemaFiles {
            let source = try Self.text(file)
            for match in source.matches(of: try Regex(#"func (\w+)\(_ \w+: TableReader, _ key: String"#)) {
                if let name = match.output[1].substring { helpers.insert(String(name)) }
            }
        }
        #expect(helpers == Self.helpers)
    }

    @Test func theExtractorFindsKeysOfEveryKind() throws {
        let node = try Self.schemaKeys(in: try Self.text(Self.schemaFiles[0]))
        let board = try Self.schemaKeys(in: try Self.text(Self.schemaFiles[1]))
        // One key read through each accessor, and the board file's helper-read keys.
        let nodeSample: Set = ["name", "driver", "address", "per_pulse", "active_low", "debounce", "frame", "filters", "range", "sensor",
                               "time_constant", "word_order", "queue_limit", "send_on_event", "hardware_id"]
        #expect(nodeSample.subtracting(node).isEmpty)
        #expect(board == ["board", "id", "name", "arch", "model", "compatible", "simulated", "fallback", "gpio", "chip", "header", "i2c", "serial", "onewire"])
        #expect(node.count >= 60, "only \(node.count) keys found")
        #expect(!node.contains("bus, port, line and power"))  // comments and messages are not keys
    }

    @Test func thePageShowsEveryKeyDriverAndFilterType() throws {
        let page = try Self.text(Self.page)
        let missing = Self.missing(try Self.required(), from: page)
        #expect(missing == [], "not on \(Self.page) as `name`: \(missing.joined(separator: ", "))")
    }

    /// The `frame` type table has a row per type a channel can fill: name, code, record bytes.
    @Test func theFrameTypeTableHasEveryOneValueType() throws {
        let page = try Self.text(Self.page)
        let missing = CayenneLPP.DataType.scalarTypes.filter { type in
            !page.contains("| `\(type.name)` | " + String(format: "0x%02X", type.rawValue) + " | \(type.recordSize) |")
        }
        #expect(missing.map(\.name) == [])
    }

    @Test func aKeyMissingFromThePageIsNamed() throws {
        let page = try Self.text(Self.page)
        let without = page.replacingOccurrences(of: "`queue_limit`", with: "queue limit")
            .replacingOccurrences(of: "`pulse-counter`", with: "pulse counter")
        let missing = Self.missing(try Self.required(), from: without)
        #expect(missing == ["pulse-counter", "queue_limit"], "named: \(missing)")
    }
}
