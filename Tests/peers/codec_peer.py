#!/usr/bin/env python3
"""Runs the payload codecs `motectl codec` generates in node (the vm module, no npm packages):

(a) every frame of a simulated hour of each example node (examples/*.toml), decoded and compared
    with the values the same run reported (`reading` lines with "report": true) before the frame;
(b) the compact frame spec's worked example, and frames from an independent encoder written here
    from docs/codec.md (the compact frame spec), decoded back to what went in;
(c) error cases: truncated, unknown type, wrong version, ... give errors and no exception;
(d) `motectl decode --config NODE.toml FRAME...` on the frames of (a), (b) and (c) prints, line for
    line, the same JSON text as JSON.stringify of the codec's result (and so the same parsed JSON).
Each codec is also checked with `acorn --ecma5`, against the 40 KB limit, and for the same bytes
on a second generation.

Usage: python3 Tests/peers/codec_peer.py   (after swift build --product mote --product motectl)
"""
import atexit
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import tomllib
from decimal import Decimal, ROUND_HALF_UP

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_checks import Checks  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("MOTE_BIN", os.path.join(ROOT, ".build", "debug"))

# Loads a codec into a fresh context and decodes every input of a JSON file with it. Prints one
# JSON line per input: {"result": ...} or {"exception": "..."}.
RUNNER = r"""
var vm = require("vm");
var fs = require("fs");
var context = vm.createContext({});
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context, { filename: process.argv[2] });
var inputs = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
var out = [];
for (var i = 0; i < inputs.length; i++) {
  context.__input = inputs[i];
  try {
    var text = vm.runInContext("JSON.stringify(decodeUplink(__input))", context);
    out.push({ result: JSON.parse(text), text: text });
  } catch (e) {
    out.push({ exception: String(e) });
  }
}
process.stdout.write(JSON.stringify(out));
"""

# What the node encodes (docs/configuration.md, frame): type -> resolution in the type's unit.
LPP_RESOLUTION = {"digital_input": 1, "digital_output": 1, "analog_input": 0.01, "analog_output": 0.01,
                  "illuminance": 1, "presence": 1, "temperature": 0.1, "humidity": 0.5, "barometer": 0.1}

WORK = tempfile.mkdtemp(prefix="codec-peer-")
atexit.register(shutil.rmtree, WORK, True)
checks = Checks("codec peer")


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, **kwargs)


def generate(node_file, name, extra=()):
    """Generates a codec; checks ES5.1, size and that a second run gives the same bytes."""
    path = os.path.join(WORK, name + ".js")
    args = [os.path.join(BIN, "motectl"), "codec", node_file, *extra]
    first = run(args + ["-o", path])
    if first.returncode != 0:
        checks.check(f"{name}: motectl codec", False, first.stderr.strip())
        return None
    again = run(args)
    text = open(path, "rb").read()
    acorn = run(["acorn", "--ecma5", "--silent", path])
    checks.check(f"{name}: ES5.1 (acorn --ecma5), {len(text)} bytes < 40960, deterministic",
                 acorn.returncode == 0 and len(text) < 40960 and again.stdout.encode() == text,
                 acorn.stderr.strip() or f"{len(text)} bytes, second run {'same' if again.stdout.encode() == text else 'differs'}")
    return path


def decode(codec, inputs):
    runner = os.path.join(WORK, "runner.js")
    if not os.path.exists(runner):
        with open(runner, "w") as f:
            f.write(RUNNER)
    data = os.path.join(WORK, "inputs.json")
    with open(data, "w") as f:
        json.dump(inputs, f)
    done = run(["node", runner, codec, data])
    if done.returncode != 0:
        sys.exit(f"node failed: {done.stderr}")
    return json.loads(done.stdout)   # dicts keep the order node printed the keys in


def hex_bytes(text):
    return list(bytes.fromhex(text))


# ---------------------------------------------------------------- (a) frames the runtime produced

