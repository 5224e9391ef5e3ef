import CFiles
import MoteHAL

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

    /// The file's text, or nil when it cannot be read or is longer than `maximumLength` (never
    /// a silently cut-off prefix).
    public static func read(_ path: String, maximumLength: Int = 4096) -> String? {
        var buffer: [CChar] = Array(repeating: 0, count: maximumLength + 2)
        let count = path.withCString { p in
            buffer.withUnsafeMutableBufferPointer { mote_files_read(p, $0.baseAddress, $0.count) }
        }
        guard count >= 0, Int(count) <= maximumLength else { return nil }
        return String(decoding: buffer[0..<Int(count)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Replaces the file atomically and durably (see mote_files_write_atomic): a crash leaves
    /// the old contents or the new, never a mix. Creates missing parent directories.
    public static func writeAtomically(_ path: String, _ text: String) -> Errno? {
        let directory = directory(of: path)
        if directory != "." && directory != "/" {
            let made = directory.withCString { mote_files_make_directories($0) }
            if made != 0 { return Errno(-made) }
        }
        let bytes = Array(text.utf8)
        let rc = path.withCString { p in bytes.withUnsafeBufferPointer { mote_files_write_atomic(p, $0.baseAddress, $0.count) } }
        return rc == 0 ? nil : Errno(-rc)
    }

    /// Replaces the file with `bytes`, atomically and durably, as `writeAtomically` does.
    public static func writeAtomically(_ path: String, bytes: [UInt8]) -> Errno? {
        let directory = directory(of: path)
        if directory != "." && directory != "/" {
            let made = directory.withCString { mote_files_make_directories($0) }
            if made != 0 { return Errno(-made) }
        }
        let rc = path.withCString { p in bytes.withUnsafeBufferPointer { mote_files_write_atomic(p, $0.baseAddress, $0.count) } }
        return rc == 0 ? nil : Errno(-rc)
    }

    /// The whole file, binary; or the errno when it cannot be read.
    public static func readBytes(_ path: String) -> (bytes: [UInt8]?, errno: Errno?) {
        let size = path.withCString { mote_files_size($0) }
        guard size >= 0 else { return (nil, Errno(Int32(-size))) }
        // One byte more than the size: a file that grew meanwhile is read again, never cut.
        var buffer = [UInt8](repeating: 0, count: Int(size) + 1)
        let count = path.withCString { p in buffer.withUnsafeMutableBufferPointer { mote_files_read_bytes(p, $0.baseAddress, $0.count) } }
        guard count >= 0 else { return (nil, Errno(Int32(-count))) }
        if Int(count) > Int(size) { return readBytes(path) }
        return (Array(buffer[0..<Int(count)]), nil)
    }

    /// Streams the file through one buffer of `chunkSize` bytes: `body` gets each chunk in
    /// order (only the last may be shorter), so memory stays at one chunk whatever the file's
    /// size. Returns the errno when the file cannot be opened or a read fails (the chunks
    /// before the failure have been handed over).
    public static func readChunks(_ path: String, chunkSize: Int = 65_536, _ body: (ArraySlice<UInt8>) -> Void) -> Errno? {
        precondition(chunkSize > 0, "a chunk of at least one byte")
        let fd = path.withCString { mote_files_open_read($0) }
        guard fd >= 0 else { return Errno(-fd) }
        defer { _ = mote_files_close(fd) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            // A full chunk unless the file ends: a pipe or a slow file system may hand over less.
            var filled = 0
            while filled < chunkSize {
                let count = buffer.withUnsafeMutableBufferPointer { mote_files_read_next(fd, $0.baseAddress! + filled, chunkSize - filled) }
                if count < 0 { return Errno(Int32(-count)) }
                if count == 0 { break }
                filled += Int(count)
            }
            if filled > 0 { body(buffer[0..<filled]) }
            if filled < chunkSize { return nil }
        }
    }

    /// Appends `bytes` to the existing file and fsyncs it (never creates the file).
    public static func append(_ path: String, _ bytes: [UInt8]) -> Errno? {
        let rc = path.withCString { p in bytes.withUnsafeBufferPointer { mote_files_append(p, $0.baseAddress, $0.count) } }
        return rc == 0 ? nil : Errno(-rc)
    }

    /// Cuts the file to `length` bytes and fsyncs it.
    public static func truncate(_ path: String, to length: Int) -> Errno? {
        let rc = path.withCString { mote_files_truncate($0, Int64(length)) }
        return rc == 0 ? nil : Errno(-rc)
    }

    /// The directory part of a path: "/etc/mote" of "/etc/mote/node.toml", "." of "node.toml".
    public static func directory(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        return slash == path.utf8.startIndex ? "/" : String(path[..<slash])
    }

    /// The file's size in bytes (links followed); nil when it cannot be looked at.
    public static func size(_ path: String) -> Int64? {
        let size = path.withCString { mote_files_size($0) }
        return size >= 0 ? size : nil
    }

    public static func exists(_ path: String) -> Bool {
        path.withCString { mote_files_exists($0) } == 0
    }

    // The update slots' steps (SlotStore): each durable before it returns.

    /// Copies `from` to `to` (replaced if there) with `mode`, fsync'd; not its directory.
    public static func copy(_ from: String, to: String, mode: UInt32) -> Errno? {
        let rc = from.withCString { f in to.withCString { mote_files_copy(f, $0, mode) } }
        return rc == 0 ? nil : Errno(-rc)
    }

    /// rename(2), with both names' directories fsync'd.
    public static func rename(_ from: String, to: String) -> Errno? {
        let rc = from.withCString { f in to.withCString { mote_files_rename(f, $0) } }
        return rc == 0 ? nil : Errno(-rc)
    }

    /// fsync of a file or a directory (what makes the names in a directory durable).
    public static func sync(_ path: String) -> Errno? {
        let rc = path.withCString { mote_files_sync($0) }
        return rc == 0 ? nil : Errno(-rc)
    }

    /// Points the symbolic link `path` at `target` atomically (a new link renamed over the
    /// old, directory fsync'd): a reader sees the old target or the new one, never neither.
    public static func link(_ path: String, to target: String) -> Errno? {
        let rc = target.withCString { t in path.withCString { mote_files_symlink_atomic(t, $0) } }
        return rc == 0 ? nil : Errno(-rc)
    }

    /// The target of a symbolic link as written (relative or absolute); nil when `path` is no link.
    public static func readLink(_ path: String) -> String? {
        var buffer: [CChar] = Array(repeating: 0, count: 4096)
        let count = path.withCString { p in buffer.withUnsafeMutableBufferPointer { mote_files_readlink(p, $0.baseAddress, $0.count) } }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<Int(count)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// One new directory (the parent must exist), durable in its parent; EEXIST when there.
    public static func makeDirectory(_ path: String, mode: UInt32) -> Errno? {
        let rc = path.withCString { mote_files_make_directory($0, mode) }
        return rc == 0 ? nil : Errno(-rc)
    }

    /// Removes a file, a link or an empty directory, durably.
    public static func remove(_ path: String) -> Errno? {
        let rc = path.withCString { mote_files_remove($0) }
        return rc == 0 ? nil : Errno(-rc)
    }

    /// Removes a directory and all under it (links are removed, never followed), durably;
    /// nil when it was not there.
    public static func removeTree(_ path: String) -> Errno? {
        let rc = path.withCString { mote_files_remove_tree($0) }
        return rc == 0 ? nil : Errno(-rc)
    }

    public static func chmod(_ path: String, mode: UInt32) -> Errno? {
        let rc = path.withCString { mote_files_chmod($0, mode) }
        return rc == 0 ? nil : Errno(-rc)
    }

    public enum Kind: Equatable { case directory, file, symbolicLink, other }

    /// What `path` itself is (a link is not followed); nil when nothing is there.
    public static func kind(_ path: String) -> Kind? {
        switch path.withCString({ mote_files_kind($0) }) {
        case 1: return .directory
        case 2: return .file
        case 3: return .symbolicLink
        case 4: return .other
        default: return nil
        }
    }
}
