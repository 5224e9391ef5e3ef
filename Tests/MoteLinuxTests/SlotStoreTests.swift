import Glibc
import Testing
import MoteHAL
import MoteLinux
import MoteNode

/// The A/B slots on real files under a temporary root laid out as provisioning leaves a board:
/// slots/a with a binary and a node file, slots/b empty, current and stable -> slots/a.
@Suite struct SlotStoreTests {
    typealias Store = SlotStore<LibCrypto.SHA256>
    let root: String
    let store: Store

    // Fixture files and their SHA-256 as sha256sum prints them (not from the code under test).
    static let aBinary = "slot a binary\n", aBinarySHA = "d88500904406b9b915caaaed4c4c4388864608a08882c8bf0a88b1c2f75a686c"
    static let aNode = "slot a node\n", aNodeSHA = "941a6db6cc24c0a42ec07edb3b83b4d301dd2fee9e67de1d23d50468d6274901"
    static let newBinary = "new binary\n", newBinarySHA = "84fd2b2c47740e02efc3337881691afe17555a08cf4c73866831374e6e7793d8"
    static let newNode = "new node\n", newNodeSHA = "6ede4d85e0b00ba4e0d7087e58d58297194e32e272e439a1fb3435a6d93ec6f2"

    init() {
        var template = Array("/tmp/mote-slots-test-XXXXXX".utf8CString)
        root = String(cString: mkdtemp(&template)!)
        store = Store(root: root)
        _ = Files.writeAtomically(root + "/opt/mote/slots/a/mote", Self.aBinary)
        _ = Files.writeAtomically(root + "/opt/mote/slots/a/node.toml", Self.aNode)
        _ = Files.makeDirectory(root + "/opt/mote/slots/b", mode: 0o755)
        _ = Files.link(root + "/opt/mote/current", to: "slots/a")
        _ = Files.link(root + "/opt/mote/stable", to: "slots/a")
        _ = Files.writeAtomically(root + "/image/mote", Self.newBinary)
        _ = Files.writeAtomically(root + "/image/node.toml", Self.newNode)
    }

    func image(binarySHA: String = newBinarySHA, binaryLength: Int64 = 11, version: Int64 = 7) -> VerifiedImage {
        VerifiedImage(files: [
            .init(name: "mote", path: root + "/image/mote", length: binaryLength, sha256: Hex.decode(binarySHA.utf8)!),
            .init(name: "node.toml", path: root + "/image/node.toml", length: 9, sha256: Hex.decode(Self.newNodeSHA.utf8)!),
        ], version: version, hardwareID: "raspberry-pi-4b")
    }

    func read(_ path: String) -> String? { Files.read(root + "/" + path, maximumLength: 65_536) }
    func link(_ name: String) -> String? { Files.readLink(root + "/opt/mote/" + name) }
    func mode(_ path: String) -> UInt32 {
        var status = stat()
        return stat(root + "/" + path, &status) == 0 ? UInt32(status.st_mode) & 0o7777 : 0
    }
    /// The state file's text; a timed start (`startedAt` above 0) is of this boot unless `boot` says otherwise.
    func state(_ trial: String, _ starts: Int, _ previous: String, _ version: Int64, _ result: String, startedAt: Int64 = 0,
               boot: String? = nil) -> String {
        "# Written by `mote update` (docs/updates.md); do not edit.\ntrial = \"\(trial)\"\nstarts = \(starts)\nstarted_at = \(startedAt)\n"
            + "started_boot = \"\(boot ?? (startedAt == 0 ? "" : BootClock.bootID()))\"\n"
            + "previous = \"\(previous)\"\nimage_version = \(version)\nresult = \"\(result)\"\n"
    }

    static let manifestA = """
        # What `mote update` installed in this slot and checked from disk (docs/updates.md).
        version = 0
        hardware_id = ""

        [[file]]
        name = "mote"
        length = 14
        sha256 = "\(aBinarySHA)"

        [[file]]
        name = "node.toml"
        length = 12
        sha256 = "\(aNodeSHA)"

        """
    static let manifestB = """
        # What `mote update` installed in this slot and checked from disk (docs/updates.md).
        version = 7
        hardware_id = "raspberry-pi-4b"

        [[file]]
        name = "mote"
        length = 11
        sha256 = "\(newBinarySHA)"

        [[file]]
        name = "node.toml"
        length = 9
        sha256 = "\(newNodeSHA)"

        """

