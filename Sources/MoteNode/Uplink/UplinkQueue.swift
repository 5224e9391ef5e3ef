import MoteHAL

/// Why the storage under a queue failed: the operation, the file and the errno, in words.
public struct QueueStorageError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Where an uplink queue keeps its log: a file on the board, an array in tests. Every mutating
/// call returns only once what it did is durable (fsync'd, directory included where a name
/// changed).
public protocol QueueStorage {
    /// For messages: the file's path.
    var name: String { get }
    /// The whole log; nil when there is none yet.
    mutating func read() throws(QueueStorageError) -> [UInt8]?
    /// Adds `bytes` at the end.
    mutating func append(_ bytes: [UInt8]) throws(QueueStorageError)
    /// Cuts the log to its first `length` bytes.
    mutating func truncate(to length: Int) throws(QueueStorageError)
    /// Replaces the whole log so that a crash leaves the old one or the new one, never a mix.
    mutating func replace(with bytes: [UInt8]) throws(QueueStorageError)
}

/// A log in memory, for tests: faults can be injected, and `bytes` is what a crash would leave.
public struct MemoryQueueStorage: QueueStorage {
    public var name: String
    public var bytes: [UInt8]?
    /// The next append writes only this many bytes, then fails (a full disk, a torn write).
    public var tearNextAppend: Int?
    /// Every call fails.
    public var failing = false
    public private(set) var appends = 0
    public private(set) var replaces = 0

    public init(name: String = "memory", bytes: [UInt8]? = nil) {
        self.name = name
        self.bytes = bytes
    }

    public mutating func read() throws(QueueStorageError) -> [UInt8]? {
        if failing { throw QueueStorageError("cannot read \(name): injected fault") }
        return bytes
    }

    public mutating func append(_ more: [UInt8]) throws(QueueStorageError) {
        if failing { throw QueueStorageError("cannot append to \(name): injected fault") }
        if let keep = tearNextAppend {
            tearNextAppend = nil
            bytes = (bytes ?? []) + more.prefix(keep)
            throw QueueStorageError("cannot append to \(name): injected torn write")
        }
        bytes = (bytes ?? []) + more
        appends += 1
    }

    public mutating func truncate(to length: Int) throws(QueueStorageError) {
        if failing { throw QueueStorageError("cannot truncate \(name): injected fault") }
        if let current = bytes, length < current.count { bytes = Array(current.prefix(length)) }
    }

    public mutating func replace(with new: [UInt8]) throws(QueueStorageError) {
        if failing { throw QueueStorageError("cannot replace \(name): injected fault") }
        bytes = new
        replaces += 1
    }
}

public enum UplinkQueueError: Error, Equatable, Sendable {
    /// The storage failed (the message names the file and the errno).
    case storage(String)
    /// The file does not start with the queue's magic: not a queue, never overwritten.
    case notAQueue(file: String)
    /// A record that is not the last one fails its checksum, or a checksummed record makes no
    /// sense: accepted frames may be behind it, so the queue is not opened (see docs/uplink-queue.md).
    case corrupt(file: String, offset: Int, reason: String)
    /// A frame the record format cannot hold (format over 255 bytes, payload over 1024).
    case frameTooLarge(sequence: UInt32, bytes: Int)

    public var description: String {
        switch self {
        case .storage(let message): return message
        case .notAQueue(let file): return "uplink queue \(file) is not a Mote uplink queue (no MOTEQU1 header); move it aside"
        case .corrupt(let file, let offset, let reason):
            return "uplink queue \(file) is corrupt at byte \(offset): \(reason); records after it may hold accepted frames, "
                + "so the node does not start: keep the file for inspection and move it aside to start with an empty queue"
        case .frameTooLarge(let sequence, let bytes): return "frame #\(sequence) (\(bytes) bytes) is too large for the uplink queue"
        }
    }
}

/// What opening a queue found.
public struct QueueRecovery: Equatable, Sendable {
    /// Frames the log held.
    public var frames = 0
    /// Bytes of a torn last record (a crash mid-append) that were cut off.
    public var cutBytes = 0
    /// The oldest frames dropped because the log held more than the limit (a lower queue_limit).
    public var droppedOverLimit = 0
    public init() {}
}

