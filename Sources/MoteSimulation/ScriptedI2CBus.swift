import MoteHAL

/// A bus that expects an exact list of transactions, answers reads from the script, and can
/// fail where told: the driver unit-test seam, after embedded-hal-mock.
///
/// A transaction that differs from the next expectation is recorded as a mismatch (and answered
/// with a `.other` bus error), so a test sees every difference, not only the first.
public final class ScriptedI2CBus: I2CBus {
    public enum Step: Equatable {
        /// `address` receives `bytes`.
        case write(UInt8, [UInt8])
        /// `address` receives `bytes`, then the master reads `response` back after a repeated START.
        case writeRead(UInt8, [UInt8], response: [UInt8])
        /// A read of `response.count` bytes.
        case read(UInt8, response: [UInt8])
        /// The transaction matching `step` fails with `kind` instead.
        indirect case fail(Step, BusErrorKind)
    }

    public let name = "scripted-i2c"
    private var steps: [Step]
    private var position = 0
    public private(set) var mismatches: [String] = []

    public init(_ steps: [Step]) {
        self.steps = steps
    }

    /// True when every expectation was used and nothing unexpected happened.
    public var done: Bool { mismatches.isEmpty && position == steps.count }

    /// What is left over or went wrong, for a test's failure message.
    public var report: String {
        var lines = mismatches
        if position < steps.count { lines.append("\(steps.count - position) expected transaction(s) never happened") }
        var text = ""
        for line in lines { text += line + "\n" }
        return text
    }

    public func transaction(_ address: UInt8, _ operations: UnsafeMutableBufferPointer<I2COperation>) throws(BusError) {
        let actual = Self.describe(address, operations)
        guard position < steps.count else {
            mismatches.append("unexpected transaction \(actual)")
            throw BusError(.other, operation: "transaction", bus: name, address: address)
        }
        var step = steps[position]
        position += 1
        var failure: BusErrorKind?
        if case .fail(let inner, let kind) = step {
            step = inner
            failure = kind
        }
        let expected: (UInt8, [UInt8], [UInt8]?)
        switch step {
        case .write(let a, let bytes): expected = (a, bytes, nil)
        case .writeRead(let a, let bytes, let response): expected = (a, bytes, response)
        case .read(let a, let response): expected = (a, [], response)
        case .fail: expected = (0, [], nil)  // nested failures are not a thing
        }
        guard actual.address == expected.0, actual.written == expected.1,
              actual.readCount == (expected.2?.count ?? 0) else {
            mismatches.append("transaction \(position): expected \(Self.text(expected.0, expected.1, expected.2?.count ?? 0)), got \(Self.text(actual.address, actual.written, actual.readCount))")
            throw BusError(.other, operation: "transaction", bus: name, address: address)
        }
        if let failure {
            throw BusError(failure, operation: "transaction", bus: name, address: address)
        }
        let response = expected.2 ?? []
        var offset = 0
        for operation in operations {
            if case .read(let buffer) = operation {
                for index in buffer.indices {
                    buffer[index] = response[offset]
                    offset += 1
                }
            }
        }
    }

    private static func describe(_ address: UInt8, _ operations: UnsafeMutableBufferPointer<I2COperation>) -> (address: UInt8, written: [UInt8], readCount: Int) {
        var written: [UInt8] = []
        var readCount = 0
        for operation in operations {
            switch operation {
            case .write(let bytes): written += Array(bytes)
            case .read(let buffer): readCount += buffer.count
            }
        }
        return (address, written, readCount)
    }

    private static func text(_ address: UInt8, _ written: [UInt8], _ readCount: Int) -> String {
        "\(Hex.byte(address)) write [\(Hex.encode(written))] read \(readCount)"
    }
}