def framed_channels(config):
    out = []
    for sensor in config["sensor"]:
        for channel in sensor.get("channel", []):
            if "frame" in channel:
                out.append((sensor["id"], sensor["driver"], channel["name"], channel["frame"]))
    names = [c[2] for c in out]
    # docs/codec.md: the channel's name, or <sensor>_<channel> where two sensors share it.
    return {(f"{s}_{n}" if names.count(n) > 1 else n): (s, driver, n, frame) for s, driver, n, frame in out}


def runtime_frames(example):
    node_file = os.path.join("examples", example + ".toml")
    with open(os.path.join(ROOT, node_file), "rb") as f:
        config = tomllib.load(f)
    port = config.get("uplink", {}).get("port", 1)
    fields = framed_channels(config)
    codec = generate(node_file, example)
    if codec is None:
        return
    mote = run([os.path.join(BIN, "mote"), "--config", node_file, "--simulate", "--sim-duration", "1h", "--jsonl"])
    if mote.returncode != 0:
        checks.check(f"{example}: mote run", False, mote.stderr.strip())
        return
    latest = {}       # (sensor label, channel) -> the last reported value, as printed
    frames = []
    for line in mote.stdout.splitlines():
        event = json.loads(line, parse_float=Decimal)
        if event["type"] == "reading" and event.get("report") and event["filtered"] is not None:
            latest[(event["sensor"], event["channel"])] = Decimal(event["filtered"])
        elif event["type"] == "frame":
            frames.append((event, dict(latest)))
    results = decode(codec, [{"bytes": hex_bytes(e["hex"]), "fPort": e["port"], "recvTime": "2025-01-01T00:00:00Z",
                              "variables": {}} for e, _ in frames])
    records = 0
    problem = ""
    for (event, reported), result in zip(frames, results):
        out = result.get("result")
        if out is None or out["errors"] or out["warnings"] or event["port"] != port:
            problem = problem or f"frame {event['seq']} {event['hex']}: {result}"
            continue
        if len(out["data"]) != lpp_records(event["hex"]):
            problem = problem or f"frame {event['seq']}: {len(out['data'])} keys for {lpp_records(event['hex'])} records"
        for key, value in out["data"].items():
            sensor, driver, channel, frame = fields[key]
            label = reading_label(reported, sensor, driver, channel, fields)
            if label is None:
                problem = problem or f"frame {event['seq']}: {key} = {value}, but no reported value before it"
                continue
            expected = reported[(label, channel)]
            resolution = Decimal(str(LPP_RESOLUTION[frame["type"]])) / abs(Decimal(str(frame.get("scale", 1.0))))
            printed = Decimal(1).scaleb(expected.as_tuple().exponent)   # the JSON's last digit
            if abs(Decimal(str(value)) - expected) > resolution / 2 + printed / 2:
                problem = problem or f"frame {event['seq']}: {key} decoded {value}, the run reported {expected}"
            records += 1
    checks.check(f"{example}: {len(frames)} frames, {records} values agree with the reported readings",
                 bool(frames) and records > 0 and not problem, problem)
    same_as_codec(f"{example}: runtime", node_file, [e["hex"] for e, _ in frames], results, port=port, stdin=True)


def lpp_records(hex_text):
    """Records in a frame of the node's nine types (value sizes from docs/configuration.md)."""
    sizes = {0: 1, 1: 1, 2: 2, 3: 2, 101: 2, 102: 1, 103: 2, 104: 1, 115: 2}
    data, at, count = bytes.fromhex(hex_text), 0, 0
    while at < len(data):
        at += 2 + sizes[data[at + 1]]
        count += 1
    return count


def sensor_matches(label, driver):
    prefix = label.split("@")[0].split(":")[0]
    return prefix == driver or {"pulses": "pulse-counter", "input": "digital-input"}.get(prefix) == driver


