#!/usr/bin/env python3
"""Mote's Modbus RTU master against pymodbus, an independent Modbus implementation, over real
pseudo-terminals.

Usage: python3 Tests/peers/modbus_peer.py [COMMAND...]
  (default COMMAND: swift test --skip-build --filter ModbusInteropTests)
Needs pymodbus >= 3.10 and pyserial (pip install pymodbus pyserial); installs nothing itself.

A pymodbus RTU server (slave id 1) opens the slave side of one pty; COMMAND gets the slave side
of a second pty in MOTE_MODBUS_PORT; this script relays bytes between the two masters, like a
null-modem cable. The registers below are re-declared in ModbusInteropTests.swift. Prints each
test's result and "modbus peer: N passed, M failed"; exits 1 on any failure or if no test ran.
"""
import asyncio
import logging
import os
import pty
import re
import select
import subprocess
import sys
import threading
import time
import tty

from pymodbus import FramerType
from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
from pymodbus.server import ModbusSerialServer

SLAVE = 1
# Holding registers 0-9 and input registers 0-3; the datastore adds 1 to protocol addresses
# (pymodbus' historical layout), so each block starts at 1 to appear at protocol address 0.
HOLDING = [0x1234, 0xBEEF, 0x0000, 0x0001, 0xFFFF, 0, 0, 0, 0, 0]
INPUT = [0xFF38, 0x4248, 0x0000, 0x8000]
COMMAND = sys.argv[1:] or ["swift", "test", "--skip-build", "--filter", "ModbusInteropTests"]


def pty_pair():
    master, slave = pty.openpty()
    tty.setraw(master)  # no echo or line editing on the slave until its opener sets its own
    name = os.ttyname(slave)
    os.close(slave)
    return master, name


def relay(a, b, stop):
    """Copies bytes both ways; EIO means nobody has that slave open at the moment."""
    while not stop.is_set():
        ready, _, _ = select.select([a, b], [], [], 0.05)
        for source in ready:
            try:
                data = os.read(source, 4096)
            except OSError:
                time.sleep(0.01)
                continue
            os.write(b if source == a else a, data)


def only_our_replies(sending, packet):
    """pymodbus 3.16 answers ids it does not have with exception 4; an RTU slave stays silent
    for other ids (serial line 2.2), so such replies are dropped on the way out."""
    if sending and packet and packet[0] != SLAVE:
        return b""
    return packet


def serve(path, started, stop_loop):
    async def main():
        device = ModbusDeviceContext(hr=ModbusSequentialDataBlock(1, HOLDING), ir=ModbusSequentialDataBlock(1, INPUT))
        context = ModbusServerContext(devices={SLAVE: device}, single=False)
        server = ModbusSerialServer(context, framer=FramerType.RTU, port=path, baudrate=9600, bytesize=8,
                                    parity="N", stopbits=1, ignore_missing_devices=True,
                                    trace_packet=only_our_replies)
        stop_loop.append((asyncio.get_running_loop(), server))
        task = asyncio.create_task(server.serve_forever())
        await asyncio.sleep(0.5)
        started.set()
        await task

    try:
        asyncio.run(main())
    except asyncio.CancelledError:
        pass


def main():
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
    server_master, server_path = pty_pair()
    mote_master, mote_path = pty_pair()
    stop = threading.Event()
    threading.Thread(target=relay, args=(server_master, mote_master, stop), daemon=True).start()
    started, handle = threading.Event(), []
    threading.Thread(target=serve, args=(server_path, started, handle), daemon=True).start()
    if not started.wait(10):
        sys.exit("modbus peer: the pymodbus server did not start")
    print(f"modbus peer: pymodbus server on {server_path}, Mote on {mote_path}", flush=True)

    env = dict(os.environ, MOTE_MODBUS_PORT=mote_path)
    run = subprocess.run(COMMAND, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    passed = failed = 0
    for line in run.stdout.splitlines():
        if re.search(r"Test \w+\(\) passed", line):
            passed += 1
            print("ok     " + line.split("Test ", 1)[1].split("(")[0])
        elif re.search(r"Test \w+\(\) failed", line):
            failed += 1
            print("FAILED " + line.split("Test ", 1)[1].split("(")[0])
        elif "recorded an issue" in line or "error:" in line:
            print("       " + line.strip())
    if run.returncode != 0 and failed == 0:
        failed += 1
        print(run.stdout[-3000:])
        print(f"FAILED the command exited {run.returncode}")
    if passed + failed == 0:
        failed += 1
        print("FAILED no interop test ran (is MOTE_MODBUS_PORT honoured?)")

    stop.set()
    if handle:
        loop, server = handle[0]
        asyncio.run_coroutine_threadsafe(server.shutdown(), loop)
    print(f"modbus peer: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
