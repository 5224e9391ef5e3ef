#!/usr/bin/env python3
"""Interop and attack tests of Mote's TUF client (mote-tuf-client, and the board binary's
`mote tuf-client` when given) against repositories python-tuf's Metadata API makes, in the TUF
client command-line contract:

  CLIENT --metadata-dir DIR init ROOT; CLIENT --metadata-url URL --metadata-dir DIR refresh;
  CLIENT ... --target-name NAME --target-dir DIR --target-base-url URL download

Each good case asserts exit 0 and the exact metadata files (as the repository served them) and
target bytes; each attack asserts exit 1, the reason on stderr, and a metadata directory left
byte for byte as it was. Every case runs twice: the repository at file:// URLs, and served by
http.server on loopback.

  python3 Tests/peers/tuf_client_peer.py CLIENT [CLIENT...]   (a CLIENT with spaces: "mote tuf-client")
"""
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.signer import CryptoSigner, SSlibKey
from tuf.api.metadata import (DelegatedRole, Delegations, Metadata, MetaFile, Root, Snapshot, TargetFile,
                              Targets, Timestamp)
from tuf.api.serialization.json import JSONSerializer

sys.path.insert(0, os.path.dirname(__file__))
from peer_checks import Checks

NOW = "2026-06-01T00:00:00Z"
FAR = datetime(2030, 1, 1, tzinfo=timezone.utc)


def signer(seed):
    private = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
    return CryptoSigner(private, SSlibKey.from_crypto(private.public_key()))


class Repo:
    """A repository in a directory: N.root.json for every root version, timestamp.json,
    V.snapshot.json, V.targets.json, V.ROLE.json, targets/HASH.NAME (consistent snapshots)."""

    def __init__(self, directory, consistent=True):
        self.dir = directory
        self.meta = os.path.join(directory, "metadata")
        self.targets_dir = os.path.join(directory, "targets")
        os.makedirs(self.meta)
        os.makedirs(self.targets_dir)
        self.consistent = consistent
        self.signers = {"root": [signer(1)], "timestamp": [signer(2)], "snapshot": [signer(3)], "targets": [signer(4)]}
        self.root = Root(expires=FAR, consistent_snapshot=consistent)
        for role, signers in self.signers.items():
            for s in signers:
                self.root.add_key(s.public_key, role)
        self.targets = Targets(expires=FAR)
        self.snapshot = Snapshot(expires=FAR)
        self.timestamp = Timestamp(expires=FAR)
        self.delegated = {}  # name -> (Targets, [signers])
        self.sign_root()

    @staticmethod
    def dump(signed, signers):
        md = Metadata(signed)
        for s in signers:
            md.sign(s, append=True)
        return md.to_bytes(JSONSerializer(compact=False))

    def write(self, name, data):
        with open(os.path.join(self.meta, name), "wb") as f:
            f.write(data)
        return data

    def sign_root(self, extra_signers=()):
        data = self.dump(self.root, list(extra_signers) + self.signers["root"])
        self.write(f"{self.root.version}.root.json", data)
        self.root_bytes = data

    def rotate(self, role, new_signers, threshold=1):
        """A new root version where `role` has `new_signers`: signed by the old root keys too."""
        old = self.signers["root"]
        for keyid in list(self.root.roles[role].keyids):
            self.root.revoke_key(keyid, role)
        for s in new_signers:
            self.root.add_key(s.public_key, role)
        self.root.roles[role].threshold = threshold
        self.signers[role] = new_signers
        self.root.version += 1
        extra = [s for s in old if role == "root"]
        self.sign_root(extra)

    def add_target(self, path, data, custom=None, role="targets"):
        tf = TargetFile.from_data(path, data, ["sha256"])
        if custom is not None:
            tf.unrecognized_fields["custom"] = custom
        (self.targets if role == "targets" else self.delegated[role][0]).targets[path] = tf
        dirname, sep, base = path.rpartition("/")
        name = f"{dirname}{sep}{tf.hashes['sha256']}.{base}" if self.consistent else path
        full = os.path.join(self.targets_dir, name)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)

    def delegate(self, name, paths, signers, terminating=False, parent=None):
        parent_targets = self.targets if parent is None else self.delegated[parent][0]
        if parent_targets.delegations is None:
            parent_targets.delegations = Delegations(keys={}, roles={})
        for s in signers:
            parent_targets.delegations.keys[s.public_key.keyid] = s.public_key
        parent_targets.delegations.roles[name] = DelegatedRole(name, [s.public_key.keyid for s in signers], 1, terminating, paths=paths)
        self.delegated[name] = (Targets(expires=FAR), signers)

    def publish(self, bump=True):
        """Writes targets, delegated roles, snapshot and timestamp, each one version newer."""
        if bump:
            self.targets.version += 1 if self.snapshot.version > 1 or hasattr(self, "published") else 0
        self.published = True
        data = self.dump(self.targets, self.signers["targets"])
        self.write(f"{self.targets.version}.targets.json" if self.consistent else "targets.json", data)
        self.snapshot.meta = {"targets.json": MetaFile(self.targets.version)}
        for name, (role, signers) in self.delegated.items():
            d = self.dump(role, signers)
            self.write(f"{role.version}.{name}.json" if self.consistent else f"{name}.json", d)
            self.snapshot.meta[f"{name}.json"] = MetaFile(role.version)
        self.snapshot_bytes = self.dump(self.snapshot, self.signers["snapshot"])
        self.write(f"{self.snapshot.version}.snapshot.json" if self.consistent else "snapshot.json", self.snapshot_bytes)
        self.timestamp.snapshot_meta = MetaFile(self.snapshot.version, length=len(self.snapshot_bytes),
                                                hashes={"sha256": hashlib.sha256(self.snapshot_bytes).hexdigest()})
        self.timestamp_bytes = self.write("timestamp.json", self.dump(self.timestamp, self.signers["timestamp"]))

    def next(self):
        """The next publication: every role one version up."""
        self.targets.version += 1
        for role, _ in self.delegated.values():
            role.version += 1
        self.snapshot.version += 1
        self.timestamp.version += 1
        self.publish(bump=False)

    def url(self):
        return BASE_URL + os.path.relpath(self.meta, BASE_DIR) + "/" if BASE_URL else "file://" + self.meta + "/"

    def target_url(self):
        return BASE_URL + os.path.relpath(self.targets_dir, BASE_DIR) + "/" if BASE_URL else "file://" + self.targets_dir + "/"


