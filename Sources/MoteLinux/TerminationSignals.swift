import CSignal
import MoteHAL

/// What a stop request asks for.
public enum TerminationSignal: Equatable, Sendable {
    /// SIGTERM (systemd's stop) or SIGINT (Ctrl-C): finish the instant, say stopping, exit 0.
    case terminate
    /// SIGHUP: the conventional "reload"; the loop decides what that means.
    case hangUp
}

/// SIGTERM, SIGINT and SIGHUP as a descriptor the node loop polls with its others, so a stop
/// request wakes the one ppoll() instead of running a handler in the middle of a bus transfer.
///
/// The signals are blocked in the creating thread's mask and stay blocked: create this on the
/// main thread before any other thread starts, so every thread inherits the mask and a
/// process-directed signal stays pending for the descriptor instead of killing the process.
public final class TerminationSignals {
    public let fileDescriptor: Int32

    public init() throws(BusError) {
        fileDescriptor = try syscall({ mote_signal_open() }) {
            BusError(errno: $0, operation: "signalfd", bus: "signals")
        }
    }

    /// From now on a second SIGTERM or SIGINT ends the process at once: for a shutdown that
    /// hangs in a bus read. (A signal already pending stays queued on the descriptor.)
    public func release() {
        _ = mote_signal_release()
    }

    deinit {
        _ = mote_signal_close(fileDescriptor)
    }

    /// The signal received since the last call, if any (non-blocking): .terminate (TERM/INT) or .hangUp.
    public func take() -> TerminationSignal? {
        let fd = fileDescriptor
        let number = try? syscall({ mote_signal_read(fd) }) {
            BusError(errno: $0, operation: "read", bus: "signalfd")
        }
        switch number {
        case Int32(MOTE_SIGNAL_TERM), Int32(MOTE_SIGNAL_INT): return .terminate
        case Int32(MOTE_SIGNAL_HUP): return .hangUp
        default: return nil
        }
    }
}