    /// The first guard records the provisioned slot, then an image goes to b on trial.
    func installed() throws {
        let first = try store.guardStart()
        #expect(first.actions == ["recorded slot a's files in \(root)/opt/mote/slots/a/manifest (as installed)"])
        #expect(try store.apply(image()) == "b")
    }

    @Test func theFirstGuardRecordsTheProvisionedSlot() throws {
        let report = try store.guardStart()
        #expect(report.current == "a" && report.confirmed == nil && report.reverted == nil)
        #expect(read("opt/mote/slots/a/manifest") == Self.manifestA)
        #expect(mode("opt/mote/slots/a/manifest") == 0o644)
        #expect(store.problem("a") == nil)
        // Nothing else to do the second time.
        #expect(try store.guardStart().actions == [])
        #expect(!Files.exists(store.statePath))
    }

    @Test func applyCopiesChecksAndSwitchesOnTrial() throws {
        _ = Files.writeAtomically(store.healthPath, HealthMark.text(slot: "b"))  // a stale mark
        try installed()
        #expect(link("current") == "slots/b")
        #expect(link("stable") == "slots/a")
        #expect(read("opt/mote/slots/b/mote") == Self.newBinary)
        #expect(read("opt/mote/slots/b/node.toml") == Self.newNode)
        #expect(mode("opt/mote/slots/b/mote") == 0o755)
        #expect(mode("opt/mote/slots/b/node.toml") == 0o644)
        #expect(read("opt/mote/slots/b/manifest") == Self.manifestB)
        #expect(read("var/lib/mote-update/state") == state("b", 0, "a", 7, "installed version 7 into slot b; on trial"))
        #expect(Files.list(root + "/opt/mote/slots") == ["a", "b"])
        #expect(Files.list(root + "/opt/mote") == ["current", "slots", "stable"])
        #expect(!Files.exists(store.healthPath))
        #expect(store.problem("b") == nil)
    }

