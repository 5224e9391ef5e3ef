import MoteHAL

/// Where a Modbus device keeps a point, and how to make a value of it.
public struct ModbusPoint: Equatable, Sendable {
    public enum DataType: Equatable, Sendable {
        case u16, s16, u32, s32, f32

        /// Registers the type takes: 1 or 2.
        public var registerCount: Int {
            switch self {
            case .u16, .s16: return 1
            case .u32, .s32, .f32: return 2
            }
        }
    }

    /// For 32-bit types: `.big` puts the high word first (registers ABCD, the Modbus convention
    /// for 32-bit values), `.little` the low word first (CDAB, many meters). Bytes within a
    /// register are always big-endian (application protocol 4.2).
    public enum WordOrder: Equatable, Sendable { case big, little }

    public var name: String
    public var unit: String
    public var symbol: String?
    public var decimals: Int
    /// The register address; nil: right after the previous point (the first: the device's
    /// start address).
    public var address: UInt16?
    public var type: DataType
    public var wordOrder: WordOrder
    /// value = raw × scale + offset.
    public var scale: Double
    public var offset: Double

    public init(name: String, unit: String, symbol: String? = nil, decimals: Int, address: UInt16? = nil,
                type: DataType = .u16, wordOrder: WordOrder = .big, scale: Double = 1, offset: Double = 0) {
        self.name = name
        self.unit = unit
        self.symbol = symbol
        self.decimals = decimals
        self.address = address
        self.type = type
        self.wordOrder = wordOrder
        self.scale = scale
        self.offset = offset
    }

    public var registerCount: Int { type.registerCount }

    /// The value of `registers` (registerCount of them), scaled; nil for a NaN float.
    public func value(_ registers: ArraySlice<UInt16>) -> Double? {
        let first = registers[registers.startIndex]
        let raw: Double
        switch type {
        case .u16: raw = Double(first)
        case .s16: raw = Double(Int16(bitPattern: first))
        case .u32, .s32, .f32:
            let second = registers[registers.startIndex + 1]
            let bits = wordOrder == .big ? UInt32(first) << 16 | UInt32(second) : UInt32(second) << 16 | UInt32(first)
            switch type {
            case .u32: raw = Double(bits)
            case .s32: raw = Double(Int32(bitPattern: bits))
            default:
                let float = Float(bitPattern: bits)
                guard !float.isNaN else { return nil }
                raw = Double(float)
            }
        }
        return raw * scale + offset
    }
}

/// What to read from one Modbus slave.
public struct ModbusDeviceConfiguration: Equatable, Sendable {
    public enum RegisterType: Equatable, Sendable {
        /// Function 03.
        case holding
        /// Function 04.
        case input
    }

    public var slave: UInt8
    public var registerType: RegisterType
    public var startAddress: UInt16
    public var points: [ModbusPoint]

    public init(slave: UInt8, registerType: RegisterType = .holding, startAddress: UInt16 = 0, points: [ModbusPoint]) {
        self.slave = slave
        self.registerType = registerType
        self.startAddress = startAddress
        self.points = points
    }

    /// A run of registers read in one request, and the points in it.
    public struct Block: Equatable, Sendable {
        public var address: UInt16
        public var count: Int
        /// Indices into `points`.
        public var points: [Int]

        public init(address: UInt16, count: Int, points: [Int]) {
            self.address = address
            self.count = count
            self.points = points
        }
    }

    /// Points laid out at their addresses, merged into contiguous blocks of at most 125 registers.
    public func blocks() -> Result<[Block], ModbusError> {
        guard slave >= 1 && slave <= 247 else { return .failure(.invalidRequest("slave id \(slave), 1 to 247 allowed")) }
        guard !points.isEmpty else { return .failure(.invalidRequest("no points")) }
        var blocks: [Block] = []
        var next = Int(startAddress)
        for (index, point) in points.enumerated() {
            let address = point.address.map { Int($0) } ?? next
            let end = address + point.registerCount
            guard end <= 0x10000 else { return .failure(.invalidRequest(point.name + " lies beyond register 65535")) }
            if var last = blocks.last, Int(last.address) + last.count == address, last.count + point.registerCount <= 125 {
                last.count += point.registerCount
                last.points.append(index)
                blocks[blocks.count - 1] = last
            } else {
                blocks.append(Block(address: UInt16(address), count: point.registerCount, points: [index]))
            }
            next = end
        }
        return .success(blocks)
    }
}

/// A Modbus RTU slave read as a sensor: one request per contiguous block of points.
public struct ModbusDevice<Port: SerialPort, C: Clock> {
    public var master: ModbusRTUMaster<Port, C>
    public let configuration: ModbusDeviceConfiguration
    public private(set) var blocks: [ModbusDeviceConfiguration.Block] = []

    public init(master: ModbusRTUMaster<Port, C>, configuration: ModbusDeviceConfiguration) {
        self.master = master
        self.configuration = configuration
        if case .success(let blocks) = configuration.blocks() { self.blocks = blocks }
    }

    /// One value per point, in the order of `configuration.points`.
    public mutating func values() throws(ModbusError) -> [Double?] {
        if case .failure(let error) = configuration.blocks() { throw error }
        var values: [Double?] = Array(repeating: nil, count: configuration.points.count)
        for block in blocks {
            let registers: [UInt16]
            switch configuration.registerType {
            case .holding: registers = try master.readHoldingRegisters(slave: configuration.slave, address: block.address, count: block.count)
            case .input: registers = try master.readInputRegisters(slave: configuration.slave, address: block.address, count: block.count)
            }
            var offset = 0
            for index in block.points {
                let point = configuration.points[index]
                values[index] = point.value(registers[offset..<offset + point.registerCount])
                offset += point.registerCount
            }
        }
        return values
    }
}

extension ModbusDevice: SensorDriver {
    public static var part: String { "Modbus" }

    public var channels: [ChannelSpec] {
        configuration.points.map { ChannelSpec(name: $0.name, unit: $0.unit, symbol: $0.symbol, decimals: $0.decimals) }
    }

    public var location: String { "modbus:\(configuration.slave)@" + master.port.name }

    /// Checks the configuration; the slave is first asked at the first read.
    public mutating func setUp(clock: some Clock) throws(SensorError) {
        switch configuration.blocks() {
        case .success(let blocks): self.blocks = blocks
        case .failure(let error): throw error.sensorError
        }
    }

    public mutating func read(clock: some Clock) throws(SensorError) -> [Double?] {
        do { return try values() } catch { throw error.sensorError }
    }
}
