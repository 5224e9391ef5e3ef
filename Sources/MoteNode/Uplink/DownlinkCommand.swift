import MoteHAL

/// Commands the network sends the node, on their own FPort (10 by default: an application port,
/// clear of the LoRa Alliance packages' recommended ports 200–203 and of the reserved 224–255).
///
/// A downlink is one or more commands back to back, each an opcode byte and fixed-size arguments,
/// integers big-endian (docs/downlink.md has the table and examples). It is applied whole or not
/// at all: any error (unknown opcode, missing bytes, a value out of range, no such sensor, more
/// than 8 commands, nothing at all) rejects the whole downlink, and the node answers on the same
/// port with the error and its offset.
public enum DownlinkCommand: Equatable, Sendable {
    /// 0x01 + u32 seconds (1 s ... 7 d): the uplink interval.
    case setUplinkInterval(seconds: UInt32)
    /// 0x02 + u8 sensor index (0-based, in configuration order) + u32 seconds (1 s ... 7 d).
    case setSampleInterval(sensor: UInt8, seconds: UInt32)
    /// 0x03: answer with a status record (the reply frame on the command port).
    case requestStatus
    /// 0x04: check for an update now.
    case checkForUpdate
    /// 0x05 + u8 0 or 1: confirmed uplinks off or on.
    case setConfirmed(Bool)

    /// What the command does, for the node's log: "uplink interval 600 s".
    public var summary: String {
        switch self {
        case .setUplinkInterval(let seconds): return "uplink interval \(seconds) s"
        case .setSampleInterval(let sensor, let seconds): return "sensor \(sensor) interval \(seconds) s"
        case .requestStatus: return "status requested"
        case .checkForUpdate: return "update check requested"
        case .setConfirmed(let on): return on ? "confirmed uplinks on" : "confirmed uplinks off"
        }
    }

    public static let defaultPort: UInt8 = 10
    public static let maxCommands = 8
    public static let minimumInterval: UInt32 = 1
    public static let maximumInterval: UInt32 = 604_800  // 7 d

    public var opcode: UInt8 {
        switch self {
        case .setUplinkInterval: return 0x01
        case .setSampleInterval: return 0x02
        case .requestStatus: return 0x03
        case .checkForUpdate: return 0x04
        case .setConfirmed: return 0x05
        }
    }

    /// The opcode's name in messages and docs; nil for an opcode the node does not know.
    public static func name(opcode: UInt8) -> String? {
        switch opcode {
        case 0x01: return "set_uplink_interval"
        case 0x02: return "set_sample_interval"
        case 0x03: return "request_status"
        case 0x04: return "check_update"
        case 0x05: return "set_confirmed"
        default: return nil
        }
    }

    /// Argument bytes after the opcode.
    static func argumentCount(opcode: UInt8) -> Int? {
        switch opcode {
        case 0x01: return 4
        case 0x02: return 5
        case 0x03, 0x04: return 0
        case 0x05: return 1
        default: return nil
        }
    }

    /// The command's bytes (what a network server sends).
    public var bytes: [UInt8] {
        switch self {
        case .setUplinkInterval(let seconds): return [opcode] + bigEndian(seconds)
        case .setSampleInterval(let sensor, let seconds): return [opcode, sensor] + bigEndian(seconds)
        case .requestStatus, .checkForUpdate: return [opcode]
        case .setConfirmed(let on): return [opcode, on ? 1 : 0]
        }
    }

    /// Every command of a downlink, or the first error. `sensorCount` bounds the sensor index.
    public static func parse(_ bytes: [UInt8], sensorCount: Int) throws(DownlinkError) -> [DownlinkCommand] {
        guard !bytes.isEmpty else { throw .empty }
        var commands: [DownlinkCommand] = []
        var offset = 0
        while offset < bytes.count {
            let opcode = bytes[offset]
            guard commands.count < maxCommands else { throw .tooManyCommands(offset: offset) }
            guard let needed = argumentCount(opcode: opcode) else { throw .unknownOpcode(opcode, offset: offset) }
            let arguments = offset + 1
            let available = bytes.count - arguments
            guard available >= needed else {
                throw .truncated(opcode: opcode, offset: arguments, needed: needed, available: available)
            }
            switch opcode {
            case 0x01:
                let seconds = try interval(bytes, at: arguments, opcode: opcode)
                commands.append(.setUplinkInterval(seconds: seconds))
            case 0x02:
                let sensor = bytes[arguments]
                guard Int(sensor) < sensorCount else { throw .noSuchSensor(index: sensor, offset: arguments) }
                let seconds = try interval(bytes, at: arguments + 1, opcode: opcode)
                commands.append(.setSampleInterval(sensor: sensor, seconds: seconds))
            case 0x03: commands.append(.requestStatus)
            case 0x04: commands.append(.checkForUpdate)
            default:  // 0x05
                let flag = bytes[arguments]
                guard flag <= 1 else { throw .outOfRange(opcode: opcode, offset: arguments, value: UInt32(flag)) }
                commands.append(.setConfirmed(flag == 1))
            }
            offset = arguments + needed
        }
        return commands
    }

