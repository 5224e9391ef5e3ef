import MoteHAL
import MoteNode

/// An update image whose files have been checked against signed metadata: each file's name in
/// the slot, where it is now, and the length and SHA-256 the metadata gives for it. The slot
/// store trusts only these two numbers, never the files: it copies, then checks the copies.
public struct VerifiedImage: Equatable {
    public struct File: Equatable {
        /// The name in the slot: `mote` (the node binary, required) or `node.toml`.
        public var name: String
        public var path: String
        public var length: Int64
        public var sha256: [UInt8]

        public init(name: String, path: String, length: Int64, sha256: [UInt8]) {
            self.name = name
            self.path = path
            self.length = length
            self.sha256 = sha256
        }
    }

    public var files: [File]
    /// The image's version (the TUF target's), recorded in the slot's manifest.
    public var version: Int64
    /// The board the image is for, as the metadata says (recorded; the verifier checks it).
    public var hardwareID: String

    public init(files: [File], version: Int64, hardwareID: String) {
        self.files = files
        self.version = version
        self.hardwareID = hardwareID
    }

    /// The names an image may carry, in the order manifests list them.
    public static let fileNames = ["mote", "node.toml"]
}

/// What a slot holds, as installed and verified: `slots/X/manifest`.
public struct SlotManifest: Equatable {
    public struct Entry: Equatable {
        public var name: String
        public var length: Int64
        public var sha256: [UInt8]

        public init(name: String, length: Int64, sha256: [UInt8]) {
            self.name = name
            self.length = length
            self.sha256 = sha256
        }
    }

    public var version: Int64
    public var hardwareID: String
    public var files: [Entry]

    public init(version: Int64, hardwareID: String, files: [Entry]) {
        self.version = version
        self.hardwareID = hardwareID
        self.files = files
    }

    public var text: String {
        var text = "# What `mote update` installed in this slot and checked from disk (docs/updates.md).\n"
        text += "version = \(version)\nhardware_id = \(JSONText.quoted(hardwareID))\n"
        for file in files {
            text += "\n[[file]]\nname = \(JSONText.quoted(file.name))\nlength = \(file.length)\nsha256 = \"\(Hex.encode(file.sha256))\"\n"
        }
        return text
    }

    /// Nil when the text is not a manifest this code wrote (a torn or edited file does not verify).
    public static func parse(_ text: String) -> SlotManifest? {
        let (document, errors) = TOML.parse(text)
        guard errors.isEmpty, case .integer(let version)? = document["version"]?.node.value,
              case .string(let hardware)? = document["hardware_id"]?.node.value,
              case .array(let nodes)? = document["file"]?.node.value else { return nil }
        var files: [Entry] = []
        for node in nodes {
            guard case .table(let table) = node.value,
                  case .string(let name)? = table["name"]?.node.value,
                  case .integer(let length)? = table["length"]?.node.value, length >= 0,
                  case .string(let hex)? = table["sha256"]?.node.value,
                  let digest = Hex.decode(hex.utf8), digest.count == 32 else { return nil }
            files.append(Entry(name: name, length: length, sha256: digest))
        }
        guard files.contains(where: { $0.name == "mote" }) else { return nil }
        return SlotManifest(version: version, hardwareID: hardware, files: files)
    }
}

/// `/var/lib/mote-update/state`: the trial in progress, if any, and what happened last.
public struct UpdateState: Equatable {
    /// The slot on trial (`current` points at it, `stable` does not yet); nil when none.
    public var trial: String?
    /// Starts of the trial slot so far (the guard counts them before each start).
    public var starts: Int
    /// Seconds since boot (`BootClock`) when the guard counted the trial slot's last start;
    /// 0 when it has counted none (and in state files written before there was a watch).
    public var startedAt: Int64
    /// The boot `startedAt` belongs to (`BootClock.bootID()`); "" when none.
    public var startedBoot: String
    /// The stable slot when the trial began: where a revert goes.
    public var previous: String?
    /// The trial image's version.
    public var imageVersion: Int64
    /// The last thing `mote update` did, in words.
    public var result: String

