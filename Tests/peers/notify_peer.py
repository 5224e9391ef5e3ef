#!/usr/bin/env python3
"""Acts as systemd for a Type=notify service with WatchdogSec=, for any build of mote.

Usage: python3 Tests/peers/notify_peer.py [--term-after 3] [--watchdogs 2] [--abstract] -- CMD ARGS...

Binds a datagram socket, starts CMD with NOTIFY_SOCKET and WATCHDOG_USEC=2000000 (WATCHDOG_PID
unset) in its environment, records every datagram with its arrival time and sender pid, sends
SIGTERM after --term-after seconds and waits for the exit. Checks: READY=1 arrived, at least
--watchdogs WATCHDOG=1 once ready, no gap between ready, the pings and SIGTERM longer than
--max-gap (plus --slack for scheduling), STOPPING=1 after SIGTERM and before the exit, every
datagram from the started process itself (systemd's NotifyAccess=main), exit status 0.
Prints one line per check and "notify peer: K passed, M failed"; exits 1 on any failure.
"""
import argparse
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

from peer_checks import Checks

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--term-after", type=float, default=3.0, help="seconds from start to SIGTERM")
parser.add_argument("--watchdogs", type=int, default=2, help="WATCHDOG=1 pings required once ready")
parser.add_argument("--watchdog-usec", type=int, default=2_000_000)
parser.add_argument("--max-gap", type=float, default=1.0, help="seconds allowed between pings")
parser.add_argument("--slack", type=float, default=0.25, help="scheduling slack on --max-gap")
parser.add_argument("--exit-timeout", type=float, default=10.0, help="seconds to wait for the exit")
parser.add_argument("--abstract", action="store_true", help="an '@' abstract socket, not a path")
parser.add_argument("command", nargs=argparse.REMAINDER)
args = parser.parse_args()
command = args.command[1:] if args.command[:1] == ["--"] else args.command
if not command:
    parser.error("no command given (put it after --)")

checks = Checks("notify peer")
check = checks.check


directory = tempfile.mkdtemp(prefix="mote-notify-")
if args.abstract:
    address = f"@mote-notify-peer-{os.getpid()}"
    bind_to = "\0" + address[1:]
else:
    address = bind_to = os.path.join(directory, "notify")
server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
server.bind(bind_to)
# As systemd does: the kernel then attaches the sender's pid to every datagram.
server.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)

environment = dict(os.environ, NOTIFY_SOCKET=address, WATCHDOG_USEC=str(args.watchdog_usec))
environment.pop("WATCHDOG_PID", None)

datagrams = []  # (seconds since start, sender pid, text)
credentials_size = socket.CMSG_SPACE(struct.calcsize("iII"))


def receive(timeout):
    """Takes every datagram waiting, waiting up to `timeout` seconds for the first."""
    while select.select([server], [], [], timeout)[0]:
        timeout = 0
        data, ancillary, _, _ = server.recvmsg(4096, credentials_size)
        pid = None
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", payload[:12])[0]
        datagrams.append((time.monotonic() - start, pid, data.decode("utf-8", "replace")))


start = time.monotonic()
child = subprocess.Popen(command, env=environment)
term_at = None
status = None
while status is None:
    now = time.monotonic() - start
    if term_at is None and now >= args.term_after:
        child.send_signal(signal.SIGTERM)
        term_at = now
    elif term_at is not None and now - term_at > args.exit_timeout:
        child.kill()
        child.wait()
        break
    receive(0.02)
    status = child.poll()
exited_at = time.monotonic() - start
receive(0)  # what was sent before the exit and not yet read
server.close()
if not args.abstract:
    os.unlink(address)
os.rmdir(directory)

for at, pid, text in datagrams:
    print(f"  {at:7.3f}s  pid {pid}  {text!r}")


def first(state, after=0.0):
    """Arrival time of the first datagram with the line `state` at or after `after`, or None."""
    return next((at for at, _, text in datagrams if at >= after and state in text.split("\n")), None)


ready = first("READY=1")
check("READY=1 arrived" + (f" after {ready:.3f} s" if ready is not None else ""),
      ready is not None and (term_at is None or ready < term_at))
pings = [at for at, _, text in datagrams
         if "WATCHDOG=1" in text.split("\n") and ready is not None and at >= ready and (term_at is None or at < term_at)]
check(f"at least {args.watchdogs} WATCHDOG=1 once ready (got {len(pings)})", len(pings) >= args.watchdogs)
if ready is not None and term_at is not None:
    marks = [ready] + pings + [term_at]
    gap = max(b - a for a, b in zip(marks, marks[1:]))
    check(f"no more than {args.max_gap:g} s (+{args.slack:g} s slack) between ready, pings and SIGTERM (longest {gap:.3f} s)",
          gap <= args.max_gap + args.slack)
else:
    check("pings measured between ready and SIGTERM", False, "(no READY=1, or the command ended before SIGTERM)")
check("SIGTERM sent" + (f" after {term_at:.3f} s" if term_at is not None else ""), term_at is not None,
      f"(the command ended by itself after {exited_at:.3f} s)")
stopping = first("STOPPING=1", after=term_at) if term_at is not None else None
check("STOPPING=1 arrived after SIGTERM, before the exit", stopping is not None)
senders = {pid for _, pid, _ in datagrams}
check(f"every datagram from the started process (pid {child.pid})", bool(datagrams) and senders == {child.pid},
      f"(senders {sorted(senders, key=str)})")
if status is None:
    got = f"no exit {args.exit_timeout:g} s after SIGTERM; killed"
elif status < 0:
    got = f"killed by {signal.Signals(-status).name}"
else:
    got = str(status)
check(f"exit status 0 (got {got})", status == 0)

checks.finish()
