#!/usr/bin/env python3
"""Runs a node on the real clock for SECONDS, then SIGTERMs it, and prints the CPU it used.

Two CPU figures: utime + stime from /proc/PID/stat just before the SIGTERM (clock ticks, so
10 ms steps; what the node spent running), and the rusage wait4 reports after it exited (to the
microsecond; adds the flush and state save on SIGTERM). Memory is VmHWM from /proc/PID/status,
the exec'd process's own high-water mark. The command's output goes to OUTPUT.

Usage: realtime-cpu.py SECONDS OUTPUT COMMAND [ARGS...]
  ->   "<cpu_ms_before_sigterm> <cpu_ms_at_exit> <hwm_kb> <exit_code>"
"""
import os
import signal
import subprocess
import sys
import time


def main():
    seconds, output, command = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    with open(output, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.DEVNULL)
        time.sleep(seconds)
        with open(f"/proc/{process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()  # after "pid (comm)"
        before = (int(fields[11]) + int(fields[12])) * tick_ms  # utime, stime: fields 14 and 15
        with open(f"/proc/{process.pid}/status") as status:
            hwm = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        process.send_signal(signal.SIGTERM)
        _, status, usage = os.wait4(process.pid, 0)
    at_exit = (usage.ru_utime + usage.ru_stime) * 1000
    print(f"{before:.0f} {at_exit:.1f} {hwm} {os.waitstatus_to_exitcode(status)}")


if __name__ == "__main__":
    main()
