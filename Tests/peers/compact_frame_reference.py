#!/usr/bin/env python3
"""An independent reference of the compact Mote frame, layout version 1, written from
/work/notes/compact-frame-spec.md (docs/frames/compact.md), not from the Swift code: exact decimal
arithmetic (Python's Decimal) where the Swift code uses Doubles, and the frame built as a text of
'0'/'1' characters where the Swift code packs bits.

Checks two committed fixtures:
- Tests/corpus/frames/compact.jsonl, lines {"name", "schema", "batch", "limit", "frames"}: this
  encoder must produce exactly `frames` from `batch` at payload limit `limit`, and this decoder must
  turn `frames` back into the batch (each value on its field's grid, trimmed runs as their newest
  values).
- Tests/corpus/frames/compact-rejects.jsonl, lines {"name", "schema", "frame", "error"}: this
  decoder must reject `frame` for the reason `error` (the Swift CompactDecodeError case name).

Usage: python3 Tests/peers/compact_frame_reference.py           check both fixtures
       python3 Tests/peers/compact_frame_reference.py --write   regenerate them from CASES below
"""
import json
import os
import sys
from decimal import ROUND_HALF_UP, Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_checks import Checks  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "corpus", "frames")
VALID = os.path.join(CORPUS, "compact.jsonl")
REJECTS = os.path.join(CORPUS, "compact-rejects.jsonl")


class Reject(Exception):
    def __init__(self, kind, detail=""):
        super().__init__(f"{kind} {detail}".strip())
        self.kind = kind


class OutOfRange(Exception):
    pass


class TooLarge(Exception):
    pass


def nearest(x):
    """Nearest integer, ties away from zero (Decimal's ROUND_HALF_UP is away from zero)."""
    return int(x.to_integral_value(rounding=ROUND_HALF_UP))


class Field:
    def __init__(self, spec):
        self.name = spec["name"]
        self.res = Decimal(spec["resolution"])
        self.min = Decimal(spec["min"])
        self.max = Decimal(spec["max"])
        assert self.res > 0 and self.min < self.max
        self.steps = nearest((self.max - self.min) / self.res)
        self.bits = 1
        while 2 ** self.bits < self.steps + 2:
            self.bits += 1
        assert 1 <= self.bits <= 24, f"{self.name}: {self.bits} bits"
        self.none = 2 ** self.bits - 1

    def code(self, value):
        if value is None:
            return self.none
        q = nearest((Decimal(value) - self.min) / self.res)
        if q < 0 or q > self.steps:
            raise OutOfRange(f"{self.name} {value}")
        return q

    def value(self, q):
        return None if q == self.none else self.min + q * self.res


class Schema:
    def __init__(self, spec):
        self.id = int(spec["id"])
        assert 0 <= self.id <= 15
        self.fields = [Field(f) for f in spec["fields"]]
        assert 1 <= len(self.fields) <= 64


def bits(value, width):
    return format(value, f"0{width}b") if width else ""


def zigzag(d):
    return 2 * d if d >= 0 else -2 * d - 1


def field_bits(field, codes):
    out = bits(len(codes) - 1, 3) + bits(codes[0], field.bits)
    if len(codes) > 1:
        zz = [zigzag(b - a) for a, b in zip(codes, codes[1:])]
        w = max(zz).bit_length()
        out += bits(w, 5) + "".join(bits(z, w) for z in zz)
    return out


def frame_size(presence_bits, stream):
    return 1 + (presence_bits + len(stream) + 7) // 8


def encode(schema, batch, limit):
    """batch: {name: [value or None, ...]}. Returns (frames as bytes, kept count per field name)."""
    runs = []
    for field in schema.fields:
        values = batch.get(field.name, [])
        assert len(values) <= 8
        runs.append([field.code(v) for v in values])
    F = len(schema.fields)
    parts = []           # each: {field index: codes}
    current = {}
    stream = ""          # the field bits of the current frame
    kept = {}
    for i, codes in enumerate(runs):
        if not codes:
            continue
        field = schema.fields[i]
        piece = field_bits(field, codes)
        if frame_size(F, stream + piece) <= limit:
            current[i] = codes
            stream += piece
            kept[field.name] = len(codes)
            continue
        if current:
            parts.append(current)
            current, stream = {}, ""
        for n in range(len(codes), 0, -1):
            piece = field_bits(field, codes[-n:])
            if frame_size(F, piece) <= limit:
                current[i] = codes[-n:]
                stream = piece
                kept[field.name] = n
                break
        else:
            raise TooLarge(f"{field.name} needs {frame_size(F, field_bits(field, codes[-1:]))} > {limit}")
    if current:
        parts.append(current)
    frames = []
    for k, part in enumerate(parts):
        more = 1 if k < len(parts) - 1 else 0
        cont = 1 if k > 0 else 0
        text = "01" + bits(schema.id, 4) + str(more) + str(cont)
        text += "".join("1" if i in part else "0" for i in range(F))
        for i in sorted(part):
            text += field_bits(schema.fields[i], part[i])
        text += "0" * (-len(text) % 8)
        frames.append(bytes(int(text[j:j + 8], 2) for j in range(0, len(text), 8)))
    return frames, kept


