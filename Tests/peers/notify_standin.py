#!/usr/bin/env python3
"""A stand-in for mote's systemd handling, to check Tests/peers/notify_peer.py itself.

Usage: python3 Tests/peers/notify_standin.py [--no-stopping] [--ping-every SECONDS] [--exit N]

Sends READY=1, pings WATCHDOG=1 at half of WATCHDOG_USEC (or --ping-every), and on SIGTERM sends
STOPPING=1 and exits 0. The options misbehave on purpose, so the peer can be seen to fail.
"""
import argparse
import os
import signal
import socket
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--no-stopping", action="store_true")
parser.add_argument("--ping-every", type=float)
parser.add_argument("--exit", type=int, default=0)
args = parser.parse_args()

address = os.environ["NOTIFY_SOCKET"]
if address.startswith("@"):
    address = "\0" + address[1:]
sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)


def notify(state):
    sender.sendto(state.encode(), address)


stop = False


def on_term(number, frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
interval = args.ping_every or int(os.environ["WATCHDOG_USEC"]) / 2e6
notify("READY=1\nSTATUS=stand-in up")
while not stop:
    notify("WATCHDOG=1")
    time.sleep(interval)
if not args.no_stopping:
    notify("STOPPING=1\nSTATUS=SIGTERM")
sys.exit(args.exit)