def reading_label(reported, sensor, driver, channel, fields):
    shared = sum(1 for s, _, n, _ in fields.values() if n == channel) > 1
    for label, name in reported:
        if name == channel and (not shared or sensor_matches(label, driver)):
            return label
    return None


# ---------------------------------------------------------------- (b) the compact frame, encoded here

def round_away(value):
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))   # HALF_UP on Decimal is away from zero


class Field:
    def __init__(self, name, low, high, resolution):
        self.name, self.low, self.high, self.r = name, Decimal(str(low)), Decimal(str(high)), Decimal(str(resolution))
        self.steps = round_away((self.high - self.low) / self.r)
        self.bits = next(b for b in range(1, 25) if 2 ** b >= self.steps + 2)
        self.none = 2 ** self.bits - 1
        self.decimals = max(0, -self.r.normalize().as_tuple().exponent)

    def code(self, value):
        return self.none if value is None else round_away((Decimal(str(value)) - self.low) / self.r)

    def value(self, code):
        return None if code == self.none else float(self.low + code * self.r)


def zigzag(d):
    return 2 * d if d >= 0 else -2 * d - 1


def encode_codes(schema, fields, runs, more=False, continued=False, version=1):
    """runs: name -> codes, oldest first (absent or empty: not in this frame)."""
    bits = []

    def put(value, width):
        bits.extend((value >> i) & 1 for i in reversed(range(width)))

    for field in fields:
        put(1 if runs.get(field.name) else 0, 1)
    for field in fields:
        codes = runs.get(field.name)
        if not codes:
            continue
        put(len(codes) - 1, 3)
        put(codes[0], field.bits)
        if len(codes) > 1:
            deltas = [zigzag(b - a) for a, b in zip(codes, codes[1:])]
            width = max(deltas).bit_length()
            put(width, 5)
            for delta in deltas:
                put(delta, width)
    bits.extend([0] * (-len(bits) % 8))
    header = version << 6 | schema << 2 | (2 if more else 0) | (1 if continued else 0)
    return [header] + [int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, len(bits), 8)]


def expected_form(schema, fields, runs, more=False, continued=False):
    form = [("schema", schema)]
    samples = []
    for field in fields:
        codes = runs.get(field.name)
        if not codes:
            continue
        values = [field.value(c) for c in codes]
        form.append((field.name, values[-1]))
        if len(values) > 1:
            samples.append((field.name, values))
    if samples:
        form.append(("samples", samples))
    if more:
        form.append(("more", True))
    if continued:
        form.append(("continued", True))
    return form