    @Test func aWrongHashOrLengthInstallsNothing() throws {
        try installed()
        _ = try store.guardStart()
        _ = Files.writeAtomically(store.healthPath, HealthMark.text(slot: "b"))
        _ = try store.guardStart()  // b confirmed: stable -> b, the next image goes to a
        let before = (read("opt/mote/slots/a/manifest"), read("var/lib/mote-update/state"))
        let wrong = String(repeating: "ab", count: 32)
        #expect(throws: SlotError("\(root)/image/mote as copied into slot a: 11 bytes, SHA-256 \(Self.newBinarySHA); expected 11 bytes, \(wrong); "
                                  + "nothing installed, slot a left as it was")) { try store.apply(image(binarySHA: wrong)) }
        #expect(throws: SlotError("\(root)/image/mote as copied into slot a: 11 bytes, SHA-256 \(Self.newBinarySHA); expected 12 bytes, \(Self.newBinarySHA); "
                                  + "nothing installed, slot a left as it was")) { try store.apply(image(binaryLength: 12)) }
        #expect(read("opt/mote/slots/a/mote") == Self.aBinary)
        #expect(read("opt/mote/slots/a/manifest") == before.0)
        #expect(read("var/lib/mote-update/state") == before.1)
        #expect(Files.list(root + "/opt/mote/slots") == ["a", "b"])
        #expect(link("current") == "slots/b" && link("stable") == "slots/b")
    }

    @Test func imagesWithoutABinaryOrWithOtherFilesAreRefused() throws {
        _ = try store.guardStart()
        var extra = image()
        extra.files.append(.init(name: "run.sh", path: root + "/image/mote", length: 11, sha256: Hex.decode(Self.newBinarySHA.utf8)!))
        #expect(throws: SlotError("image file \"run.sh\": a slot holds only mote and node.toml; nothing installed")) { try store.apply(extra) }
        var noBinary = image()
        noBinary.files.removeFirst()
        #expect(throws: SlotError("the image has no \"mote\" binary; nothing installed")) { try store.apply(noBinary) }
        #expect(Files.list(root + "/opt/mote/slots") == ["a", "b"])
        #expect(link("current") == "slots/a")
    }

    @Test func threeStartsWithoutAHealthMarkThenTheGuardReverts() throws {
        try installed()
        for start in 1...3 {
            let report = try store.guardStart(now: 1_700_000_000 + Int64(start))
            #expect(report.actions == ["slot b on trial: start \(start) of 3"])
            #expect(report.current == "b" && report.reverted == nil)
            #expect(read("var/lib/mote-update/state") == state("b", start, "a", 7, "installed version 7 into slot b; on trial",
                                                                startedAt: 1_700_000_000 + Int64(start)))
        }
        _ = Files.writeAtomically(store.healthPath, HealthMark.text(slot: "a"))  // a mark of the other slot confirms nothing
        let report = try store.guardStart()
        #expect(report.reverted == "b" && report.current == "a")
        #expect(report.actions == ["reverted slot b after 3 starts without reporting healthy; on slot a",
                                   "pointed \(root)/opt/mote/current at slot a"])
        #expect(read("var/lib/mote-update/state") == state("", 0, "", 7, "reverted slot b after 3 starts without reporting healthy; on slot a"))
        #expect(link("current") == "slots/a" && link("stable") == "slots/a")
        #expect(!Files.exists(store.healthPath))
        #expect(try store.guardStart().actions == [])
    }

    @Test func aHealthMarkOfTheTrialSlotConfirmsIt() throws {
        try installed()
        _ = try store.guardStart()
        _ = try store.guardStart()
        _ = Files.writeAtomically(store.healthPath, HealthMark.text(slot: "b"))
        #expect(store.status()[2] == "trial:   slot b (version 7), 2 of 3 starts, marked healthy, confirmed by the next watch or start")
        let report = try store.guardStart()
        #expect(report.confirmed == "b" && report.current == "b")
        #expect(report.actions == ["confirmed slot b (version 7): healthy after 2 starts"])
        #expect(link("stable") == "slots/b" && link("current") == "slots/b")
        #expect(read("var/lib/mote-update/state") == state("", 0, "", 7, "confirmed slot b (version 7): healthy after 2 starts"))
        #expect(!Files.exists(store.healthPath))
        // The next image goes to a, the slot that is not stable now.
        #expect(try store.apply(image(version: 8)) == "a")
        #expect(read("opt/mote/slots/a/mote") == Self.newBinary)
        #expect(link("stable") == "slots/b" && link("current") == "slots/a")
    }

    @Test func aTrialSlotReplacedDuringItsTrialKeepsTheStableSlot() throws {
        try installed()
        _ = try store.guardStart()
        #expect(try store.apply(image(version: 9)) == "b")
        #expect(link("stable") == "slots/a")
        #expect(read("var/lib/mote-update/state") == state("b", 0, "a", 9, "installed version 9 into slot b; on trial"))
    }

    @Test func statusNamesLinksTrialAndSlots() throws {
        try installed()
        _ = try store.guardStart()
        #expect(store.status() == [
            "current: slot b", "stable:  slot a",
            "trial:   slot b (version 7), 1 of 3 starts, not marked healthy yet",
            "last:    installed version 7 into slot b; on trial",
            "slot a:  version 0, mote 14 bytes, node.toml 12 bytes; verifies",
            "slot b:  version 7 for raspberry-pi-4b, mote 11 bytes, node.toml 9 bytes; verifies",
        ])
        _ = Files.writeAtomically(root + "/opt/mote/slots/a/node.toml", "changed\n")
        #expect(store.status()[4] == "slot a:  version 0, mote 14 bytes, node.toml 12 bytes; DOES NOT VERIFY: \(root)/opt/mote/slots/a/node.toml: "
                + "8 bytes, SHA-256 \(Hex.encode(LibCrypto.SHA256.hash(Array("changed\n".utf8)))); the manifest says 12 bytes, \(Self.aNodeSHA)")
    }

    // What a power cut between the steps leaves, and what the next guard makes of it.

    @Test func leftoversOfAnInterruptedInstallAreRemoved() throws {
        _ = try store.guardStart()
        _ = Files.writeAtomically(root + "/opt/mote/slots/b.new/mote", "half")
        _ = Files.writeAtomically(root + "/opt/mote/slots/b.old/mote", "old")
        symlink("slots/b", root + "/opt/mote/current.new")
        let report = try store.guardStart()
        #expect(report.actions == ["removed \(root)/opt/mote/slots/b.new (an interrupted install)",
                                   "removed \(root)/opt/mote/slots/b.old (an interrupted install)",
                                   "removed \(root)/opt/mote/current.new (an interrupted switch)"])
        #expect(Files.list(root + "/opt/mote/slots") == ["a", "b"])
        #expect(Files.list(root + "/opt/mote") == ["current", "slots", "stable"])
    }

    @Test func aCutBeforeTheSwitchAbandonsTheTrial() throws {
        try installed()
        _ = Files.link(root + "/opt/mote/current", to: "slots/a")  // the state was written, current not yet switched
        let report = try store.guardStart()
        #expect(report.actions == ["trial of slot b abandoned (current was not switched to it); on slot a"])
        #expect(report.current == "a" && link("current") == "slots/a")
        // Version 7 never started: the check may install it again (slot a's version 0 is the last tried).
        #expect(store.state() == UpdateState(imageVersion: 0, result: "trial of slot b abandoned (current was not switched to it); on slot a"))
    }

    @Test func aCutInsideTheConfirmationFinishesIt() throws {
        try installed()
        _ = Files.link(root + "/opt/mote/stable", to: "slots/b")  // stable switched, the state not yet written
        let report = try store.guardStart()
        #expect(report.confirmed == "b" && report.current == "b")
        #expect(store.state()?.trial == nil)
    }

    @Test func currentWithoutATrialOrDanglingGoesBackToStable() throws {
        try installed()
        _ = Files.writeAtomically(store.statePath, UpdateState(result: "reverted").text)  // a cut inside a revert
        #expect(try store.guardStart().actions == ["pointed \(root)/opt/mote/current at slot a"])
        _ = Files.link(root + "/opt/mote/current", to: "slots/c")
        #expect(try store.guardStart().actions == ["pointed \(root)/opt/mote/current at slot a"])
        _ = Files.remove(root + "/opt/mote/current")
        #expect(try store.guardStart().actions == ["pointed \(root)/opt/mote/current at slot a"])
        #expect(link("current") == "slots/a")
    }

    @Test func aStableSlotThatNoLongerVerifiesIsReplacedByOneThatDoes() throws {
        try installed()
        _ = Files.writeAtomically(store.healthPath, HealthMark.text(slot: "b"))
        _ = try store.guardStart()  // b confirmed
        _ = Files.writeAtomically(root + "/opt/mote/slots/b/mote", "corrupt\n")
        let report = try store.guardStart()
        #expect(report.current == "a")
        #expect(report.actions.count == 3)
        #expect(report.actions[0].hasPrefix("stable slot b does not verify: \(root)/opt/mote/slots/b/mote: 8 bytes"))
        #expect(Array(report.actions[1...]) == ["pointed \(root)/opt/mote/stable at slot a", "pointed \(root)/opt/mote/current at slot a"])
    }

    @Test func noSlotThatVerifiesIsAnError() throws {
        _ = try store.guardStart()
        _ = Files.writeAtomically(root + "/opt/mote/slots/a/mote", "corrupt\n")
        #expect(throws: SlotError.self) { try store.guardStart() }
        #expect(link("current") == "slots/a")
    }

    @Test func anUnreadableStateFileMeansNoTrial() throws {
        try installed()
        _ = Files.writeAtomically(store.statePath, "trial = \"b\"\nstarts = \n")
        let report = try store.guardStart()
        #expect(report.actions == ["\(store.statePath) could not be read: no trial assumed", "pointed \(root)/opt/mote/current at slot a"])
        #expect(store.state() == UpdateState(result: "the state file could not be read; started over"))
    }

    @Test func manifestsAndStatesReadBackAndRefuseGarbage() {
        let manifest = SlotManifest(version: 3, hardwareID: "beaglebone-black", files: [.init(name: "mote", length: 5, sha256: [UInt8](repeating: 7, count: 32))])
        #expect(SlotManifest.parse(manifest.text) == manifest)
        #expect(SlotManifest.parse("version = 3\nhardware_id = \"\"\n") == nil)
        #expect(SlotManifest.parse(manifest.text.replacingOccurrences("0707", "07")) == nil)
        let state = UpdateState(trial: "b", starts: 2, startedAt: 1_234, startedBoot: "0b5e1d6c-5c2e-4b5a-9d57-3f2a1e0c9b11", previous: "a",
                                imageVersion: 4, result: "say \"why\"")
        #expect(UpdateState.parse(state.text) == state)
        #expect(UpdateState.parse("trial = \"b\"\n") == nil)
    }

    @Test func theHealthMarkNamesTheSlotOfTheBinary() {
        #expect(HealthMark.slot(ofExecutable: "/opt/mote/slots/b/mote") == "b")
        #expect(HealthMark.slot(ofExecutable: "/tmp/x/opt/mote/slots/a/mote") == "a")
        #expect(HealthMark.slot(ofExecutable: "/opt/mote/slots/c/mote") == nil)
        #expect(HealthMark.slot(ofExecutable: "/usr/bin/mote") == nil)
        #expect(HealthMark.slot(ofExecutable: "/opt/mote/slots/b/motectl") == nil)
        #expect(HealthMark.write(stateDirectory: root + "/var/lib/mote", executable: root + "/opt/mote/slots/b/mote") == nil)
        #expect(read("var/lib/mote/health") == "# Written by mote once this slot's node was healthy (docs/updates.md).\nslot = \"b\"\n")
        #expect(store.healthMark() == "b")
    }
}

