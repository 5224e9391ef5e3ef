// Fuzz target: TOML.parse on any text. No trap, every error inside the text, errors sorted,
// the same errors twice (not the same document: `nan` is not equal to itself).
import MoteNode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigTOML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    let errors = TOML.parse(text).errors
    for error in errors {
        invariant(isInText(text, line: error.position.line, column: error.position.column), "error outside the text: \(error)")
        invariant(!error.message.isEmpty, "error without a message at \(error.position)")
    }
    invariant(zip(errors, errors.dropFirst()).allSatisfy { !($1.position < $0.position) }, "errors not sorted by position")
    invariant(TOML.parse(text).errors == errors, "two parses of one text give different errors")
    return 0
}
