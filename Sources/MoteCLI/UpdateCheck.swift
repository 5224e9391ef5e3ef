import MoteHAL
import MoteLinux
import MoteNode

/// Why `mote update check` stopped without installing; names the file, role or target and
/// says what was left as it was.
struct UpdateCheckError: Error, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// `mote update check` (docs/updates.md): the node file's `[update]` -> TUF refresh -> this
/// board's image target -> download -> verify -> `SlotStore.apply` into the inactive slot.
/// Every absolute board path is under `root`; the repository URLs are not.
struct UpdateCheck {
    /// "/" on a board, a directory in tests; ends in "/".
    var root: String
    /// The node file; nil: ROOT/opt/mote/current/node.toml.
    var config: String?
    var dryRun = false
    var ifDue = false
    var restart = false
    /// Seconds since the epoch for expiry and `--if-due`; nil: the wall clock.
    var time: Int64?
    /// The program `--restart` runs (tests give a stand-in).
    var systemctl = "systemctl"
    /// One line per step, without the "mote update check: " prefix.
    var say: (String) -> Void = { Console.line("mote update check: " + $0) }

    static let unit = "mote.service"

    init(root: String = "/") {
        self.root = root.hasSuffix("/") ? root : root + "/"
    }

    var configPath: String { config ?? root + "opt/mote/current/node.toml" }
    var updateDirectory: String { root + "var/lib/mote-update" }
    var metadataDirectory: String { updateDirectory + "/metadata" }
    var downloadDirectory: String { updateDirectory + "/download" }
    var lastCheckPath: String { updateDirectory + "/last-check" }

    /// An absolute board path under `root`.
    func onBoard(_ path: String) -> String {
        path.hasPrefix("/") ? root + String(path.dropFirst()) : path
    }

    /// Exit 0 when up to date, installed, a dry run or not due; 1 with the reason on stderr.
    func run() -> Int32 {
        do throws(UpdateCheckError) {
            try check()
            return ExitCode.ok
        } catch {
            return Report.fail("update check: " + error.message)
        }
    }

    func check() throws(UpdateCheckError) {
        let file = configPath
        guard let text = Files.read(file, maximumLength: 1 << 20) else {
            throw UpdateCheckError("\(file): " + (Files.exists(file) ? "cannot be read (larger than 1 MiB, or no permission)" : "no such file") + "; nothing checked")
        }
        let (parsed, errors) = NodeConfiguration.parse(text, file: file)
        guard let node = parsed else {
            for error in errors { Console.line(error.description, to: .error) }
            throw UpdateCheckError("\(file): \(errors.count) error\(errors.count == 1 ? "" : "s"); nothing checked")
        }
        guard let update = node.update else {
            say("no [update] section in \(file): updates are off")
            return
        }
        let now = time ?? WallClock.secondsSinceEpoch()
        if ifDue, let last = lastCheck(), last <= now, now - last < update.checkInterval.nanoseconds / 1_000_000_000 {
            let interval = update.checkInterval.nanoseconds / 1_000_000_000
            say("not due: last checked \(Self.span(now - last)) ago, check_interval \(DurationText.format(update.checkInterval)); due in \(Self.span(interval - (now - last), up: true))")
            return
        }
        let store = SlotStore<LibCrypto.SHA256>(root: root)
        let state = store.state()
        if state == nil && Files.exists(store.statePath) {
            throw UpdateCheckError("\(store.statePath) cannot be read; run `mote update guard`; nothing checked")
        }
        if let state, let trial = state.trial {
            throw UpdateCheckError("slot \(trial) is on trial (version \(state.imageVersion), \(state.starts) of \(store.maximumStarts) starts): "
                                   + "it is confirmed or reverted first (mote update status); nothing checked")
        }
        guard let stable = store.slot(of: store.stableLink) else {
            throw UpdateCheckError("\(store.stableLink) does not point at a slot; run `mote update guard` (scripts/provision installs the slots); nothing checked")
        }
        guard let target = update.target ?? BoardIdentification.runningArchitecture.map({ "mote-" + $0 }) else {
            throw UpdateCheckError("\(file): [update] target: required (this build's architecture has no default image name); nothing checked")
        }
        var hardwareID = update.hardwareID ?? ""
        if update.hardwareID == nil { hardwareID = try boardID(node) }
        let session = Session(check: self, update: update, store: store, stable: stable, state: state ?? UpdateState(),
                              target: target, hardwareID: hardwareID, now: now)
        let metadata = metadataDirectory
        if !Files.exists(metadata + "/root.json") {
            let trusted = onBoard(update.trustedRoot)
            let limit = TUFLimits().rootMaxLength
            guard let bytes = TUFFileStorage().read(trusted, maxLength: limit) else {
                throw UpdateCheckError("\(trusted): " + (Files.exists(trusted) ? "cannot be read or more than \(limit) bytes" : "no such file")
                                       + " ([update] trusted_root of \(file)); nothing checked")
            }
            do throws(TUFUpdateError) {
                try TUFUpdater<LibCrypto, TUFFileRemote, TUFFileStorage>.initialize(metadataDirectory: metadata, rootBytes: bytes, storage: TUFFileStorage(), referenceTime: now)
            } catch {
                throw UpdateCheckError("\(trusted): " + error.description + "; nothing checked")
            }
            say("metadata: \(metadata) started from the trusted root \(trusted)")
        }
        guard let result = TUFRemoteChoice.use(metadataURL: update.url, targetURL: update.targetsURL, session) else {
            throw UpdateCheckError("\(update.url): expected an https:// or file:// URL; nothing checked")
        }
        try result.get()
    }

