/// What the kernel's device tree says the board is: `/proc/device-tree/model` (one
/// NUL-terminated string) and `.../compatible` (a NUL-separated list, most specific first).
public struct DeviceTree: Equatable, Sendable {
    public var model: String?
    public var compatible: [String]

    public init(model: String?, compatible: [String] = []) {
        self.model = model
        self.compatible = compatible
    }

    /// From the two files' bytes; nil for a file that is absent.
    public init(modelBytes: [UInt8]?, compatibleBytes: [UInt8]?) {
        let model = modelBytes.flatMap { Self.strings($0).first }
        self.init(model: model, compatible: compatibleBytes.map(Self.strings) ?? [])
    }

    private static func strings(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `model "Raspberry Pi 5 Model B Rev 1.0", compatible "raspberrypi,5-model-b", "brcm,bcm2712"`.
    public var summary: String {
        (model.map { "model \"\($0)\"" } ?? "no model") + ", "
            + (compatible.isEmpty ? "no compatible" : "compatible " + TableReader.list(compatible))
    }
}

/// Which board file describes the board the node runs on.
///
/// A board file matches by a `model` entry that prefixes the device tree's model, or else by a
/// `compatible` entry the device tree lists. A model match beats any compatible match, a longer
/// model prefix a shorter one, and a compatible entry earlier in the device tree's list (more
/// specific) a later one; a tie goes to the first id in alphabetical order. A `fallback` board
/// file (`generic-aarch64`) matches only when no other one does, and only when the CPU's
/// architecture is known and is its own. Board files of another architecture than the one
/// given are not considered (a Pi 4 is `raspberry-pi-4b` to an aarch64 build and
/// `raspberry-pi-armv7` to an armv7 one); the simulated board never matches.
public enum BoardIdentification {
    /// The architecture this binary was built for, as board files name it.
    public static var runningArchitecture: String? {
        #if arch(arm64)
        return "aarch64"
        #elseif arch(arm)
        return "armv7"
        #elseif arch(x86_64)
        return "x86_64"
        #else
        return nil
        #endif
    }

    public enum Evidence: Equatable, Sendable {
        case model(String)
        case compatible(String)
        case fallback
    }

    public struct Match: Equatable, Sendable {
        public var board: BoardConfiguration
        public var evidence: Evidence
    }

    /// No board file matched: names what the device tree says and every board considered
    /// (the fallback ones aside: they would have matched).
    public struct Unknown: Error, Equatable, CustomStringConvertible {
        public var tree: DeviceTree
        public var known: [BoardConfiguration]
        public var architecture: String?

        public var description: String {
            var text = "cannot identify this board: " + tree.summary + "; known " + (architecture.map { $0 + " " } ?? "") + "boards: "
            for (index, board) in known.enumerated() { text += (index == 0 ? "" : ", ") + board.id + " (" + board.name + ")" }
            return known.isEmpty ? text + "none" : text
        }
    }

    /// The board files `identify` considers for `architecture` (nil: every architecture), by id.
    public static func candidates(_ boards: [BoardConfiguration], architecture: String?) -> [BoardConfiguration] {
        boards.filter { !$0.simulated && (architecture == nil || $0.architecture == architecture) }.sorted { $0.id < $1.id }
    }

    /// How strongly `board` matches `tree` (higher is more specific), or nil when it does not.
    static func score(_ board: BoardConfiguration, _ tree: DeviceTree) -> (rank: Int, evidence: Evidence)? {
        var best: (rank: Int, evidence: Evidence)?
        if let model = tree.model {
            for prefix in board.models where !prefix.isEmpty && model.hasPrefix(prefix) {
                let rank = 1_000_000 + prefix.utf8.count
                if best.map({ rank > $0.rank }) ?? true { best = (rank, .model(prefix)) }
            }
        }
        if best == nil {
            for (index, entry) in tree.compatible.enumerated() where board.compatible.contains(entry) {
                best = (1000 - index, .compatible(entry))
                break
            }
        }
        return best
    }

    public static func identify(_ tree: DeviceTree, among boards: [BoardConfiguration], architecture: String?) -> Result<Match, Unknown> {
        let considered = candidates(boards, architecture: architecture)
        var best: (rank: Int, match: Match)?
        for board in considered where !board.fallback {
            guard let scored = score(board, tree) else { continue }
            if best.map({ scored.rank > $0.rank }) ?? true { best = (scored.rank, Match(board: board, evidence: scored.evidence)) }
        }
        if let best { return .success(best.match) }
        if architecture != nil, let fallback = considered.first(where: { $0.fallback }) {
            return .success(Match(board: fallback, evidence: .fallback))
        }
        return .failure(Unknown(tree: tree, known: considered.filter { !$0.fallback }, architecture: architecture))
    }

    /// The board the device tree identifies when it is not `named`: a node file that says
    /// raspberry-pi-4b on a Pi 5 would drive the wrong chip. Nil when `named` fits the device
    /// tree itself, is a fallback or simulated board, or when nothing known fits (an unknown
    /// board proceeds with the board file it was given).
    public static func conflict(named: BoardConfiguration, tree: DeviceTree, among boards: [BoardConfiguration],
                                architecture: String?) -> Match? {
        if named.fallback || named.simulated || score(named, tree) != nil { return nil }
        guard case .success(let match) = identify(tree, among: boards, architecture: architecture),
              match.evidence != .fallback, match.board.id != named.id else { return nil }
        return match
    }
}