# When set: the repositories are served by http.server on loopback from BASE_DIR.
BASE_URL = None
BASE_DIR = None


def serve(directory):
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that stops reading endless data breaks the pipe: expected

    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Client:
    def __init__(self, command, work):
        self.command = shlex.split(command)
        self.work = work
        self.metadata = os.path.join(work, "client-metadata")
        self.downloads = os.path.join(work, "client-targets")

    def run(self, *args, time=NOW):
        """`time` is the reference time by --time; ("faketime", T) runs the client under
        faketime's clock at T, with no --time."""
        if isinstance(time, tuple):
            command = ["faketime", time[1]] + self.command + ["--metadata-dir", self.metadata]
        else:
            command = self.command + ["--time", time, "--metadata-dir", self.metadata]
        result = subprocess.run(command + list(args), capture_output=True, timeout=60, env=dict(os.environ, TZ="UTC"))
        return result.returncode, result.stderr.decode(errors="replace")

    def init(self, repo):
        os.makedirs(self.metadata, exist_ok=True)
        root = os.path.join(self.work, "trusted-root.json")
        with open(root, "wb") as f:
            f.write(repo.root_bytes)
        return self.run("init", root)

    def refresh(self, repo, time=NOW):
        return self.run("--metadata-url", repo.url(), "refresh", time=time)

    def download(self, repo, *names, time=NOW, extra=()):
        os.makedirs(self.downloads, exist_ok=True)
        args = ["--metadata-url", repo.url()] + list(extra)
        for n in names:
            args += ["--target-name", n]
        return self.run(*args, "--target-dir", self.downloads, "--target-base-url", repo.target_url(), "download", time=time)

    def files(self):
        out = {}
        for name in sorted(os.listdir(self.metadata)):
            with open(os.path.join(self.metadata, name), "rb") as f:
                out[name] = f.read()
        return out