    public init(trial: String? = nil, starts: Int = 0, startedAt: Int64 = 0, startedBoot: String = "", previous: String? = nil,
                imageVersion: Int64 = 0, result: String = "") {
        self.trial = trial
        self.starts = starts
        self.startedAt = startedAt
        self.startedBoot = startedBoot
        self.previous = previous
        self.imageVersion = imageVersion
        self.result = result
    }

    public var text: String {
        "# Written by `mote update` (docs/updates.md); do not edit.\n"
            + "trial = \(JSONText.quoted(trial ?? ""))\nstarts = \(starts)\nstarted_at = \(startedAt)\nstarted_boot = \(JSONText.quoted(startedBoot))\nprevious = \(JSONText.quoted(previous ?? ""))\n"
            + "image_version = \(imageVersion)\nresult = \(JSONText.quoted(result))\n"
    }

    public static func parse(_ text: String) -> UpdateState? {
        let (document, errors) = TOML.parse(text)
        guard errors.isEmpty, case .string(let trial)? = document["trial"]?.node.value,
              case .integer(let starts)? = document["starts"]?.node.value, starts >= 0, starts < 1_000_000,
              case .string(let previous)? = document["previous"]?.node.value,
              case .integer(let version)? = document["image_version"]?.node.value,
              case .string(let result)? = document["result"]?.node.value else { return nil }
        // Boards have state files from before `started_at`: none means no start timed yet.
        var startedAt: Int64 = 0
        if let entry = document["started_at"] {
            guard case .integer(let seconds) = entry.node.value, seconds >= 0 else { return nil }
            startedAt = seconds
        }
        var startedBoot = ""
        if let entry = document["started_boot"] {
            guard case .string(let boot) = entry.node.value else { return nil }
            startedBoot = boot
        }
        return UpdateState(trial: trial.isEmpty ? nil : trial, starts: Int(starts), startedAt: startedAt, startedBoot: startedBoot,
                           previous: previous.isEmpty ? nil : previous, imageVersion: version, result: result)
    }
}

/// The two slots' names.
public enum Slot {
    public static let names = ["a", "b"]
    public static func other(_ slot: String) -> String { slot == "a" ? "b" : "a" }
}

