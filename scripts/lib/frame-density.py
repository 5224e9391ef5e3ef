#!/usr/bin/env python3
"""Bytes per reading of a node file's frames: CayenneLPP against the compact Mote frame.

Runs `MOTE --config COPY --board boards/simulated.toml --simulate --sim-duration DURATION --jsonl`
twice, on copies of NODE (in out/bench-frames/) whose [uplink] table says format = "cayennelpp"
and format = "mote" (and interval = INTERVAL when given), and decodes every frame with code that
is not Mote's: CayenneLPP with the record table below (docs/frames/cayennelpp.md), the compact
frame with Tests/peers/compact_frame_reference.py's decoder and a schema built here from the node
file (framed channels in frame-id order; resolution: frame.resolution, else the CayenneLPP type's
step over frame.scale, as docs/configuration.md says).

Usage: frame-density.py MOTE NODE.toml [--interval 30m] [--duration 24h]
  ->   per format one line "<format> <frames> <payload_bytes> <values> <median_frame_bytes>"
"""
import json
import os
import statistics
import subprocess
import sys
import tomllib
from decimal import Decimal

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "Tests", "peers"))
import compact_frame_reference as compact  # noqa: E402

# Scalar CayenneLPP types: code -> (name, value bytes, resolution), typed in from the type table.
LPP = {
    0: ("digital_input", 1, "1"), 1: ("digital_output", 1, "1"), 2: ("analog_input", 2, "0.01"),
    3: ("analog_output", 2, "0.01"), 100: ("generic_sensor", 4, "1"), 101: ("illuminance", 2, "1"),
    102: ("presence", 1, "1"), 103: ("temperature", 2, "0.1"), 104: ("humidity", 1, "0.5"),
    115: ("barometer", 2, "0.1"), 116: ("voltage", 2, "0.01"), 117: ("current", 2, "0.001"),
    118: ("frequency", 4, "1"), 120: ("percentage", 1, "1"), 121: ("altitude", 2, "1"),
    125: ("concentration", 2, "1"), 128: ("power", 2, "1"), 130: ("distance", 4, "0.001"),
    131: ("energy", 4, "0.001"), 132: ("direction", 2, "1"), 133: ("unix_time", 4, "1"), 142: ("switch", 1, "1"),
}
STEP = {name: Decimal(resolution) for name, _, resolution in LPP.values()}


def lpp_values(frame):
    """Records of a CayenneLPP frame of scalar types: one value each."""
    at, count = 0, 0
    while at < len(frame):
        if at + 2 > len(frame) or frame[at + 1] not in LPP:
            sys.exit(f"frame-density: not a CayenneLPP frame: {frame.hex()}")
        at += 2 + LPP[frame[at + 1]][1]
        count += 1
    if at != len(frame):
        sys.exit(f"frame-density: truncated CayenneLPP frame: {frame.hex()}")
    return count


def schema_of(config):
    """The compact schema the node sends under format = "mote"."""
    framed = [(sensor["id"], channel) for sensor in config["sensor"] for channel in sensor.get("channel", [])
              if "frame" in channel]
    names = [channel["name"] for _, channel in framed]
    fields = []
    for sensor, channel in framed:
        frame = channel["frame"]
        if "resolution" in frame:
            resolution = Decimal(str(frame["resolution"]))
        else:
            resolution = STEP[frame["type"]] / abs(Decimal(str(frame.get("scale", 1.0))))
        low, high = channel["range"]
        name = f"{sensor}_{channel['name']}" if names.count(channel["name"]) > 1 else channel["name"]
        fields.append((frame["id"], {"name": name, "resolution": str(resolution), "min": str(low), "max": str(high)}))
    fields.sort(key=lambda entry: entry[0])
    return compact.Schema({"id": config.get("uplink", {}).get("schema", 0), "fields": [f for _, f in fields]})


def copy_with(node, text, format, interval):
    """The node file with [uplink] format (and interval) replaced."""
    out, in_uplink = [], False
    for line in text.splitlines():
        if line.startswith("["):
            in_uplink = line.strip() == "[uplink]"
            out.append(line)
            if in_uplink:
                out.append(f'format = "{format}"')
                if interval:
                    out.append(f'interval = "{interval}"')
            continue
        key = line.split("=")[0].strip()
        if in_uplink and (key == "format" or (interval and key == "interval")):
            continue
        out.append(line)
    os.makedirs(os.path.join(ROOT, "out", "bench-frames"), exist_ok=True)
    name = os.path.splitext(os.path.basename(node))[0]
    path = os.path.join(ROOT, "out", "bench-frames", f"{name}-{format}{'-' + interval if interval else ''}.toml")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return path


def main():
    args = sys.argv[1:]
    interval, duration = None, "24h"
    while len(args) > 2:
        if args[-2] == "--interval":
            interval = args[-1]
        elif args[-2] == "--duration":
            duration = args[-1]
        else:
            sys.exit(__doc__)
        args = args[:-2]
    if len(args) != 2:
        sys.exit(__doc__)
    mote, node = args
    text = open(node).read()
    config = tomllib.loads(text)
    schema = schema_of(config)
    for format in ("cayennelpp", "mote"):
        copy = copy_with(node, text, format, interval)
        run = subprocess.run([mote, "--config", copy, "--board", os.path.join(ROOT, "boards", "simulated.toml"),
                              "--simulate", "--sim-duration", duration, "--jsonl"], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"frame-density: {mote} --config {copy} exited {run.returncode}: {run.stderr.strip()}")
        sizes, values = [], 0
        for line in run.stdout.splitlines():
            event = json.loads(line)
            if event["type"] != "frame":
                continue
            frame = bytes.fromhex(event["hex"])
            if event["format"] != format or len(frame) != event["size"]:
                sys.exit(f"frame-density: unexpected frame {line}")
            sizes.append(len(frame))
            if format == "cayennelpp":
                values += lpp_values(frame)
            else:
                try:
                    _, _, _, runs = compact.decode([schema], frame)
                except compact.Reject as error:
                    sys.exit(f"frame-density: the reference decoder rejects {frame.hex()}: {error}")
                values += sum(1 for run in runs.values() for value in run if value is not None)
        median = statistics.median(sizes) if sizes else 0
        print(format, len(sizes), sum(sizes), values, f"{median:g}")


if __name__ == "__main__":
    main()
