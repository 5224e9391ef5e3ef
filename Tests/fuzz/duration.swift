// Fuzz target: DurationText.parse on any text. No trap; a parsed duration is whole milliseconds,
// not negative, and reads back from its own formatting.
import MoteHAL
import MoteNode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDuration(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    guard let span = DurationText.parse(text) else { return 0 }
    invariant(span.nanoseconds >= 0, "negative duration from '\(text)'")
    invariant(span.nanoseconds % 1_000_000 == 0, "'\(text)' is not whole milliseconds")
    let formatted = DurationText.format(span)
    invariant(DurationText.parse(formatted) == span, "'\(text)' formats as '\(formatted)', which reads back differently")
    return 0
}
