import Glibc
import Testing
import MoteHAL
import MoteLinux
import MoteNode

/// A clock that moves only when told.
final class SteppedClock: Clock {
    var instant = Instant.zero
    func now() -> Instant { instant }
    func sleep(until deadline: Instant) { if instant < deadline { instant = deadline } }
}

/// The uplink queue on real files in a temporary directory.
@Suite struct QueueFileTests {
    let directory: String

    init() {
        var template = Array("/tmp/mote-queue-test-XXXXXX".utf8CString)
        directory = String(cString: mkdtemp(&template)!)
    }

    func frame(_ sequence: UInt32) -> Frame {
        Frame(sequence: sequence, port: 2, format: "cayennelpp", bytes: [0x01, 0x67, 0x00, UInt8(sequence & 0xFF)])
    }

    func size(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : -1
    }

    @Test func framesSurviveCloseAndReopen() throws {
        let path = directory + "/state/node.queue"  // the directory is made too
        var queue = try UplinkQueue(storage: QueueFile(path: path), limit: 100)
        for sequence in 0..<5 { try queue.append(frame(UInt32(sequence))) }
        try queue.removeHead()
        #expect(size(path) == 8 + 33 + 5 * 29 + 33)
        let reopened = try UplinkQueue(storage: QueueFile(path: path), limit: 100)
        #expect(reopened.frames.map(\.sequence) == [1, 2, 3, 4])
        #expect(reopened.frames[3] == frame(4))
        #expect(reopened.recovery.cutBytes == 0)
    }

    @Test func aTruncatedFileLosesOnlyTheTornRecord() throws {
        let path = directory + "/node.queue"
        var queue = try UplinkQueue(storage: QueueFile(path: path), limit: 100)
        for sequence in 0..<3 { try queue.append(frame(UInt32(sequence))) }
        #expect(truncate(path, off_t(size(path) - 10)) == 0)  // a power cut inside the last append
        let reopened = try UplinkQueue(storage: QueueFile(path: path), limit: 100)
        #expect(reopened.frames.map(\.sequence) == [0, 1])
        #expect(reopened.recovery.cutBytes == 19)
        #expect(size(path) == 8 + 33 + 2 * 29)  // cut on disk, so the next append follows a good record
        var again = reopened
        try again.append(frame(9))
        #expect(try UplinkQueue(storage: QueueFile(path: path), limit: 100).frames.map(\.sequence) == [0, 1, 9])
    }

    @Test func aCorruptedRecordStopsTheOpenAndNamesTheFile() throws {
        let path = directory + "/node.queue"
        var queue = try UplinkQueue(storage: QueueFile(path: path), limit: 100)
        for sequence in 0..<3 { try queue.append(frame(UInt32(sequence))) }
        let fd = open(path, O_WRONLY)
        var byte: UInt8 = 0xFF
        #expect(pwrite(fd, &byte, 1, off_t(8 + 33 + 29 + 20)) == 1)  // inside frame 1's record
        close(fd)
        let before = size(path)
        #expect(throws: UplinkQueueError.corrupt(file: path, offset: 8 + 33 + 29,
                                                 reason: "a record fails its checksum and 29 bytes of good records follow it")) {
            _ = try UplinkQueue(storage: QueueFile(path: path), limit: 100)
        }
        #expect(size(path) == before)  // left as it was, for whoever looks into it
    }

    @Test func anUnreadableQueueSaysWhy() {
        let path = directory + "/node.queue"
        #expect(mkdir(path, 0o700) == 0)  // a directory where the file should be
        #expect(throws: UplinkQueueError.storage("cannot read the uplink queue \(path): EISDIR")) {
            _ = try UplinkQueue(storage: QueueFile(path: path), limit: 100)
        }
    }

    @Test func compactionReplacesTheFile() throws {
        let path = directory + "/node.queue"
        var queue = try UplinkQueue(storage: QueueFile(path: path), limit: 100)
        queue.compactionThreshold = 200  // dead after k pops: 33 + 62k, 219 at the third
        for sequence in 0..<4 { try queue.append(frame(UInt32(sequence))) }
        for _ in 0..<3 { try queue.removeHead() }
        #expect(queue.compactions == 1)
        #expect(size(path) == 8 + 33 + 29)
        #expect(!Files.exists(path + ".tmp"))
        #expect(try UplinkQueue(storage: QueueFile(path: path), limit: 100).frames == [frame(3)])
    }

    @Test func theFileTransportWritesTheFrameEventLine() throws {
        let path = directory + "/out/frames.jsonl"
        let clock = SteppedClock()
        var transport = FileTransport(path: path, clock: clock)
        #expect(transport.connect() == .ready)
        clock.sleep(until: .zero + .milliseconds(10_009))
        #expect(transport.send(frame(3), confirmed: false) == .sent(acknowledged: nil, downlink: nil))
        #expect(Files.read(path) == "{\"type\":\"frame\",\"t\":10009,\"seq\":3,\"port\":2,\"format\":\"cayennelpp\",\"size\":4,\"hex\":\"01670003\"}\n")
        // A line cut short (a power cut mid-write) is ended before the next.
        _ = Files.append(path, Array("{\"type\":\"fra".utf8))
        #expect(transport.connect() == .ready)
        _ = transport.send(frame(4), confirmed: false)
        let lines = (Files.read(path) ?? "").split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1] == "{\"type\":\"fra")
    }
}
