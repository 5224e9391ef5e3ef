import Testing
import MoteHAL
import MoteNode

func frame(_ sequence: UInt32, _ bytes: [UInt8] = [0x01, 0x67, 0x00, 0xFB]) -> Frame {
    Frame(sequence: sequence, port: 1, format: "cayennelpp", bytes: bytes)
}

@Suite struct UplinkQueueTests {
    typealias Queue = UplinkQueue<MemoryQueueStorage>

    @Test func crc32IsZlibs() {
        // The CRC catalogue's check value of CRC-32/ISO-HDLC (what zlib.crc32 computes).
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
    }

    @Test func aNewQueueIsTheMagicAndAHeadRecord() throws {
        let queue = try Queue(storage: MemoryQueueStorage(), limit: 10)
        // "MOTEQU1\n", length 25, CRC-32 of the body (zlib.crc32 of 0x48 + 24 zero bytes), 'H', removed 0, dropped 0, rejected 0.
        #expect(queue.storage.bytes == Array("MOTEQU1\n".utf8) + [25, 0, 0, 0, 0xC1, 0x06, 0xE9, 0x7E, 0x48] + [UInt8](repeating: 0, count: 24))
    }

    @Test func aFrameRecordHasTheDocumentedLayout() throws {
        var queue = try Queue(storage: MemoryQueueStorage(), limit: 10)
        let before = queue.storage.bytes!.count
        try queue.append(Frame(sequence: 0x0102_0304, port: 2, format: "lpp", bytes: [0xAA, 0xBB]))
        let body: [UInt8] = [0x46, 0x04, 0x03, 0x02, 0x01, 0x02, 3, 0x6C, 0x70, 0x70, 0xAA, 0xBB]
        // zlib.crc32(bytes.fromhex("46040302010203" "6c7070" "aabb")) == 0x67653b86
        #expect(Array(queue.storage.bytes![before...]) == [12, 0, 0, 0, 0x86, 0x3B, 0x65, 0x67] + body)
    }

    @Test func framesComeOutInOrderAndSurviveAReopen() throws {
        var queue = try Queue(storage: MemoryQueueStorage(), limit: 10)
        for sequence in 0..<5 { try queue.append(frame(UInt32(sequence))) }
        try queue.removeHead()
        try queue.removeHead()
        #expect(queue.frames.map(\.sequence) == [2, 3, 4])
        let reopened = try Queue(storage: queue.storage, limit: 10)
        #expect(reopened.frames == queue.frames)
        #expect(reopened.recovery == { var r = QueueRecovery(); r.frames = 3; return r }())
        #expect(reopened.head == frame(2))
    }

    @Test func aFullQueueDropsTheOldestAndCountsItAcrossReopens() throws {
        var queue = try Queue(storage: MemoryQueueStorage(), limit: 3)
        var droppedFrames: [UInt32] = []
        for sequence in 0..<7 {
            if let dropped = try queue.append(frame(UInt32(sequence))) { droppedFrames.append(dropped.sequence) }
        }
        #expect(droppedFrames == [0, 1, 2, 3])
        #expect(queue.frames.map(\.sequence) == [4, 5, 6])
        #expect(queue.dropped == 4)
        try queue.removeHead(rejected: true)
        var reopened = try Queue(storage: queue.storage, limit: 3)
        #expect(reopened.dropped == 4)
        #expect(reopened.rejected == 1)
        #expect(reopened.frames.map(\.sequence) == [5, 6])
        // A lower limit at the next start: the oldest go, counted.
        try reopened.append(frame(7))
        let smaller = try Queue(storage: reopened.storage, limit: 1)
        #expect(smaller.frames.map(\.sequence) == [7])
        #expect(smaller.recovery.droppedOverLimit == 2)
        #expect(smaller.dropped == 6)
        #expect(try Queue(storage: smaller.storage, limit: 1).dropped == 6)
    }

    @Test func aTornLastRecordIsCutAtEveryByteOffset() throws {
        var queue = try Queue(storage: MemoryQueueStorage(), limit: 10)
        for sequence in 0..<3 { try queue.append(frame(UInt32(sequence))) }
        let whole = queue.storage.bytes!
        let lastRecord = 8 + 1 + 4 + 1 + 1 + 10 + 4  // header, kind, seq, port, format length, "cayennelpp", payload
        try queue.append(frame(3, [0x02, 0x68, 0x66]))
        let withLast = queue.storage.bytes!
        #expect(withLast.count == whole.count + lastRecord - 1)
        for keep in 0..<(withLast.count - whole.count) {
            let torn = MemoryQueueStorage(bytes: Array(withLast[0..<(whole.count + keep)]))
            let reopened = try Queue(storage: torn, limit: 10)
            #expect(reopened.frames.map(\.sequence) == [0, 1, 2], "cut at \(keep)")
            #expect(reopened.recovery.cutBytes == keep, "cut at \(keep)")
            #expect(reopened.storage.bytes == whole, "cut at \(keep)")
        }
    }

    @Test func aTornHeadRecordSendsTheFrameAgain() throws {
        var queue = try Queue(storage: MemoryQueueStorage(), limit: 10)
        try queue.append(frame(0))
        try queue.append(frame(1))
        let beforePop = queue.storage.bytes!
        try queue.removeHead()
        let popped = queue.storage.bytes!
        for keep in 1..<(popped.count - beforePop.count) {
            let reopened = try Queue(storage: MemoryQueueStorage(bytes: Array(popped[0..<(beforePop.count + keep)])), limit: 10)
            #expect(reopened.frames.map(\.sequence) == [0, 1])  // at least once: the pop did not happen
            #expect(reopened.recovery.cutBytes == keep)
        }
    }