    private static func interval(_ bytes: [UInt8], at offset: Int, opcode: UInt8) throws(DownlinkError) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 { value = value << 8 | UInt32(bytes[offset + i]) }
        guard value >= minimumInterval, value <= maximumInterval else {
            throw .outOfRange(opcode: opcode, offset: offset, value: value)
        }
        return value
    }
}

/// Why a downlink was refused. `offset` is the byte the fault starts at: the unknown opcode, the
/// first argument byte of a truncated command (which may be the downlink's length), the field
/// whose value is out of range, the opcode of the ninth command.
public enum DownlinkError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownOpcode(UInt8, offset: Int)
    case truncated(opcode: UInt8, offset: Int, needed: Int, available: Int)
    /// An interval outside 1...604800 s, or a flag other than 0 or 1.
    case outOfRange(opcode: UInt8, offset: Int, value: UInt32)
    case noSuchSensor(index: UInt8, offset: Int)
    case tooManyCommands(offset: Int)
    case empty

    /// The error code of the reject record.
    public var code: UInt8 {
        switch self {
        case .unknownOpcode: return 1
        case .truncated: return 2
        case .outOfRange: return 3
        case .noSuchSensor: return 4
        case .tooManyCommands: return 5
        case .empty: return 6
        }
    }

    public var offset: Int {
        switch self {
        case .empty: return 0
        case .unknownOpcode(_, let offset), .truncated(_, let offset, _, _), .outOfRange(_, let offset, _),
             .noSuchSensor(_, let offset), .tooManyCommands(let offset):
            return offset
        }
    }

    /// The opcode of the command at fault (0 for an empty downlink).
    public var opcode: UInt8 {
        switch self {
        case .unknownOpcode(let opcode, _), .truncated(let opcode, _, _, _), .outOfRange(let opcode, _, _): return opcode
        case .noSuchSensor: return 0x02
        case .tooManyCommands, .empty: return 0
        }
    }

    /// "set_uplink_interval", or "0x09" for an opcode that has no name.
    private static func named(_ opcode: UInt8) -> String {
        DownlinkCommand.name(opcode: opcode) ?? "0x" + Hex.encode([opcode], uppercase: true)
    }

    public var description: String {
        switch self {
        case .unknownOpcode(let opcode, let offset):
            return "byte \(offset): unknown opcode 0x" + Hex.encode([opcode], uppercase: true)
        case .truncated(let opcode, let offset, let needed, let available):
            return "byte \(offset): \(Self.named(opcode)) needs \(needed) argument bytes, \(available) left"
        case .outOfRange(let opcode, let offset, let value):
            let name = Self.named(opcode)
            if opcode == 0x05 { return "byte \(offset): \(name): \(value) is neither 0 nor 1" }
            return "byte \(offset): \(name): \(value) s is out of range 1...604800"
        case .noSuchSensor(let index, let offset):
            return "byte \(offset): set_sample_interval: no sensor \(index)"
        case .tooManyCommands(let offset):
            return "byte \(offset): more than \(DownlinkCommand.maxCommands) commands"
        case .empty:
            return "empty downlink"
        }
    }
}

/// What a node reports in its status record.
public struct NodeStatus: Equatable, Sendable {
    public var uptimeSeconds: UInt32
    public var framesSent: UInt32
    public var queueDepth: UInt16
    public var drops: UInt32
    /// The installed firmware's version number (the update repository's target version).
    public var firmwareVersion: UInt32
    public var degradedSensors: UInt8

    public init(uptimeSeconds: UInt32, framesSent: UInt32, queueDepth: UInt16, drops: UInt32,
                firmwareVersion: UInt32, degradedSensors: UInt8) {
        self.uptimeSeconds = uptimeSeconds
        self.framesSent = framesSent
        self.queueDepth = queueDepth
        self.drops = drops
        self.firmwareVersion = firmwareVersion
        self.degradedSensors = degradedSensors
    }

    /// Saturating conversions for counters kept wider than the record's fields.
    public static func field16(_ value: Int) -> UInt16 { value <= 0 ? 0 : value >= 0xFFFF ? 0xFFFF : UInt16(value) }
    public static func field32(_ value: Int64) -> UInt32 { value <= 0 ? 0 : value >= 0xFFFF_FFFF ? 0xFFFF_FFFF : UInt32(value) }
}

