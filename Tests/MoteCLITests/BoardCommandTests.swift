import Foundation
import Testing
import MoteNode
@testable import MoteCLI

/// `mote board`, `node.board = "auto"` and the refusal to run on another board, against device
/// trees written to a temporary directory the way the kernel shows them.
@Suite struct BoardCommandTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let boards = repository.appendingPathComponent("boards").path

    /// A directory with `model` (NUL-terminated) and `compatible` (NUL-separated); nil leaves a file out.
    static func deviceTree(_ model: String?, _ compatible: [String]?) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mote-dt-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let model { try Data(Array(model.utf8) + [0]).write(to: directory.appendingPathComponent("model")) }
        if let compatible { try Data(compatible.flatMap { Array($0.utf8) + [0] }).write(to: directory.appendingPathComponent("compatible")) }
        return directory.path
    }

    static func pi5() throws -> String { try deviceTree("Raspberry Pi 5 Model B Rev 1.0", ["raspberrypi,5-model-b", "brcm,bcm2712"]) }

    @Test func moteBoardPrintsTheIdNameAndArchitecture() throws {
        let cases: [(model: String?, compatible: [String]?, architecture: String, output: String)] = [
            ("Raspberry Pi 3 Model B Rev 1.2", ["raspberrypi,3-model-b", "brcm,bcm2837"], "aarch64", "raspberry-pi-3b (Raspberry Pi 3 Model B, aarch64)"),
            ("Raspberry Pi 4 Model B Rev 1.4", ["raspberrypi,4-model-b", "brcm,bcm2711"], "aarch64", "raspberry-pi-4b (Raspberry Pi 4 Model B, aarch64)"),
            ("Raspberry Pi 5 Model B Rev 1.0", ["raspberrypi,5-model-b", "brcm,bcm2712"], "aarch64", "raspberry-pi-5 (Raspberry Pi 5, aarch64)"),
            ("Raspberry Pi Zero 2 W Rev 1.0", ["raspberrypi,model-zero-2-w", "brcm,bcm2837"], "aarch64",
             "raspberry-pi-zero-2w (Raspberry Pi Zero 2 W, aarch64)"),
            ("Raspberry Pi 4 Model B Rev 1.4", ["raspberrypi,4-model-b", "brcm,bcm2711"], "armv7", "raspberry-pi-armv7 (Raspberry Pi (32-bit OS), armv7)"),
            ("TI AM335x BeagleBone Black", ["ti,am335x-bone-black", "ti,am335x-bone", "ti,am33xx"], "armv7", "beaglebone-black (BeagleBone Black, armv7)"),
            ("linux,dummy-virt", ["linux,dummy-virt"], "aarch64", "generic-aarch64 (Generic aarch64 board, aarch64)"),
            (nil, ["raspberrypi,5-model-b", "brcm,bcm2712"], "aarch64", "raspberry-pi-5 (Raspberry Pi 5, aarch64)"),  // no model file
        ]
        for item in cases {
            let result = BoardCommand.identify(deviceTree: try Self.deviceTree(item.model, item.compatible), boards: Self.boards,
                                               architecture: item.architecture)
            #expect(result.status == 0 && result.output == item.output && result.errors == [], "\(item.output): \(result)")
        }
    }

    @Test func anUnknownBoardAbsentFilesAndNoBoardFiles() throws {
        let virt = try Self.deviceTree("linux,dummy-virt", ["linux,dummy-virt"])
        let unknown = BoardCommand.identify(deviceTree: virt, boards: Self.boards, architecture: "armv7")
        #expect(unknown.status == 1 && unknown.output == nil)
        #expect(unknown.errors == [#"mote: cannot identify this board: model "linux,dummy-virt", compatible "linux,dummy-virt"; "#
                                   + "known armv7 boards: beaglebone-black (BeagleBone Black), raspberry-pi-armv7 (Raspberry Pi (32-bit OS))"])
        let empty = try Self.deviceTree(nil, nil)
        let absent = BoardCommand.identify(deviceTree: empty, boards: Self.boards, architecture: "aarch64")
        #expect(absent.status == 1 && absent.output == nil)
        #expect(absent.errors == ["mote: no device tree (no model or compatible in \(empty)): cannot identify this board"])
        let noBoards = BoardCommand.identify(deviceTree: virt, boards: empty, architecture: "aarch64")
        #expect(noBoards.status == 1 && noBoards.errors == ["mote: no board files in \(empty)"])
    }

    @Test func aFileThatIsNoBoardFileIsSkippedAndSaidSo() throws {
        let directory = try Self.deviceTree(nil, nil)
        try FileManager.default.copyItem(atPath: Self.boards + "/raspberry-pi-5.toml", toPath: directory + "/raspberry-pi-5.toml")
        try "[node]\nname = \"door\"\n".write(toFile: directory + "/door-node.toml", atomically: true, encoding: .utf8)
        let result = BoardCommand.identify(deviceTree: try Self.pi5(), boards: directory, architecture: "aarch64")
        #expect(result.status == 0 && result.output == "raspberry-pi-5 (Raspberry Pi 5, aarch64)")
        #expect(result.errors == ["mote: skipped \(directory)/door-node.toml:1:1: board: missing (required)"])
    }

    /// A node file in DIR with boards/ beside it holding these board files.
    static func node(board: String, boardFiles: [String]) throws -> String {
        let directory = try deviceTree(nil, nil)
        try FileManager.default.createDirectory(atPath: directory + "/boards", withIntermediateDirectories: true)
        for id in boardFiles {
            try FileManager.default.copyItem(atPath: Self.boards + "/" + id + ".toml", toPath: directory + "/boards/" + id + ".toml")
        }
        let text = "[node]\nname = \"n\"\nboard = \"\(board)\"\n\n[[sensor]]\nid = \"door\"\ndriver = \"digital-input\"\nline = \"GPIO17\"\n"
        try text.write(toFile: directory + "/node.toml", atomically: true, encoding: .utf8)
        return directory + "/node.toml"
    }

    @Test func autoTakesTheIdentifiedBoardFile() throws {
        let path = try Self.node(board: "auto", boardFiles: ["raspberry-pi-4b", "raspberry-pi-5", "raspberry-pi-armv7"])
        let loaded = try ConfiguredRun.loadFiles(path, board: nil, deviceTree: try Self.pi5(), architecture: "aarch64").get()
        #expect(loaded.board.id == "raspberry-pi-5")
        #expect(loaded.boardFile == String(path.dropLast("node.toml".count)) + "boards/raspberry-pi-5.toml")
        let armv7 = try ConfiguredRun.loadFiles(path, board: nil, deviceTree: try Self.pi5(), architecture: "armv7").get()
        #expect(armv7.board.id == "raspberry-pi-armv7")
    }

    @Test func autoWithoutADeviceTreeOrAKnownBoardIsAnErrorAtTheKey() throws {
        let path = try Self.node(board: "auto", boardFiles: ["raspberry-pi-4b"])
        func errors(_ deviceTree: String) -> [String] {
            guard case .failure(let problems) = ConfiguredRun.loadFiles(path, board: nil, deviceTree: deviceTree, architecture: "aarch64") else { return [] }
            return problems.errors.map(\.description)
        }
        let empty = try Self.deviceTree(nil, nil)
        #expect(errors(empty) == [path + #":3:9: node.board: "auto": no device tree to identify the board by (no model or compatible in "#
                                  + empty + "); name the board, or give --board FILE"])
        #expect(errors(try Self.pi5()) == [path + #":3:9: node.board: "auto": cannot identify this board: model "Raspberry Pi 5 Model B Rev 1.0", "#
                                           + #"compatible "raspberrypi,5-model-b", "brcm,bcm2712"; known aarch64 boards: raspberry-pi-4b (Raspberry Pi 4 Model B)"#])
    }

    @Test func aNodeForAPi4RefusesToRunOnAPi5() throws {
        let path = try Self.node(board: "raspberry-pi-4b", boardFiles: ["raspberry-pi-4b", "raspberry-pi-5"])
        let loaded = try ConfiguredRun.loadFiles(path, board: nil, deviceTree: try Self.pi5()).get()
        #expect(loaded.board.id == "raspberry-pi-4b")  // loading does not look at the device tree for a named board
        #expect(ConfiguredRun.boardConflict(loaded.board, boardFile: loaded.boardFile, deviceTree: try Self.pi5())
                == #"mote: node.board is "raspberry-pi-4b" (Raspberry Pi 4 Model B), but the device tree says this is raspberry-pi-5 (Raspberry Pi 5): "#
                + #"model "Raspberry Pi 5 Model B Rev 1.0", compatible "raspberrypi,5-model-b", "brcm,bcm2712"; "#
                + #"the node does not start (set node.board = "raspberry-pi-5", or "auto")"#)
        let pi4 = try Self.deviceTree("Raspberry Pi 4 Model B Rev 1.4", ["raspberrypi,4-model-b", "brcm,bcm2711"])
        #expect(ConfiguredRun.boardConflict(loaded.board, boardFile: loaded.boardFile, deviceTree: pi4) == nil)
        let virt = try Self.deviceTree("linux,dummy-virt", ["linux,dummy-virt"])
        #expect(ConfiguredRun.boardConflict(loaded.board, boardFile: loaded.boardFile, deviceTree: virt) == nil)  // unknown: as today
        #expect(ConfiguredRun.boardConflict(loaded.board, boardFile: loaded.boardFile, deviceTree: try Self.deviceTree(nil, nil)) == nil)
    }
}
