// Shared by every fuzz target (scripts/fuzz compiles it into each one): the input as bytes, and
// a failed invariant as a trap, so libFuzzer keeps the input that broke it.

/// The fuzzer's input, copied out of its buffer.
func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Traps with the invariant's name when it does not hold.
func invariant(_ holds: Bool, _ what: @autoclosure () -> String) {
    if !holds { fatalError("fuzz invariant broken: " + what()) }
}

/// Whether (line, column) names a place in `text` or just past a line's end: lines count from 1
/// at each LF, columns from 1 in Unicode scalars, as TOMLPosition does.
func isInText(_ text: String, line: Int, column: Int) -> Bool {
    let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
    guard line >= 1, line <= lines.count, column >= 1 else { return false }
    let scalars = lines[line - 1].reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
    return column <= scalars + 1
}
