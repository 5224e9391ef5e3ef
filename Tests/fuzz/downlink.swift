// Fuzz target: DownlinkCommand.parse and RemoteSettings.apply on any bytes, the first byte
// giving the node's sensor count (0...7). No trap; an error points into the downlink; parsed
// commands encode back to the downlink's bytes; apply is all or nothing: on an error nothing
// changes and the ack is the reject record, on success the settings are the commands' last
// word and the ack lists them.
import MoteHAL
import MoteNode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDownlink(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    guard let first = input.first else { return 0 }
    let sensors = Int(first & 0x07)
    let bytes = Array(input.dropFirst())
    let before = RemoteSettings(uplinkInterval: .seconds(300),
                                sampleIntervals: (0..<sensors).map { .seconds(Int64(10 + $0)) }, confirmed: first & 0x08 != 0)
    var settings = before
    let outcome = settings.apply(bytes)
    let parsed: [DownlinkCommand]
    do {
        parsed = try DownlinkCommand.parse(bytes, sensorCount: sensors)
    } catch {
        invariant(outcome.error == error, "apply and parse disagree: \(String(describing: outcome.error)) vs \(error)")
        invariant(settings == before, "a refused downlink changed the settings")
        invariant(outcome.applied.isEmpty && !outcome.statusRequested && !outcome.updateCheckRequested, "a refused downlink did something")
        invariant(outcome.ack == DownlinkReply.rejected(error), "reject record")
        invariant(bytes.isEmpty ? error == .empty : error.offset >= 0 && error.offset <= bytes.count, "error outside the downlink: \(error)")
        if case .truncated = error {} else if !bytes.isEmpty {
            invariant(error.offset < bytes.count, "error past the end: \(error)")
        }
        return 0
    }
    invariant(outcome.error == nil && outcome.applied == parsed, "apply and parse disagree")
    invariant(!parsed.isEmpty && parsed.count <= DownlinkCommand.maxCommands, "\(parsed.count) commands")
    invariant(parsed.flatMap { $0.bytes } == bytes, "commands do not encode back to the downlink")
    invariant(outcome.ack == DownlinkReply.applied(parsed), "ack record")
    var expected = before
    for command in parsed {
        switch command {
        case .setUplinkInterval(let seconds): expected.uplinkInterval = .seconds(Int64(seconds))
        case .setSampleInterval(let sensor, let seconds): expected.sampleIntervals[Int(sensor)] = .seconds(Int64(seconds))
        case .setConfirmed(let on): expected.confirmed = on
        case .requestStatus, .checkForUpdate: break
        }
    }
    invariant(settings == expected, "settings after apply")
    invariant(outcome.statusRequested == parsed.contains(.requestStatus), "status requested")
    invariant(outcome.updateCheckRequested == parsed.contains(.checkForUpdate), "update check requested")
    return 0
}
