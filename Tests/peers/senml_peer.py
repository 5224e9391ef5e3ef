#!/usr/bin/env python3
"""Checks the SenML frame fixture (Tests/corpus/frames/senml.jsonl) with cbor2, an independent
CBOR implementation: every line's hex decodes to a SenML pack whose resolved records (RFC 8428
section 4.6: name = bn + n, time = bt + t, unit = u or bu, value = bv + v) are the line's
"records", and cbor2's own deterministic encoding (canonical=True: preferred floats, sorted keys)
of the pack gives the same bytes back. SenMLFrameFixtureTests asserts that Mote's encoder writes
those exact bytes from the line's "input".

Usage: python3 Tests/peers/senml_peer.py            check the fixture
       python3 Tests/peers/senml_peer.py --write    regenerate it from CASES with cbor2

No SenML package from PyPI is used: kpn-senml (the only one with CBOR support) was last released
in 2018, maps base sum to label -16 instead of RFC 8428's -6 and does not apply base time when
reading, so it would be a second opinion that is wrong.
"""
import json
import math
import os
import sys

import cbor2

sys.path.insert(0, os.path.dirname(__file__))
from peer_checks import Checks

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "corpus", "frames", "senml.jsonl")

# RFC 8428 Table 4.
LABELS = {-1: "bver", -2: "bn", -3: "bt", -4: "bu", -5: "bv", -6: "bs", 0: "n", 1: "u", 2: "v",
          3: "vs", 4: "vb", 5: "s", 6: "t", 7: "ut", 8: "vd"}

# Primary units used below go through; secondary units (RFC 8798 Table 2) convert to primary
# unless the case keeps them (version 26, RFC 9100 feature 4). value * times / over.
SECONDARY = {"ug/m3": ("kg/m3", 1, 1e9), "ppm": ("/", 1, 1e6), "Wh": ("J", 3600, 1), "hPa": ("Pa", 100, 1),
             "mm": ("m", 1, 1000)}

CASES = [
    {"case": "bme280 with wall-clock time",
     "input": {"node": "weather-1", "time": 1700000000, "units": "primary",
               "records": [["temperature", "Cel", 21.5, 0], ["humidity", "%RH", 48.25, 0],
                           ["pressure", "Pa", 100812.5, 0]]}},
    {"case": "air quality, secondary units converted to primary",
     "input": {"node": "air-2", "time": 1700000060, "units": "primary",
               "records": [["pm2_5", "ug/m3", 12, -30], ["co2", "ppm", 415, 0], ["temperature", "Cel", -12.75, 0]]}},
    {"case": "air quality, secondary units kept (version 26)",
     "input": {"node": "air-2", "time": 1700000060, "units": "secondary",
               "records": [["pm2_5", "ug/m3", 12, -30], ["co2", "ppm", 415, 0], ["pressure", "hPa", 1013.2, 0]]}},
    {"case": "no wall clock: times relative to arrival",
     "input": {"node": "meter-3", "time": None, "units": "primary",
               "records": [["energy", "Wh", 1234, 0], ["door", "1", 1, -5], ["temperature", "Cel", 23.1, -5],
                           ["rain", "mm", 0.2794, 0]]}},
    {"case": "given base name (RFC 8428 section 5.1.2 shape)",
     "input": {"node": "unused", "base_name": "urn:dev:ow:10e2073a01080063:", "time": 1276020076.001,
               "units": "primary", "records": [["voltage", "V", 120.1, 0], ["current", "A", 1.2, -1.5]]}},
]


def reduce_number(value):
    """RFC 8949 section 4.2.2 numeric reduction: integral values as integers."""
    if float(value).is_integer() and abs(value) <= 2 ** 53 and not (value == 0 and math.copysign(1, value) < 0):
        return int(value)
    return float(value)


def build(spec):
    """The pack and its resolved records, from the frame rules in docs/frames/senml.md."""
    base_name = spec.get("base_name") or f"urn:dev:mote:{spec['node']}:"
    pack, resolved, secondary = [], [], False
    for name, unit, value, offset in spec["records"]:
        out_unit, out_value = unit, value
        if unit == "1":
            out_unit = "/"
        elif unit in SECONDARY:
            if spec["units"] == "primary":
                primary, times, over = SECONDARY[unit]
                out_unit, out_value = primary, value * times / over
            else:
                secondary = True
        record = {}
        if not pack:
            record[-2] = base_name
            if spec["time"] is not None:
                record[-3] = reduce_number(spec["time"])
        record[0] = name
        record[1] = out_unit
        if offset:
            record[6] = reduce_number(offset)
        record[2] = reduce_number(out_value)
        pack.append(record)
        resolved.append({"n": base_name + name, "u": out_unit, "t": (spec["time"] or 0) + offset, "v": out_value})
    if secondary:
        pack[0][-1] = 26
    return pack, resolved


def resolve(pack):
    """RFC 8428 section 4.6, written from the RFC for this peer."""
    base = {"bn": "", "bt": 0, "bu": None, "bv": 0}
    out = []
    for record in pack:
        fields = {LABELS[key]: value for key, value in record.items()}
        for label in ("bn", "bt", "bu", "bv"):
            if label in fields:
                base[label] = fields[label]
        out.append({"n": base["bn"] + fields.get("n", ""), "u": fields.get("u", base["bu"]),
                    "t": base["bt"] + fields.get("t", 0), "v": base["bv"] + fields["v"]})
    return out


def write():
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    with open(FIXTURE, "w") as out:
        for case in CASES:
            pack, resolved = build(case["input"])
            line = dict(case, hex=cbor2.dumps(pack, canonical=True).hex(), records=resolved)
            out.write(json.dumps(line, separators=(",", ":")) + "\n")
    print(f"wrote {len(CASES)} cases to {FIXTURE}")


def check():
    checks = Checks("senml peer")
    with open(FIXTURE) as lines:
        for line in lines:
            case = json.loads(line)
            data = bytes.fromhex(case["hex"])
            pack = cbor2.loads(data)
            checks.check(f"{case['case']}: definite-length array of maps",
                         data[0] >> 5 == 4 and (data[0] & 0x1F) != 31 and all(isinstance(r, dict) for r in pack))
            checks.check(f"{case['case']}: integer labels of RFC 8428 Table 4",
                         all(isinstance(k, int) and k in LABELS for r in pack for k in r), repr(pack))
            got = resolve(pack)
            checks.check(f"{case['case']}: resolved records", got == case["records"], f"got {got}, fixture {case['records']}")
            checks.check(f"{case['case']}: cbor2 deterministic encoding gives the same bytes",
                         cbor2.dumps(pack, canonical=True) == data, cbor2.dumps(pack, canonical=True).hex())
            expected_version = 26 if any(r[1] in SECONDARY for r in case["input"]["records"]) and case["input"]["units"] == "secondary" else None
            checks.check(f"{case['case']}: version", pack[0].get(-1) == expected_version, repr(pack[0].get(-1)))
    checks.finish()


if __name__ == "__main__":
    write() if "--write" in sys.argv[1:] else check()