    /// The node file's board id; for `board = "auto"` the board the device tree identifies
    /// among the board files next to the node file and in ROOT/etc/mote/boards.
    func boardID(_ node: NodeConfiguration) throws(UpdateCheckError) -> String {
        guard node.board == ConfiguredRun.autoBoard else { return node.board }
        var directories = ConfiguredRun.boardDirectories(next: configPath).filter { $0 != BoardFiles.installed }
        directories.append(onBoard(BoardFiles.installed))
        switch ConfiguredRun.identifiedBoard(in: directories, deviceTree: nil, architecture: BoardIdentification.runningArchitecture) {
        case .success(let found): return found.id
        case .failure(let problem):
            throw UpdateCheckError("\(configPath): node.board \"auto\": \(problem.message) (or set [update] hardware_id); nothing checked")
        }
    }

    /// When the last successful check ran (seconds since the epoch), from ROOT/var/lib/mote-update/last-check.
    func lastCheck() -> Int64? {
        guard let text = Files.read(lastCheckPath, maximumLength: 64) else { return nil }
        return Int64(String(text.split(separator: "\n").first ?? ""))
    }

    /// Records a successful check for `--if-due`; a failure to is said on stderr, not fatal.
    func recordCheck(_ now: Int64) {
        if let errno = Files.writeAtomically(lastCheckPath, "\(now)\n") {
            Console.line("mote: update check: cannot write \(lastCheckPath): \(errno.name) (the next --if-due check runs at once)", to: .error)
        }
    }

    /// "3h20m": whole minutes (seconds under a minute), as durations are written in node files;
    /// `up`: a part minute counts as one (what is left to wait is never understated).
    static func span(_ seconds: Int64, up: Bool = false) -> String {
        guard seconds >= 60 else { return DurationText.format(.seconds(seconds)) }
        return DurationText.format(.seconds((up ? seconds + 59 : seconds) / 60 * 60))
    }

    /// The part that talks to the repository, generic over the remote the URLs need.
    struct Session: TUFRemoteUser {
        var check: UpdateCheck
        var update: UpdateConfiguration
        var store: SlotStore<LibCrypto.SHA256>
        var stable: String
        var state: UpdateState
        var target: String
        var hardwareID: String
        var now: Int64

        func use<Remote: TUFRemote>(_ remote: Remote) -> Result<Void, UpdateCheckError> {
            do throws(UpdateCheckError) {
                try perform(remote)
                return .success(())
            } catch {
                return .failure(error)
            }
        }

        /// The version the board must not install again: the highest of the stable and current
        /// slots' manifests and the last trial's (confirmed or reverted).
        var installedVersions: (slots: Int64, installed: Int64) {
            var slots: Int64 = 0
            for slot in [stable, store.slot(of: store.currentLink)].compactMap({ $0 }) {
                slots = max(slots, store.manifest(slot)?.version ?? 0)
            }
            return (slots, max(slots, state.imageVersion))
        }

