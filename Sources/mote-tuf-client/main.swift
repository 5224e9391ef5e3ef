// The desktop TUF client (the conformance command-line contract); the board runs the same code
// as `mote tuf-client`.
import MoteCLI

#if canImport(Glibc)
import Glibc
#endif

exit(TUFClientCommand.run(Array(CommandLine.arguments.dropFirst()), program: "mote-tuf-client"))
