/// The board binary's entry point, called by scripts/cross/board-main.c: Embedded Swift has no
/// CommandLine, so the C `main` hands over argc and argv. (Not `mote_main`: SwiftPM gives that name to the
/// desktop executable's own main.)
@_cdecl("mote_board_main")
public func moteMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var arguments: [String] = []
    if argc > 1 {
        for index in 1..<Int(argc) {
            if let argument = argv[index] { arguments.append(String(cString: argument)) }
        }
    }
    return MoteCommand.run(arguments)
}
