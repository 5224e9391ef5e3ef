import Foundation
import Testing
import MoteNode

/// Inputs scripts/fuzz found, kept in Tests/fuzz/regressions/<target>/ and fed through the API
/// the fuzz target used, with the exact errors they must give.
@Suite struct FuzzRegressionTests {
    static let regressions = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fuzz/regressions")

    func input(_ target: String, _ name: String) throws -> String {
        let data = try Data(contentsOf: Self.regressions.appendingPathComponent(target).appendingPathComponent(name))
        return String(decoding: data, as: UTF8.self)
    }

    func error(_ line: Int, _ column: Int, _ message: String) -> TOMLError {
        TOMLError(position: TOMLPosition(line: line, column: column), message: message)
    }

    static let escapeMessage = "invalid escape end of line in a string (allowed: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)"

    /// `"\` LF LF `p`: the invalid escape took the newline with it, so recovery skipped a line
    /// without counting it and every later error named the line above its own.
    @Test func anEscapedNewlineKeepsTheLineCount() throws {
        let text = try input("config-toml", "escaped-newline-loses-a-line")
        #expect(Array(text.utf8) == [0x22, 0x5C, 0x0A, 0x0A, 0x70])
        #expect(TOML.parse(text).errors == [
            error(1, 2, Self.escapeMessage),
            error(3, 2, "expected '=' after key 'p', found end of file"),
        ])
        // The same on the line of a value, with an error two lines further down.
        #expect(TOML.parse("a = \"\\\nb = 1\nc = 2 3\n").errors == [
            error(1, 6, Self.escapeMessage),
            error(3, 7, "unexpected '3' after the end of a value or header; expected a comment or a new line"),
        ])
    }

    @Test func anEscapedNewlineKeepsTheLineCountInANodeFile() throws {
        let text = try input("config-node", "escaped-newline-loses-a-line")
        #expect(Array(text.utf8) == [0x22, 0x5C, 0x0A, 0x0A, 0x69])
        let (configuration, errors) = NodeConfiguration.parse(text, file: "node.toml")
        #expect(configuration == nil)
        #expect(errors.map(\.description) == [
            "node.toml:1:1: node: missing (required)",
            "node.toml:1:1: sensor: a node needs at least one [[sensor]]",
            "node.toml:1:2: " + Self.escapeMessage,
            "node.toml:3:2: expected '=' after key 'i', found end of file",
        ])
    }
}
