// Fuzz target: BoardConfiguration.parse on any text. No trap; nil exactly when there are
// errors; every error names the file and a place in the text.
import MoteNode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigBoard(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    let (board, errors) = BoardConfiguration.parse(text, file: "board.toml")
    invariant((board == nil) == !errors.isEmpty, "board and errors disagree: \(errors.count) errors")
    for error in errors {
        invariant(error.file == "board.toml", "error names another file: \(error)")
        invariant(isInText(text, line: error.position.line, column: error.position.column), "error outside the text: \(error)")
    }
    if let board {
        for pin in board.header { _ = board.lineName("pin\(pin.pin)") }
    }
    return 0
}
