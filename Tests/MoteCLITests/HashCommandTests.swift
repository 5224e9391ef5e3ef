import Testing
@testable import MoteCLI

@Suite struct HashCommandTests {
    static let digest = [UInt8](repeating: 0xab, count: 32)
    static let hex = String(repeating: "ab", count: 32)

    @Test func aPlainNameIsPrintedAsSha256sumDoes() {
        #expect(HashCommand.line(digest: Self.digest, file: "out/image.bin") == Self.hex + "  out/image.bin")
        #expect(HashCommand.line(digest: Self.digest, file: "ä b") == Self.hex + "  ä b")
    }

    /// coreutils 9.1: a name with a backslash, newline or carriage return gets a leading
    /// backslash and those escaped (checked against sha256sum on this machine).
    @Test func backslashNewlineAndReturnAreEscaped() {
        #expect(HashCommand.line(digest: Self.digest, file: "a\\b") == "\\" + Self.hex + "  a\\\\b")
        #expect(HashCommand.line(digest: Self.digest, file: "a\nb") == "\\" + Self.hex + "  a\\nb")
        #expect(HashCommand.line(digest: Self.digest, file: "a\rb") == "\\" + Self.hex + "  a\\rb")
    }
}