extension String {
    /// Without Foundation: the first occurrence of `target` replaced.
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        let bytes = Array(utf8), find = Array(target.utf8)
        guard find.count <= bytes.count else { return self }
        for start in 0...(bytes.count - find.count) where Array(bytes[start..<start + find.count]) == find {
            return String(decoding: bytes[..<start] + Array(replacement.utf8) + bytes[(start + find.count)...], as: UTF8.self)
        }
        return self
    }
}

extension SlotStoreTests {
    @Test func aCutBetweenTheRenamesPutsTheOldSlotBack() throws {
        try installed()
        // The old b aside, the new one staged: as a cut between the two renames leaves them.
        _ = Files.rename(root + "/opt/mote/slots/b", to: root + "/opt/mote/slots/b.old")
        _ = Files.writeAtomically(root + "/opt/mote/slots/b.new/mote", "staged")
        _ = Files.link(root + "/opt/mote/current", to: "slots/a")
        _ = Files.writeAtomically(store.statePath, UpdateState(result: "before").text)
        let report = try store.guardStart()
        #expect(report.actions == ["moved \(root)/opt/mote/slots/b.old back to \(root)/opt/mote/slots/b (an interrupted install)",
                                   "removed \(root)/opt/mote/slots/b.new (an interrupted install)"])
        #expect(read("opt/mote/slots/b/manifest") == Self.manifestB)
        #expect(Files.list(root + "/opt/mote/slots") == ["a", "b"])
    }

    @Test func aMissingSlotDirectoryIsMadeAgain() throws {
        _ = try store.guardStart()
        _ = Files.removeTree(root + "/opt/mote/slots/b")
        #expect(try store.guardStart().actions == [])
        #expect(Files.kind(root + "/opt/mote/slots/b") == .directory)
        #expect(mode("opt/mote/slots/b") == 0o755)
    }
}

