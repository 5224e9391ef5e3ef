#!/usr/bin/env python3
"""Host-side reading of the files scripts/provision installs, as KEY=VALUE lines for bash.

  inspect.py board FILE        id, name, arch, and the unit's DeviceAllow= lines for its buses
  inspect.py node FILE         the node's name and board ([node].name, [node].board)
  inspect.py trust-root FILE   checks it is TUF root metadata (signed._type "root")

The files have passed `motectl check` first (node and board); this only reads fields. A problem
is one line on stderr naming the file, exit 1.
"""
import json
import os
import re
import sys
import tomllib


def fail(message):
    sys.exit(f"provision: {message}")


def load_toml(path):
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as error:
        fail(f"{path}: {error}")


def tty_classes(path, key):
    """The /proc/devices names of a serial port's driver, for DeviceAllow=char-NAME."""
    name = os.path.basename(path)
    if path.startswith("/dev/serial/by-"):
        return ["ttyUSB", "ttyACM"]  # udev's stable names for USB adapters
    if re.fullmatch(r"serial\d+", name):
        return ["ttyAMA", "ttyS"]  # Raspberry Pi OS's alias: the PL011 or the mini UART
    match = re.fullmatch(r"(tty(?:AMA|S|USB|ACM|O|AS|SC|MFD|LP|GS|XRUSB))\d+", name)
    if not match:
        fail(f"{key} = \"{path}\": not a serial device name provisioning knows (ttyS*, ttyAMA*, "
             "ttyUSB*, ttyACM*, serial*, /dev/serial/by-id/...); the unit could not allow it")
    return [match.group(1)]


def board(path):
    data = load_toml(path)
    info = data.get("board", {})
    print(f"id={info.get('id', '')}")
    print(f"name={info.get('name', '')}")
    print(f"arch={info.get('arch', '')}")
    print(f"fallback={'true' if info.get('fallback') else 'false'}")
    devices = []
    if "gpio" in data:
        devices.append("gpiochip")
    if data.get("i2c"):
        devices.append("i2c")
    if info.get("simulated"):
        devices = []  # device models: no bus to open
    for key, port in sorted(data.get("serial", {}).items()):
        if info.get("simulated"):
            break
        for cls in tty_classes(port, f"{path}: [serial] {key}"):
            if cls not in devices:
                devices.append(cls)
    for cls in devices:
        print(f"device=char-{cls}")


def node(path):
    data = load_toml(path)
    print(f"name={data.get('node', {}).get('name', '')}")
    print(f"board={data.get('node', {}).get('board', 'simulated')}")
    if "update" in data:
        print(f"trusted_root={data['update'].get('trusted_root', '/etc/mote/update/root.json')}")


def trust_root(path):
    try:
        with open(path, "rb") as f:
            data = json.load(f)
    except OSError as error:
        fail(f"{path}: {error.strerror}")
    except (ValueError, UnicodeDecodeError) as error:
        fail(f"{path}: not JSON: {error}")
    signed = data.get("signed") if isinstance(data, dict) else None
    if not isinstance(signed, dict):
        fail(f"{path}: not TUF metadata (no \"signed\" object); --trust-root takes the update repository's root.json")
    kind = signed.get("_type")
    if kind != "root":
        fail(f"{path}: signed._type is {json.dumps(kind)}, not \"root\"; --trust-root takes the update repository's root.json")
    if not isinstance(data.get("signatures"), list) or not data["signatures"]:
        fail(f"{path}: a root without signatures")
    print(f"expires={signed.get('expires', '')}")
    print(f"version={signed.get('version', '')}")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("board", "node", "trust-root"):
        sys.exit(__doc__)
    {"board": board, "node": node, "trust-root": trust_root}[sys.argv[1]](sys.argv[2])
