import Glibc
import MoteHAL
import MoteLinux
import Testing

@Suite("Process")
struct ProcessTests {
    @Test("a program's exit status comes back, 0 and not 0")
    func exitStatus() {
        #expect(Process.run(["true"]) == .exited(0))
        #expect(Process.run(["sh", "-c", "exit 3"]) == .exited(3))
    }

    @Test("the arguments arrive as given, spaces and an empty one included")
    func arguments() {
        // The script exits 0 only when it got exactly these three arguments.
        let script = #"[ "$#" = 3 ] && [ "$1" = "a b" ] && [ "$2" = "" ] && [ "$3" = "ü" ]"#
        #expect(Process.run(["sh", "-c", script, "sh", "a b", "", "ü"]) == .exited(0))
    }

    @Test("a program ended by a signal reports 128 + the signal")
    func signal() {
        #expect(Process.run(["sh", "-c", "kill -9 $$"]) == .exited(137))
    }

    @Test("a program that is not there is ENOENT, and an empty command EINVAL")
    func missing() {
        #expect(Process.run(["mote-no-such-program"]) == .notStarted(.ENOENT))
        #expect(Process.run([]) == .notStarted(.EINVAL))
    }

    @Test("restart runs `systemctl restart UNIT` and names what failed")
    func restart() {
        #expect(Process.restart(unit: "mote.service", systemctl: "true") == nil)
        #expect(Process.restart(unit: "mote.service", systemctl: "false") == "false restart mote.service exited 1")
        #expect(Process.restart(unit: "mote.service", systemctl: "/nonexistent/systemctl") == "cannot run /nonexistent/systemctl (ENOENT)")
        // One program name, never split into words.
        #expect(Process.restart(unit: "mote.service", systemctl: "/bin/sh -c") == "cannot run /bin/sh -c (ENOENT)")
    }

    @Test("the program starts with no signal blocked, whatever this process blocks")
    func signalMask() {
        var blocked = sigset_t()
        var previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        // grep itself (no shell between): its SigBlk is all zero when nothing is blocked.
        #expect(Process.run(["grep", "-q", "^SigBlk:[[:space:]]*0*$", "/proc/self/status"]) == .exited(0))
    }
}