/// Why an update step failed; names the path, and says what was left as it was.
public struct SlotError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The A/B slots of /opt/mote (docs/updates.md): `slots/a` and `slots/b`, `current` (what
/// systemd starts) and `stable` (the last slot that reported healthy), relative links switched
/// by rename; the trial state in /var/lib/mote-update/state and the node's health mark in
/// /var/lib/mote/health. Every step is durable before the next begins, and each order is chosen
/// so that a power cut anywhere leaves `stable` on a slot that verifies, which `guard` then
/// points `current` at. Generic over the SHA-256 (LibCrypto's on the board).
public struct SlotStore<SHA256: UpdateHasher> {
    /// "/" on a board; a temporary directory in tests. Always ends in "/".
    public let root: String
    /// Starts of a trial slot without a health mark before the guard reverts.
    public var maximumStarts: Int

    public static var slots: [String] { Slot.names }

    public init(root: String = "/", maximumStarts: Int = 3) {
        self.root = root.hasSuffix("/") ? root : root + "/"
        self.maximumStarts = maximumStarts
    }

    public var slotsDirectory: String { root + "opt/mote/slots" }
    public var currentLink: String { root + "opt/mote/current" }
    public var stableLink: String { root + "opt/mote/stable" }
    public var statePath: String { root + "var/lib/mote-update/state" }
    public var healthPath: String { root + "var/lib/mote/health" }
    public func directory(_ slot: String) -> String { slotsDirectory + "/" + slot }
    func manifestPath(_ slot: String) -> String { directory(slot) + "/manifest" }

    static func other(_ slot: String) -> String { Slot.other(slot) }

    /// The slot a link points at ("slots/b" -> "b"); nil when the link is missing, dangling or
    /// points anywhere else.
    public func slot(of link: String) -> String? {
        guard let target = Files.readLink(link) else { return nil }
        for slot in Self.slots where target == "slots/" + slot {
            return Files.kind(directory(slot)) == .directory ? slot : nil
        }
        return nil
    }

    public func state() -> UpdateState? {
        guard let text = Files.read(statePath) else { return nil }
        return UpdateState.parse(text)
    }

    func write(_ state: UpdateState) throws(SlotError) {
        // Temporary file, fsync, rename, directory fsync; missing directories made on the way.
        if let errno = Files.writeAtomically(statePath, state.text) { throw SlotError("cannot write \(statePath): \(errno.name)") }
    }

    public func manifest(_ slot: String) -> SlotManifest? {
        Files.read(manifestPath(slot), maximumLength: 16_384).flatMap { SlotManifest.parse($0) }
    }

    /// The length and SHA-256 of a file as it is on disk now, read in chunks.
    public static func measure(_ path: String) -> Measured {
        let hasher = SHA256()
        var length: Int64 = 0
        if let errno = Files.readChunks(path, { chunk in
            hasher.update(chunk)
            length += Int64(chunk.count)
        }) { return .failed(errno) }
        return .file(length: length, sha256: hasher.finalize())
    }

    public enum Measured: Equatable {
        case file(length: Int64, sha256: [UInt8])
        case failed(Errno)
    }

    /// Nil when every file the slot's manifest lists is on disk with its length and SHA-256;
    /// otherwise what is wrong, naming the file.
    public func problem(_ slot: String) -> String? {
        guard let manifest = manifest(slot) else {
            return Files.exists(manifestPath(slot)) ? "\(manifestPath(slot)) is not a manifest" : "no manifest (\(manifestPath(slot)))"
        }
        for entry in manifest.files {
            let path = directory(slot) + "/" + entry.name
            switch Self.measure(path) {
            case .failed(let errno): return "\(path): \(errno.name)"
            case .file(let length, let sha256):
                if length != entry.length || sha256 != entry.sha256 {
                    return "\(path): \(length) bytes, SHA-256 \(Hex.encode(sha256)); the manifest says \(entry.length) bytes, \(Hex.encode(entry.sha256))"
                }
            }
        }
        return nil
    }

    // MARK: apply

    /// Installs `image` into the slot `stable` does not point at and starts its trial: copies
    /// each file into `slots/X.new` (each fsync'd, then the directory), checks every copy's
    /// length and SHA-256 from disk, moves the old slot aside and the new one into its place,
    /// records the trial, and switches `current` to it. A file that does not match changes
    /// nothing but the removed `.new` directory. Returns the slot installed into.
    @discardableResult
    public func apply(_ image: VerifiedImage) throws(SlotError) -> String {
        for file in image.files where !VerifiedImage.fileNames.contains(file.name) {
            throw SlotError("image file \"\(file.name)\": a slot holds only " + VerifiedImage.fileNames.joined(separator: " and ") + "; nothing installed")
        }
        guard image.files.contains(where: { $0.name == "mote" }) else { throw SlotError("the image has no \"mote\" binary; nothing installed") }
        for file in image.files where file.sha256.count != 32 {
            throw SlotError("image file \"\(file.name)\": a SHA-256 is 32 bytes, not \(file.sha256.count); nothing installed")
        }
        guard let stable = slot(of: stableLink), problem(stable) == nil else {
            throw SlotError("\(stableLink) does not point at a slot that verifies; run `mote update guard` first; nothing installed")
        }
        // During a trial that is the trial slot, replaced: the stable slot is never written.
        let target = Self.other(stable)
        let final = directory(target)
        let staging = final + ".new"
        let aside = final + ".old"
        func fail(_ message: String) -> SlotError {
            _ = Files.removeTree(staging)
            return SlotError(message + "; nothing installed, slot \(target) left as it was")
        }
        if let errno = Files.removeTree(staging) { throw SlotError("cannot remove \(staging): \(errno.name)") }
        if let errno = Files.makeDirectory(staging, mode: 0o755) { throw fail("cannot create \(staging): \(errno.name)") }
        for file in image.files {
            if let errno = Files.copy(file.path, to: staging + "/" + file.name, mode: file.name == "mote" ? 0o755 : 0o644) {
                throw fail("cannot copy \(file.path) to \(staging)/\(file.name): \(errno.name)")
            }
        }
        if let errno = Files.sync(staging) { throw fail("cannot sync \(staging): \(errno.name)") }
        // Again from disk: what a later start will run is what was written, not what was read.
        var entries: [SlotManifest.Entry] = []
        for name in VerifiedImage.fileNames {
            guard let file = image.files.first(where: { $0.name == name }) else { continue }
            let path = staging + "/" + name
            switch Self.measure(path) {
            case .failed(let errno): throw fail("cannot read \(path) back: \(errno.name)")
            case .file(let length, let sha256):
                if length != file.length || sha256 != file.sha256 {
                    throw fail("\(file.path) as copied into slot \(target): \(length) bytes, SHA-256 \(Hex.encode(sha256)); expected \(file.length) bytes, \(Hex.encode(file.sha256))")
                }
            }
            entries.append(SlotManifest.Entry(name: name, length: file.length, sha256: file.sha256))
        }
        let manifest = SlotManifest(version: image.version, hardwareID: image.hardwareID, files: entries)
        if let errno = Files.writeAtomically(staging + "/manifest", manifest.text) { throw fail("cannot write \(staging)/manifest: \(errno.name)") }
        _ = Files.chmod(staging + "/manifest", mode: 0o644)
        // The old slot aside, the new one in: a cut between leaves no slots/X, which is not
        // current and not stable; the guard clears the leftovers.
        if let errno = Files.removeTree(aside) { throw fail("cannot remove \(aside): \(errno.name)") }
        if Files.kind(final) != nil, let errno = Files.rename(final, to: aside) { throw fail("cannot move \(final) aside: \(errno.name)") }
        if let errno = Files.rename(staging, to: final) { throw fail("cannot move \(staging) to \(final): \(errno.name)") }
        _ = Files.removeTree(aside)
        // A mark left from an earlier run of this slot must not confirm the new image.
        _ = Files.remove(healthPath)
        try write(UpdateState(trial: target, starts: 0, previous: stable, imageVersion: image.version,
                              result: "installed version \(image.version) into slot \(target); on trial"))
        if let errno = Files.link(currentLink, to: "slots/" + target) {
            throw SlotError("cannot switch \(currentLink) to slots/\(target): \(errno.name); the next `mote update guard` points it back at slot \(stable)")
        }
        return target
    }

    // MARK: guard

    /// What one guard run did, in order; `reverted` and `confirmed` name the slot.
    public struct GuardReport: Equatable {
        public var actions: [String] = []
        public var confirmed: String?
        public var reverted: String?
        /// The slot `current` points at afterwards.
        public var current: String = ""
    }

    /// Run as root before every start of the node, from the stable slot's binary (so a broken
    /// new binary cannot keep itself from being reverted): clears what an interrupted step left,
    /// makes `stable` point at a slot that verifies, and for a pending trial confirms it (the
    /// node marked it healthy), counts the start, or reverts after `maximumStarts` starts
    /// without a mark. `current` always ends on a slot that verifies.
    /// `now` and `boot`: seconds since boot and the boot's id (`BootClock`), recorded as the
    /// trial's `started_at` and `started_boot` when a start is counted.
    public func guardStart(now: Int64 = BootClock.seconds(), boot: String = BootClock.bootID()) throws(SlotError) -> GuardReport {
        var report = GuardReport()
        guard Files.kind(slotsDirectory) == .directory else {
            throw SlotError("\(slotsDirectory) is not there: no A/B slots on this board (scripts/provision installs them)")
        }
        for slot in Self.slots {
            let final = directory(slot), aside = final + ".old"
            // Cut between moving the old slot aside and the new one in: the old one goes back.
            if Files.kind(final) == nil && Files.kind(aside) == .directory {
                if let errno = Files.rename(aside, to: final) { throw SlotError("cannot move \(aside) back to \(final): \(errno.name)") }
                report.actions.append("moved \(aside) back to \(final) (an interrupted install)")
            }
            for leftover in [final + ".new", aside] where Files.kind(leftover) != nil {
                if let errno = Files.removeTree(leftover) { throw SlotError("cannot remove \(leftover): \(errno.name)") }
                report.actions.append("removed \(leftover) (an interrupted install)")
            }
            if Files.kind(final) == nil, let errno = Files.makeDirectory(final, mode: 0o755) {
                throw SlotError("cannot create \(final): \(errno.name)")
            }
        }
        for link in [currentLink + ".new", stableLink + ".new"] where Files.kind(link) != nil {
            _ = Files.remove(link)
            report.actions.append("removed \(link) (an interrupted switch)")
        }
        var state = state() ?? UpdateState()
        if Files.exists(statePath) && self.state() == nil {
            // Written only by rename, so never torn by a cut: edited by hand, or a failing card.
            state = UpdateState(result: "the state file could not be read; started over")
            try write(state)
            report.actions.append("\(statePath) could not be read: no trial assumed")
        }
        let current = slot(of: currentLink)
        var stable = slot(of: stableLink)
        // A slot provisioning installed has no manifest yet: recorded as it is (version 0).
        if let adopt = stable ?? current, adopt != state.trial, !Files.exists(manifestPath(adopt)) {
            try record(adopt)
            report.actions.append("recorded slot \(adopt)'s files in \(manifestPath(adopt)) (as installed)")
        }
        if let slot = stable, let problem = problem(slot) {
            report.actions.append("stable slot \(slot) does not verify: \(problem)")
            stable = nil
        }
        if stable == nil {
            // The last slot that verifies and is not on trial; then any that verifies.
            let candidates = [current, state.previous, Self.slots[0], Self.slots[1]].compactMap { $0 }
            guard let chosen = candidates.first(where: { $0 != state.trial && problem($0) == nil }) ?? candidates.first(where: { problem($0) == nil }) else {
                throw SlotError("no slot verifies (" + Self.slots.map { "\($0): \(problem($0) ?? "")" }.joined(separator: "; ") + "); nothing to start")
            }
            try point(stableLink, at: chosen)
            report.actions.append("pointed \(stableLink) at slot \(chosen)")
            stable = chosen
        }
        guard let stable else { throw SlotError("no stable slot") }
        var target = stable
        if let trial = state.trial {
            if trial == stable {
                // Cut between switching `stable` and recording it.
                report.actions.append(try finishConfirmation(trial, state))
                report.confirmed = trial
            } else if current != trial || problem(trial) != nil {
                let why = current != trial ? "current was not switched to it" : "it does not verify: " + (problem(trial) ?? "")
                // Never started, so not "tried": the check may install that version again.
                state = UpdateState(imageVersion: manifest(stable)?.version ?? 0, result: "trial of slot \(trial) abandoned (\(why)); on slot \(stable)")
                try write(state)
                report.actions.append(state.result)
            } else if healthMark() == trial {
                report.actions.append(try confirm(trial, state))
                report.confirmed = trial
                target = trial
            } else if state.starts >= maximumStarts {
                report.actions.append(try revert(trial, state, because: " after \(state.starts) starts without reporting healthy", to: stable))
                report.reverted = trial
            } else {
                state.starts += 1
                state.startedAt = now
                state.startedBoot = boot
                try write(state)
                report.actions.append("slot \(trial) on trial: start \(state.starts) of \(maximumStarts)")
                target = trial
            }
        }
        if current != target {
            try point(currentLink, at: target)
            report.actions.append("pointed \(currentLink) at slot \(target)")
        }
        report.current = target
        return report
    }

    // The ends of a trial, shared by the guard and the watch, in the order the power-cut table
    // of docs/updates.md assumes: whatever a cut between two steps leaves, the next guard finishes.

    /// The trial slot marked itself healthy: `stable` -> it, the trial cleared, the mark removed.
    func confirm(_ trial: String, _ state: UpdateState) throws(SlotError) -> String {
        try point(stableLink, at: trial)
        let result = "confirmed slot \(trial) (version \(state.imageVersion)): healthy after \(state.starts) start\(state.starts == 1 ? "" : "s")"
        try write(UpdateState(imageVersion: state.imageVersion, result: result))
        _ = Files.remove(healthPath)
        return result
    }

    /// `stable` already points at the trial slot (a cut inside `confirm`): the state catches up.
    func finishConfirmation(_ trial: String, _ state: UpdateState) throws(SlotError) -> String {
        let result = "confirmed slot \(trial) (version \(state.imageVersion))"
        try write(UpdateState(imageVersion: state.imageVersion, result: result))
        return result
    }

    /// The trial is over without a health mark: the state says so (`because` follows the slot
    /// in the result) and the mark goes; the caller then points `current` at `stable` (a cut in
    /// between leaves no trial and `current` elsewhere, which the guard points back).
    func revert(_ trial: String, _ state: UpdateState, because: String, to stable: String) throws(SlotError) -> String {
        let result = "reverted slot \(trial)\(because); on slot \(stable)"
        try write(UpdateState(imageVersion: state.imageVersion, result: result))
        _ = Files.remove(healthPath)
        return result
    }

    // MARK: watch

    /// What one watch run did: nil when there was nothing to do (no trial, or one within its
    /// time), else its one line; `reverted` when `current` went back to `stable` (the node
    /// must be restarted onto it).
    public struct WatchReport: Equatable {
        public var action: String?
        public var confirmed: String?
        public var reverted: String?

        public init(action: String? = nil, confirmed: String? = nil, reverted: String? = nil) {
            self.action = action
            self.confirmed = confirmed
            self.reverted = reverted
        }
    }

    /// Run as root every minute (mote-update-watch.timer), from the stable slot's binary: a trial
    /// slot that has been started and marked itself healthy is confirmed now, as the guard would
    /// at the next start; one that has no mark `timeout` seconds after the start the guard last
    /// counted (`started_at`) is reverted. A trial not started yet, or not the slot `current`
    /// points at, is the guard's (it may be an install under way). `now` and `boot` are seconds
    /// since boot and the boot's id (`BootClock`), so setting the wall clock changes nothing: a
    /// start timed in another boot, or not timed (a state from before `started_at`), restarts
    /// the timing from now rather than reverting at once.
    public func watch(now: Int64 = BootClock.seconds(), boot: String = BootClock.bootID(), timeout: Int64) throws(SlotError) -> WatchReport {
        var report = WatchReport()
        guard var state = state(), let trial = state.trial, state.starts >= 1, slot(of: currentLink) == trial else { return report }
        guard let stable = slot(of: stableLink) else {
            throw SlotError("slot \(trial) on trial, but \(stableLink) does not point at a slot; left on trial (the guard repairs the link at the next start)")
        }
        if trial == stable {
            report.action = try finishConfirmation(trial, state)
            report.confirmed = trial
            return report
        }
        let start = "start \(state.starts) of \(maximumStarts)"
        if let problem = problem(trial) {
            report.action = try revert(trial, state, because: ": it does not verify (\(problem))", to: stable)
        } else if healthMark() == trial {
            report.action = try confirm(trial, state)
            report.confirmed = trial
            return report
        } else if state.startedAt == 0 || state.startedBoot != boot || now < state.startedAt {
            let why = state.startedAt == 0 ? "its start was not timed (a state from before started_at)"
                : state.startedBoot != boot ? "its \(start) was timed in another boot"
                : "the clock went back \(state.startedAt - now) s since its \(start)"
            state.startedAt = now
            state.startedBoot = boot
            try write(state)
            report.action = "slot \(trial) on trial: \(why); timing it from now (\(now)), \(timeout) s to report healthy"
            return report
        } else if now - state.startedAt >= timeout {
            report.action = try revert(trial, state, because: ": not healthy \(now - state.startedAt) s after its \(start)", to: stable)
        } else {
            return report
        }
        try point(currentLink, at: stable)
        report.reverted = trial
        return report
    }

    /// The slot the node's health mark names (`slot = "b"`), if any.
    public func healthMark() -> String? {
        guard let text = Files.read(healthPath) else { return nil }
        let (document, errors) = TOML.parse(text)
        guard errors.isEmpty, case .string(let slot)? = document["slot"]?.node.value else { return nil }
        return slot
    }

    func point(_ link: String, at slot: String) throws(SlotError) {
        if let errno = Files.link(link, to: "slots/" + slot) { throw SlotError("cannot point \(link) at slots/\(slot): \(errno.name)") }
    }

    /// A manifest of the slot's files as they are (version 0): for the slot provisioning installed.
    func record(_ slot: String) throws(SlotError) {
        var entries: [SlotManifest.Entry] = []
        for name in VerifiedImage.fileNames {
            let path = directory(slot) + "/" + name
            guard Files.kind(path) == .file else { continue }
            switch Self.measure(path) {
            case .failed(let errno): throw SlotError("cannot read \(path): \(errno.name)")
            case .file(let length, let sha256): entries.append(SlotManifest.Entry(name: name, length: length, sha256: sha256))
            }
        }
        guard entries.contains(where: { $0.name == "mote" }) else { throw SlotError("\(directory(slot)) has no mote binary and no manifest") }
        let text = SlotManifest(version: 0, hardwareID: "", files: entries).text
        if let errno = Files.writeAtomically(manifestPath(slot), text) { throw SlotError("cannot write \(manifestPath(slot)): \(errno.name)") }
        _ = Files.chmod(manifestPath(slot), mode: 0o644)
    }

    // MARK: status

    /// `mote update status`: the links, the trial, and every slot's version and check.
    public func status() -> [String] {
        var lines: [String] = []
        lines.append("current: " + (slot(of: currentLink).map { "slot " + $0 } ?? "missing or not a slot (\(Files.readLink(currentLink) ?? "no link"))"))
        lines.append("stable:  " + (slot(of: stableLink).map { "slot " + $0 } ?? "missing or not a slot (\(Files.readLink(stableLink) ?? "no link"))"))
        let state = state()
        if let trial = state?.trial, let state {
            let mark = healthMark() == trial ? "marked healthy, confirmed by the next watch or start" : "not marked healthy yet"
            lines.append("trial:   slot \(trial) (version \(state.imageVersion)), \(state.starts) of \(maximumStarts) starts, \(mark)")
        } else {
            lines.append("trial:   none")
        }
        lines.append("last:    " + (state.map { $0.result.isEmpty ? "nothing yet" : $0.result }
                                    ?? (Files.exists(statePath) ? "\(statePath) cannot be read" : "nothing yet")))
        for slot in Self.slots {
            var line = "slot \(slot):  "
            if Files.kind(directory(slot)) != .directory {
                line += "missing"
            } else if let manifest = manifest(slot) {
                line += "version \(manifest.version)"
                if !manifest.hardwareID.isEmpty { line += " for \(manifest.hardwareID)" }
                line += ", " + manifest.files.map { "\($0.name) \($0.length) bytes" }.joined(separator: ", ")
                line += problem(slot).map { "; DOES NOT VERIFY: " + $0 } ?? "; verifies"
            } else {
                line += problem(slot) ?? "no manifest"
            }
            lines.append(line)
        }
        return lines
    }
}
