import Foundation
import Testing
@testable import MoteNode

/// Every board file the repository ships, and identifying a board by its device tree.
@Suite struct BoardFilesTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(relative), encoding: .utf8)
    }

    /// boards/*.toml, by name.
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("boards").path)) ?? [])
        .filter { $0.hasSuffix(".toml") }.sorted()

    static func board(_ id: String) throws -> BoardConfiguration {
        let path = "boards/" + id + ".toml"
        return try #require(BoardConfiguration.parse(try text(path), file: path).board)
    }

    static func all() throws -> [BoardConfiguration] {
        try files.map { try board(String($0.dropLast(5))) }
    }

    // MARK: - The files

    @Test func theBoardsAreTheOnesTheContractNames() {
        #expect(Self.files == ["beaglebone-black.toml", "generic-aarch64.toml", "raspberry-pi-3b.toml", "raspberry-pi-4b.toml",
                               "raspberry-pi-5.toml", "raspberry-pi-armv7.toml", "raspberry-pi-zero-2w.toml", "simulated.toml"])
    }

    @Test(arguments: files)
    func aBoardFileParsesAndPassesItsOwnChecks(_ file: String) throws {
        let path = "boards/" + file
        let text = try Self.text(path)
        let (parsed, errors) = BoardConfiguration.parse(text, file: path)
        #expect(errors.map(\.description) == [])
        let board = try #require(parsed)
        #expect(board.id + ".toml" == file)
        #expect(!board.name.isEmpty)
        #expect(!board.gpioChips.isEmpty)
        // Chips by label: never a number, which moves between kernels.
        #expect(board.gpioChips.filter { $0.hasPrefix("gpiochip") || $0.hasPrefix("/dev/") } == [])
        // Each pin once, each line on one pin, and every pin resolves to its line.
        #expect(Set(board.header.map(\.line)).count == board.header.count)
        for (pin, line) in board.header {
            #expect(BoardConfiguration.pinKey(pin) == pin, "\(pin) is not canonical")
            #expect(board.lineName("pin" + pin) == line)
            #expect(board.lineName(line) == line)
        }
        for (name, device) in board.i2c + board.serial + board.oneWire {
            #expect(board.simulated ? device == "sim" : device.hasPrefix("/dev/") || device.hasPrefix("/sys/"), "\(name) = \(device)")
        }
        // Its page, and its row in the README's table.
        #expect(FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent("boards/" + board.id + ".md").path))
        #expect(try Self.text("boards/README.md").contains("[" + board.id + ".toml](" + board.id + ".toml)"))
        // A device tree of its own strings identifies it, for its own build.
        guard !board.simulated else { return }
        let tree = DeviceTree(model: board.models.first.map { $0 + " Rev 1.0" } ?? "an unknown board",
                              compatible: board.compatible.isEmpty ? ["vendor,unknown"] : [board.compatible[0]])
        let match = try BoardIdentification.identify(tree, among: try Self.all(), architecture: board.architecture).get()
        #expect(match.board.id == board.id)
    }

    @Test func everyPageLinkedFromTheReadmeExistsAndTheOldArchitecturePagesAreGone() throws {
        let readme = try Self.text("boards/README.md")
        let links = readme.matches(of: try Regex(#"\]\(([a-z0-9-]+\.(?:md|toml))\)"#)).compactMap { $0.output[1].substring.map(String.init) }
        #expect(links.count == 16)  // a page and a board file for each of the eight boards
        for link in links {
            #expect(FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent("boards/" + link).path), "\(link)")
        }
        for gone in ["aarch64.md", "armv7.md"] {
            #expect(!FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent("boards/" + gone).path))
        }
    }

    @Test func theRaspberryPiHeadersUseTheDeviceTreesLineNames() throws {
        let pi4 = try Self.board("raspberry-pi-4b"), pi3 = try Self.board("raspberry-pi-3b")
        let zero = try Self.board("raspberry-pi-zero-2w"), pi5 = try Self.board("raspberry-pi-5")
        for board in [pi3, pi4, zero, pi5] {
            #expect(board.header.count == 26)
            #expect(board.lineName("pin11") == "GPIO17")
            #expect(board.lineName("pin40") == "GPIO21")
        }
        #expect(pi4.lineName("pin7") == "GPIO_GCLK")
        #expect(pi4.lineName("pin8") == "TXD1")
        #expect(zero.lineName("pin8") == "TXD0")  // the Zero 2 W's device tree calls the header UART 0
        #expect(pi5.lineName("pin7") == "GPIO4")  // RP1: plain names
        #expect(pi5.lineName("pin3") == "GPIO2")
        #expect([pi3.gpioChips, pi4.gpioChips, zero.gpioChips, pi5.gpioChips]
                == [["pinctrl-bcm2835"], ["pinctrl-bcm2711"], ["pinctrl-bcm2835"], ["pinctrl-rp1"]])
        #expect(try Self.board("raspberry-pi-armv7").gpioChips == ["pinctrl-bcm2835", "pinctrl-bcm2711", "pinctrl-rp1"])
    }

    // MARK: - Connector pins and several chips (the BeagleBone Black)

    @Test func theBeagleBoneResolvesConnectorPinsOnFourChips() throws {
        let bbb = try Self.board("beaglebone-black")
        #expect(bbb.gpioChips == ["gpio-0-31", "gpio-32-63", "gpio-64-95", "gpio-96-127"])
        #expect(bbb.header.count == 66)
        #expect(bbb.lineName("P9_12") == "P9_12")
        #expect(bbb.lineName("P9_22") == "P9_22 [spi0_sclk]")
        #expect(bbb.lineName("pinP9_22") == "P9_22 [spi0_sclk]")
        #expect(bbb.lineName("P8_03") == "P8_3 [mmc1_dat6]")
        #expect(bbb.lineName("P9_22 [spi0_sclk]") == "P9_22 [spi0_sclk]")  // the full line name
        #expect(bbb.lineName("P9_41") == "P9_41B")  // two balls on one pin: GPIO 20's
        #expect(bbb.lineName("P8_24") == nil)  // no line name in the device tree
        #expect(bbb.lineName("P9_1") == nil)  // ground
        #expect(bbb.lineName("GPIO17") == nil)
        #expect(bbb.lineName("pin12") == nil)  // no numbered pins on this board
        let node = try #require(NodeConfiguration.parse("""
            [node]
            name = "n"
            board = "beaglebone-black"

            [[sensor]]
            id = "door"
            driver = "digital-input"
            line = "P9_12"

            [[sensor]]
            id = "rain"
            driver = "pulse-counter"
            line = "P9_99"

            [[sensor]]
            id = "tank"
            driver = "digital-input"
            line = "pinP9_12"
            """, file: "n.toml").configuration)
        #expect(bbb.check(node, file: "n.toml").map(\.description) == [
            #"n.toml:13:8: sensor[1].line: no line "P9_99" on the board's header (board beaglebone-black)"#,
            #"n.toml:18:8: sensor[2].line: GPIO line P9_12 is already used by sensor "door" (sensor[0])"#,
        ])
    }

    @Test func pinKeys() {
        #expect(["7", "07", "80", "0", "81", "P9_12", "P9_012", "P8_3", "AB1_5", "p9_12", "P9_", "_12", "P9_100", "P9_1x", "GPIO17", "GPIO_GCLK", ""]
            .map { BoardConfiguration.pinKey($0) ?? "-" }
            == ["7", "7", "80", "-", "-", "P9_12", "P9_12", "P8_3", "AB1_5", "-", "-", "-", "-", "-", "-", "-", "-"])
    }

    @Test func chipListsAndConnectorKeysAreChecked() {
        let file = """
            [board]
            id = "b"
            name = "B"
            arch = "armv7"
            fallback = "yes"

            [gpio]
            chip = ["gpio-0-31", 5, ""]

            [gpio.header]
            P8_3 = "P8_3"
            P8_03 = "P8_3 again"
            p9_1 = "x"
            """
        #expect(BoardConfiguration.parse(file, file: "b.toml").errors.map(\.description) == [
            #"b.toml:5:12: board.fallback: expected true or false, found the string "yes""#,
            "b.toml:8:22: gpio.chip[1]: expected a chip label as a string",
            "b.toml:8:25: gpio.chip[2]: expected a chip label as a string",
            "b.toml:12:1: gpio.header.P8_03: the same pin as P8_3",
            "b.toml:13:1: gpio.header.p9_1: a header pin is a number from 1 to 80 or a connector pin such as P9_12",
        ])
        for (chip, message) in [("[]", "expected a chip label or an array of chip labels, found an array"),
                                ("5", "expected a chip label or an array of chip labels, found the integer 5")] {
            let text = "[board]\nid = \"b\"\nname = \"B\"\narch = \"armv7\"\n\n[gpio]\nchip = \(chip)\n"
            #expect(BoardConfiguration.parse(text, file: "b.toml").errors.map(\.description) == ["b.toml:7:8: gpio.chip: " + message])
        }
    }

    @Test func theGenericBoardTakesAnyLineName() throws {
        let generic = try Self.board("generic-aarch64")
        #expect(generic.fallback)
        #expect(generic.gpioChips == ["*"])
        #expect(generic.header.isEmpty && generic.models.isEmpty && generic.compatible.isEmpty)
        #expect(generic.lineName("GPIO17") == "GPIO17")
        #expect(generic.lineName("PA6") == "PA6")
        #expect(generic.lineName("pin7") == nil)
    }

    // MARK: - Identification

    /// The device tree files' bytes as the kernel gives them: model NUL-terminated,
    /// compatible NUL-separated (and NUL-terminated).
    static func tree(_ model: String?, _ compatible: [String]) -> DeviceTree {
        DeviceTree(modelBytes: model.map { Array($0.utf8) + [0] },
                   compatibleBytes: compatible.isEmpty ? nil : compatible.flatMap { Array($0.utf8) + [0] })
    }

    static let pi3 = tree("Raspberry Pi 3 Model B Rev 1.2", ["raspberrypi,3-model-b", "brcm,bcm2837"])
    static let pi3plus = tree("Raspberry Pi 3 Model B Plus Rev 1.3", ["raspberrypi,3-model-b-plus", "brcm,bcm2837"])
    static let pi4 = tree("Raspberry Pi 4 Model B Rev 1.4", ["raspberrypi,4-model-b", "brcm,bcm2711"])
    static let pi400 = tree("Raspberry Pi 400 Rev 1.0", ["raspberrypi,400", "brcm,bcm2711"])
    static let pi5 = tree("Raspberry Pi 5 Model B Rev 1.0", ["raspberrypi,5-model-b", "brcm,bcm2712"])
    static let zero2 = tree("Raspberry Pi Zero 2 W Rev 1.0", ["raspberrypi,model-zero-2-w", "brcm,bcm2837"])
    static let bbb = tree("TI AM335x BeagleBone Black", ["ti,am335x-bone-black", "ti,am335x-bone", "ti,am33xx"])
    static let virt = tree("linux,dummy-virt", ["linux,dummy-virt"])

    func identify(_ tree: DeviceTree, _ architecture: String?) throws -> String {
        switch BoardIdentification.identify(tree, among: try Self.all(), architecture: architecture) {
        case .success(let match):
            switch match.evidence {
            case .model(let prefix): return match.board.id + " by model " + prefix
            case .compatible(let entry): return match.board.id + " by compatible " + entry
            case .fallback: return match.board.id + " as the fallback"
            }
        case .failure(let unknown): return unknown.description
        }
    }

    @Test func theDeviceTreeFilesAsTheKernelWritesThem() {
        #expect(Self.pi5 == DeviceTree(model: "Raspberry Pi 5 Model B Rev 1.0", compatible: ["raspberrypi,5-model-b", "brcm,bcm2712"]))
        #expect(DeviceTree(modelBytes: Array("QEMU".utf8), compatibleBytes: [0x61, 0, 0, 0x62]) == DeviceTree(model: "QEMU", compatible: ["a", "b"]))
        #expect(DeviceTree(modelBytes: nil, compatibleBytes: nil) == DeviceTree(model: nil, compatible: []))
        #expect(DeviceTree(modelBytes: [0], compatibleBytes: []) == DeviceTree(model: nil, compatible: []))
        #expect(DeviceTree(model: nil).summary == "no model, no compatible")
    }

    @Test func realBoardsOnTheirBuilds() throws {
        #expect(try identify(Self.pi3, "aarch64") == "raspberry-pi-3b by model Raspberry Pi 3 Model B")
        #expect(try identify(Self.pi3plus, "aarch64") == "raspberry-pi-3b by model Raspberry Pi 3 Model B")
        #expect(try identify(Self.pi4, "aarch64") == "raspberry-pi-4b by model Raspberry Pi 4 Model B")
        #expect(try identify(Self.pi400, "aarch64") == "raspberry-pi-4b by compatible brcm,bcm2711")
        #expect(try identify(Self.pi5, "aarch64") == "raspberry-pi-5 by model Raspberry Pi 5 Model B")
        #expect(try identify(Self.zero2, "aarch64") == "raspberry-pi-zero-2w by model Raspberry Pi Zero 2 W")
        // The model string of a mainline kernel without the firmware's "Model B Rev" suffix.
        #expect(try identify(Self.tree("Raspberry Pi 5", ["raspberrypi,5-model-b", "brcm,bcm2712"]), "aarch64")
                == "raspberry-pi-5 by compatible raspberrypi,5-model-b")
        // The same Pis on a 32-bit OS: one file for all.
        for pi in [Self.pi3, Self.pi4, Self.pi5, Self.zero2] {
            #expect(try identify(pi, "armv7") == "raspberry-pi-armv7 by model Raspberry Pi")
        }
        #expect(try identify(Self.bbb, "armv7") == "beaglebone-black by model TI AM335x BeagleBone Black")
        #expect(try identify(Self.virt, "aarch64") == "generic-aarch64 as the fallback")
    }

    @Test func withoutAnArchitectureTheMostSpecificFileWins() throws {
        // motectl on the desktop: every file counts, no fallback.
        #expect(try identify(Self.pi4, nil) == "raspberry-pi-4b by model Raspberry Pi 4 Model B")  // over "Raspberry Pi"
        #expect(try identify(Self.bbb, nil) == "beaglebone-black by model TI AM335x BeagleBone Black")
        #expect(try identify(Self.tree(nil, ["vendor,board", "brcm,bcm2712"]), nil) == "raspberry-pi-5 by compatible brcm,bcm2712")
        // Equal evidence: the first id.
        #expect(try identify(Self.tree("A Pi clone", ["brcm,bcm2711"]), nil) == "raspberry-pi-4b by compatible brcm,bcm2711")
    }

    @Test func anUnknownBoardIsNamedWithTheKnownOnes() throws {
        #expect(try identify(Self.virt, nil) == #"cannot identify this board: model "linux,dummy-virt", compatible "linux,dummy-virt"; known boards: "#
                + "beaglebone-black (BeagleBone Black), raspberry-pi-3b (Raspberry Pi 3 Model B), raspberry-pi-4b (Raspberry Pi 4 Model B), "
                + "raspberry-pi-5 (Raspberry Pi 5), raspberry-pi-armv7 (Raspberry Pi (32-bit OS)), raspberry-pi-zero-2w (Raspberry Pi Zero 2 W)")
        #expect(try identify(Self.virt, "armv7") == #"cannot identify this board: model "linux,dummy-virt", compatible "linux,dummy-virt"; "#
                + "known armv7 boards: beaglebone-black (BeagleBone Black), raspberry-pi-armv7 (Raspberry Pi (32-bit OS))")
        #expect(try identify(Self.tree(nil, []), "x86_64") == "cannot identify this board: no model, no compatible; known x86_64 boards: none")
        #expect(try identify(Self.bbb, "aarch64") == "generic-aarch64 as the fallback")  // an aarch64 build on a BeagleBone cannot run
    }

    @Test func aNodeNamingAnotherKnownBoardIsAConflict() throws {
        let boards = try Self.all()
        func conflict(_ named: String, _ tree: DeviceTree) throws -> String? {
            BoardIdentification.conflict(named: try Self.board(named), tree: tree, among: boards, architecture: nil)?.board.id
        }
        #expect(try conflict("raspberry-pi-4b", Self.pi5) == "raspberry-pi-5")  // RP1, not the BCM2711: the wrong chip
        #expect(try conflict("raspberry-pi-5", Self.pi4) == "raspberry-pi-4b")
        #expect(try conflict("raspberry-pi-zero-2w", Self.pi3) == "raspberry-pi-3b")
        #expect(try conflict("raspberry-pi-3b", Self.zero2) == nil)  // the same SoC and chip: brcm,bcm2837
        #expect(try conflict("beaglebone-black", Self.pi4) == "raspberry-pi-4b")
        #expect(try conflict("raspberry-pi-4b", Self.pi4) == nil)
        #expect(try conflict("raspberry-pi-4b", Self.pi400) == nil)  // by compatible
        #expect(try conflict("raspberry-pi-armv7", Self.pi5) == nil)  // any Pi
        #expect(try conflict("generic-aarch64", Self.pi5) == nil)  // the user said "any board"
        #expect(try conflict("simulated", Self.pi5) == nil)
        #expect(try conflict("raspberry-pi-4b", Self.virt) == nil)  // unknown: runs as today
        #expect(try conflict("raspberry-pi-4b", Self.tree(nil, [])) == nil)
    }
}
