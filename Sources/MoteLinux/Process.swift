import CProcess
import MoteHAL

/// Another program, run to the end: what the update commands ask of the system
/// (`systemctl restart mote.service` after an install or a revert).
public enum Process {
    /// How a run ended: the program's exit status (128 + the signal when one ended it), or why
    /// it could not be started (`ENOENT`: no such program on PATH).
    public enum Outcome: Equatable {
        case exited(Int32)
        case notStarted(Errno)
    }

    /// Runs `arguments[0]` (looked up on PATH unless it holds a '/') with the rest as its
    /// arguments, inheriting the environment and standard streams, and waits for it.
    public static func run(_ arguments: [String]) -> Outcome {
        guard !arguments.isEmpty else { return .notStarted(.EINVAL) }
        // Every argument NUL-terminated in one buffer, and argv pointing into it.
        var buffer: [UInt8] = []
        var offsets: [Int] = []
        for argument in arguments {
            offsets.append(buffer.count)
            buffer.append(contentsOf: argument.utf8)
            buffer.append(0)
        }
        var status: Int32 = 0
        let result: Int32 = buffer.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            var argv: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            argv.append(nil)
            return argv.withUnsafeBufferPointer { mote_process_run($0.baseAddress, &status) }
        }
        return result < 0 ? .notStarted(Errno(-result)) : .exited(status)
    }

    /// "systemctl restart UNIT": nil when it exited 0, else what happened, in words.
    /// `systemctl` is the program to run (tests give a stand-in).
    public static func restart(unit: String, systemctl: String = "systemctl") -> String? {
        switch run([systemctl, "restart", unit]) {
        case .exited(0): return nil
        case .exited(let status): return "\(systemctl) restart \(unit) exited \(status)"
        case .notStarted(let errno): return "cannot run \(systemctl) (\(errno.name))"
        }
    }
}