extension SlotStoreTests {
    @Test func aRootWithoutSlotsIsRefusedAndLeftAlone() throws {
        let empty = root + "/empty"
        _ = Files.makeDirectory(empty, mode: 0o755)
        #expect(throws: SlotError("\(empty)/opt/mote/slots is not there: no A/B slots on this board (scripts/provision installs them)")) {
            try Store(root: empty).guardStart()
        }
        #expect(Files.list(empty) == [])
    }
}

/// `mote update watch`: a trial's health confirmed now, its timeout counted from the start the
/// guard last timed (`started_at`), on the clock the test gives.
extension SlotStoreTests {
    static let trialResult = "installed version 7 into slot b; on trial"

    @Test func theWatchWithoutATrialDoesNothing() throws {
        _ = try store.guardStart(now: 1_000)
        #expect(try store.watch(now: 1_000_000, timeout: 600) == Store.WatchReport())
        #expect(!Files.exists(store.statePath))
        // Installed but not started yet: the guard's to count, not the watch's to time.
        #expect(try store.apply(image()) == "b")
        #expect(try store.watch(now: 1_000_000, timeout: 600) == Store.WatchReport())
        #expect(read("var/lib/mote-update/state") == state("b", 0, "a", 7, Self.trialResult))
        // After a revert: the state stays as it is.
        _ = Files.writeAtomically(store.statePath, UpdateState(imageVersion: 7, result: "reverted").text)
        _ = Files.link(root + "/opt/mote/current", to: "slots/a")
        #expect(try store.watch(now: 1_000_000, timeout: 600) == Store.WatchReport())
        #expect(read("var/lib/mote-update/state") == state("", 0, "", 7, "reverted"))
    }

