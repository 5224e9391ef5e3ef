import CFiles

/// What /dev, /sys and /proc say, for lookups and error messages that list what exists.
public enum Files {
    /// Names in `directory` starting with `prefix`, sorted; empty when the directory is missing.
    public static func list(_ directory: String, prefix: String = "") -> [String] {
        var buffer: [CChar] = Array(repeating: 0, count: 8192)
        let count = directory.withCString { d in
            prefix.withCString { p in
                buffer.withUnsafeMutableBufferPointer { mote_files_list(d, p, $0.baseAddress, $0.count) }
            }
        }
        guard count > 0 else { return [] }
        let bytes = buffer[0..<Int(count)].map { UInt8(bitPattern: $0) }
        return bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file's text, or nil when it cannot be read.
    public static func read(_ path: String, maximumLength: Int = 4096) -> String? {
        var buffer: [CChar] = Array(repeating: 0, count: maximumLength + 1)
        let count = path.withCString { p in
            buffer.withUnsafeMutableBufferPointer { mote_files_read(p, $0.baseAddress, $0.count) }
        }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<Int(count)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func exists(_ path: String) -> Bool {
        path.withCString { mote_files_exists($0) } == 0
    }
}
