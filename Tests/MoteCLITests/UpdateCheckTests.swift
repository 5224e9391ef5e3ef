import Foundation
import MoteHAL
import MoteLinux
import MoteNode
import MoteTools
import Testing
@testable import MoteCLI

/// `mote update check` against repositories `motectl repo` makes (through MoteTools, with fresh
/// keys) and a board root in a temporary directory: exact step lines and refusals, what lands in
/// the slots, and what is left alone.
@Suite struct UpdateCheckTests {
    static let architecture = BoardIdentification.runningArchitecture!
    static let target = "mote-" + architecture

    final class Lines: @unchecked Sendable {
        var all: [String] = []
    }

    /// A repository (work/repo), a board root provisioned with slot a and guarded once
    /// (work/root), and the node file in slot a naming the repository in `[update]`.
    final class Setup {
        let work: String
        let repo: String
        let root: String
        let keys: [RepositorySigningKey]
        let lines = Lines()
        var store: SlotStore<LibCrypto.SHA256> { SlotStore(root: root) }

        init(update: String? = nil, root trustRoot: Bool = true) throws {
            work = FileManager.default.temporaryDirectory.appendingPathComponent("mote-check-" + UUID().uuidString).path
            repo = work + "/repo"
            root = work + "/root"
            keys = (0..<4).map { _ in RepositorySigningKey.generate(.ed25519) }
            try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
            try UpdateRepository(repo).initialize(keys: [.root: [keys[0]], .targets: [keys[1]], .snapshot: [keys[2]], .timestamp: [keys[3]]],
                                                  thresholds: [:], consistentSnapshot: true)
            for directory in ["opt/mote/slots/a", "opt/mote/slots/b", "var/lib/mote", "etc/mote/update"] {
                try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
            }
            try write("opt/mote/slots/a/mote", "#!/bin/sh\necho version 0\n")
            // "REPO" in `update` is the repository's directory.
            let section = (update ?? "[update]\nurl = \"file://REPO/metadata\"\n").replacingOccurrences(of: "REPO", with: repo)
            try write("opt/mote/slots/a/node.toml", Self.node(section))
            try FileManager.default.createSymbolicLink(atPath: root + "/opt/mote/current", withDestinationPath: "slots/a")
            try FileManager.default.createSymbolicLink(atPath: root + "/opt/mote/stable", withDestinationPath: "slots/a")
            if trustRoot { try FileManager.default.copyItem(atPath: repo + "/metadata/1.root.json", toPath: root + "/etc/mote/update/root.json") }
            _ = try SlotStore<LibCrypto.SHA256>(root: root).guardStart()  // records slot a (version 0)
        }

        static func node(_ update: String) -> String {
            """
            [node]
            name = "check"
            board = "simulated"

            [[sensor]]
            id = "air"
            driver = "bme280"
            bus = "i2c-1"

            \(update)
            """
        }

