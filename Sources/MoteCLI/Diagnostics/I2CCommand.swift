import MoteHAL
import MoteLinux
import MoteNode

/// `mote i2c scan|read|write`: I2C bring-up on the board without i2c-tools.
enum I2CCommand {
    static let usage = """
        usage: mote i2c scan BUS [--jsonl]
               mote i2c read BUS ADDRESS REGISTER [COUNT] [--jsonl]
               mote i2c write BUS ADDRESS REGISTER BYTE... [--jsonl]
        BUS is /dev/i2c-N or N; numbers are decimal or 0x hex. read is a register read (a write of
        REGISTER, a repeated START, COUNT bytes read); on SMBus-only adapters an SMBus byte or I2C
        block transfer.
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: Arguments
        switch Arguments.parse(arguments, valued: [], flags: ["--jsonl"]) {
        case .success(let a): parsed = a
        case .failure(let e): return Report.usage(e, usage)
        }
        let report = Report(jsonl: parsed.has("--jsonl"))
        let p = parsed.positionals
        guard p.count >= 2 else { return Report.usage(UsageError("i2c needs a command and a bus"), usage) }
        let path = p[1].hasPrefix("/") ? p[1] : "/dev/i2c-\(p[1])"
        var numbers: [Int] = []
        for text in p.dropFirst(2) {
            guard let n = Arguments.number(text) else { return Report.usage(UsageError("'\(text)' is not a number"), usage) }
            numbers.append(n)
        }
        switch p[0] {
        case "scan" where numbers.isEmpty: break
        case "read" where numbers.count == 2 || numbers.count == 3: break
        case "write" where numbers.count >= 3: break
        case "scan", "read", "write": return Report.usage(UsageError("wrong arguments for 'i2c \(p[0])'"), usage)
        default: return Report.usage(UsageError("unknown i2c command '\(p[0])'"), usage)
        }
        if numbers.count >= 1 && !(0x03...0x77).contains(numbers[0]) {
            return Report.usage(UsageError("address must be 0x03 to 0x77 (7-bit, not reserved), not \(p[2])"), usage)
        }
        if numbers.dropFirst().contains(where: { !(0...255).contains($0) }) {
            return Report.usage(UsageError("registers and bytes are 0 to 255"), usage)
        }
        if p[0] == "read", numbers.count == 3, !(1...32).contains(numbers[2]) {
            return Report.usage(UsageError("count must be 1 to 32"), usage)
        }
        do throws(BusError) {
            var bus = try LinuxI2CBus(path: path)
            switch p[0] {
            case "scan":
                for (address, result) in try bus.scan() {
                    let state = result == .present ? "present" : "claimed"
                    report.emit(human: Hex.byte(address) + (result == .claimed ? " UU (claimed by a kernel driver)" : ""),
                                json: "{\"type\":\"i2c-device\",\(JSONText.field("bus", path)),\(JSONText.field("address", Hex.byte(address))),\(JSONText.field("state", state))}")
                }
            case "read":
                var bytes: [UInt8] = Array(repeating: 0, count: numbers.count == 3 ? numbers[2] : 1)
                try bus.readRegisters(UInt8(numbers[0]), from: UInt8(numbers[1]), into: &bytes)
                report.emit(human: Hex.encode(bytes),
                            json: "{\"type\":\"i2c-read\",\(JSONText.field("bus", path)),\(JSONText.field("address", Hex.byte(UInt8(numbers[0])))),\"register\":\(numbers[1]),\(JSONText.field("hex", Hex.encode(bytes)))}")
            default:
                let bytes = numbers.dropFirst().map { UInt8($0) }
                try bus.write(UInt8(numbers[0]), Array(bytes))
                report.emit(human: "wrote \(bytes.count - 1) byte(s) at register \(Hex.byte(bytes[0]))",
                            json: "{\"type\":\"i2c-write\",\(JSONText.field("bus", path)),\(JSONText.field("address", Hex.byte(UInt8(numbers[0])))),\"register\":\(numbers[1]),\(JSONText.field("hex", Hex.encode(bytes.dropFirst())))}")
            }
        } catch {
            return Report.fail(error.description)
        }
        return ExitCode.ok
    }
}
