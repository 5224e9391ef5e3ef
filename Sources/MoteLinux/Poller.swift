import CPoll
import MoteHAL

/// The node loop's one wait: until a descriptor is readable or the deadline passes, with the
/// thread asleep in ppoll() meanwhile, so an idle node uses no CPU.
public enum Poller {
    public struct Ready: Equatable {
        /// Which of the descriptors.
        public var index: Int
        /// The far end hung up (a pseudo-terminal closed, a USB adapter unplugged) or the
        /// descriptor failed; buffered bytes may still be readable.
        public var hungUp: Bool
    }

    /// The descriptors that are readable, have hung up or failed; empty when `deadline` passed
    /// first. A nil deadline waits for ever.
    public static func wait(readable descriptors: [Int32], until deadline: Instant?, clock: some Clock) -> [Ready] {
        var fds = descriptors.map { mote_poll_fd(fd: $0, events: UInt32(MOTE_POLL_READABLE), revents: 0) }
        while true {
            var timeout: Int64 = -1
            if let deadline {
                timeout = max(0, (deadline - clock.now()).nanoseconds)
            }
            let count = UInt32(fds.count)
            let result = fds.withUnsafeMutableBufferPointer { mote_poll_wait($0.baseAddress, count, timeout) }
            if result == -Errno.EINTR.rawValue { continue }
            if result < 0 { fatalError("ppoll failed: \(Errno(-result).name)") }  // EFAULT/EINVAL: a Mote bug
            var ready: [Ready] = []
            let hangUp = UInt32(MOTE_POLL_HANGUP | MOTE_POLL_ERROR)
            for index in fds.indices where fds[index].revents != 0 {
                ready.append(Ready(index: index, hungUp: fds[index].revents & hangUp != 0))
            }
            return ready
        }
    }
}