def decode(schemas, frame):
    """Returns (schema id, more, continued, {name: [Decimal or None]}) or raises Reject."""
    if not frame:
        raise Reject("emptyFrame")
    text = "".join(format(b, "08b") for b in frame)
    if text[0:2] != "01":
        raise Reject("unsupportedVersion", str(int(text[0:2], 2)))
    sid = int(text[2:6], 2)
    schema = next((s for s in schemas if s.id == sid), None)
    if schema is None:
        raise Reject("unknownSchema", str(sid))
    more, cont = text[6] == "1", text[7] == "1"
    pos = 8

    def take(width, where):
        nonlocal pos
        if pos + width > len(text):
            raise Reject(where)
        chunk = text[pos:pos + width]
        pos += width
        return int(chunk, 2) if width else 0

    F = len(schema.fields)
    presence = [take(1, "endsInsidePresence") for _ in range(F)]
    if not any(presence):
        raise Reject("noFieldPresent")
    values = {}
    for field, present in zip(schema.fields, presence):
        if not present:
            continue
        n = take(3, "endsInsideField") + 1
        q = take(field.bits, "endsInsideField")
        codes = [q]
        if n > 1:
            w = take(5, "endsInsideField")
            for _ in range(n - 1):
                z = take(w, "endsInsideField")
                q += z // 2 if z % 2 == 0 else -(z + 1) // 2
                if q < 0 or q > field.none:
                    raise Reject("codeOutOfRange", f"{field.name} {q}")
                codes.append(q)
        values[field.name] = [field.value(c) for c in codes]
    pad = -pos % 8
    if "1" in text[pos:pos + pad]:
        raise Reject("nonZeroPadding")
    pos += pad
    if pos != len(text):
        raise Reject("trailingBytes", str((len(text) - pos) // 8))
    return sid, more, cont, values


def load(line):
    return json.loads(line, parse_float=Decimal)


def check_valid(checks, entry):
    name = entry["name"]
    schema = Schema(entry["schema"])
    batch = entry["batch"]
    frames, kept = encode(schema, batch, entry["limit"])
    got = [f.hex().upper() for f in frames]
    want = [h.upper() for h in entry["frames"]]
    checks.check(f"encode {name}", got == want, f"got {got}, fixture {want}")
    if any(len(f) > entry["limit"] for f in frames):
        checks.check(f"limit {name}", False, "a frame exceeds the limit")
    # Decode the fixture's frames back, part by part, and join them.
    joined, flags = {}, []
    try:
        for hex_frame in want:
            sid, more, cont, values = decode([schema], bytes.fromhex(hex_frame))
            flags.append((more, cont))
            for key, run in values.items():
                joined.setdefault(key, []).extend(run)
    except Reject as error:
        checks.check(f"decode {name}", False, f"rejected: {error}")
        return
    expected_flags = [(k < len(want) - 1, k > 0) for k in range(len(want))]
    expected = {}
    for field in schema.fields:
        run = batch.get(field.name, [])
        if not run:
            continue
        grid = [field.value(field.code(v)) for v in run]
        expected[field.name] = grid[len(grid) - kept[field.name]:]
    checks.check(f"decode {name}", joined == expected and flags == expected_flags,
                 f"decoded {joined} flags {flags}, batch says {expected} flags {expected_flags}")


def check_reject(checks, entry):
    schema = Schema(entry["schema"])
    try:
        decode([schema], bytes.fromhex(entry["frame"]))
        checks.check(f"reject {entry['name']}", False, "accepted")
    except Reject as error:
        checks.check(f"reject {entry['name']}", error.kind == entry["error"], f"rejected as {error}, fixture says {entry['error']}")


# ---- the cases the fixtures are generated from (--write) ----

def f(name, fid, res, lo, hi):
    return {"name": name, "id": fid, "resolution": res, "min": lo, "max": hi}


TEMP = f("temperature", 1, 0.1, -40, 85)      # steps 1250, 11 bits
HUM = f("humidity", 2, 0.5, 0, 100)           # steps 200, 8 bits
PRES = f("pressure", 3, 10, 30000, 110000)    # steps 8000, 13 bits
DOOR = f("door", 4, 1, 0, 1)                  # steps 1, 2 bits
QUARTER = f("level", 5, 0.25, 0, 10)          # steps 40, 6 bits
ENERGY = f("energy", 6, 0.01, 0, 100000)      # steps 10,000,000, 24 bits
WEATHER = {"id": 1, "fields": [TEMP, HUM]}
STATION = {"id": 2, "fields": [TEMP, HUM, PRES]}
MANY = {"id": 3, "fields": [f(f"t{i}", 10 + i, 0.1, -40, 85) for i in range(10)]}

CASES = [
    ("worked example", WEATHER, {"temperature": [21.5, 21.7, 21.6], "humidity": [40.0]}, 51),
    ("one value", {"id": 0, "fields": [TEMP]}, {"temperature": [21.7]}, 11),
    ("eight values", WEATHER, {"temperature": [20.0, 20.1, 20.3, 20.2, 20.2, 20.5, 20.4, 20.4]}, 51),
    ("all-equal deltas, w = 0", WEATHER, {"temperature": [18.3] * 8, "humidity": [55.5, 55.5]}, 51),
    ("negative deltas", WEATHER, {"temperature": [25.0, 24.1, 23.0, 22.5], "humidity": [60.0, 58.5, 57.0]}, 51),
    ("missing values", WEATHER, {"temperature": [21.0, None, 21.2], "humidity": [None, 41.0]}, 51),
    ("all missing", WEATHER, {"temperature": [None, None, None]}, 51),
    ("min and max edges", STATION, {"temperature": [-40, 85, -40], "humidity": [0, 100], "pressure": [30000, 110000]}, 51),
    ("off-grid values round to nearest, ties away from zero", WEATHER,
     {"temperature": [21.74, 21.75, 21.76, -39.95], "humidity": [40.25, 40.2, 40.75]}, 51),
    ("quarter resolution", {"id": 4, "fields": [QUARTER, DOOR]}, {"level": [2.25, 2.5, 9.75, 10], "door": [0, 1, 1, 0]}, 51),
    ("24-bit field", {"id": 5, "fields": [ENERGY]}, {"energy": [12345.67, 12345.89, 12346.01, 99999.99]}, 51),
    ("absent first field", STATION, {"humidity": [45.5], "pressure": [101320, 101330]}, 51),
    ("ten fields, presence over a byte", MANY, {"t0": [1.0], "t9": [2.0, 2.1]}, 51),
    ("split in 2 at 11 bytes", STATION,
     {"temperature": [21.0, 21.1, 21.3, 21.2, 21.4], "humidity": [50.0, 50.5, 51.0, 50.5, 50.0],
      "pressure": [101300, 101310, 101300, 101290, 101290]}, 11),
    ("split in 3 at 11 bytes", STATION,
     {"temperature": [20.0, 20.4, 20.9, 21.3, 21.8, 22.4, 23.1, 23.9], "humidity": [40.0, 42.5, 45.0, 47.5, 50.0, 52.5, 55.0, 57.5],
      "pressure": [100000, 100100, 100200, 100300, 100400]}, 11),
    ("split in 2 at 12 bytes", STATION,
     {"temperature": [21.0, 21.1, 21.3, 21.2, 21.4, 21.5, 21.5, 21.6], "humidity": [50.0, 50.5, 51.0, 50.5, 50.0, 49.5],
      "pressure": [101300, 101310, 101300, 101290, 101290, 101280]}, 12),
    ("split in 3 at 12 bytes", STATION,
     {"temperature": [10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0], "humidity": [30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0],
      "pressure": [95000, 96000, 97000, 98000, 99000, 100000, 101000, 102000]}, 12),
    ("trimmed to the newest values at 11 bytes", {"id": 5, "fields": [ENERGY]},
     {"energy": [1000.0, 1100.0, 1200.0, 1300.0, 1400.0, 1500.0, 1600.0, 1700.0]}, 11),
    ("split, then the next field trimmed at 11 bytes", {"id": 6, "fields": [TEMP, ENERGY]},
     {"temperature": [21.0, 21.5], "energy": [0.0, 10000.0, 20000.0, 30000.0, 40000.0, 50000.0, 60000.0, 70000.0]}, 11),
    ("missing code inside a run", WEATHER, {"temperature": [20.0, None, 20.1, None, None, 85]}, 51),
]


# The density figure's readings (CompactDensityTests): one a minute for 10 minutes, sent as two
# 5-minute batches, at EU868 DR0 (51 bytes) and US915 DR0 (11 bytes).
DENSITY = [
    ("weather station", {"id": 1, "fields": [TEMP, HUM, PRES]}, {
        "temperature": [21.3, 21.4, 21.4, 21.5, 21.7, 21.8, 21.8, 21.9, 22.1, 22.2],
        "humidity": [48.5, 48.5, 48.0, 48.0, 47.5, 47.5, 47.0, 47.0, 46.5, 46.5],
        "pressure": [101325, 101320, 101318, 101315, 101310, 101310, 101305, 101300, 101298, 101295]}),
    ("air quality", {"id": 2, "fields": [f("pm2_5", 1, 1, 0, 1000), f("pm10", 2, 1, 0, 1000), f("co2", 3, 1, 400, 5000)]}, {
        "pm2_5": [12, 13, 13, 14, 15, 15, 14, 13, 13, 12],
        "pm10": [20, 21, 23, 24, 24, 26, 25, 23, 22, 21],
        "co2": [612, 618, 625, 631, 640, 646, 652, 655, 661, 668]}),
    ("energy meter", {"id": 3, "fields": [f("voltage", 1, 0.1, 180, 260), f("power", 2, 1, 0, 10000), ENERGY]}, {
        "voltage": [230.1, 230.3, 230.2, 229.8, 229.9, 230.4, 230.6, 230.5, 230.2, 230.0],
        "power": [1520, 1534, 1541, 1529, 1517, 1560, 1602, 1588, 1575, 1570],
        "energy": [12345.67, 12345.70, 12345.72, 12345.75, 12345.77, 12345.80, 12345.83, 12345.85, 12345.88, 12345.91]}),
]
for node, schema, readings in DENSITY:
    for limit in (51, 11):
        for half, part in ((0, "minutes 0-4"), (5, "minutes 5-9")):
            CASES.append((f"density {node} {part} at {limit}", schema,
                          {key: run[half:half + 5] for key, run in readings.items()}, limit))


def reject_cases():
    """Frames built bit by bit from the spec for each rejection."""
    def frame(text):
        text += "0" * (-len(text) % 8)
        return bytes(int(text[j:j + 8], 2) for j in range(0, len(text), 8)).hex().upper()

    head = "01" + "0001" + "00"  # version 1, schema 1, M 0, C 0
    worked = "44D2671C2140"
    return [
        ("empty frame", WEATHER, "", "emptyFrame"),
        ("version 0", WEATHER, "04D2671C2140", "unsupportedVersion"),
        ("version 2", WEATHER, "84D2671C2140", "unsupportedVersion"),
        ("version 3", WEATHER, "C4D2671C2140", "unsupportedVersion"),
        ("unknown schema id", WEATHER, "48D2671C2140", "unknownSchema"),
        ("header only", WEATHER, "44", "endsInsidePresence"),
        ("ends inside the presence bits", MANY, "4CFF", "endsInsidePresence"),
        ("no field present", WEATHER, "4400", "noFieldPresent"),
        ("ends inside a field", WEATHER, "44D267", "endsInsideField"),
        ("ends inside the last field", WEATHER, "44D2671C21", "endsInsideField"),
        ("code above the all-ones code", WEATHER,
         frame(head + "10" + "001" + bits(2040, 11) + bits(5, 5) + bits(zigzag(8), 5)), "codeOutOfRange"),
        ("code below 0", WEATHER,
         frame(head + "10" + "001" + bits(0, 11) + bits(1, 5) + bits(zigzag(-1), 1)), "codeOutOfRange"),
        ("padding bits not zero", WEATHER, "44D2671C2141", "nonZeroPadding"),
        ("a byte left over", WEATHER, worked + "00", "trailingBytes"),
        ("two bytes left over", WEATHER, worked + "FFFF", "trailingBytes"),
    ]


def write():
    with open(VALID, "w") as out:
        for name, schema, batch, limit in CASES:
            line = {"name": name, "schema": schema, "batch": batch, "limit": limit, "frames": []}
            entry = load(json.dumps(line))  # encode what the fixture says, read back as decimals
            frames, _ = encode(Schema(entry["schema"]), entry["batch"], limit)
            line["frames"] = [fr.hex().upper() for fr in frames]
            out.write(json.dumps(line) + "\n")
    with open(REJECTS, "w") as out:
        for name, schema, hex_frame, error in reject_cases():
            out.write(json.dumps({"name": name, "schema": schema, "frame": hex_frame, "error": error}) + "\n")


def main():
    if sys.argv[1:] == ["--write"]:
        write()
    checks = Checks("compact frame reference")
    # The spec's worked example, byte for byte, before anything from the fixtures.
    frames, _ = encode(Schema(load(json.dumps(WEATHER))), {"temperature": [Decimal("21.5"), Decimal("21.7"), Decimal("21.6")],
                                                           "humidity": [Decimal("40.0")]}, 51)
    checks.check("spec worked example 44 D2 67 1C 21 40", frames == [bytes.fromhex("44D2671C2140")], frames[0].hex())
    with open(VALID) as lines:
        for line in lines:
            check_valid(checks, load(line))
    with open(REJECTS) as lines:
        for line in lines:
            check_reject(checks, load(line))
    checks.finish()


if __name__ == "__main__":
    main()
