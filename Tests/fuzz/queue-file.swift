// Fuzz target: UplinkQueue opened over a MemoryQueueStorage holding any bytes. The first byte
// picks the queue limit (bits 0-2: 1...8) and how the rest becomes the file (bits 3-4): as it
// is; behind the magic; or, behind the magic, as records whose length and CRC are made right
// (each a length byte and that many body bytes; a last one cut short stays torn), so the
// fuzzer reaches the record parsing past the checksums. The queue must refuse with an error or
// open; once open it holds at most its limit, a reopen of the storage finds the same frames and
// counts, and append and removeHead keep working (and reopen the same again).
import MoteNode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQueueFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    guard let control = input.first else { return 0 }
    let limit = Int(control & 0x07) + 1
    let rest = Array(input.dropFirst())
    let magic = UplinkQueue<MemoryQueueStorage>.magic
    var file: [UInt8]
    switch (control >> 3) & 0x03 {
    case 0: file = rest
    case 1: file = magic + rest
    default: file = magic + records(rest)
    }
    var queue: UplinkQueue<MemoryQueueStorage>
    do {
        queue = try UplinkQueue(storage: MemoryQueueStorage(bytes: file), limit: limit)
    } catch {
        switch error {
        case .notAQueue, .corrupt: break
        default: invariant(false, "opening a memory queue: \(error)")
        }
        return 0
    }
    check(queue, limit)
    for step in 0..<6 {
        let frame = Frame(sequence: UInt32(9000 + step), port: UInt8(1 + step), format: "cayennelpp", bytes: [0x01, 0x67, 0x00, UInt8(step)])
        let before = queue.count
        do {
            if step % 3 == 2 {
                try queue.removeHead(rejected: step == 5)
                invariant(queue.count == max(before - 1, 0), "removeHead: \(before) -> \(queue.count)")
            } else {
                let dropped = try queue.append(frame)
                invariant(queue.count == min(before + 1, limit), "append: \(before) -> \(queue.count)")
                invariant((dropped != nil) == (before == limit), "append dropped \(dropped == nil ? "nothing" : "a frame") at \(before) of \(limit)")
                invariant(queue.frames.last == frame, "the appended frame is not the tail")
            }
        } catch {
            invariant(false, "step \(step) on a recovered queue: \(error)")
        }
        check(queue, limit)
    }
    return 0
}

/// The queue as its storage would be found after a restart: the same frames and counts.
private func check(_ queue: UplinkQueue<MemoryQueueStorage>, _ limit: Int) {
    invariant(queue.count <= limit, "\(queue.count) frames in a queue of \(limit)")
    invariant(queue.logBytes == (queue.storage.bytes?.count ?? 0), "log length \(queue.logBytes), storage \(queue.storage.bytes?.count ?? 0)")
    do {
        let reopened = try UplinkQueue(storage: MemoryQueueStorage(bytes: queue.storage.bytes), limit: limit)
        invariant(reopened.frames == queue.frames, "reopened: \(reopened.count) frames, was \(queue.count)")
        invariant(reopened.dropped == queue.dropped && reopened.rejected == queue.rejected, "reopened: other counts")
        invariant(reopened.recovery.cutBytes == 0, "reopened: \(reopened.recovery.cutBytes) bytes cut from a log just written")
    } catch {
        invariant(false, "a log the queue wrote does not reopen: \(error)")
    }
}

/// Each record a length byte and its body, framed with the right length and CRC; a last body
/// cut short by the end of the input is left torn.
private func records(_ bytes: [UInt8]) -> [UInt8] {
    var file: [UInt8] = []
    var at = 0
    while at < bytes.count {
        let length = Int(bytes[at])
        let end = min(at + 1 + length, bytes.count)
        var body = Array(bytes[(at + 1)..<end])
        if body.isEmpty { body = [0x48] }
        let header = u32(UInt32(body.count)) + u32(CRC32.checksum(body))
        let record: [UInt8] = header + body
        let torn = end - at - 1 < length
        file += torn ? Array(record.prefix(8 + body.count / 2)) : record
        at = end
    }
    return file
}

private func u32(_ value: UInt32) -> [UInt8] {
    [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
}
