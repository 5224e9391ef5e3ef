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

    func bytes(_ target: String, _ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.regressions.appendingPathComponent(target).appendingPathComponent(name)))
    }

    func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
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

    // queue-file inputs: a control byte (limit = low 3 bits + 1; bits 3-4 = 0: the rest is the
    // file as it is), then the log. The logs and the records expected after them were written
    // with Python's struct and zlib.crc32 (docs/uplink-queue.md's format).

    static let cayenneFrame = Frame(sequence: 7, port: 2, format: "cayennelpp", bytes: [0x01, 0x67, 0x00, 0xD7])

    /// A head record saying 2^64 - 1 frames were rejected: the next rejection trapped on the
    /// overflow (`rejected += 1`). The count now stays at its maximum, and the log reopens.
    @Test func aRejectedCountAtItsMaximumStaysThere() throws {
        let input = try bytes("queue-file", "rejected-count-at-max")
        let log = hex("4d4f54455155310a19000000b4068f3a4800000000000000000000000000000000ffffffffffffffff"
                      + "150000006ead7b694607000000020a636179656e6e656c7070016700d7")
        #expect(input == [0x00] + log)
        var queue = try UplinkQueue(storage: MemoryQueueStorage(bytes: log), limit: 1)
        #expect(queue.frames == [Self.cayenneFrame])
        #expect(queue.rejected == UInt64.max)
        try queue.removeHead(rejected: true)
        #expect(queue.count == 0)
        #expect(queue.rejected == UInt64.max)
        #expect(queue.storage.bytes == log + hex("190000009363aabb4801000000000000000000000000000000ffffffffffffffff"))
        let reopened = try UplinkQueue(storage: MemoryQueueStorage(bytes: queue.storage.bytes), limit: 1)
        #expect(reopened.count == 0 && reopened.rejected == UInt64.max && reopened.dropped == 0)
    }

    /// A head record saying 2^64 - 1 frames were dropped, and a full queue: the next append
    /// trapped on `dropped + 1`. It now drops the oldest frame with the count at its maximum.
    @Test func aDroppedCountAtItsMaximumStaysThere() throws {
        let input = try bytes("queue-file", "dropped-count-at-max")
        let log = hex("4d4f54455155310a19000000fb8b87e9480000000000000000ffffffffffffffff0000000000000000"
                      + "150000006ead7b694607000000020a636179656e6e656c7070016700d7")
        #expect(input == [0x00] + log)
        var queue = try UplinkQueue(storage: MemoryQueueStorage(bytes: log), limit: 1)
        #expect(queue.dropped == UInt64.max)
        let next = Frame(sequence: 8, port: 3, format: "compact", bytes: [0x40, 0x84, 0xD2])
        #expect(try queue.append(next) == Self.cayenneFrame)
        #expect(queue.frames == [next])
        #expect(queue.dropped == UInt64.max)
        #expect(queue.storage.bytes == log + hex("19000000dceea268480100000000000000ffffffffffffffff0000000000000000"
                                                 + "11000000e46a68be46080000000307636f6d706163744084d2"))
        let reopened = try UplinkQueue(storage: MemoryQueueStorage(bytes: queue.storage.bytes), limit: 1)
        #expect(reopened.frames == [next] && reopened.dropped == UInt64.max && reopened.rejected == 0)
    }
}
