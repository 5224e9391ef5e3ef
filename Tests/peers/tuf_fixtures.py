#!/usr/bin/env python3
"""A small TUF repository made by python-tuf's Metadata API, the fixture TUFMetadataTests reads:
Tests/corpus/tuf/<role>.json as python-tuf writes them (JSONSerializer: indented, sorted keys,
non-ASCII as \\u escapes) and Tests/corpus/tuf/<role>.canonical, the canonical bytes python-tuf
signs (CanonicalJSONSerializer of "signed"). The Swift test asserts the parsed values and that
Mote's canonical form of each received "signed" object is exactly the .canonical file.

Keys come from fixed seeds (Ed25519 signatures are deterministic) and times are fixed, so the
files are the same on every run:
  python3 Tests/peers/tuf_fixtures.py            regenerate in memory, check the committed files are
                                                 byte for byte that, and that python-tuf verifies
                                                 every role's signatures
  python3 Tests/peers/tuf_fixtures.py --write    write the files
"""
import os
import sys
from datetime import datetime, timezone

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.signer import CryptoSigner, SSlibKey
from tuf.api.metadata import (DelegatedRole, Delegations, Metadata, MetaFile, Root, Snapshot, TargetFile,
                              Targets, Timestamp)
from tuf.api.serialization.json import CanonicalJSONSerializer, JSONSerializer

sys.path.insert(0, os.path.dirname(__file__))
from peer_checks import Checks

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "corpus", "tuf")
ROLES = ["root", "timestamp", "snapshot", "targets", "firmware"]


def signer(seed):
    private = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
    return CryptoSigner(private, SSlibKey.from_crypto(private.public_key()))


def build():
    """{file name: Metadata}, signed."""
    root_a, root_b, timestamp, snapshot, targets, firmware = (signer(s) for s in (1, 2, 3, 4, 5, 6))
    # An ECDSA P-256 key from a fixed scalar: listed for targets, never signing (ECDSA signatures
    # are randomized, and the fixture must not change between runs).
    ecdsa_key = SSlibKey.from_crypto(ec.derive_private_key(0x6d6f7465, ec.SECP256R1()).public_key())

    root = Root(version=1, expires=datetime(2030, 1, 1, tzinfo=timezone.utc), consistent_snapshot=True,
                unrecognized_fields={"x-mote-note": "unknown fields are signed too",
                                     "x-mote-nested": {"b": [1, -2, {"z": None}], "a": True, "\u00e9t\u00e9": "caf\u00e9"}})
    for s in (root_a, root_b):
        root.add_key(s.public_key, "root")
    root.roles["root"].threshold = 2
    root.add_key(timestamp.public_key, "timestamp")
    root.add_key(snapshot.public_key, "snapshot")
    root.add_key(targets.public_key, "targets")
    root.add_key(ecdsa_key, "targets")

    files = {}
    delegated = Targets(version=3, expires=datetime(2029, 6, 30, 23, 59, 59, tzinfo=timezone.utc))
    delegated.targets["firmware/mote-1.2.0-aarch64.bin"] = TargetFile(
        length=413696, hashes={"sha256": "aa" * 32}, path="firmware/mote-1.2.0-aarch64.bin",
        unrecognized_fields={"custom": {"hardware": ["raspberry-pi-4b", "raspberry-pi-zero-2w"], "slot_size": 1048576}})
    files["firmware.json"] = Metadata(delegated)

    top = Targets(version=2, expires=datetime(2028, 2, 29, 12, 0, 0, tzinfo=timezone.utc))
    top.targets["config/n\u00f6de-\U0001F600.toml"] = TargetFile(
        length=0, hashes={"sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                          "sha512": "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"},
        path="config/n\u00f6de-\U0001F600.toml")
    top.delegations = Delegations(
        keys={firmware.public_key.keyid: firmware.public_key},
        roles={"firmware": DelegatedRole(name="firmware", keyids=[firmware.public_key.keyid], threshold=1, terminating=True,
                                         paths=["firmware/*"]),
               "bins": DelegatedRole(name="bins", keyids=[firmware.public_key.keyid], threshold=1, terminating=False,
                                     path_hash_prefixes=["00", "8f"])})
    files["targets.json"] = Metadata(top)

    snap = Snapshot(version=5, expires=datetime(2027, 12, 31, 0, 0, 0, tzinfo=timezone.utc))
    snap.meta["targets.json"] = MetaFile(version=2)
    snap.meta["firmware.json"] = MetaFile(version=3, length=1234, hashes={"sha256": "01" * 32})
    files["snapshot.json"] = Metadata(snap)

    ts = Timestamp(version=7, expires=datetime(2027, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
                   snapshot_meta=MetaFile(version=5, length=999, hashes={"sha256": "ff" * 32}))
    files["timestamp.json"] = Metadata(ts)
    files["root.json"] = Metadata(root)

    files["root.json"].sign(root_a)
    files["root.json"].sign(root_b, append=True)
    files["timestamp.json"].sign(timestamp)
    files["snapshot.json"].sign(snapshot)
    files["targets.json"].sign(targets)
    files["firmware.json"].sign(firmware)
    return files


def outputs(files):
    """{file name in Tests/corpus/tuf: bytes}."""
    out = {}
    for name, md in files.items():
        base = name[:-len(".json")]
        out[name] = JSONSerializer(compact=False).serialize(md)
        out[base + ".canonical"] = CanonicalJSONSerializer().serialize(md.signed)
    return out


def write():
    os.makedirs(FIXTURES, exist_ok=True)
    for name, data in outputs(build()).items():
        with open(os.path.join(FIXTURES, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(outputs(build()))} files to {FIXTURES}")


def check():
    checks = Checks("tuf fixtures")
    files = build()
    for name, data in sorted(outputs(files).items()):
        path = os.path.join(FIXTURES, name)
        committed = open(path, "rb").read() if os.path.exists(path) else None
        checks.check(f"{name}: the committed file is what python-tuf writes", committed == data,
                     "(missing)" if committed is None else "(differs; regenerate with --write and review)")
    # Read back from the committed bytes, as a client would.
    md = {name: Metadata.from_bytes(open(os.path.join(FIXTURES, name), "rb").read()) for name in files}
    root = md["root.json"].signed
    for role in ("root", "timestamp", "snapshot", "targets"):
        try:
            root.verify_delegate(role, CanonicalJSONSerializer().serialize(md[f"{role}.json"].signed),
                                 md[f"{role}.json"].signatures)
            checks.check(f"python-tuf verifies {role}.json with root.json's keys", True)
        except Exception as e:  # noqa: BLE001 - the peer reports any failure
            checks.check(f"python-tuf verifies {role}.json with root.json's keys", False, repr(e))
    try:
        md["targets.json"].signed.verify_delegate("firmware", CanonicalJSONSerializer().serialize(md["firmware.json"].signed),
                                                  md["firmware.json"].signatures)
        checks.check("python-tuf verifies firmware.json with targets.json's delegation", True)
    except Exception as e:  # noqa: BLE001
        checks.check("python-tuf verifies firmware.json with targets.json's delegation", False, repr(e))
    checks.finish()


if __name__ == "__main__":
    write() if "--write" in sys.argv[1:] else check()
