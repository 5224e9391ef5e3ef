// Fuzz target: the UDP collector's answer (CollectorAnswer, MoteLinux) on any bytes. No trap;
// an answer is the same with whitespace around it; an answer written out again as the
// collector's JSON reads back the same; a downlink is on an application port.
import MoteHAL
import MoteLinux
import MoteNode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUDPAnswer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    let answer = CollectorAnswer(bytes)
    invariant(CollectorAnswer([0x20, 0x0A] + bytes + [0x0D, 0x09]) == answer, "whitespace around the answer changes it")
    guard let answer else { return 0 }
    var text = "{\"ack\":" + String(answer.ack)
    if let downlink = answer.downlink {
        invariant(downlink.port >= 1 && downlink.port <= 223, "downlink on port \(downlink.port)")
        text += ",\"downlink\":{\"port\":" + String(downlink.port) + ",\"hex\":\"" + Hex.encode(downlink.bytes) + "\"}"
    }
    text += "}"
    invariant(CollectorAnswer(Array(text.utf8)) == answer, "the answer written out reads otherwise: \(text)")
    return 0
}
