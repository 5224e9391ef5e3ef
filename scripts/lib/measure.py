#!/usr/bin/env python3
"""Runs a command N times and prints the median CPU time (user + system) in milliseconds and the
largest maximum resident set size in kilobytes.

CPU comes from the kernel's rusage (wait4), which has microsecond resolution where GNU time
prints hundredths. The memory figure comes from GNU time (%M), which starts the command: a child
forked from this Python process would carry Python's own high-water mark into its rusage, since
the kernel keeps the larger of the pre-exec and post-exec figures. GNU time's own start-up adds
well under a millisecond of CPU.

Usage: measure.py RUNS COMMAND [ARGS...]   ->   "<cpu_ms> <maxrss_kb> <first line of output>"
"""
import os
import statistics
import subprocess
import sys
import tempfile


def main():
    runs = int(sys.argv[1])
    command = sys.argv[2:]
    cpu, rss, first = [], [], ""
    report = tempfile.NamedTemporaryFile(mode="r", suffix=".time")
    for _ in range(runs):
        timed = ["/usr/bin/time", "-f", "%M", "-o", report.name] + command
        process = subprocess.Popen(timed, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"measure: {' '.join(command)} failed")
        cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
        report.seek(0)
        rss.append(int(report.read().split()[-1]))
        first = output.decode().splitlines()[0] if output else ""
    print(f"{statistics.median(cpu):.1f} {max(rss)} {first}")


if __name__ == "__main__":
    main()
