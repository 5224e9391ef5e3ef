import MoteLinux
import MoteNode

/// The board files of a directory and the kernel's device tree, read from disk; the matching
/// itself is `BoardIdentification` (MoteNode), shared with `motectl board identify`.
public enum BoardFiles {
    /// Where a provisioned board keeps its board files.
    public static let installed = "/etc/mote/boards"
    /// Where the kernel shows the device tree, in the order looked at.
    public static let deviceTrees = ["/proc/device-tree", "/sys/firmware/devicetree/base"]

    /// Every `*.toml` in `directory` that is a valid board file, by file name; and for each
    /// other one, `FILE:LINE:COLUMN: KEY: MESSAGE` of its first error.
    public static func load(_ directory: String) -> (boards: [BoardConfiguration], problems: [String]) {
        var boards: [BoardConfiguration] = []
        var problems: [String] = []
        for name in Files.list(directory) where name.hasSuffix(".toml") {
            let path = directory + "/" + name
            guard let text = Files.read(path, maximumLength: 1 << 20) else {
                problems.append(path + ": cannot be read")
                continue
            }
            let (board, errors) = BoardConfiguration.parse(text, file: path)
            if let board { boards.append(board) } else if let first = errors.first { problems.append(first.description) }
        }
        return (boards, problems)
    }

    /// The device tree in `directory`, or in the first of `deviceTrees` that has a model or
    /// compatible file; nil (and the directories looked at) when none has.
    public static func deviceTree(_ directory: String?) -> (tree: DeviceTree?, looked: [String]) {
        let directories = directory.map { [$0] } ?? deviceTrees
        for candidate in directories {
            let model = Files.readBytes(candidate + "/model").bytes
            let compatible = Files.readBytes(candidate + "/compatible").bytes
            if model != nil || compatible != nil { return (DeviceTree(modelBytes: model, compatibleBytes: compatible), directories) }
        }
        return (nil, directories)
    }
}

/// `mote board [--device-tree DIR] [--boards DIR]`: which board file describes this board.
enum BoardCommand {
    static let usage = """
        usage: mote board [--device-tree DIR] [--boards DIR] [--arch ARCH]
        Prints the board file that matches this board's device tree: ID (NAME, ARCH). Exit 1
        when none does, naming the model and the known boards. DIR defaults: the device tree at
        /proc/device-tree (else /sys/firmware/devicetree/base), the board files in /etc/mote/boards.
        Only board files of this build's architecture count (--arch: another's, e.g. to try a
        board's device tree on the desktop).
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: Arguments
        switch Arguments.parse(arguments, valued: ["--device-tree", "--boards", "--arch"], flags: ["--help"]) {
        case .success(let a): parsed = a
        case .failure(let e): return Report.usage(e, usage)
        }
        if parsed.has("--help") {
            Console.line(usage)
            return 0
        }
        guard parsed.positionals.isEmpty else { return Report.usage(UsageError("unexpected argument '\(parsed.positionals[0])'"), usage) }
        let architecture = parsed.values["--arch"] ?? BoardIdentification.runningArchitecture
        if let architecture, !["aarch64", "armv7", "x86_64"].contains(architecture) {
            return Report.usage(UsageError("--arch needs aarch64, armv7 or x86_64, not '\(architecture)'"), usage)
        }
        let result = identify(deviceTree: parsed.values["--device-tree"], boards: parsed.values["--boards"] ?? BoardFiles.installed,
                              architecture: architecture)
        for line in result.errors { Console.line(line, to: .error) }
        if let line = result.output { Console.line(line) }
        return result.status
    }

    /// What `mote board` prints and its exit status, without printing it.
    static func identify(deviceTree: String?, boards directory: String, architecture: String?)
        -> (status: Int32, output: String?, errors: [String]) {
        let (boards, problems) = BoardFiles.load(directory)
        var errors = problems.map { "mote: skipped " + $0 }
        guard !boards.isEmpty else { return (1, nil, errors + ["mote: no board files in \(directory)"]) }
        let (tree, looked) = BoardFiles.deviceTree(deviceTree)
        guard let tree else {
            return (1, nil, errors + ["mote: no device tree (no model or compatible in " + looked.joined(separator: " or ")
                                      + "): cannot identify this board"])
        }
        switch BoardIdentification.identify(tree, among: boards, architecture: architecture) {
        case .success(let match):
            return (0, match.board.id + " (" + match.board.name + ", " + match.board.architecture + ")", errors)
        case .failure(let unknown):
            errors.append("mote: " + unknown.description)
            return (1, nil, errors)
        }
    }
}
