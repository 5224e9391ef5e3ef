import Foundation
import Testing
import MoteNode
import TOMLKit

/// Cross-checks Mote's TOML parser against TOMLKit (toml++ underneath) on every corpus file and on
/// every configuration the repository ships: valid files must mean the same to both, invalid
/// files must be refused by both. Host only: no device target links TOMLKit.
@Suite struct TOMLInteropTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func tomlFiles(under folder: String) -> [URL] {
        let root = repository.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "toml" }
            .sorted { $0.path < $1.path }
    }

    static let validFiles = tomlFiles(under: "Tests/corpus/toml/valid")
        + tomlFiles(under: "examples") + tomlFiles(under: "boards")
    static let invalidFiles = tomlFiles(under: "Tests/corpus/toml/invalid")

    /// Sorted keys, type tags, floats in Swift's shortest round-trip form.
    static func canonical(_ value: MoteNode.TOMLValue) -> String {
        switch value {
        case .string(let s): "s:" + String(reflecting: s)
        case .integer(let i): "i:\(i)"
        case .float(let d): "f:" + float(d)
        case .boolean(let b): "b:\(b)"
        case .array(let nodes): "[" + nodes.map { canonical($0.value) }.joined(separator: ",") + "]"
        case .table(let t):
            "{" + t.entries.sorted { $0.key < $1.key }
                .map { String(reflecting: $0.key) + "=" + canonical($0.node.value) }.joined(separator: ",") + "}"
        }
    }

    static func canonical(_ value: TOMLKit.TOMLValue) -> String {
        switch value.type {
        case .string: return "s:" + String(reflecting: value.string ?? "")
        case .int: return "i:\(value.int ?? 0)"
        case .double: return "f:" + float(value.double ?? 0)
        case .bool: return "b:\(value.bool ?? false)"
        case .array: return "[" + (value.array ?? TOMLArray()).map { canonical($0.tomlValue) }.joined(separator: ",") + "]"
        case .table:
            let table = value.table ?? TOMLTable()
            return "{" + table.map { ($0.0, $0.1.tomlValue) }.sorted { $0.0 < $1.0 }
                .map { String(reflecting: $0.0) + "=" + canonical($0.1) }.joined(separator: ",") + "}"
        case .date, .time, .dateTime: return "date-time"
        }
    }

    static func float(_ d: Double) -> String { d.isNaN ? "nan" : "\(d)" }

    @Test func theCorpusIsThere() {
        #expect(Self.validFiles.count >= 15)
        #expect(Self.invalidFiles.count >= 15)
    }

    /// The canonical form itself, so the comparisons below compare something.
    @Test func canonicalFormIsTheSameForBothParsers() throws {
        let text = "b = [1, \"x\", true]\na = { y = 2.5, n = nan, z = -0.0 }\n"
        let expected = #"{"a"={"n"=f:nan,"y"=f:2.5,"z"=f:-0.0},"b"=[i:1,s:"x",b:true]}"#
        #expect(Self.canonical(.table(TOML.parse(text).document)) == expected)
        #expect(Self.canonical(try TOMLKit.TOMLTable(string: text).tomlValue) == expected)
        #expect(Self.canonical(.table(TOML.parse("a = 1").document)) != Self.canonical(try TOMLKit.TOMLTable(string: "a = 1.0").tomlValue))
    }

    @Test(arguments: validFiles)
    func validFilesMeanTheSameToBoth(_ file: URL) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        let (document, errors) = TOML.parse(text)
        #expect(errors == [], "\(file.lastPathComponent)")
        let theirs = try TOMLKit.TOMLTable(string: text)
        #expect(Self.canonical(.table(document)) == Self.canonical(theirs.tomlValue), "\(file.lastPathComponent)")
    }

    @Test(arguments: invalidFiles)
    func invalidFilesAreRefusedByBoth(_ file: URL) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(!TOML.parse(text).errors.isEmpty, "\(file.lastPathComponent)")
        #expect(throws: (any Error).self, "\(file.lastPathComponent)") { try TOMLKit.TOMLTable(string: text) }
    }
}
