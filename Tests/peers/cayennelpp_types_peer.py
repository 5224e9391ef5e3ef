#!/usr/bin/env python3
"""Decodes every frame of Tests/corpus/frames/cayennelpp-types.jsonl with pycayennelpp, an
independent CayenneLPP implementation, and checks each record against the fixture: the same
records in the same order, channel, type code, type and exactly the same values (both sides divide
the count by the type's counts per unit, so the doubles agree bit for bit).

The Swift side (CayenneLPPTests) encodes the same records and must produce exactly the fixture's
bytes, so a type whose size, scale or sign differs between Mote and pycayennelpp fails one of them.

Types pycayennelpp does not know are listed in NOT_IN_PYCAYENNELPP. Their frames cannot be decoded
by it, so they are reported by name (never silently skipped); a type that is unknown to it but not
listed fails, and so does a listed type it turns out to know (the list went stale).

Usage: python3 Tests/peers/cayennelpp_types_peer.py [fixture]
"""
import json
import pathlib
import sys

from cayennelpp import LppFrame
from cayennelpp.lpp_type import LppType

from peer_checks import Checks

FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "corpus" / "frames" / "cayennelpp-types.jsonl"

# Mote's type name -> (LPP type code, pycayennelpp's name), re-declared from docs/frames/cayennelpp.md.
TYPES = {
    "digital_input": (0, "Digital Input"),
    "digital_output": (1, "Digital Output"),
    "analog_input": (2, "Analog Input"),
    "analog_output": (3, "Analog Output"),
    "generic_sensor": (100, "Generic Sensor"),
    "illuminance": (101, "Illuminance"),
    "presence": (102, "Presence"),
    "temperature": (103, "Temperature"),
    "humidity": (104, "Humidity"),
    "accelerometer": (113, "Accelerometer"),
    "barometer": (115, "Barometer"),
    "voltage": (116, "Voltage"),
    "current": (117, "Current"),
    "frequency": (118, "Frequency"),
    "percentage": (120, "Percentage"),
    "altitude": (121, "Altitude"),
    "concentration": (125, "Concentration"),
    "power": (128, "Power"),
    "distance": (130, "Distance"),
    "energy": (131, "Energy"),
    "direction": (132, "Direction"),
    "unix_time": (133, "Time"),
    "gyrometer": (134, "Gyrometer"),
    "colour": (135, "Colour"),
    "gps": (136, "Location"),
    "switch": (142, "Switch"),
}

# pycayennelpp 2.4.0 knows every type of the table.
NOT_IN_PYCAYENNELPP = set()


def problems(frame, decoded):
    """What differs between the fixture's records and pycayennelpp's decoding, as text."""
    found = []
    records = frame["records"]
    if len(decoded) != len(records):
        found.append(f"{len(decoded)} records decoded, the fixture has {len(records)}")
    for index, (record, data) in enumerate(zip(records, decoded)):
        code, name = TYPES[record["type"]]
        got = (data.channel, int(data.type), str(data.type), list(data.value))
        want = (record["channel"], code, name, [float(v) for v in record["values"]])
        if got != want:
            found.append(f"record {index}: pycayennelpp {got}, fixture {want}")
    return found


def main():
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURE
    frames = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    checks = Checks("cayennelpp types peer")

    seen = {record["type"] for frame in frames for record in frame["records"]}
    checks.check("the fixture covers every type", seen == set(TYPES),
                 f"missing {sorted(set(TYPES) - seen)}, unknown {sorted(seen - set(TYPES))}")

    unknown = sorted(name for name, (code, _) in TYPES.items() if LppType.get_lpp_type(code) is None)
    checks.check("pycayennelpp's unknown types are the listed ones", set(unknown) == NOT_IN_PYCAYENNELPP,
                 f"unknown to pycayennelpp {unknown}, listed {sorted(NOT_IN_PYCAYENNELPP)}")

    not_decoded = []
    for number, frame in enumerate(frames, 1):
        names = [record["type"] for record in frame["records"]]
        label = f"line {number} ({', '.join(dict.fromkeys(names))})"
        if any(LppType.get_lpp_type(TYPES[name][0]) is None for name in names):
            not_decoded.append(label)
            print(f"NOT DECODED {label}: a type pycayennelpp does not know")
            continue
        try:
            decoded = LppFrame.from_bytes(bytes.fromhex(frame["hex"])).data
        except Exception as error:  # a frame pycayennelpp refuses is a disagreement
            checks.check(label, False, f"pycayennelpp refused {frame['hex']}: {error!r}")
            continue
        found = problems(frame, decoded)
        checks.check(label, not found, "; ".join(found))

    # The comparison can fail: one count off in the first frame is a mismatch.
    first = frames[0]
    altered = bytearray.fromhex(first["hex"])
    altered[-1] ^= 1
    checks.check("a value one count off is a mismatch",
                 bool(problems(first, LppFrame.from_bytes(bytes(altered)).data)))

    if NOT_IN_PYCAYENNELPP:
        print(f"not decoded by pycayennelpp ({', '.join(sorted(NOT_IN_PYCAYENNELPP))}): {len(not_decoded)} frames")
    checks.finish()


if __name__ == "__main__":
    main()
