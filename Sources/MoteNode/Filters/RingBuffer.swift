/// The last `capacity` values, oldest first; storage is allocated once, at init, so a filter
/// costs no allocation per sample.
struct RingBuffer: Equatable, Sendable {
    private var storage: [Double]
    private var start = 0
    private(set) var count = 0

    init(capacity: Int) {
        precondition(capacity >= 1, "a window holds at least one sample")
        storage = Array(repeating: 0, count: capacity)
    }

    var capacity: Int { storage.count }

    /// Adds `x`, dropping the oldest value when full.
    mutating func append(_ x: Double) {
        if count < storage.count {
            storage[(start + count) % storage.count] = x
            count += 1
        } else {
            storage[start] = x
            start = (start + 1) % storage.count
        }
    }

    /// The `i`-th value, 0 being the oldest.
    subscript(i: Int) -> Double { storage[(start + i) % storage.count] }

    mutating func removeAll() {
        start = 0
        count = 0
    }

    /// Equal when they hold the same values in the same order; what lies in unused storage is not state.
    static func == (a: RingBuffer, b: RingBuffer) -> Bool {
        guard a.capacity == b.capacity && a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }
}

/// Scratch space for medians, sized with the window so sorting allocates nothing.
struct MedianScratch: Equatable, Sendable {
    private var sorted: [Double]

    init(capacity: Int) { sorted = Array(repeating: 0, count: capacity) }

    /// Leftovers of the last sort are not state.
    static func == (a: MedianScratch, b: MedianScratch) -> Bool { a.sorted.count == b.sorted.count }

    /// The median of the buffer's values (of an even count: the mean of the two middle ones).
    mutating func median(of window: RingBuffer) -> Double {
        median(count: window.count) { window[$0] }
    }

    /// The median of `count` values given by `value(i)`. Insertion sort: windows are a handful
    /// of samples, and it needs no memory beyond the scratch array.
    mutating func median(count: Int, _ value: (Int) -> Double) -> Double {
        precondition(count >= 1 && count <= sorted.count)
        for i in 0..<count {
            let x = value(i)
            var j = i
            while j > 0 && sorted[j - 1] > x {
                sorted[j] = sorted[j - 1]
                j -= 1
            }
            sorted[j] = x
        }
        let mid = count / 2
        return count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