/// CRC-32 as IEEE 802.3, zlib and PNG compute it (reflected 0x04C11DB7, init and xorout all
/// ones): a check against torn and flipped bytes, not against anyone malicious.
public enum CRC32 {
    public static func checksum(_ bytes: [UInt8], from start: Int = 0, count: Int? = nil) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        let end = start + (count ?? (bytes.count - start))
        var index = start
        while index < end {
            crc ^= UInt32(bytes[index])
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
            index += 1
        }
        return ~crc
    }
}

/// A bounded FIFO of frames kept in an append-only log, so that a frame once accepted survives
/// a crash, a power cut or a restart until it has been sent.
///
/// The log (docs/uplink-queue.md) is a magic, then records: a frame record per accepted frame,
/// and head records saying how many of the file's frame records have left the queue (sent,
/// dropped or rejected) plus the persistent drop and reject counts. Every change is one append,
/// durable before the call returns. Opening cuts a torn last record and keeps everything before
/// it; a bad record with good ones after it stops the open instead. Once the dead records
/// outweigh the live ones the log is rewritten with only the live ones (atomically).
public struct UplinkQueue<Storage: QueueStorage> {
    public static var magic: [UInt8] { Array("MOTEQU1\n".utf8) }
    static var frameKind: UInt8 { 0x46 }  // "F"
    static var headKind: UInt8 { 0x48 }  // "H"
    /// Record bodies above this are corrupt lengths, not frames.
    static var maximumBody: Int { 2048 }
    public static var maximumFrameBytes: Int { 1024 }

    public private(set) var storage: Storage
    public let limit: Int
    /// The log is rewritten once its dead bytes exceed both this and the live bytes.
    public var compactionThreshold = 65_536
    /// Frames dropped because the queue was full (oldest first), over the queue's whole life.
    public private(set) var dropped: UInt64 = 0
    /// Frames the transport refused for good, over the queue's whole life.
    public private(set) var rejected: UInt64 = 0
    public private(set) var recovery = QueueRecovery()
    /// Times the log was rewritten by this instance.
    public private(set) var compactions = 0

    /// The file's frame records in order; the first `removed` of them have left the queue.
    private var records: [Frame] = []
    private var removed = 0
    private var length = 0
    private var liveBytes = 0
    /// An append failed part-way and the cut back to `length` failed too: cut before the next.
    private var needsCut = false

    /// Opens the queue in `storage` (creating an empty log when there is none) and recovers
    /// what it holds.
    public init(storage: Storage, limit: Int) throws(UplinkQueueError) {
        self.storage = storage
        self.limit = max(limit, 1)
        let bytes: [UInt8]?
        do { bytes = try self.storage.read() } catch { throw .storage(error.message) }
        let magic = Self.magic
        guard let bytes, bytes.count >= magic.count else {
            // No log, or one cut short inside the magic: it was never a complete log (a log is
            // created whole, by `replace`), so nothing accepted is in it.
            if let bytes, !bytes.isEmpty, !magic.starts(with: bytes) { throw .notAQueue(file: self.storage.name) }
            try write(Self.compacted(frames: [], dropped: 0, rejected: 0))
            return
        }
        guard Array(bytes[0..<magic.count]) == magic else { throw .notAQueue(file: self.storage.name) }
        try load(bytes)
        recovery.frames = count
        if count > self.limit {
            let excess = count - self.limit
            recovery.droppedOverLimit = excess
            removed += excess
            dropped = Self.adding(dropped, UInt64(excess))
            recomputeLiveBytes()
            try appendRecords(headRecord())
        }
        try compactIfWorthIt()
    }

    /// Frames waiting.
    public var count: Int { records.count - removed }
    public var isEmpty: Bool { count == 0 }
    /// The oldest frame: the next to send.
    public var head: Frame? { isEmpty ? nil : records[removed] }
    /// The frames waiting, oldest first.
    public var frames: [Frame] { Array(records[removed...]) }
    /// Bytes in the log.
    public var logBytes: Int { length }