def as_pairs(value):
    """node's JSON with key order kept, as nested lists of pairs."""
    if isinstance(value, dict):
        return [(k, as_pairs(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [as_pairs(v) for v in value]
    return value


def same(decoded, expected):
    if isinstance(expected, list) and expected and isinstance(expected[0], tuple):
        return isinstance(decoded, list) and len(decoded) == len(expected) and all(
            k == ek and same(v, ev) for (k, v), (ek, ev) in zip(decoded, expected))
    if isinstance(expected, list):
        return isinstance(decoded, list) and len(decoded) == len(expected) and all(map(same, decoded, expected))
    if isinstance(expected, float) and isinstance(decoded, (int, float)) and not isinstance(decoded, bool):
        return abs(decoded - expected) < 1e-9
    return decoded == expected and type(decoded) is type(expected)


NODE = """
[node]
name = "codec-peer"
board = "simulated"

[[sensor]]
id = "air"
driver = "sht4x"
bus = "i2c-1"

  [[sensor.channel]]
  name = "humidity"
  decimals = 3
  range = [0.0, 100.0]
  frame = { id = 2, type = "humidity", resolution = 0.001 }

  [[sensor.channel]]
  name = "temperature"
  range = [-40.0, 85.0]
  frame = { id = 1, type = "temperature", resolution = 0.01 }

[[sensor]]
id = "baro"
driver = "bme280"
bus = "i2c-1"
address = 0x76

  [[sensor.channel]]
  name = "pressure"
  range = [30000.0, 110000.0]
  frame = { id = 9, type = "barometer", scale = 0.01, resolution = 0.01 }

  [[sensor.channel]]
  name = "temperature"
  range = [-40.0, 85.0]
  frame = { id = 4, type = "temperature", resolution = 0.01 }

[[sensor]]
id = "wind"
driver = "ads1115"
bus = "i2c-1"
address = 0x48

  [[sensor.channel]]
  name = "wind_vane_v"
  input = "ain0"
  range = [0.0, 4.096]
  frame = { id = 3, type = "analog_input", resolution = 0.0001 }

[uplink]
port = 7
"""


def compact_frames():
    # The spec's worked example: a node with only its two fields.
    example_node = os.path.join(WORK, "example.toml")
    with open(example_node, "w") as f:
        f.write(NODE.split("[[sensor]]\nid = \"baro\"")[0] + "[uplink]\nport = 7\n")
    board = ["--board", "boards/simulated.toml"]
    spec = [Field("temperature", -40, 85, 0.1), Field("humidity", 0, 100, 0.5)]
    runs = {"temperature": [spec[0].code(v) for v in (21.5, 21.7, 21.6)], "humidity": [spec[1].code(40.0)]}
    frame = encode_codes(1, spec, runs)
    checks.check("the encoder here gives the spec's 44 D2 67 1C 21 40", bytes(frame).hex() == "44d2671c2140", bytes(frame).hex())
    codec = generate(example_node, "spec-example", ["--format", "mote", "--schema", "1", *board,
                                                    "--resolution", "temperature=0.1", "--resolution", "humidity=0.5"])
    if codec:
        out = decode(codec, [{"bytes": hex_bytes("44D2671C2140"), "fPort": 7}])[0]
        expected = {"schema": 1, "temperature": 21.6, "humidity": 40,
                    "samples": {"temperature": [21.5, 21.7, 21.6]}}
        ok = "result" in out and json.dumps(out["result"]) == json.dumps({"data": expected, "warnings": [], "errors": []})
        checks.check('44 D2 67 1C 21 40 decodes to {"schema":1,"temperature":21.6,"humidity":40,"samples":{...}}', ok, str(out))
        # The same node with the options written into it, for motectl decode, which reads only the node file.
        decode_node = os.path.join(WORK, "example-mote.toml")
        with open(example_node) as f:
            text = f.read().replace("resolution = 0.001", "resolution = 0.5").replace("resolution = 0.01", "resolution = 0.1")
        with open(decode_node, "w") as f:
            f.write(text.replace("[uplink]\n", '[uplink]\nformat = "mote"\nschema = 1\n'))
        frames = [frame, encode_codes(1, spec, {"humidity": [250]}),                       # a code beyond the range: a warning
                  encode_codes(1, spec, {"temperature": [spec[0].none, 0, spec[0].steps]}, more=True, continued=True)]
        same_as_codec("spec example", decode_node, [bytes(f).hex() for f in frames],
                      decode(codec, [{"bytes": f, "fPort": 7} for f in frames]), port=7, board=board)
        error_cases(codec, "compact", [
            ("empty frame", []),
            ("layout version 0", [0x04, 0xD2, 0x67, 0x1C, 0x21, 0x40]),
            ("layout version 2", [0x84, 0xD2, 0x67, 0x1C, 0x21, 0x40]),
            ("unknown schema id 2", [0x48, 0xD2, 0x67, 0x1C, 0x21, 0x40]),
            ("no field present", [0x44, 0x00]),
            ("header only", [0x44]),
            ("ends inside a field", [0x44, 0xD2, 0x67, 0x1C, 0x21]),
            ("padding bits not zero", [0x44, 0xD2, 0x67, 0x1C, 0x21, 0x41]),
            ("a byte left over", [0x44, 0xD2, 0x67, 0x1C, 0x21, 0x40, 0x00]),
            ("a delta below code 0", encode_codes(1, spec, {"temperature": [0, -1]})),
            ("a delta above the all-ones code", encode_codes(1, spec, {"humidity": [255, 256]})),
        ], node=decode_node, board=board)

    # A wider schema with resolutions from the node file's frame tables, two channels named temperature, and
    # fields in frame-id order: air_temperature 1, humidity 2, wind_vane_v 3, baro_temperature 4, pressure 9.
    node = os.path.join(WORK, "compact.toml")
    with open(node, "w") as f:
        f.write(NODE)
    codec = generate(node, "compact", ["--format", "mote", "--schema", "5", *board])
    if not codec:
        return
    fields = [Field("air_temperature", -40, 85, 0.01), Field("humidity", 0, 100, 0.001), Field("wind_vane_v", 0, 4.096, 0.0001),
              Field("baro_temperature", -40, 85, 0.01), Field("pressure", 30000, 110000, 0.01)]
    generator = random.Random(20240607)
    cases = []
    for _ in range(300):
        runs = {}
        for field in fields:
            if generator.random() < 0.3:
                continue
            n = generator.randint(1, 8)
            code = generator.randint(0, field.steps)
            codes = []
            for _ in range(n):
                roll = generator.random()
                if roll < 0.1:
                    codes.append(field.none)
                    continue
                step = generator.choice([0, 1, 3, 40, field.steps])   # flat, small, and whole-range jumps
                code = min(field.steps, max(0, code + generator.randint(-step, step)))
                codes.append(code)
            runs[field.name] = codes
        if not runs:
            runs[fields[0].name] = [0]
        more, continued = generator.random() < 0.3, generator.random() < 0.3
        cases.append((encode_codes(5, fields, runs, more, continued), expected_form(5, fields, runs, more, continued)))
    results = decode(codec, [{"bytes": frame, "fPort": 7} for frame, _ in cases])
    problem = ""
    for (frame, expected), result in zip(cases, results):
        out = result.get("result")
        if out is None or out["errors"] or out["warnings"] or not same(as_pairs(out["data"]), expected):
            problem = problem or f"{bytes(frame).hex()}: {result}, expected {expected}"
    sizes = [len(frame) for frame, _ in cases]
    checks.check(f"{len(cases)} compact frames from the encoder here ({min(sizes)}...{max(sizes)} bytes) decode to what went in",
                 not problem, problem)
    decode_node = os.path.join(WORK, "compact-mote.toml")
    with open(decode_node, "w") as f:
        f.write(NODE.replace("[uplink]\n", '[uplink]\nformat = "mote"\nschema = 5\n'))
    same_as_codec("compact", decode_node, [bytes(frame).hex() for frame, _ in cases], results, port=7, board=board)
    # A value from the spec's rule, printed at the field's decimals: 1013.25 hPa as Pa on a 0.01 grid.
    out = decode(codec, [{"bytes": encode_codes(5, fields, {"pressure": [fields[4].code(101325.37)]}), "fPort": 7}])[0]
    checks.check("pressure 101325.37 Pa comes back as 101325.37", out.get("result", {}).get("data") == {"schema": 5, "pressure": 101325.37}, str(out))


# ---------------------------------------------------------------- (c) errors, never exceptions

def error_cases(codec, kind, cases, port=7, node=None, board=()):
    inputs = [{"bytes": frame, "fPort": port} for _, frame in cases]
    inputs.append({"bytes": [0x44], "fPort": port + 1})
    inputs.append({"bytes": "44d2", "fPort": port})
    inputs.append({"bytes": [0x44, 256], "fPort": port})
    names = [name for name, _ in cases] + ["the wrong FPort", "bytes as a string", "a byte above 255"]
    results = decode(codec, inputs)
    for name, result in zip(names, results):
        out = result.get("result")
        ok = out is not None and len(out["errors"]) > 0 and out["data"] == {}
        checks.check(f"{kind}: {name} -> errors {out['errors'] if out else ''}", ok, str(result))
    if node:
        same_as_codec(f"{kind} errors", node, [bytes(frame).hex() for _, frame in cases], results[:len(cases)],
                      port=port, board=board, texts_differ=DECODER_TEXTS)
        same_as_codec(f"{kind} wrong FPort", node, ["44"], results[len(cases):len(cases) + 1], port=port + 1, board=board)


# The one error whose text motectl decode takes from the node's decoder, not the codec (docs/codec.md).
DECODER_TEXTS = {"outside 0...": "a delta gives code"}


def same_as_codec(name, node_file, frames, results, port, board=(), texts_differ=None, stdin=False):
    """motectl decode prints, per frame, JSON.stringify of the codec's result: the same text, so the same
    parsed JSON. texts_differ: codec error text fragment -> the decoder's fragment, where they differ.
    stdin: the frames as lines on standard input (`-`, which skips blank lines), else as arguments."""
    args = [os.path.join(BIN, "motectl"), "decode", "--config", node_file, *board, "--port", str(port)]
    if stdin:
        done = run(args + ["-"], input="".join(frame + "\n" for frame in frames))
    else:
        done = run(args + ["--"] + frames)
    lines = done.stdout.splitlines()
    expected_status = 1 if any(r["result"]["errors"] for r in results) else 0
    problem = ""
    if len(lines) != len(frames) or done.returncode != expected_status:
        problem = f"{len(lines)} lines for {len(frames)} frames, exit status {done.returncode} (expected {expected_status}): {done.stderr.strip()}"
    identical = parsed = 0
    for frame, line, result in zip(frames, lines, results):
        if line == result["text"]:
            identical += 1
            continue
        ours, theirs = json.loads(line), result["result"]
        differs = texts_differ and len(ours["errors"]) == len(theirs["errors"]) == 1 and any(
            codec in theirs["errors"][0] and mine in ours["errors"][0] for codec, mine in texts_differ.items())
        if differs and ours["data"] == theirs["data"] and ours["warnings"] == theirs["warnings"]:
            parsed += 1
            continue
        problem = problem or f"{frame}: motectl decode {line}, the codec {result['text']}"
    note = f", {parsed} with the decoder's own error text" if parsed else ""
    checks.check(f"{name}: motectl decode prints the codec's JSON for {identical + parsed} of {len(frames)} frames "
                 f"({identical} byte-identical{note})", not problem and identical + parsed == len(frames), problem)


def cayenne_errors():
    codec = os.path.join(WORK, "weather-station.js")
    if not os.path.exists(codec):
        return
    error_cases(codec, "cayennelpp", [
        ("empty frame", []),
        ("a channel byte alone", [0x01]),
        ("a truncated temperature", [0x01, 0x67, 0x00]),
        ("a good record, then a truncated one", [0x01, 0x67, 0x00, 0xFB, 0x02, 0x68]),
        ("unknown type 0xFF", [0x01, 0xFF, 0x00]),
        ("unknown type 0x70", [0x01, 0x67, 0x00, 0xFB, 0x03, 0x70, 0x00, 0x00]),
        ("a truncated GPS record", [0x09, 0x88, 0x06, 0x76, 0x5F, 0xF2, 0x96]),
        ("an unframed channel, then a truncated record", [0x08, 0x67, 0x00, 0x10, 0x01, 0x67, 0x00]),
    ], port=1, node="examples/weather-station.toml")
    # Channels the node file does not frame, and the extended types: decoded, with a warning each.
    frame = [0x08, 0x88, 0x06, 0x76, 0x5F, 0xF2, 0x96, 0x0A, 0x00, 0x03, 0xE8,     # GPS 42.3519, -87.9094, 10 m
             0x09, 0x71, 0x04, 0xD2, 0xFB, 0x2E, 0x00, 0x00,                      # accelerometer 1.234, -1.234, 0
             0x0A, 0x87, 0xFF, 0x80, 0x00,                                        # colour
             0x0B, 0x83, 0x00, 0x01, 0xE2, 0x40,                                  # energy 123.456 kWh
             0x01, 0x68, 0x64]                                                    # channel 1 is a temperature in the node file
    out = decode(codec, [{"bytes": frame, "fPort": 1}])[0].get("result")
    expected = {"gps_8": {"latitude": 42.3519, "longitude": -87.9094, "altitude": 10},
                "accelerometer_9": {"x": 1.234, "y": -1.234, "z": 0},
                "colour_10": {"r": 255, "g": 128, "b": 0}, "energy_11": 123.456, "humidity_1": 50}
    checks.check("cayennelpp: extended types and unknown channels decode, one warning each",
                 out is not None and out["data"] == expected and len(out["warnings"]) == 5 and not out["errors"], str(out))
    # The same, a channel twice, and a scaled field (pressure, id 3) out of its type and on its type.
    frames = [frame, [0x01, 0x67, 0x00, 0xFB, 0x01, 0x67, 0xFF, 0xD7], [0x03, 0x67, 0x00, 0x10, 0x03, 0x73, 0x27, 0x52],
              [0x03, 0x73, 0xFF, 0xFF, 0x05, 0x67, 0x80, 0x00]]
    same_as_codec("cayennelpp extended types, warnings", "examples/weather-station.toml", [bytes(f).hex() for f in frames],
                  decode(codec, [{"bytes": f, "fPort": 1} for f in frames]), port=1)


def refusals():
    # The weather station without the pressure channel's range.
    node = os.path.join(WORK, "no-range.toml")
    with open(os.path.join(ROOT, "examples", "weather-station.toml")) as f:
        text = f.read()
    with open(node, "w") as f:
        f.write(text.replace("range = [30000.0, 110000.0]", "", 1))
    done = run([os.path.join(BIN, "motectl"), "codec", node, "--format", "mote", "--board", "boards/raspberry-pi-4b.toml"])
    checks.check("motectl codec --format mote refuses a channel without a range",
                 done.returncode == 1 and "pressure: the compact frame needs the channel's range = [low, high]" in done.stderr,
                 done.stderr.strip())


def runtime_compact_frames():
    """The weather station switched to format = "mote": the compact frames the runtime sends."""
    node = os.path.join(WORK, "weather-mote.toml")
    with open(os.path.join(ROOT, "examples", "weather-station.toml")) as f:
        f_text = f.read()
    with open(node, "w") as f:
        f.write(f_text.replace('format = "cayennelpp"', 'format = "mote"', 1))
    board = ["--board", "boards/raspberry-pi-4b.toml"]
    codec = generate(node, "weather-mote", board)
    mote = run([os.path.join(BIN, "mote"), "--config", node, *board, "--simulate", "--sim-duration", "1h", "--jsonl"])
    if codec is None or mote.returncode != 0:
        checks.check("weather-station as compact frames: mote run", False, mote.stderr.strip())
        return
    frames = [json.loads(line) for line in mote.stdout.splitlines()]
    frames = [e for e in frames if e["type"] == "frame"]
    results = decode(codec, [{"bytes": hex_bytes(e["hex"]), "fPort": e["port"]} for e in frames])
    clean = all(not r["result"]["errors"] and not r["result"]["warnings"] for r in results)
    checks.check(f"weather-station as compact frames: the codec decodes {len(frames)} frames without errors or warnings",
                 bool(frames) and clean, str(results[:1]))
    same_as_codec("weather-station as compact frames", node, [e["hex"] for e in frames], results, port=1, board=board, stdin=True)


def main():
    for name in sorted(os.listdir(os.path.join(ROOT, "examples"))):
        if name.endswith(".toml"):
            runtime_frames(name[:-5])
    runtime_compact_frames()
    compact_frames()
    cayenne_errors()
    refusals()
    checks.finish()


if __name__ == "__main__":
    main()