    @Test func theWatchConfirmsAHealthyTrialNow() throws {
        try installed()
        _ = try store.guardStart(now: 1_000)
        _ = Files.writeAtomically(store.healthPath, HealthMark.text(slot: "b"))
        let report = try store.watch(now: 1_030, timeout: 600)
        #expect(report == Store.WatchReport(action: "confirmed slot b (version 7): healthy after 1 start", confirmed: "b", reverted: nil))
        #expect(link("stable") == "slots/b" && link("current") == "slots/b")
        #expect(read("var/lib/mote-update/state") == state("", 0, "", 7, "confirmed slot b (version 7): healthy after 1 start"))
        #expect(!Files.exists(store.healthPath))
        #expect(try store.watch(now: 1_090, timeout: 600) == Store.WatchReport())
        #expect(try store.guardStart(now: 1_100).actions == [])
    }

    @Test func theWatchLeavesATrialWithinItsTimeout() throws {
        try installed()
        _ = try store.guardStart(now: 1_000)
        _ = Files.writeAtomically(store.healthPath, HealthMark.text(slot: "a"))  // not the trial's
        #expect(try store.watch(now: 1_599, timeout: 600) == Store.WatchReport())
        #expect(read("var/lib/mote-update/state") == state("b", 1, "a", 7, Self.trialResult, startedAt: 1_000))
        #expect(link("current") == "slots/b" && link("stable") == "slots/a")
        #expect(Files.exists(store.healthPath))
    }

    @Test func theWatchRevertsATrialPastItsTimeout() throws {
        try installed()
        _ = try store.guardStart(now: 1_000)
        _ = try store.guardStart(now: 2_000)  // a second start: the timeout counts from it
        #expect(try store.watch(now: 2_599, timeout: 600) == Store.WatchReport())
        _ = Files.writeAtomically(store.healthPath, HealthMark.text(slot: "a"))
        let report = try store.watch(now: 2_600, timeout: 600)
        #expect(report == Store.WatchReport(action: "reverted slot b: not healthy 600 s after its start 2 of 3; on slot a", confirmed: nil, reverted: "b"))
        #expect(link("current") == "slots/a" && link("stable") == "slots/a")
        #expect(read("var/lib/mote-update/state") == state("", 0, "", 7, "reverted slot b: not healthy 600 s after its start 2 of 3; on slot a"))
        #expect(!Files.exists(store.healthPath))
        // Nothing left for the next watch or the guard.
        #expect(try store.watch(now: 2_660, timeout: 600) == Store.WatchReport())
        #expect(try store.guardStart(now: 2_700).actions == [])
        #expect(link("current") == "slots/a")
    }

    @Test func aClockThatWentBackRestartsTheTimingInsteadOfReverting() throws {
        try installed()
        _ = try store.guardStart(now: 5_000)
        let report = try store.watch(now: 4_000, timeout: 600)
        #expect(report == Store.WatchReport(action: "slot b on trial: the clock went back 1000 s since its start 1 of 3; timing it from now (4000), 600 s to report healthy"))
        #expect(read("var/lib/mote-update/state") == state("b", 1, "a", 7, Self.trialResult, startedAt: 4_000))
        #expect(link("current") == "slots/b")
        #expect(try store.watch(now: 4_599, timeout: 600) == Store.WatchReport())
        #expect(try store.watch(now: 4_600, timeout: 600).action == "reverted slot b: not healthy 600 s after its start 1 of 3; on slot a")
        #expect(link("current") == "slots/a")
    }

