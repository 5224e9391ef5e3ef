// Fuzz target: NodeConfiguration.parse on any text. No trap; nil exactly when there are errors;
// every error names the file and a place in the text.
import MoteNode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigNode(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    let (configuration, errors) = NodeConfiguration.parse(text, file: "fuzz.toml")
    invariant((configuration == nil) == !errors.isEmpty, "configuration and errors disagree: \(errors.count) errors")
    for error in errors {
        invariant(error.file == "fuzz.toml", "error names another file: \(error)")
        invariant(isInText(text, line: error.position.line, column: error.position.column), "error outside the text: \(error)")
        invariant(!error.message.isEmpty, "error without a message: \(error)")
    }
    return 0
}
