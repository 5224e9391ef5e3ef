#!/usr/bin/env python3
"""Checks the canonical JSON fixture (Tests/corpus/json/canonical.jsonl) against securesystemslib's
encode_canonical, the encoder python-tuf signs with: every line's "input" (JSON text), read by
Python's json module and canonicalized, gives exactly the bytes of "canonical" (hex of the UTF-8),
and the lines marked "error" make encode_canonical raise FormatError. CanonicalJSONTests asserts
that Mote's parser and encoder give the same bytes from the same input (and, for "error", the
error text), so a difference in either fails one side.

Usage: python3 Tests/peers/canonical_json_peer.py            check the fixture
       python3 Tests/peers/canonical_json_peer.py --write    regenerate it from CASES
"""
import json
import os
import sys

from securesystemslib.exceptions import FormatError
from securesystemslib.formats import encode_canonical

sys.path.insert(0, os.path.dirname(__file__))
from peer_checks import Checks

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "corpus", "json", "canonical.jsonl")

# (case, input JSON text, the error Mote reports or None). Inputs are written as Python strings;
# JSON escapes in them stay escapes for both parsers to resolve.
CASES = [
    ("nested objects, keys sorted at every level",
     '{"b":1,"a":{"d":[3,2,1],"c":null},"_":true,"A":false}', None),
    ("key order: prefixes, the empty key, NUL, ASCII punctuation",
     '{"aa":1,"a":2,"":3,"a\\u0000":4,"ab":5,"B":6,"~":7,"a b":8}', None),
    ("key order by code point (UTF-8 bytes), not UTF-16: U+10000 after U+FFFF and U+E000",
     '{"\\ud800\\udc00":4,"\\uffff":3,"\\ue000":5,"z":6,"\\u007f":7,"\\u00e9":1}', None),
    ("canonically equivalent keys stay two keys: precomposed and decomposed e-acute",
     '{"\\u00e9":"precomposed","e\\u0301":"decomposed"}', None),
    ("strings: only quote and backslash escaped, control characters and DEL raw",
     '["quote \\" backslash \\\\ slash \\/ newline \\n tab \\t cr \\r bs \\b ff \\f ctrl \\u0001 del \\u007f"]', None),
    ("raw non-ASCII input stays raw UTF-8",
     '{"path":"firmware/m\u00f6t\u00eb-\U0001F600.bin","\u65e5\u672c":"\u8a9e"}', None),
    ("whitespace everywhere is dropped",
     ' \t\r\n{ "k" :\n[ 1 , 2 ,\t{ } , [ ] ] ,"e" : "" }\r\n', None),
    ("integers: zero, minus zero, Int64 limits, beyond Int64 both ways",
     '[0,-0,1,-1,9223372036854775807,-9223372036854775808,18446744073709551616,-123456789012345678901234567890]', None),
    ("literals and empty containers",
     '[true,false,null,{},[],""]', None),
    ("deep nesting",
     '[[[[{"a":[{"b":{"c":[[]]}}]}]]]]', None),
    ("a bare string document", '"\\u00fcber"', None),
    ("a bare integer document", '42', None),
    ("a fraction is refused", '{"a":1.5}', 'a: 1.5 is not an integer, and canonical JSON has integers only'),
    ("an exponent is refused even when integral", '[1e2]', '[0]: 1e2 is not an integer, and canonical JSON has integers only'),
    ("1.0 is refused", '{"version":1.0}', 'version: 1.0 is not an integer, and canonical JSON has integers only'),
    ("minus zero as a float is refused, deep inside",
     '{"x":[{"y":-0.0}]}', 'x[0].y: -0.0 is not an integer, and canonical JSON has integers only'),
    ("the first refused number in key order is reported",
     '{"b":2.5,"a":{"\\"q\\"":3E1}}', 'a."\\"q\\"": 3E1 is not an integer, and canonical JSON has integers only'),
]


def write():
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    with open(FIXTURE, "w", encoding="utf-8") as out:
        for case, text, error in CASES:
            line = {"case": case, "input": text}
            if error is None:
                line["canonical"] = encode_canonical(json.loads(text)).encode("utf-8").hex()
            else:
                line["error"] = error
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {len(CASES)} cases to {FIXTURE}")


def check():
    checks = Checks("canonical json peer")
    with open(FIXTURE, encoding="utf-8") as lines:
        for line in lines:
            case = json.loads(line)
            value = json.loads(case["input"])
            if "error" in case:
                try:
                    encode_canonical(value)
                    checks.check(f"{case['case']}: encode_canonical refuses it", False, "it encoded")
                except FormatError:
                    checks.check(f"{case['case']}: encode_canonical refuses it", True)
            else:
                got = encode_canonical(value).encode("utf-8").hex()
                checks.check(f"{case['case']}: encode_canonical gives the fixture's bytes", got == case["canonical"],
                             f"got {got}, fixture {case['canonical']}")
    checks.finish()


if __name__ == "__main__":
    write() if "--write" in sys.argv[1:] else check()
