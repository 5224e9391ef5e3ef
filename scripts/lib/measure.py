#!/usr/bin/env python3
"""Runs a command N times and prints the median CPU time (user + system) in milliseconds, the
largest maximum resident set size in kilobytes and the median wall time in milliseconds.

CPU comes from the kernel's rusage (wait4), which has microsecond resolution where GNU time
prints hundredths. The memory figure comes from GNU time (%M), which starts the command: a child
forked from this Python process would carry Python's own high-water mark into its rusage, since
the kernel keeps the larger of the pre-exec and post-exec figures. GNU time's own start-up adds
well under a millisecond of CPU.

With --stdout FILE the command writes there (e.g. /dev/null, so a million lines cost what the
node spends on them, not what a pipe reader does) and no first line is printed.

Usage: measure.py RUNS [--stdout FILE] COMMAND [ARGS...]
  ->   "<cpu_ms> <maxrss_kb> <wall_ms> <first line of output>"
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    runs = int(sys.argv[1])
    command = sys.argv[2:]
    target = None
    if command[:1] == ["--stdout"]:
        target, command = command[1], command[2:]
    cpu, rss, wall, first = [], [], [], ""
    report = tempfile.NamedTemporaryFile(mode="r", suffix=".time")
    for _ in range(runs):
        timed = ["/usr/bin/time", "-f", "%M", "-o", report.name] + command
        sink = open(target, "wb") if target else subprocess.PIPE
        started = time.monotonic()
        process = subprocess.Popen(timed, stdout=sink, stderr=subprocess.DEVNULL)
        output = process.stdout.read() if process.stdout else b""
        _, status, usage = os.wait4(process.pid, 0)
        wall.append((time.monotonic() - started) * 1000)
        if target:
            sink.close()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"measure: {' '.join(command)} failed")
        cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
        report.seek(0)
        rss.append(int(report.read().split()[-1]))
        first = output.decode().splitlines()[0] if output else ""
    print(f"{statistics.median(cpu):.1f} {max(rss)} {statistics.median(wall):.1f} {first}")


if __name__ == "__main__":
    main()
