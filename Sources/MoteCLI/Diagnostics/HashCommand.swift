import MoteHAL
import MoteLinux
import MoteNode

/// `mote --sha256 FILE...`: the SHA-256 of files as `sha256sum` prints it, through the same
/// libcrypto and chunked reads the update verifier uses on a target file; for checking a
/// download by hand and for the bench (hashing throughput, memory flat in the file's size).
enum HashCommand {
    static let usage = "usage: mote --sha256 FILE...   (prints what sha256sum FILE... prints)"
    /// Read and hashed a chunk at a time: memory stays at one chunk, whatever the file's size.
    static let chunkSize = 64 * 1024

    static func run(_ files: [String]) -> Int32 {
        guard !files.isEmpty else { return Report.usage(UsageError("--sha256 needs at least one file"), usage) }
        for file in files where file.hasPrefix("-") {
            return Report.usage(UsageError("--sha256 takes files only, not '\(file)'"), usage)
        }
        if let reason = LibCrypto.unavailable { return Report.fail("--sha256: " + reason) }
        var status = ExitCode.ok
        for file in files {
            let hasher = LibCrypto.SHA256()
            if let errno = Files.readChunks(file, chunkSize: chunkSize, { hasher.update($0) }) {
                status = Report.fail("\(file): cannot read (\(errno.name))")
                continue
            }
            Console.line(line(digest: hasher.finalize(), file: file))
        }
        return status
    }

    /// `<hex>  FILE`, or, as coreutils 9 writes a name holding a backslash, newline or carriage
    /// return, `\<hex>  FILE` with those escaped.
    static func line(digest: [UInt8], file: String) -> String {
        var escaped: [UInt8] = []
        var escapes = false
        for byte in file.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]; escapes = true
            case 0x0A: escaped += [UInt8(ascii: "\\"), UInt8(ascii: "n")]; escapes = true
            case 0x0D: escaped += [UInt8(ascii: "\\"), UInt8(ascii: "r")]; escapes = true
            default: escaped.append(byte)
            }
        }
        return (escapes ? "\\" : "") + Hex.encode(digest) + "  " + String(decoding: escaped, as: UTF8.self)
    }
}
