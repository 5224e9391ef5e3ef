/// One part of an I2C transaction.
///
/// The buffers are borrowed for the duration of `transaction` only. The convenience methods below
/// build them from the caller's values, so drivers rarely name an operation themselves.
public enum I2COperation {
    /// Writes the bytes.
    case write(UnsafeRawBufferPointer)
    /// Reads exactly as many bytes as the buffer holds, ACKing all but the last (which is NACKed).
    case read(UnsafeMutableRawBufferPointer)
}

/// An I2C bus master: one required method, everything else built on it.
///
/// Modelled on embedded-hal's `I2c` trait. 7-bit addresses only.
public protocol I2CBus {
    /// A name for error messages and logs ("/dev/i2c-1", "sim-i2c").
    var name: String { get }

    /// Performs `operations` against `address` as one transaction:
    ///
    ///     START, address+R/W, op 0, [Sr, address+R/W, op 1, ...], STOP
    ///
    /// A repeated START (Sr) separates adjacent operations; one STOP ends the transaction. If the
    /// device does not acknowledge its address the transaction stops there with
    /// `.noAcknowledge(.address)`.
    mutating func transaction(_ address: UInt8, _ operations: UnsafeMutableBufferPointer<I2COperation>) throws(BusError)
}

extension I2CBus {
    /// `START, address+W, bytes..., STOP`
    public mutating func write(_ address: UInt8, _ bytes: [UInt8]) throws(BusError) {
        // Array's withUnsafe* methods rethrow untyped errors, hence the Result.
        var result = Result<Void, BusError>.success(())
        bytes.withUnsafeBytes { raw in
            result = Result { () throws(BusError) in try perform(address, .write(raw)) }
        }
        try result.get()
    }

    /// `START, address+R, buffer.count bytes, STOP`. Fills `buffer` whole.
    public mutating func read(_ address: UInt8, into buffer: inout [UInt8]) throws(BusError) {
        var result = Result<Void, BusError>.success(())
        buffer.withUnsafeMutableBytes { raw in
            result = Result { () throws(BusError) in try perform(address, .read(raw)) }
        }
        try result.get()
    }

    /// `START, address+W, bytes..., Sr, address+R, buffer.count bytes, STOP`: the usual register
    /// read. Fills `buffer` whole.
    public mutating func writeRead(_ address: UInt8, _ bytes: [UInt8], into buffer: inout [UInt8]) throws(BusError) {
        var result = Result<Void, BusError>.success(())
        bytes.withUnsafeBytes { written in
            buffer.withUnsafeMutableBytes { read in
                result = Result { () throws(BusError) in try perform(address, .write(written), .read(read)) }
            }
        }
        try result.get()
    }

    /// Register write of the common 8-bit register map: `START, address+W, register, value, STOP`.
    public mutating func writeRegister(_ address: UInt8, _ register: UInt8, _ value: UInt8) throws(BusError) {
        var bytes = (register, value)
        try withUnsafeBytes(of: &bytes) { (raw) throws(BusError) in
            try perform(address, .write(raw))
        }
    }

    /// Register read: `START, address+W, register, Sr, address+R, value, STOP`.
    public mutating func readRegister(_ address: UInt8, _ register: UInt8) throws(BusError) -> UInt8 {
        var pointer = register
        var value: UInt8 = 0
        try withUnsafeBytes(of: &pointer) { (written) throws(BusError) in
            try withUnsafeMutableBytes(of: &value) { (read) throws(BusError) in
                try perform(address, .write(written), .read(read))
            }
        }
        return value
    }

    /// Reads `buffer.count` consecutive registers starting at `register` in one transaction,
    /// relying on the device's address auto-increment. Fills `buffer` whole.
    public mutating func readRegisters(_ address: UInt8, from register: UInt8, into buffer: inout [UInt8]) throws(BusError) {
        var pointer = register
        var result = Result<Void, BusError>.success(())
        withUnsafeBytes(of: &pointer) { written in
            buffer.withUnsafeMutableBytes { read in
                result = Result { () throws(BusError) in try perform(address, .write(written), .read(read)) }
            }
        }
        try result.get()
    }

    private mutating func perform(_ address: UInt8, _ operation: I2COperation) throws(BusError) {
        var operation = operation
        try withUnsafeMutablePointer(to: &operation) { (pointer) throws(BusError) in
            try transaction(address, UnsafeMutableBufferPointer(start: pointer, count: 1))
        }
    }

    private mutating func perform(_ address: UInt8, _ first: I2COperation, _ second: I2COperation) throws(BusError) {
        var operations = (first, second)
        try withUnsafeMutableBytes(of: &operations) { (raw) throws(BusError) in
            let pointer = raw.baseAddress!.assumingMemoryBound(to: I2COperation.self)
            try transaction(address, UnsafeMutableBufferPointer(start: pointer, count: 2))
        }
    }
}
