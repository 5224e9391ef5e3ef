import CClock
import MoteHAL

/// The clock a trial is timed by: seconds since this boot (CLOCK_BOOTTIME), and which boot it
/// is. Unlike the wall clock it is never set: a board without a real-time clock that boots in
/// 1970 and is set by NTP a minute later does not see a trial as hours old. A time from another
/// boot means nothing, so the state keeps the boot id beside it.
public enum BootClock {
    public static func seconds() -> Int64 {
        mote_clock_boottime_ns() / 1_000_000_000
    }

    /// The kernel's id of this boot (/proc/sys/kernel/random/boot_id, a UUID); "" when it
    /// cannot be read.
    public static func bootID(_ path: String = "/proc/sys/kernel/random/boot_id") -> String {
        guard let text = Files.read(path, maximumLength: 64) else { return "" }
        return String(text.split(separator: "\n").first ?? "")
    }
}