/// The node's answers on the command port: records back to back, each starting with its tag.
///
///     A0 n op1 … opN                     applied: the n commands of the last downlink, in order
///     AE code offset opcode              rejected: nothing applied (codes in DownlinkError.code)
///     B0 uptime:4 sent:4 queue:2 drops:4 firmware:4 degraded:1     status, 20 bytes
///     B1                                  status asked for but larger than the link's frame
public enum DownlinkReply {
    public static let appliedTag: UInt8 = 0xA0
    public static let rejectedTag: UInt8 = 0xAE
    public static let statusTag: UInt8 = 0xB0
    public static let statusWithheldTag: UInt8 = 0xB1
    public static let statusSize = 20

    public static func applied(_ commands: [DownlinkCommand]) -> [UInt8] {
        var bytes: [UInt8] = [appliedTag, UInt8(commands.count)]
        for command in commands { bytes.append(command.opcode) }
        return bytes
    }

    public static func rejected(_ error: DownlinkError) -> [UInt8] {
        [rejectedTag, error.code, UInt8(truncatingIfNeeded: error.offset), error.opcode]
    }

    public static func status(_ status: NodeStatus) -> [UInt8] {
        var bytes: [UInt8] = [statusTag]
        bytes += bigEndian(status.uptimeSeconds)
        bytes += bigEndian(status.framesSent)
        bytes.append(UInt8(status.queueDepth >> 8))
        bytes.append(UInt8(status.queueDepth & 0xFF))
        bytes += bigEndian(status.drops)
        bytes += bigEndian(status.firmwareVersion)
        bytes.append(status.degradedSensors)
        return bytes
    }

    /// The answer's frames for a link taking `capacity` bytes: the ack, then the status if one was
    /// asked for, together when they fit, else the status in a frame of its own; a status larger
    /// than the link's frame (11-byte rates: US915 DR0, AS923 DR2 with dwell time) becomes `B1`.
    public static func frames(ack: [UInt8], status: NodeStatus?, capacity: Int) -> [[UInt8]] {
        guard let status else { return [ack] }
        guard statusSize <= capacity else { return [ack + [statusWithheldTag]] }
        let record = DownlinkReply.status(status)
        return ack.count + record.count <= capacity ? [ack + record] : [ack, record]
    }
}

/// The settings a downlink may change, and what applying one did.
public struct RemoteSettings: Equatable, Sendable {
    public var uplinkInterval: TimeSpan
    /// Per sensor, in configuration order.
    public var sampleIntervals: [TimeSpan]
    public var confirmed: Bool

    public init(uplinkInterval: TimeSpan, sampleIntervals: [TimeSpan], confirmed: Bool) {
        self.uplinkInterval = uplinkInterval
        self.sampleIntervals = sampleIntervals
        self.confirmed = confirmed
    }

    public struct Outcome: Equatable, Sendable {
        /// What was applied, in order; empty when the downlink was refused.
        public var applied: [DownlinkCommand]
        public var error: DownlinkError?
        public var statusRequested: Bool
        public var updateCheckRequested: Bool
        /// The ack record for the next uplink on the command port.
        public var ack: [UInt8]
    }

    /// Applies a downlink's commands all or nothing: on any error the settings stay as they were.
    public mutating func apply(_ bytes: [UInt8]) -> Outcome {
        let commands: [DownlinkCommand]
        do {
            commands = try DownlinkCommand.parse(bytes, sensorCount: sampleIntervals.count)
        } catch {
            return Outcome(applied: [], error: error, statusRequested: false, updateCheckRequested: false,
                           ack: DownlinkReply.rejected(error))
        }
        var status = false
        var update = false
        for command in commands {
            switch command {
            case .setUplinkInterval(let seconds): uplinkInterval = .seconds(Int64(seconds))
            case .setSampleInterval(let sensor, let seconds): sampleIntervals[Int(sensor)] = .seconds(Int64(seconds))
            case .requestStatus: status = true
            case .checkForUpdate: update = true
            case .setConfirmed(let on): confirmed = on
            }
        }
        return Outcome(applied: commands, error: nil, statusRequested: status, updateCheckRequested: update,
                       ack: DownlinkReply.applied(commands))
    }

    /// A downlink on `port` (the command port) applied; nil for any other port, which carries no commands.
    public mutating func apply(_ downlink: Downlink, port: UInt8 = DownlinkCommand.defaultPort) -> Outcome? {
        downlink.port == port ? apply(downlink.bytes) : nil
    }
}

private func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}