    /// Adds `frame` at the tail, returning once it is durable. When the queue is full the
    /// oldest frame is dropped (counted) in the same append, and returned.
    @discardableResult
    public mutating func append(_ frame: Frame) throws(UplinkQueueError) -> Frame? {
        let format = Array(frame.format.utf8)
        guard format.count <= 255, frame.bytes.count <= Self.maximumFrameBytes else {
            throw .frameTooLarge(sequence: frame.sequence, bytes: frame.bytes.count)
        }
        var bytes: [UInt8] = []
        var oldest: Frame?
        if count >= limit {
            oldest = head
            bytes += Self.record(Self.headBody(removed: removed + 1, dropped: Self.adding(dropped, 1), rejected: rejected))
        }
        let record = Self.record(Self.frameBody(frame))
        try appendRecords(bytes + record)
        if oldest != nil {
            liveBytes -= Self.record(Self.frameBody(records[removed])).count
            removed += 1
            dropped = Self.adding(dropped, 1)
        }
        records.append(frame)
        liveBytes += record.count
        if oldest != nil {
            // A full queue while the link is down: every drop leaves dead bytes, so compact here
            // too, or the log grows without end. The frame is already durable: a compaction
            // that fails leaves the log as it was and is tried again at the next drop.
            do { try compactIfWorthIt() } catch {}
        }
        return oldest
    }

    /// Takes the head off: it was sent, or (`rejected`) the transport refused it for good.
    /// Memory moves on even when the log cannot be written (then the frame comes again after a
    /// restart: at least once); the error says so.
    public mutating func removeHead(rejected isRejected: Bool = false) throws(UplinkQueueError) {
        guard let frame = head else { return }
        removed += 1
        if isRejected { rejected = Self.adding(rejected, 1) }
        liveBytes -= Self.record(Self.frameBody(frame)).count
        try appendRecords(headRecord())
        try compactIfWorthIt()
    }

    // MARK: the log

    private func headRecord() -> [UInt8] { Self.record(Self.headBody(removed: removed, dropped: dropped, rejected: rejected)) }

    private mutating func appendRecords(_ bytes: [UInt8]) throws(UplinkQueueError) {
        if needsCut {
            do { try storage.truncate(to: length) } catch { throw .storage(error.message) }
            needsCut = false
        }
        do {
            try storage.append(bytes)
        } catch {
            // A part of it may be in the file: cut it, so the next append does not land behind
            // a torn record (which the next open would take for corruption).
            do { try storage.truncate(to: length) } catch { needsCut = true }
            throw .storage(error.message)
        }
        length += bytes.count
    }

    private mutating func write(_ bytes: [UInt8]) throws(UplinkQueueError) {
        do { try storage.replace(with: bytes) } catch { throw .storage(error.message) }
        length = bytes.count
        needsCut = false
    }

    private mutating func compactIfWorthIt() throws(UplinkQueueError) {
        let dead = length - Self.magic.count - liveBytes
        guard dead > compactionThreshold, dead > liveBytes else { return }
        let live = frames
        try write(Self.compacted(frames: live, dropped: dropped, rejected: rejected))
        records = live
        removed = 0
        compactions += 1
    }

    private mutating func recomputeLiveBytes() {
        liveBytes = 0
        for frame in records[removed...] { liveBytes += Self.record(Self.frameBody(frame)).count }
    }

    static func compacted(frames: [Frame], dropped: UInt64, rejected: UInt64) -> [UInt8] {
        var bytes = magic + record(headBody(removed: 0, dropped: dropped, rejected: rejected))
        for frame in frames { bytes += record(frameBody(frame)) }
        return bytes
    }

    /// Reads every record; a torn tail is cut (durably, before anything is appended behind it).
    private mutating func load(_ bytes: [UInt8]) throws(UplinkQueueError) {
        var offset = Self.magic.count
        while offset < bytes.count {
            if let size = Self.validRecord(bytes, at: offset) {
                try apply(bytes, body: offset + 8, count: size - 8, at: offset)
                offset += size
                continue
            }
            // Not a whole good record. The last append torn by a crash looks like this; a bad
            // record with a good one anywhere after it does not, and may hide accepted frames.
            var probe = offset + 1
            while probe + 9 <= bytes.count {
                if Self.validRecord(bytes, at: probe) != nil {
                    throw .corrupt(file: storage.name, offset: offset,
                                   reason: "a record fails its checksum and \(bytes.count - probe) bytes of good records follow it")
                }
                probe += 1
            }
            recovery.cutBytes = bytes.count - offset
            do { try storage.truncate(to: offset) } catch { throw .storage(error.message) }
            break
        }
        length = offset
        recomputeLiveBytes()
    }