    @Test func aBadRecordWithGoodOnesAfterItStopsTheOpen() throws {
        var queue = try Queue(storage: MemoryQueueStorage(name: "/var/lib/mote/n.queue"), limit: 10)
        for sequence in 0..<3 { try queue.append(frame(UInt32(sequence))) }
        var bytes = queue.storage.bytes!
        let second = 8 + 33 + 29  // magic, head record, first frame record
        bytes[second + 20] ^= 0x01  // a payload bit of frame 1
        #expect(throws: UplinkQueueError.corrupt(file: "/var/lib/mote/n.queue", offset: second,
                                                 reason: "a record fails its checksum and 29 bytes of good records follow it")) {
            _ = try Queue(storage: MemoryQueueStorage(name: "/var/lib/mote/n.queue", bytes: bytes), limit: 10)
        }
        // A flipped bit in a head record in the middle: the same, never a silent loss or resend of everything.
        var headFlipped = queue.storage.bytes!
        headFlipped[8 + 9] ^= 0x80
        #expect(throws: UplinkQueueError.corrupt(file: "/var/lib/mote/n.queue", offset: 8,
                                                 reason: "a record fails its checksum and 87 bytes of good records follow it")) {
            _ = try Queue(storage: MemoryQueueStorage(name: "/var/lib/mote/n.queue", bytes: headFlipped), limit: 10)
        }
        let error = UplinkQueueError.corrupt(file: "/var/lib/mote/n.queue", offset: 70, reason: "r")
        #expect(error.description == "uplink queue /var/lib/mote/n.queue is corrupt at byte 70: r; records after it may hold accepted frames, "
                + "so the node does not start: keep the file for inspection and move it aside to start with an empty queue")
    }

    @Test func aFileThatIsNoQueueIsRefused() {
        #expect(throws: UplinkQueueError.notAQueue(file: "q")) {
            _ = try Queue(storage: MemoryQueueStorage(name: "q", bytes: Array("next_sequence = 4\n".utf8)), limit: 10)
        }
        #expect(throws: UplinkQueueError.notAQueue(file: "q")) {
            _ = try Queue(storage: MemoryQueueStorage(name: "q", bytes: [0x4D, 0x4F, 0x58]), limit: 10)
        }
    }

    @Test func aLogCutInsideTheMagicIsAnEmptyQueue() throws {
        let queue = try Queue(storage: MemoryQueueStorage(bytes: Array("MOTE".utf8)), limit: 10)
        #expect(queue.isEmpty)
        #expect(queue.storage.bytes?.count == 8 + 33)
    }

    @Test func compactionKeepsOnlyTheLiveFrames() throws {
        var queue = try Queue(storage: MemoryQueueStorage(), limit: 100)
        queue.compactionThreshold = 500
        for sequence in 0..<10 { try queue.append(frame(UInt32(sequence))) }
        for _ in 0..<8 { try queue.removeHead() }
        // Dead after k pops: the first head record and k frame and head records, 33 + 62k: 529 > 500 at the 8th (467 at the 7th).
        #expect(queue.compactions == 1)
        #expect(queue.frames.map(\.sequence) == [8, 9])
        #expect(queue.storage.bytes?.count == 8 + 33 + 2 * 29)
        #expect(queue.logBytes == 8 + 33 + 2 * 29)
        let reopened = try Queue(storage: queue.storage, limit: 100)
        #expect(reopened.frames.map(\.sequence) == [8, 9])
        #expect(reopened.recovery.cutBytes == 0)
    }

    @Test func aFullQueueIsCompactedAsItDrops() throws {
        // The link down for good: 100 frames into a queue of 3. Each drop leaves a frame and a
        // head record dead (62 bytes); the log is compacted once the dead bytes pass 200 and the
        // live ones, so it stays below magic, head, 3 live frames, the threshold and one drop.
        var queue = try Queue(storage: MemoryQueueStorage(), limit: 3)
        queue.compactionThreshold = 200
        var largest = 0
        for sequence in 0..<100 {
            try queue.append(frame(UInt32(sequence)))
            largest = max(largest, queue.logBytes)
        }
        #expect(queue.frames.map(\.sequence) == [97, 98, 99])
        #expect(queue.dropped == 97)
        #expect(queue.compactions == 32)  // every 3rd drop: the live head record (33) + 3 × 62 = 219 > 200
        #expect(largest <= 8 + 33 + 3 * 29 + 200 + 62)
        let reopened = try Queue(storage: queue.storage, limit: 3)
        #expect(reopened.frames.map(\.sequence) == [97, 98, 99])
        #expect(reopened.dropped == 97)
    }

    @Test func aFailedAppendIsCutBackAndNotAccepted() throws {
        var queue = try Queue(storage: MemoryQueueStorage(), limit: 10)
        try queue.append(frame(0))
        let before = queue.storage.bytes!
        var storage = queue.storage
        storage.tearNextAppend = 5
        queue = try Queue(storage: storage, limit: 10)
        #expect(throws: UplinkQueueError.storage("cannot append to memory: injected torn write")) { try queue.append(frame(1)) }
        #expect(queue.storage.bytes == before)
        #expect(queue.frames.map(\.sequence) == [0])
        try queue.append(frame(2))
        #expect(try Queue(storage: queue.storage, limit: 10).frames.map(\.sequence) == [0, 2])
    }
}
