import MoteHAL

/// The node's half of an update trial: once it is healthy (READY sent and its first frame
/// accepted by the uplink) it writes `<state dir>/health` naming the slot its binary runs from,
/// and the next `mote update watch` (every minute) or `mote update guard` (the next start)
/// confirms that slot (SlotStore.watch, SlotStore.guardStart). The node never
/// touches the update state itself: it runs unprivileged, the guard as root.
public enum HealthMark {
    /// The slot of a binary at `.../slots/X/mote`; nil anywhere else (a development build).
    public static func slot(ofExecutable path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[parts.count - 1] == "mote", parts[parts.count - 3] == "slots",
              Slot.names.contains(parts[parts.count - 2]) else { return nil }
        return parts[parts.count - 2]
    }

    public static func text(slot: String) -> String {
        "# Written by mote once this slot's node was healthy (docs/updates.md).\nslot = \"\(slot)\"\n"
    }

    /// Writes the mark when this process's binary is in a slot (`/proc/self/exe`); nil when
    /// written or nothing to mark, else why not.
    public static func write(stateDirectory: String, executable: String? = Files.readLink("/proc/self/exe")) -> String? {
        guard let executable, let slot = slot(ofExecutable: executable) else { return nil }
        let path = stateDirectory + "/health"
        if let errno = Files.writeAtomically(path, text(slot: slot)) { return "cannot write the health mark \(path): \(errno.name)" }
        return nil
    }
}
