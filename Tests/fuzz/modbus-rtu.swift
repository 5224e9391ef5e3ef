// Fuzz target: the Modbus RTU master reading any reply. The request is chosen from the reply's
// own first bytes (slave id, function, count or address), so well-formed replies in the corpus
// reach the success paths. No trap; exactly one outcome counted per request; a read returns
// the registers asked for; an exception carries the reply's code.
import MoteDrivers
import MoteHAL
import MoteSimulation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModbusRTU(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let reply = fuzzInput(data, size)
    let clock = VirtualClock()
    // The master drops what is waiting before it sends: the reply comes after the request.
    let port = ScriptedSerialPort(clock: clock, chunks: [(.zero + .milliseconds(20), reply)])
    var master = ModbusRTUMaster(port: port, clock: clock)
    func byte(_ i: Int) -> UInt8 { i < reply.count ? reply[i] : 0 }
    func word(_ i: Int) -> UInt16 { UInt16(byte(i)) << 8 | UInt16(byte(i + 1)) }
    let slave = min(max(byte(0), 1), 247)
    let function = byte(1) & 0x7F
    var count = 0
    do throws(ModbusError) {
        switch function {
        case 0x03, 0x04:
            count = min(max(Int(byte(2)) / 2, 1), 125)
            let registers = function == 0x03
                ? try master.readHoldingRegisters(slave: slave, address: 0, count: count)
                : try master.readInputRegisters(slave: slave, address: 0, count: count)
            invariant(registers.count == count, "\(registers.count) registers for \(count)")
        case 0x06:
            try master.writeSingleRegister(slave: slave, address: word(2), value: word(4))
        case 0x10:
            let address = word(2)
            count = min(max(Int(word(4)), 1), 123, 0x10000 - Int(address))
            try master.writeMultipleRegisters(slave: slave, address: address, values: Array(repeating: 0x1234, count: count))
        default:
            count = 1
            _ = try master.readHoldingRegisters(slave: slave, address: 0, count: 1)
        }
    } catch {
        switch error {
        case .bus, .invalidRequest: invariant(false, "unexpected error for a valid request on a scripted port: \(error)")
        case .exception(let s, _, let code):
            invariant(s == slave && reply.count >= 3 && code.rawValue == reply[2], "exception \(error) from \(reply)")
        default: break
        }
    }
    let c = master.counters
    invariant(c.requests == 1, "\(c.requests) requests counted")
    invariant(c.replies + c.exceptions + c.timeouts + c.crc + c.malformed + c.bus == 1, "outcomes counted: \(c)")
    return 0
}
