// The desktop build of `mote`; the board build enters through MoteCLI's `mote_board_main`.
import MoteCLI

#if canImport(Glibc)
import Glibc
#endif

exit(MoteCommand.run(Array(CommandLine.arguments.dropFirst())))