    @Test func aStartTimedInAnotherBootIsTimedFromNow() throws {
        try installed()
        _ = try store.guardStart(now: 1_000, boot: "boot-1")
        #expect(read("var/lib/mote-update/state") == state("b", 1, "a", 7, Self.trialResult, startedAt: 1_000, boot: "boot-1"))
        // The board restarted (a power cut) and the node has not been started again yet: seconds
        // since boot from the last boot say nothing about this one.
        let report = try store.watch(now: 5_000, boot: "boot-2", timeout: 600)
        #expect(report == Store.WatchReport(action: "slot b on trial: its start 1 of 3 was timed in another boot; timing it from now (5000), 600 s to report healthy"))
        #expect(read("var/lib/mote-update/state") == state("b", 1, "a", 7, Self.trialResult, startedAt: 5_000, boot: "boot-2"))
        #expect(try store.watch(now: 5_599, boot: "boot-2", timeout: 600) == Store.WatchReport())
        #expect(try store.watch(now: 5_600, boot: "boot-2", timeout: 600).action == "reverted slot b: not healthy 600 s after its start 1 of 3; on slot a")
    }

    @Test func aStateFileFromBeforeStartedAtParsesAndIsTimedFromNow() throws {
        try installed()
        _ = try store.guardStart(now: 1_000)
        let old = "# Written by `mote update` (docs/updates.md); do not edit.\ntrial = \"b\"\nstarts = 2\nprevious = \"a\"\n"
            + "image_version = 7\nresult = \"installed version 7 into slot b; on trial\"\n"
        #expect(UpdateState.parse(old) == UpdateState(trial: "b", starts: 2, startedAt: 0, previous: "a", imageVersion: 7, result: Self.trialResult))
        #expect(UpdateState.parse(old + "started_at = -1\n") == nil)
        #expect(UpdateState.parse(old + "started_at = \"1000\"\n") == nil)
        _ = Files.writeAtomically(store.statePath, old)
        #expect(try store.watch(now: 9_000, timeout: 600).action
                == "slot b on trial: its start was not timed (a state from before started_at); timing it from now (9000), 600 s to report healthy")
        #expect(read("var/lib/mote-update/state") == state("b", 2, "a", 7, Self.trialResult, startedAt: 9_000))
        #expect(try store.watch(now: 9_599, timeout: 600) == Store.WatchReport())
    }

    @Test func theWatchLeavesATrialCurrentDoesNotPointAtToTheGuard() throws {
        try installed()
        _ = try store.guardStart(now: 1_000)
        _ = Files.link(root + "/opt/mote/current", to: "slots/a")
        #expect(try store.watch(now: 9_000, timeout: 600) == Store.WatchReport())
        #expect(read("var/lib/mote-update/state") == state("b", 1, "a", 7, Self.trialResult, startedAt: 1_000))
    }

    @Test func theWatchRevertsATrialSlotThatNoLongerVerifies() throws {
        try installed()
        _ = try store.guardStart(now: 1_000)
        _ = Files.writeAtomically(root + "/opt/mote/slots/b/node.toml", "changed\n")
        _ = Files.writeAtomically(store.healthPath, HealthMark.text(slot: "b"))  // not confirmed: it does not verify
        let report = try store.watch(now: 1_010, timeout: 600)
        #expect(report.reverted == "b" && report.confirmed == nil)
        #expect(report.action == "reverted slot b: it does not verify (\(root)/opt/mote/slots/b/node.toml: 8 bytes, SHA-256 "
                + "\(Hex.encode(LibCrypto.SHA256.hash(Array("changed\n".utf8)))); the manifest says 9 bytes, \(Self.newNodeSHA)); on slot a")
        #expect(link("current") == "slots/a" && link("stable") == "slots/a")
    }
}