def main():
    clients = sys.argv[1:]
    if not clients:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    global BASE_URL, BASE_DIR
    checks = Checks("TUF client interop and attacks")
    base = tempfile.mkdtemp(prefix="tuf-client-")
    server = serve(base)
    try:
        for command in clients:
            label = os.path.basename(shlex.split(command)[0]) + (" " + " ".join(shlex.split(command)[1:]) if len(shlex.split(command)) > 1 else "")
            for scheme in ("file", "http"):
                BASE_DIR = base
                BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/" if scheme == "http" else None
                for case in CASES:
                    work = tempfile.mkdtemp(dir=base)
                    try:
                        ok, detail = case(Client(command, work), lambda consistent=True: Repo(os.path.join(work, "repo"), consistent))
                    except Exception as e:  # a broken case fails, never stops the peer
                        ok, detail = False, f"{type(e).__name__}: {e}"
                    finally:
                        shutil.rmtree(work, ignore_errors=True)
                    checks.check(f"{label} ({scheme}://): {case.__doc__}", ok, detail)
    finally:
        server.shutdown()
        shutil.rmtree(base, ignore_errors=True)
    checks.finish()


def expect(rc, err, status, reason=None):
    if rc != status:
        return False, f"exit {rc}, expected {status}; stderr: {err.strip()}"
    if reason is not None and reason not in err:
        return False, f"stderr {err.strip()!r} lacks {reason!r}"
    return True, ""


def fresh(client, make, consistent=True):
    repo = make(consistent)
    repo.publish()
    rc, err = client.init(repo)
    assert rc == 0, err
    rc, err = client.refresh(repo)
    assert rc == 0, err
    return repo


def attack(client, repo, reason, action=None, time=NOW, new_root=False):
    """Runs refresh (or `action`), expects exit 1 with `reason` and the metadata dir unchanged
    (but for root.json, which is then the repository's newest root, when `new_root`: roots are
    stored as each verifies)."""
    before = client.files()
    if new_root:
        before["root.json"] = repo.root_bytes
    rc, err = action() if action else client.refresh(repo, time=time)
    ok, detail = expect(rc, err, 1, reason)
    if ok and client.files() != before:
        return False, "the trusted metadata changed"
    return ok, detail


CASES = []


def case(f):
    CASES.append(f)
    return f


@case
def refresh_stores_exactly(client, make):
    """refresh stores root, timestamp, snapshot, targets exactly as served, without version prefixes"""
    repo = fresh(client, make)
    files = client.files()
    want = {"root.json": repo.root_bytes, "timestamp.json": repo.timestamp_bytes, "snapshot.json": repo.snapshot_bytes,
            "targets.json": open(os.path.join(repo.meta, "1.targets.json"), "rb").read()}
    return files == want, f"files {sorted(files)}"


@case
def plain_repository(client, make):
    """a repository without consistent snapshots: refresh and download"""
    repo = make(False)
    repo.add_target("a.txt", b"plain\n")
    repo.publish()
    client.init(repo)
    rc, err = client.download(repo, "a.txt")
    ok, detail = expect(rc, err, 0)
    return ok and open(os.path.join(client.downloads, "a.txt"), "rb").read() == b"plain\n", detail


@case
def download_targets(client, make):
    """download: two targets (one in a directory, URL-escaped locally), exact bytes; a valid one is not fetched again"""
    repo = make()
    repo.add_target("firmware/mote.bin", b"\x7fELF" + bytes(range(256)) * 40)
    repo.add_target("notes.txt", b"hello\n")
    repo.publish()
    client.init(repo)
    rc, err = client.download(repo, "firmware/mote.bin", "notes.txt")
    if rc != 0:
        return False, err
    got = open(os.path.join(client.downloads, "firmware%2Fmote.bin"), "rb").read()
    if got != b"\x7fELF" + bytes(range(256)) * 40 or open(os.path.join(client.downloads, "notes.txt"), "rb").read() != b"hello\n":
        return False, "wrong bytes"
    # Served file removed: a second download must not need it.
    for dirpath, _, names in os.walk(repo.targets_dir):
        for n in names:
            os.remove(os.path.join(dirpath, n))
    rc, err = client.download(repo, "firmware/mote.bin", "notes.txt")
    return expect(rc, err, 0)


@case
def tampered_target(client, make):
    """a tampered target: exit 1, sha256 mismatch, nothing written"""
    repo = make()
    repo.add_target("a.bin", b"good bytes")
    repo.publish()
    client.init(repo)
    name = [n for n in os.listdir(repo.targets_dir)][0]
    open(os.path.join(repo.targets_dir, name), "wb").write(b"evil bytes")
    rc, err = client.download(repo, "a.bin")
    ok, detail = expect(rc, err, 1, "a.bin: sha256 ")
    # The refused body is not kept as a partial download to resume either.
    return ok and not os.path.exists(os.path.join(client.downloads, "a.bin")) and not os.path.exists(os.path.join(client.downloads, "a.bin.part")), detail


