import ArgumentParser

/// `motectl`: Mote's host-side tool. One file per subcommand; add new ones to `subcommands`.
@main
struct Motectl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "motectl",
        abstract: "Mote's host tool: look at node runs, check configs, generate payload codecs, decode frames, identify boards, make device identities, keep the signed update repository.",
        subcommands: [CheckCommand.self, PlotCommand.self, CodecCommand.self, DecodeCommand.self, BoardCommand.self, IdentityCommand.self, KeysCommand.self, RepoCommand.self]
    )
}
