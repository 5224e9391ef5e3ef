import MoteHAL

/// A device on the simulated bus, driven byte by byte like a Linux I2C slave backend.
public protocol I2CDeviceModel: AnyObject {
    var address: UInt8 { get }
    /// The address phase of a START or repeated START; returning false NAKs the address.
    func start(read: Bool) -> Bool
    /// One byte written by the master; returning false NAKs it.
    func write(_ byte: UInt8) -> Bool
    /// One byte the master reads.
    func read() -> UInt8
    /// STOP.
    func stop()
}

/// An I2C bus with device models attached, in the same process.
public final class SimulatedI2CBus: I2CBus {
    public let name: String
    private var devices: [any I2CDeviceModel] = []
    /// Transactions attempted, for tests and benchmarks.
    public private(set) var transactionCount = 0

    public init(name: String = "sim-i2c") {
        self.name = name
    }

    public func attach(_ device: any I2CDeviceModel) {
        devices.append(device)
    }

    public func transaction(_ address: UInt8, _ operations: UnsafeMutableBufferPointer<I2COperation>) throws(BusError) {
        transactionCount += 1
        guard let device = devices.first(where: { $0.address == address }) else {
            throw BusError(.noAcknowledge(.address), operation: "transaction", bus: name, address: address)
        }
        defer { device.stop() }
        for operation in operations {
            switch operation {
            case .write(let bytes):
                guard device.start(read: false) else {
                    throw BusError(.noAcknowledge(.address), operation: "transaction", bus: name, address: address)
                }
                for byte in bytes {
                    guard device.write(byte) else {
                        throw BusError(.noAcknowledge(.data), operation: "transaction", bus: name, address: address)
                    }
                }
            case .read(let buffer):
                guard device.start(read: true) else {
                    throw BusError(.noAcknowledge(.address), operation: "transaction", bus: name, address: address)
                }
                for index in buffer.indices { buffer[index] = device.read() }
            }
        }
    }
}