@case
def endless_target(client, make):
    """endless data for a target: cut off at its length, exit 1"""
    repo = make()
    repo.add_target("a.bin", b"12345")
    repo.publish()
    client.init(repo)
    name = os.listdir(repo.targets_dir)[0]
    open(os.path.join(repo.targets_dir, name), "wb").write(b"1" * 100000)
    rc, err = client.download(repo, "a.bin")
    ok, detail = expect(rc, err, 1, "a.bin: more than the 5 bytes allowed")
    return ok and not os.path.exists(os.path.join(client.downloads, "a.bin.part")), detail


@case
def truncated_target(client, make):
    """a truncated (interrupted) target download: exit 1, length mismatch, nothing written"""
    repo = make()
    repo.add_target("a.bin", b"0123456789")
    repo.publish()
    client.init(repo)
    name = os.listdir(repo.targets_dir)[0]
    open(os.path.join(repo.targets_dir, name), "wb").write(b"01234")
    rc, err = client.download(repo, "a.bin")
    ok, detail = expect(rc, err, 1, "a.bin: 5 bytes, but the targets metadata says 10")
    return ok and not os.path.exists(os.path.join(client.downloads, "a.bin")) and not os.path.exists(os.path.join(client.downloads, "a.bin.part")), detail


@case
def wrong_key(client, make):
    """timestamp signed by a wrong key: exit 1, below threshold, metadata unchanged"""
    repo = fresh(client, make)
    repo.signers["timestamp"] = [signer(99)]
    repo.next()
    return attack(client, repo, "timestamp.json: signed by 0 of the 1 keys its threshold needs")


@case
def below_threshold(client, make):
    """targets threshold 2 with one signature: exit 1"""
    repo = make()
    repo.rotate("targets", [signer(4), signer(5)], threshold=2)
    repo.publish()
    client.init(repo)
    rc, err = client.refresh(repo)  # root 2, with the threshold of 2, now trusted
    if rc != 0:
        return False, err
    repo.signers["targets"] = [signer(4)]
    repo.next()
    return attack(client, repo, "targets.json: signed by 1 of the 2 keys its threshold needs")


def alias(seed, keyid):
    """The key of `seed` under another keyid: one key, two names."""
    private = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
    key = SSlibKey.from_crypto(private.public_key())
    return CryptoSigner(private, SSlibKey(keyid, key.keytype, key.scheme, key.keyval))


@case
def one_key_twice(client, make):
    """one key listed under two keyids and signing under both counts once towards a threshold of 2"""
    repo = make()
    repo.rotate("targets", [signer(4), signer(5)], threshold=2)
    repo.publish()
    client.init(repo)
    rc, err = client.refresh(repo)
    if rc != 0:
        return False, err
    repo.rotate("targets", [signer(4), alias(4, "ab" * 32)], threshold=2)
    repo.next()
    return attack(client, repo, "targets.json: signed by 1 of the 2 keys its threshold needs", new_root=True)


@case
def rollback_timestamp(client, make):
    """rollback of timestamp: exit 1, metadata unchanged"""
    repo = fresh(client, make)
    repo.next()
    repo.next()
    rc, err = client.refresh(repo)
    if rc != 0:
        return False, err
    repo.timestamp.version = 2
    repo.timestamp_bytes = repo.write("timestamp.json", repo.dump(repo.timestamp, repo.signers["timestamp"]))
    return attack(client, repo, "timestamp.json: version 2 is lower than the trusted version 3 (rollback)")


@case
def rollback_snapshot(client, make):
    """rollback of snapshot (a newer timestamp naming an older snapshot): exit 1"""
    repo = fresh(client, make)
    repo.next()
    client.refresh(repo)
    repo.timestamp.version += 1
    repo.timestamp.snapshot_meta = MetaFile(1)
    repo.write("timestamp.json", repo.dump(repo.timestamp, repo.signers["timestamp"]))
    return attack(client, repo, "timestamp.json: snapshot.json version 1 is lower than the trusted version 2 (rollback)")