        func write(_ path: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + path))
        }

        func read(_ path: String) -> String? {
            (try? Data(contentsOf: URL(fileURLWithPath: root + "/" + path))).map { String(decoding: $0, as: UTF8.self) }
        }

        /// `motectl repo add-target` of a file holding `text`.
        func publish(_ text: String, name: String = UpdateCheckTests.target, hardware: [String] = ["simulated"], version: Int64) throws {
            let file = work + "/" + name + "-\(version)"
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            try UpdateRepository(repo).addTarget(file: file, name: name, fields: MoteTargetFields(hardwareIDs: hardware, imageVersion: version),
                                                 keys: Array(keys[1...]))
        }

        func checker(_ configure: (inout UpdateCheck) -> Void = { _ in }) -> UpdateCheck {
            var check = UpdateCheck(root: root)
            let lines = self.lines
            check.say = { lines.all.append($0) }
            configure(&check)
            return check
        }

        /// The lines one check printed and how it ended: nil, or the message `mote: update check: ` precedes.
        func check(_ configure: (inout UpdateCheck) -> Void = { _ in }) -> (lines: [String], error: String?) {
            lines.all = []
            do throws(UpdateCheckError) {
                try checker(configure).check()
                return (lines.all, nil)
            } catch {
                return (lines.all, error.message)
            }
        }

        /// What systemd and the node do next: a start that marks the slot healthy, then the guard confirming it.
        func confirm() throws {
            let trial = try #require(store.state()?.trial)
            try write("var/lib/mote/health", "slot = \"\(trial)\"\n")
            #expect(try store.guardStart().confirmed == trial)
        }

        /// The versions the repository's metadata has now.
        var metadataLine: String {
            let names = try! FileManager.default.contentsOfDirectory(atPath: repo + "/metadata")
            func newest(_ role: String) -> Int64 {
                names.compactMap { $0.hasSuffix("." + role + ".json") ? Int64($0.split(separator: ".")[0]) : nil }.max()!
            }
            let timestamp = try! JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: repo + "/metadata/timestamp.json"))) as! [String: Any]
            let version = ((timestamp["signed"] as! [String: Any])["version"] as! NSNumber).int64Value
            return "metadata: timestamp \(version), snapshot \(newest("snapshot")), targets \(newest("targets")) (verified)"
        }

        var started: String { "metadata: \(root)/var/lib/mote-update/metadata started from the trusted root \(root)/etc/mote/update/root.json" }
    }

    static let image2 = "#!/bin/sh\necho version 2\n"

    @Test func noUpdateSectionMeansUpdatesAreOff() throws {
        let setup = try Setup(update: "")
        let result = setup.check()
        let file = setup.root + "/opt/mote/current/node.toml"
        #expect(result.lines == ["no [update] section in \(file): updates are off"] && result.error == nil)
        #expect(UpdateCommand.run(["check", "--root", setup.root]) == 0)
        #expect(UpdateCommand.run(["check", "--root", setup.root, "--dry-run", "--restart"]) == 2)
        #expect(UpdateCommand.run(["check", "--root", setup.root, "--time", "yesterday"]) == 2)
        #expect(UpdateCommand.run(["check", "extra"]) == 2)
    }

    @Test func installsANewerImageIntoSlotBOnTrial() throws {
        let setup = try Setup()
        try setup.publish(Self.image2, version: 2)
        let result = setup.check()
        #expect(result.error == nil)
        #expect(result.lines == [
            setup.started,
            setup.metadataLine,
            "\(Self.target): image version 2 for simulated, \(Self.image2.utf8.count) bytes",
            "\(Self.target): downloaded, \(Self.image2.utf8.count) bytes, length and sha256 verified",
            "installed version 2 into slot b, on trial",
            "restart mote.service to start it (systemctl restart mote.service, or check --restart)",
        ])
        #expect(setup.read("opt/mote/slots/b/mote") == Self.image2)
        #expect(setup.read("opt/mote/slots/b/node.toml") == setup.read("opt/mote/slots/a/node.toml"))  // the node file in use, kept
        #expect(setup.store.manifest("b")?.version == 2 && setup.store.manifest("b")?.hardwareID == "simulated")
        #expect(setup.store.problem("b") == nil)
        #expect(setup.store.state() == UpdateState(trial: "b", starts: 0, previous: "a", imageVersion: 2, result: "installed version 2 into slot b; on trial"))
        #expect(setup.store.slot(of: setup.store.currentLink) == "b" && setup.store.slot(of: setup.store.stableLink) == "a")
        #expect(!FileManager.default.fileExists(atPath: setup.root + "/var/lib/mote-update/download"))
        #expect(setup.checker().lastCheck() != nil)

        // While b is on trial: refused, nothing fetched.
        let again = setup.check()
        #expect(again.lines == [] && again.error == "slot b is on trial (version 2, 0 of 3 starts): it is confirmed or reverted first (mote update status); nothing checked")
        #expect(UpdateCommand.run(["check", "--root", setup.root]) == 1)

        // Confirmed: version 2 is installed, the same offer is up to date.
        try setup.confirm()
        let upToDate = setup.check()
        #expect(upToDate.error == nil)
        #expect(upToDate.lines == [setup.metadataLine, "\(Self.target): image version 2 for simulated, \(Self.image2.utf8.count) bytes", "up to date: version 2 installed"])
    }

    @Test func anOlderImageIsUpToDate() throws {
        let setup = try Setup()
        try setup.publish(Self.image2, version: 2)
        // The board runs version 5 (installed from elsewhere): the repository's 2 is older.
        let file = setup.work + "/five"
        try Data("five".utf8).write(to: URL(fileURLWithPath: file))
        guard case .file(let length, let sha256) = SlotStore<LibCrypto.SHA256>.measure(file) else { Issue.record("measure"); return }
        let node = setup.root + "/opt/mote/slots/a/node.toml"
        guard case .file(let nodeLength, let nodeSHA256) = SlotStore<LibCrypto.SHA256>.measure(node) else { Issue.record("measure"); return }
        try setup.store.apply(VerifiedImage(files: [.init(name: "mote", path: file, length: length, sha256: sha256),
                                                    .init(name: "node.toml", path: node, length: nodeLength, sha256: nodeSHA256)],
                                            version: 5, hardwareID: "simulated"))
        try setup.confirm()
        let result = setup.check()
        #expect(result.error == nil)
        #expect(result.lines == [setup.started, setup.metadataLine, "\(Self.target): image version 2 for simulated, \(Self.image2.utf8.count) bytes",
                                 "up to date: version 5 installed (the repository's version 2 is older)"])
        #expect(setup.store.slot(of: setup.store.currentLink) == "b" && setup.store.manifest("a")?.version == 0)
    }

    @Test func aRevertedVersionIsNotInstalledAgainAndAHigherOneIs() throws {
        let setup = try Setup()
        try setup.publish(Self.image2, version: 2)
        #expect(setup.check().error == nil)
        try setup.confirm()
        let broken = "#!/bin/sh\nexit 1\n"
        try setup.publish(broken, version: 3)
        let three = setup.check()
        #expect(three.error == nil && three.lines.contains("installed version 3 into slot a, on trial"))
        for _ in 0..<3 { _ = try setup.store.guardStart() }  // three failed starts
        #expect(try setup.store.guardStart().reverted == "a")
        let after = setup.check()
        #expect(after.error == nil)
        #expect(after.lines.dropFirst() == [
            "\(Self.target): image version 3 for simulated, \(broken.utf8.count) bytes",
            "up to date: version 2 installed; version 3 was tried and not kept, so it is not installed again "
                + "(reverted slot a after 3 starts without reporting healthy; on slot b)",
        ])
        #expect(setup.store.slot(of: setup.store.currentLink) == "b" && setup.store.state()?.trial == nil)
        try setup.publish("#!/bin/sh\necho four\n", version: 4)
        let four = setup.check()
        #expect(four.error == nil && four.lines.contains("installed version 4 into slot a, on trial"))
        #expect(setup.read("opt/mote/slots/a/mote") == "#!/bin/sh\necho four\n")
    }

    @Test func aDryRunDownloadsAndInstallsNothing() throws {
        let setup = try Setup()
        try setup.publish(Self.image2, version: 2)
        let result = setup.check { $0.dryRun = true }
        #expect(result.error == nil)
        #expect(result.lines.dropFirst(2) == [
            "\(Self.target): image version 2 for simulated, \(Self.image2.utf8.count) bytes",
            "dry run: would install version 2 into slot b; nothing downloaded",
        ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.root + "/opt/mote/slots/b") == [])
        #expect(!FileManager.default.fileExists(atPath: setup.root + "/var/lib/mote-update/download"))
        #expect(setup.store.state() == nil)
        #expect(setup.checker().lastCheck() == nil)
    }

    @Test func anImageForAnotherBoardIsRefused() throws {
        let setup = try Setup()
        try setup.publish(Self.image2, hardware: ["raspberry-pi-5"], version: 2)
        let result = setup.check()
        #expect(result.lines == [setup.started, setup.metadataLine])
        #expect(result.error == "\(Self.target): the image is for raspberry-pi-5, not for this board (simulated); nothing installed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.root + "/opt/mote/slots/b") == [])
        #expect(UpdateCommand.run(["check", "--root", setup.root]) == 1)
    }

    @Test func withoutTheTrustedRootNothingIsFetched() throws {
        let setup = try Setup(root: false)
        try setup.publish(Self.image2, version: 2)
        let result = setup.check()
        #expect(result.lines == [])
        #expect(result.error == "\(setup.root)/etc/mote/update/root.json: no such file ([update] trusted_root of \(setup.root)/opt/mote/current/node.toml); nothing checked")
        #expect(!FileManager.default.fileExists(atPath: setup.root + "/var/lib/mote-update"))
    }

    @Test func aTargetChangedOnTheRepositoryIsRefusedAndNothingInstalled() throws {
        let setup = try Setup()
        try setup.publish(Self.image2, version: 2)
        let targets = setup.repo + "/targets"
        let stored = try #require(try FileManager.default.contentsOfDirectory(atPath: targets).first { $0.hasSuffix("." + Self.target) })
        try Data("#!/bin/sh\necho VERSION 2\n".utf8).write(to: URL(fileURLWithPath: targets + "/" + stored))  // same length
        func sha256(_ path: String) -> String {
            guard case .file(_, let digest) = SlotStore<LibCrypto.SHA256>.measure(path) else { return "" }
            return Hex.encode(digest)
        }
        let result = setup.check()
        #expect(result.lines == [setup.started, setup.metadataLine, "\(Self.target): image version 2 for simulated, \(Self.image2.utf8.count) bytes"])
        #expect(result.error == "\(Self.target): sha256 \(sha256(targets + "/" + stored)), but the targets metadata says \(sha256(setup.work + "/" + Self.target + "-2")) "
                + "(from file://\(setup.repo)/targets); nothing installed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.root + "/opt/mote/slots/b") == [])
        #expect(setup.store.state() == nil)
        #expect(setup.checker().lastCheck() == nil)
    }

    @Test func ifDueSkipsACheckYoungerThanTheInterval() throws {
        let setup = try Setup(update: "[update]\nurl = \"file://REPO/metadata/\"\ncheck_interval = \"1h\"\n")
        try setup.publish(Self.image2, version: 2)
        let now = Int64(Date().timeIntervalSince1970)
        try FileManager.default.createDirectory(atPath: setup.root + "/var/lib/mote-update", withIntermediateDirectories: true)
        try setup.write("var/lib/mote-update/last-check", "\(now)\n")
        let soon = setup.check { $0.ifDue = true; $0.time = now + 1_250 }
        #expect(soon.error == nil && soon.lines == ["not due: last checked 20m ago, check_interval 1h; due in 40m"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.root + "/var/lib/mote-update") == ["last-check"])  // nothing fetched
        let due = setup.check { $0.ifDue = true; $0.time = now + 3_600 }
        #expect(due.error == nil && due.lines.contains("installed version 2 into slot b, on trial"), "\(due)")
        #expect(setup.checker().lastCheck() == now + 3_600)
    }

    @Test func restartRunsSystemctlAndSaysWhenItFails() throws {
        let setup = try Setup()
        try setup.publish(Self.image2, version: 2)
        let record = setup.work + "/systemctl.args"
        let standIn = setup.work + "/systemctl"
        try Data("#!/bin/sh\necho \"$@\" >\(record)\nexit 3\n".utf8).write(to: URL(fileURLWithPath: standIn))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: standIn)
        let result = setup.check { $0.restart = true; $0.systemctl = standIn }
        #expect(result.lines.suffix(2) == ["installed version 2 into slot b, on trial", "restarting mote.service"])
        #expect(result.error == "\(standIn) restart mote.service exited 3; version 2 is installed in slot b on trial and starts with the next start of mote.service")
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: record)), as: UTF8.self) == "restart mote.service\n")
    }

    @Test func aConfigTargetInstallsItsNodeFile() throws {
        let setup = try Setup(update: "[update]\nurl = \"file://REPO/metadata\"\nconfig_target = \"node-simulated.toml\"\n")
        let node = try #require(setup.read("opt/mote/slots/a/node.toml"))
        try setup.publish(Self.image2, version: 2)
        let newNode = node.replacingOccurrences(of: "name = \"check\"", with: "name = \"check-2\"")
        try setup.publish(newNode, name: "node-simulated.toml", version: 3)
        let result = setup.check()
        #expect(result.error == nil)
        #expect(result.lines.dropFirst(2) == [
            "\(Self.target): image version 2 for simulated, \(Self.image2.utf8.count) bytes",
            "node-simulated.toml: node file for simulated, \(newNode.utf8.count) bytes",
            "\(Self.target): downloaded, \(Self.image2.utf8.count) bytes, length and sha256 verified",
            "node-simulated.toml: downloaded, \(newNode.utf8.count) bytes, length and sha256 verified",
            "installed version 2 into slot b, on trial",
            "restart mote.service to start it (systemctl restart mote.service, or check --restart)",
        ])
        #expect(setup.read("opt/mote/slots/b/node.toml") == newNode)
    }

    @Test func aPartialDownloadOfAnotherReleaseIsNotResumed() throws {
        let setup = try Setup()
        // What an interrupted check of an earlier release left: its .part, of another content.
        let downloads = setup.root + "/var/lib/mote-update/download"
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        try Data("#!/bin/sh\necho".utf8).write(to: URL(fileURLWithPath: downloads + "/" + Self.target + ".0123456789abcdef.part"))
        try Data("stale".utf8).write(to: URL(fileURLWithPath: downloads + "/" + Self.target + ".part"))
        try setup.publish(Self.image2, version: 2)
        let result = setup.check()
        #expect(result.error == nil)
        #expect(result.lines.contains("\(Self.target): downloaded, \(Self.image2.utf8.count) bytes, length and sha256 verified"))
        #expect(setup.read("opt/mote/slots/b/mote") == Self.image2)
        #expect(!FileManager.default.fileExists(atPath: downloads))
    }

    @Test func aTrialAbandonedBeforeItRanIsInstalledAgain() throws {
        let setup = try Setup()
        try setup.publish(Self.image2, version: 2)
        #expect(setup.check().error == nil)
        // A power cut between recording the trial and switching current: version 2 never started.
        _ = Files.link(setup.root + "/opt/mote/current", to: "slots/a")
        #expect(try setup.store.guardStart().actions == ["trial of slot b abandoned (current was not switched to it); on slot a"])
        let again = setup.check()
        #expect(again.error == nil && again.lines.contains("installed version 2 into slot b, on trial"))
    }

    @Test func aConfigTargetThatIsTheImageTargetIsRefused() throws {
        let setup = try Setup(update: "[update]\nurl = \"file://REPO/metadata\"\nconfig_target = \"\(Self.target)\"\n")
        try setup.publish(Self.image2, version: 2)
        let result = setup.check()
        #expect(result.error == "\(setup.root)/opt/mote/current/node.toml: [update] config_target is \"\(Self.target)\", the image target itself; nothing installed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.root + "/opt/mote/slots/b") == [])
    }
}
