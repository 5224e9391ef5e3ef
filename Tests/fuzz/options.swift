// Fuzz target: the `mote` option parser, arguments split from the input at NUL bytes. No trap;
// a usage error has a message; an accepted command line parses the same twice.
import MoteCLI

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOptions(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    let arguments = bytes.isEmpty ? [] : bytes.split(separator: 0, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    switch Options.parse(arguments) {
    case .failure(let error):
        invariant(!error.message.isEmpty, "usage error without a message")
    case .success(let options):
        invariant(Options.parse(arguments) == .success(options), "two parses of one command line differ")
        invariant(options.frames.map { $0 > 0 } ?? true, "--frames accepted \(options.frames ?? 0)")
        invariant(options.i2cAddress == 0x76 || options.i2cAddress == 0x77, "BME280 address \(options.i2cAddress)")
    }
    return 0
}