@case
def rollback_targets(client, make):
    """rollback of targets (a newer snapshot naming an older targets): exit 1"""
    repo = fresh(client, make)
    repo.next()
    client.refresh(repo)
    repo.targets.version = 1
    repo.snapshot.version += 1
    repo.timestamp.version += 1
    repo.publish(bump=False)
    return attack(client, repo, "snapshot.json: targets.json version 1 is lower than the trusted version 2 (rollback)")


@case
def rollback_root(client, make):
    """rollback of root: a trusted root version 2 and a served 3.root.json of version 1: exit 1"""
    repo = make()
    repo.rotate("timestamp", [signer(2)])
    repo.publish()
    client.init(repo)
    client.refresh(repo)
    data = open(os.path.join(repo.meta, "1.root.json"), "rb").read()
    repo.write("3.root.json", data)
    return attack(client, repo, "3.root.json: version 1, expected 3")


@case
def freeze(client, make):
    """freeze: expired timestamp at the reference time: exit 1, metadata unchanged"""
    repo = fresh(client, make)
    repo.timestamp.expires = datetime(2026, 7, 1, tzinfo=timezone.utc)
    repo.next()
    return attack(client, repo, "timestamp.json: expired at 2026-07-01T00:00:00Z", time="2026-07-02T00:00:00Z")


@case
def freeze_faketime(client, make):
    """freeze with the clock moved by faketime (no --time): expired timestamp refused, fresh accepted"""
    repo = fresh(client, make)
    repo.timestamp.expires = datetime(2026, 7, 1, tzinfo=timezone.utc)
    repo.next()
    rc, err = client.refresh(repo, time=("faketime", "2026-06-30 12:00:00"))
    if rc != 0:
        return False, "before expiry: " + err
    repo.next()
    return attack(client, repo, "timestamp.json: expired at 2026-07-01T00:00:00Z", time=("faketime", "2026-07-01 00:00:01"))


@case
def freeze_snapshot(client, make):
    """freeze: expired snapshot: exit 1"""
    repo = fresh(client, make)
    repo.snapshot.expires = datetime(2026, 1, 1, tzinfo=timezone.utc)
    repo.next()
    return attack(client, repo, "snapshot.json: expired at 2026-01-01T00:00:00Z")


@case
def mix_and_match(client, make):
    """mix-and-match: a snapshot from another publication than the timestamp names: exit 1"""
    repo = fresh(client, make)
    old_snapshot = repo.snapshot_bytes
    repo.next()
    repo.write(f"{repo.snapshot.version}.snapshot.json", old_snapshot)
    return attack(client, repo, "snapshot.json: sha256 ")


@case
def endless_timestamp(client, make):
    """endless data for timestamp.json: cut off at 16384 bytes, exit 1"""
    repo = fresh(client, make)
    repo.write("timestamp.json", b"{" + b" " * 100000)
    return attack(client, repo, "timestamp.json: more than the 16384 bytes allowed")


@case
def root_rotation(client, make):
    """root rotation 1 -> 2 -> 3 (each signed by old and new keys); root.json is version 3"""
    repo = make()
    repo.publish()
    client.init(repo)
    repo.rotate("root", [signer(11)])
    repo.rotate("root", [signer(12)])
    repo.next()
    rc, err = client.refresh(repo)
    ok, detail = expect(rc, err, 0)
    return ok and client.files()["root.json"] == repo.root_bytes, detail


@case
def revoked_key(client, make):
    """a key revoked by rotation: root 2 drops the timestamp key; a timestamp signed by it is refused"""
    repo = fresh(client, make)
    old = repo.signers["timestamp"]
    repo.rotate("timestamp", [signer(21)])
    repo.next()
    client.refresh(repo)
    repo.signers["timestamp"] = old
    repo.next()
    return attack(client, repo, "timestamp.json: signed by 0 of the 1 keys its threshold needs")


@case
def root_not_cross_signed(client, make):
    """a new root signed only by its new key (not the old root's): exit 1"""
    repo = fresh(client, make)
    repo.root.version += 1
    repo.signers["root"] = [signer(31)]
    for keyid in list(repo.root.roles["root"].keyids):
        repo.root.revoke_key(keyid, "root")
    repo.root.add_key(signer(31).public_key, "root")
    repo.sign_root()
    return attack(client, repo, "2.root.json: signed by 0 of the 1 keys its threshold of the trusted root (version 1) needs")


