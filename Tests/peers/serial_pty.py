#!/usr/bin/env python3
"""Serial diagnostics against a device model on a real pseudo-terminal, for any build of mote.

Usage: python3 Tests/peers/serial_pty.py MOTE_COMMAND...   (e.g. qemu-aarch64 -L ... out/aarch64/mote)

The model (this script, on the master side) answers an AT command, then sends every byte value
in one burst. Checks: the command goes out with CR LF, replies come back line by line, a burst of
all 256 byte values arrives intact in --hex mode, and silence ends with exit 3. Prints one line
per check and "serial pty: N passed, M failed".
"""
import json
import os
import pty
import select
import subprocess
import sys
import time

from peer_checks import Checks
import tty

MOTE = sys.argv[1:]
checks = Checks("serial pty")
check = checks.check


def device():
    master, slave = pty.openpty()
    tty.setraw(master)
    name = os.ttyname(slave)
    os.close(slave)
    return master, name


def read_until(fd, marker, timeout=10):
    data, deadline = b"", time.time() + timeout
    while marker not in data and time.time() < deadline:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                data += os.read(fd, 4096)
            except OSError:  # EIO until mote has opened the slave side
                time.sleep(0.02)
    return data


def run(args, talk):
    master, name = device()
    process = subprocess.Popen(MOTE + ["serial", "open", name] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    talk(master)
    out, err = process.communicate(timeout=30)
    os.close(master)
    return process.returncode, out.decode(), err.decode()


def at_dialogue(master):
    global request
    request = read_until(master, b"\r\n")
    os.write(master, b"OK\r\n+EVT:JOINED\r\n")


request = b""
rc, out, err = run(["--baud", "115200", "--send", "AT+JOIN", "--count", "2", "--timeout", "5", "--jsonl"], at_dialogue)
check("the command goes out as AT+JOIN CR LF", request == b"AT+JOIN\r\n", repr(request))
lines = [json.loads(line)["text"] for line in out.splitlines()]
check("two reply lines come back, CR LF stripped", rc == 0 and lines == ["OK", "+EVT:JOINED"], f"rc={rc} {lines} {err}")

burst = bytes(range(256))


def binary(master):
    time.sleep(0.5)
    os.write(master, burst)


rc, out, err = run(["--baud", "115200", "--hex", "--count", "1", "--timeout", "5", "--inter-byte", "200", "--jsonl"], binary)
hexes = [json.loads(line)["hex"] for line in out.splitlines()]
check("all 256 byte values arrive intact as one burst", rc == 0 and hexes == [burst.hex()], f"rc={rc} {hexes[:1]} {err}")

rc, out, err = run(["--baud", "9600", "--timeout", "1"], lambda master: None)
check("silence ends with exit 3", rc == 3 and out == "", f"rc={rc} {out!r} {err}")

rc, out, err = run(["--baud", "9601"], lambda master: None)
check("a non-standard rate is a usage error", rc == 2 and "9601 is not a standard rate" in err, f"rc={rc} {err}")

checks.finish()
