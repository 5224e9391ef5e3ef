import MoteHAL
import MoteNode

/// An uplink queue's log in a file (`<state_dir>/<node>.queue`): appends and cuts fsync'd
/// before they return, and a whole rewrite (compaction, creation) replaces the file atomically,
/// directory fsync'd. Missing parent directories are made when the log is first written.
public struct QueueFile: QueueStorage {
    public let path: String
    public var name: String { path }

    public init(path: String) {
        self.path = path
    }

    public mutating func read() throws(QueueStorageError) -> [UInt8]? {
        let (bytes, errno) = Files.readBytes(path)
        if let errno {
            if errno == .ENOENT { return nil }
            throw QueueStorageError("cannot read the uplink queue \(path): \(errno.name)")
        }
        return bytes
    }

    public mutating func append(_ bytes: [UInt8]) throws(QueueStorageError) {
        if let errno = Files.append(path, bytes) { throw QueueStorageError("cannot append to the uplink queue \(path): \(errno.name)") }
    }

    public mutating func truncate(to length: Int) throws(QueueStorageError) {
        if let errno = Files.truncate(path, to: length) { throw QueueStorageError("cannot cut the uplink queue \(path): \(errno.name)") }
    }

    public mutating func replace(with bytes: [UInt8]) throws(QueueStorageError) {
        if let errno = Files.writeAtomically(path, bytes: bytes) { throw QueueStorageError("cannot write the uplink queue \(path): \(errno.name)") }
    }
}