@case
def fast_forward(client, make):
    """fast-forward recovery: timestamp key rotated and versions reset; the new timestamp is accepted"""
    repo = fresh(client, make)
    for _ in range(3):
        repo.next()
    client.refresh(repo)
    repo.rotate("timestamp", [signer(41)])
    repo.timestamp.version = 1
    repo.publish(bump=False)
    rc, err = client.refresh(repo)
    ok, detail = expect(rc, err, 0)
    return ok and client.files()["timestamp.json"] == repo.timestamp_bytes, detail


@case
def delegation(client, make):
    """a delegated role with path patterns: firmware/* found in the delegated role"""
    repo = make()
    repo.delegate("firmware", ["firmware/*.bin"], [signer(51)])
    repo.add_target("firmware/a.bin", b"delegated", role="firmware")
    repo.publish()
    client.init(repo)
    rc, err = client.download(repo, "firmware/a.bin")
    ok, detail = expect(rc, err, 0)
    return ok and open(os.path.join(client.downloads, "firmware%2Fa.bin"), "rb").read() == b"delegated" \
        and "firmware.json" in client.files(), detail


@case
def terminating(client, make):
    """a terminating role hides a later one that lists the target: exit 1"""
    repo = make()
    repo.delegate("first", ["firmware/*"], [signer(52)], terminating=True)
    repo.delegate("second", ["firmware/*"], [signer(53)])
    repo.add_target("firmware/a.bin", b"hidden", role="second")
    repo.publish()
    client.init(repo)
    rc, err = client.download(repo, "firmware/a.bin")
    return expect(rc, err, 1, "firmware/a.bin: no trusted targets role lists this target")


@case
def non_terminating(client, make):
    """a non-terminating role lets the search go on to a later one"""
    repo = make()
    repo.delegate("first", ["firmware/*"], [signer(52)])
    repo.delegate("second", ["firmware/*"], [signer(53)])
    repo.add_target("firmware/a.bin", b"found", role="second")
    repo.publish()
    client.init(repo)
    rc, err = client.download(repo, "firmware/a.bin")
    return expect(rc, err, 0)


@case
def max_delegations(client, make):
    """max delegations: a target 20 roles down is found, one 40 roles down is not (32 roles visited at most)"""
    repo = make()
    parent = None
    for k in range(40):
        repo.delegate(f"r{k}", ["*"], [signer(60)], parent=parent)
        parent = f"r{k}"
    repo.add_target("shallow.bin", b"shallow", role="r19")
    repo.add_target("deep.bin", b"deep", role=parent)
    repo.publish()
    client.init(repo)
    rc, err = client.download(repo, "shallow.bin")
    if rc != 0:
        return False, "shallow.bin: " + err
    rc, err = client.download(repo, "deep.bin")
    return expect(rc, err, 1, "deep.bin: no trusted targets role lists this target")


def mote_image(client, make, extra):
    repo = make()
    repo.add_target("mote-aarch64", b"image 7", custom={"mote": {"hardware_ids": ["raspberry-pi-4b", "raspberry-pi-5"], "image_version": 7}})
    repo.publish()
    client.init(repo)
    rc, err = client.download(repo, "mote-aarch64", extra=extra)
    return rc, err, os.path.exists(os.path.join(client.downloads, "mote-aarch64"))


@case
def mote_image_accepted(client, make):
    """a Mote image for this board with a newer image_version is downloaded"""
    rc, err, written = mote_image(client, make, ["--hardware-id", "raspberry-pi-5", "--installed-image-version", "6"])
    ok, detail = expect(rc, err, 0)
    return ok and written, detail


@case
def wrong_hardware_id(client, make):
    """a Mote image for other boards is refused (exit 1, nothing written)"""
    rc, err, written = mote_image(client, make, ["--hardware-id", "beaglebone-black"])
    ok, detail = expect(rc, err, 1, "mote-aarch64: the image is for raspberry-pi-4b, raspberry-pi-5, not for this board (beaglebone-black)")
    return ok and not written, detail


@case
def image_downgrade(client, make):
    """a Mote image not newer than the installed one is refused (exit 1, nothing written)"""
    rc, err, written = mote_image(client, make, ["--hardware-id", "raspberry-pi-4b", "--installed-image-version", "7"])
    ok, detail = expect(rc, err, 1, "mote-aarch64: image version 7 is not above the installed version 7 (downgrade)")
    return ok and not written, detail


if __name__ == "__main__":
    main()
