import MoteHAL

/// The one place a shim's `-errno` return becomes a Swift error.
///
/// Retries EINTR. EBADF and EFAULT mean Mote passed a closed descriptor or a bad pointer: a bug in
/// Mote, not a fault of the bus, so they trap instead of being reported as a sensor problem.
@inline(__always)
func syscall(_ call: () -> Int32, onError: (Errno) -> BusError) throws(BusError) -> Int32 {
    while true {
        let result = call()
        if result >= 0 { return result }
        let errno = Errno(-result)
        switch errno {
        case .EINTR: continue
        case .EBADF, .EFAULT: fatalError("bad descriptor or address passed to a system call (\(errno.name))")
        default: throw onError(errno)
        }
    }
}
