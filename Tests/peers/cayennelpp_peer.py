#!/usr/bin/env python3
"""Decodes every frame of `mote --jsonl` output with pycayennelpp, an independent CayenneLPP
implementation, and checks each record against the filtered readings the frame was built from.

Usage: mote --jsonl --frames 20 | python3 Tests/peers/cayennelpp_peer.py
Prints "cayennelpp peer: N frames, M records agree" or the first disagreement, and exits 1 then.
"""
import json
import sys

from cayennelpp import LppFrame

# channel -> (reading channel, LPP type name, scale to the LPP unit, resolution)
LAYOUT = {
    1: ("temperature", "Temperature", 1.0, 0.1),
    2: ("humidity", "Humidity", 1.0, 0.5),
    3: ("pressure", "Barometer", 0.01, 0.1),
}


def main():
    latest = {}
    frames = records = 0
    for number, line in enumerate(sys.stdin, 1):
        event = json.loads(line)
        if event["type"] == "reading":
            latest[event["channel"]] = event["filtered"]
        elif event["type"] == "frame":
            frames += 1
            decoded = LppFrame().from_bytes(bytes.fromhex(event["hex"]))
            seen = []
            for record in decoded:
                channel, type_name, scale, resolution = LAYOUT[record.channel]
                if str(record.type) != type_name:
                    sys.exit(f"line {number}: channel {record.channel} decoded as {record.type}, expected {type_name}")
                expected = latest[channel] * scale
                # Our rounding: nearest, ties away from zero; the filtered value printed has
                # more decimals than the frame, so half a resolution step is the bound.
                if abs(record.value[0] - expected) > resolution / 2 + 1e-6:
                    sys.exit(f"line {number}: channel {record.channel} decoded {record.value[0]}, readings say {expected:.3f}")
                seen.append(record.channel)
                records += 1
            if seen != [1, 2, 3]:
                sys.exit(f"line {number}: frame holds channels {seen}, expected [1, 2, 3]")
    if frames == 0:
        sys.exit("no frames in the input")
    print(f"cayennelpp peer: {frames} frames, {records} records agree")


if __name__ == "__main__":
    main()