        func perform<Remote: TUFRemote>(_ remote: Remote) throws(UpdateCheckError) {
            let say = check.say
            var updater: TUFUpdater<LibCrypto, Remote, TUFFileStorage>
            do throws(TUFUpdateError) {
                updater = try TUFUpdater<LibCrypto, Remote, TUFFileStorage>(metadataDirectory: check.metadataDirectory, remote: remote,
                                                                             storage: TUFFileStorage(), referenceTime: now)
                try updater.refresh()
            } catch {
                throw UpdateCheckError(error.description + " (metadata from \(update.url)); nothing installed")
            }
            let trusted = updater.trusted
            say("metadata: timestamp \(trusted.timestamp?.signed.common.version ?? 0), snapshot \(trusted.snapshot?.signed.common.version ?? 0), "
                + "targets \(trusted.trustedTargets("targets")?.signed.common.version ?? 0) (verified)")
            let (image, info, digest) = try find(target, in: &updater)
            say("\(target): image version \(info.imageVersion) for \(hardwareID), \(image.length) bytes")
            let (slots, installed) = installedVersions
            if info.imageVersion <= installed {
                if installed > slots {
                    say("up to date: version \(slots) installed; version \(installed) was tried and not kept, so it is not installed again ("
                        + state.result + ")")
                } else if info.imageVersion < installed {
                    say("up to date: version \(installed) installed (the repository's version \(info.imageVersion) is older)")
                } else {
                    say("up to date: version \(installed) installed")
                }
                if !check.dryRun { check.recordCheck(now) }
                return
            }
            var nodeFile: (name: String, target: TUFTargetFile, digest: [UInt8])?
            if let name = update.configTarget {
                guard name != target else {
                    throw UpdateCheckError("\(check.configPath): [update] config_target is \"\(name)\", the image target itself; nothing installed")
                }
                let (file, _, sha256) = try find(name, in: &updater)
                say("\(name): node file for \(hardwareID), \(file.length) bytes")
                nodeFile = (name, file, sha256)
            }
            let slot = Slot.other(stable)
            if check.dryRun {
                say("dry run: would install version \(info.imageVersion) into slot \(slot); nothing downloaded")
                return
            }
            let directory = check.downloadDirectory
            if let errno = Files.makeDirectory(directory, mode: 0o700), errno != .EEXIST {
                throw UpdateCheckError("cannot create \(directory): \(errno.name); nothing installed")
            }
            var downloads = [(name: target, file: image, sha256: digest, slotName: "mote")]
            if let nodeFile { downloads.append((nodeFile.name, nodeFile.target, nodeFile.digest, "node.toml")) }
            // Each download is named by its content, so a partial one from another release is
            // never resumed against this one; whatever else is there goes first.
            func localName(_ name: String, _ sha256: [UInt8]) -> String {
                TUFNames.escape(name) + "." + Hex.encode(sha256.prefix(8))
            }
            let wanted = downloads.map { localName($0.name, $0.sha256) }
            for leftover in Files.list(directory) where !wanted.contains(leftover) && !wanted.contains(where: { $0 + ".part" == leftover }) {
                _ = Files.removeTree(directory + "/" + leftover)
            }
            var files: [VerifiedImage.File] = []
            for (name, file, sha256, slotName) in downloads {
                let local = directory + "/" + localName(name, sha256)
                if updater.isCached(file, at: local) {
                    say("\(name): downloaded before, \(file.length) bytes verified")
                } else {
                    do throws(TUFUpdateError) {
                        try updater.download(file, to: local)
                    } catch {
                        throw UpdateCheckError(error.description + " (from \(update.targetsURL)); nothing installed")
                    }
                    say("\(name): downloaded, \(file.length) bytes, length and sha256 verified")
                }
                files.append(VerifiedImage.File(name: slotName, path: local, length: file.length, sha256: sha256))
            }
            if nodeFile == nil {
                // No node.toml target: the new slot keeps the node file this check read.
                switch SlotStore<LibCrypto.SHA256>.measure(check.configPath) {
                case .failed(let errno): throw UpdateCheckError("cannot read \(check.configPath): \(errno.name); nothing installed")
                case .file(let length, let sha256):
                    files.append(VerifiedImage.File(name: "node.toml", path: check.configPath, length: length, sha256: sha256))
                }
            }
            let installedSlot: String
            do throws(SlotError) {
                installedSlot = try store.apply(VerifiedImage(files: files, version: info.imageVersion, hardwareID: hardwareID))
            } catch {
                throw UpdateCheckError(error.message)
            }
            _ = Files.removeTree(directory)
            say("installed version \(info.imageVersion) into slot \(installedSlot), on trial")
            check.recordCheck(now)
            guard check.restart else {
                say("restart \(UpdateCheck.unit) to start it (systemctl restart \(UpdateCheck.unit), or check --restart)")
                return
            }
            say("restarting \(UpdateCheck.unit)")
            Console.flush()  // the lines are in the journal even if the restart takes long
            if let reason = Process.restart(unit: UpdateCheck.unit, systemctl: check.systemctl) {
                throw UpdateCheckError(reason + "; version \(info.imageVersion) is installed in slot \(installedSlot) on trial and starts with the next start of \(UpdateCheck.unit)")
            }
        }

        /// A target this board may install: listed by a trusted targets role, custom.mote naming
        /// this board, with a SHA-256 (what the slots check).
        func find<Remote: TUFRemote>(_ name: String, in updater: inout TUFUpdater<LibCrypto, Remote, TUFFileStorage>)
            throws(UpdateCheckError) -> (TUFTargetFile, MoteTargetInfo, [UInt8]) {
            let listed: TUFTargetFile?
            let info: MoteTargetInfo
            do throws(TUFUpdateError) {
                listed = try updater.targetInfo(name)
                if let listed {
                    info = try MoteTargetInfo(listed)
                    try info.check(target: name, hardwareID: hardwareID, installedVersion: nil)
                } else {
                    info = MoteTargetInfo(hardwareIDs: [], imageVersion: 0)
                }
            } catch {
                throw UpdateCheckError(error.description + "; nothing installed")
            }
            guard let file = listed else {
                throw UpdateCheckError("\(name): no trusted targets role lists this target (\(update.url)); nothing installed")
            }
            guard let hash = file.hashes.first(where: { $0.algorithm == "sha256" }), hash.digest.count == 32 else {
                throw UpdateCheckError("\(name): the targets metadata gives no sha256 hash (the slots check SHA-256); nothing installed")
            }
            return (file, info, hash.digest)
        }
    }
}