    /// The size of the whole record at `offset` when its length fits and its checksum holds.
    static func validRecord(_ bytes: [UInt8], at offset: Int) -> Int? {
        guard offset + 8 <= bytes.count else { return nil }
        // Compared as read: on a 32-bit board Int(2^31...) would trap on a torn tail's payload bytes.
        let length = readU32(bytes, offset)
        guard length >= 1, length <= UInt32(maximumBody) else { return nil }
        let body = Int(length)
        guard offset + 8 + body <= bytes.count else { return nil }
        guard CRC32.checksum(bytes, from: offset + 8, count: body) == readU32(bytes, offset + 4) else { return nil }
        let kind = bytes[offset + 8]
        guard kind == frameKind || kind == headKind else { return nil }
        return 8 + body
    }

    private mutating func apply(_ bytes: [UInt8], body start: Int, count size: Int, at offset: Int) throws(UplinkQueueError) {
        if bytes[start] == Self.headKind {
            guard size == 25 else { throw .corrupt(file: storage.name, offset: offset, reason: "a head record of \(size) bytes, not 25") }
            let newRemoved = Self.readU64(bytes, start + 1), newDropped = Self.readU64(bytes, start + 9), newRejected = Self.readU64(bytes, start + 17)
            guard newRemoved <= UInt64(records.count), newRemoved >= UInt64(removed) else {
                throw .corrupt(file: storage.name, offset: offset,
                               reason: "the head record says \(newRemoved) frames left the queue, with \(removed) gone of \(records.count) before it")
            }
            removed = Int(newRemoved)
            dropped = newDropped
            rejected = newRejected
            return
        }
        guard size >= 7, 7 + Int(bytes[start + 6]) <= size else {
            throw .corrupt(file: storage.name, offset: offset, reason: "a frame record of \(size) bytes cannot hold its format name")
        }
        let formatLength = Int(bytes[start + 6])
        let format = String(decoding: bytes[(start + 7)..<(start + 7 + formatLength)], as: UTF8.self)
        let payload = Array(bytes[(start + 7 + formatLength)..<(start + size)])
        records.append(Frame(sequence: Self.readU32(bytes, start + 1), port: bytes[start + 5], format: format, bytes: payload))
    }

    /// The lifetime counts saturate: a log's head record may say any count (its checksum only
    /// says it is the one written), and one more must not trap the node.
    static func adding(_ count: UInt64, _ more: UInt64) -> UInt64 {
        let (sum, overflow) = count.addingReportingOverflow(more)
        return overflow ? .max : sum
    }

    // MARK: encoding (little-endian)

    static func record(_ body: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + body.count)
        appendU32(&bytes, UInt32(body.count))
        appendU32(&bytes, CRC32.checksum(body))
        return bytes + body
    }

    static func frameBody(_ frame: Frame) -> [UInt8] {
        let format = Array(frame.format.utf8)
        var body: [UInt8] = [frameKind]
        appendU32(&body, frame.sequence)
        body.append(frame.port)
        body.append(UInt8(truncatingIfNeeded: format.count))
        return body + format + frame.bytes
    }

    static func headBody(removed: Int, dropped: UInt64, rejected: UInt64) -> [UInt8] {
        var body: [UInt8] = [headKind]
        appendU64(&body, UInt64(removed))
        appendU64(&body, dropped)
        appendU64(&body, rejected)
        return body
    }

    static func appendU32(_ bytes: inout [UInt8], _ value: UInt32) {
        for shift in [0, 8, 16, 24] { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    static func appendU64(_ bytes: inout [UInt8], _ value: UInt64) {
        for shift in [0, 8, 16, 24, 32, 40, 48, 56] { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    static func readU32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << UInt32(8 * index) }
        return value
    }

    static func readU64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        return value
    }
}
