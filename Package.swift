// swift-tools-version:6.1
// Mote: a Swift runtime for ARM Linux sensor nodes.
//
// Everything under Sources/ except host tools is device code: it also builds in Embedded Swift
// for the board (see scripts/cross-build), so it uses no Foundation and only typed throws.
import PackageDescription

let package = Package(
    name: "Mote",
    products: [
        .executable(name: "mote", targets: ["mote"]),
        // The board build: scripts/cross-build compiles this library in Embedded Swift and links
        // it with scripts/board-main.c against the board's own libraries.
        .library(name: "MoteBoard", type: .static, targets: ["MoteCLI"]),
        // Host tool (desktop only, never on the board).
        .executable(name: "motectl", targets: ["motectl"]),
        // The TUF client command-line contract (`mote tuf-client` on the board), for interop tests.
        .executable(name: "mote-tuf-client", targets: ["mote-tuf-client"]),
    ],
    dependencies: [
        // Host only: no device target depends on these, so the board build never compiles them.
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        // A second TOML parser to cross-check ours against (MoteConfigInteropTests).
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        // Host only: device identities (motectl identity) make their Ed25519 keys with it.
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
    ],
    targets: [
        // System libraries, found the SwiftPM way.
        .systemLibrary(
            name: "CLibI2C",
            providers: [.apt(["libi2c-dev"])]
        ),
        .systemLibrary(
            name: "CLibGPIOD",
            pkgConfig: "libgpiod",
            providers: [.apt(["libgpiod-dev"])]
        ),

        // C shims: one per facility, headers with fixed-width types only.
        // The module map's `link` reaches only Swift importers, and no Swift code imports libi2c
        // directly, so the shim names the library itself.
        .target(name: "CI2C", dependencies: ["CLibI2C"], linkerSettings: [.linkedLibrary("i2c")]),
        .target(name: "CGPIO", dependencies: ["CLibGPIOD"], linkerSettings: [.linkedLibrary("gpiod")]),
        .target(name: "CSerial"),
        .target(name: "CPoll"),
        .target(name: "CFiles"),
        .target(name: "CClock"),
        .target(name: "CConsole"),
        .target(name: "CNotify"),
        .target(name: "CSignal"),
        .target(name: "CSocket"),
        .target(name: "CProcess"),
        // OpenSSL 3's libcrypto (headers: libssl-dev): the hashes and signature checks of signed
        // updates. Not linked: the shim loads libcrypto.so.3 on first use (dlopen, in glibc's libc
        // since 2.34), so the node loop never maps it.
        .target(name: "CCrypto"),
        // libcurl (headers: libcurl4-openssl-dev): HTTP(S) and file:// fetches of update metadata
        // and targets. Not linked either: libcurl.so.4 is loaded on the first fetch.
        .target(name: "CFetch"),

        // Hardware abstraction: bus protocols, clock, typed errors.
        .target(name: "MoteHAL"),
        // Linux implementations of the HAL over the C shims.
        // (MoteNode for the uplink's file queue and transports.)
        .target(name: "MoteLinux", dependencies: ["MoteHAL", "MoteNode", "CI2C", "CGPIO", "CSerial", "CPoll", "CFiles", "CClock", "CConsole", "CNotify", "CSignal", "CSocket", "CProcess", "CCrypto", "CFetch"]),
        // One file per part, generic over the bus protocols.
        .target(name: "MoteDrivers", dependencies: ["MoteHAL"]),
        // Register-level device models, simulated buses, a virtual clock.
        .target(name: "MoteSimulation", dependencies: ["MoteHAL"]),
        // Readings, filters, frames, the node loop.
        .target(name: "MoteNode", dependencies: ["MoteHAL", "MoteDrivers"]),
        // The `mote` command: option parsing and the scenarios it runs.
        .target(name: "MoteCLI", dependencies: ["MoteHAL", "MoteLinux", "MoteDrivers", "MoteSimulation", "MoteNode"]),
        .executableTarget(name: "mote", dependencies: ["MoteCLI"]),
        .executableTarget(name: "mote-tuf-client", dependencies: ["MoteCLI"]),

        // Host tools: full Swift and Foundation. Nothing under them is device code.
        .target(name: "MoteTools", dependencies: [
            "MoteNode",  // the frame tables the codecs share
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "motectl", dependencies: [
            "MoteTools",
            "MoteCLI",  // the node and board file loader `mote` itself uses: one schema, one set of messages
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "MoteHALTests", dependencies: ["MoteHAL", "MoteSimulation"]),
        .testTarget(name: "MoteLinuxTests", dependencies: ["MoteLinux", "MoteHAL", "MoteNode"]),
        .testTarget(name: "MoteDriversTests", dependencies: ["MoteDrivers", "MoteHAL", "MoteSimulation"]),
        .testTarget(name: "MoteSimulationTests", dependencies: ["MoteSimulation", "MoteDrivers", "MoteHAL"]),
        .testTarget(name: "MoteNodeTests", dependencies: ["MoteNode", "MoteSimulation", "MoteDrivers", "MoteHAL", "MoteLinux"]),
        .testTarget(name: "MoteCLITests", dependencies: ["MoteCLI", "MoteHAL", "MoteNode", "MoteLinux", "MoteTools"]),
        .testTarget(name: "MoteToolsTests", dependencies: ["MoteTools", "MoteNode"]),
        .testTarget(name: "MoteConfigInteropTests", dependencies: ["MoteNode", .product(name: "TOMLKit", package: "TOMLKit")]),
    ]
)
