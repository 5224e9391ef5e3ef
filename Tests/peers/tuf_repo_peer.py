"""motectl's update repository against python-tuf (the reference TUF implementation).

Usage: tuf_repo_peer.py MOTECTL

motectl makes keys of both types, a repository, a target with Mote's custom fields; resigns the
timestamp; rotates root twice (to threshold 2 with an Ed25519 and an ECDSA P-256 key) and the
targets key. python-tuf's ngclient Updater refreshes each state from python's http.server on
loopback and downloads the target's exact bytes; metadata signed only by a rotated-out key is
refused. The other way round, python-tuf's Metadata API makes a repository and motectl verifies,
extends and re-signs it, and python-tuf's client accepts the result.
"""
import hashlib
import http.server
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from datetime import datetime, timedelta, timezone
from functools import partial

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from securesystemslib.signer import CryptoSigner, SSlibKey
from securesystemslib.signer._utils import compute_default_keyid
from tuf.api import exceptions
from tuf.api.metadata import Metadata, MetaFile, Root, Snapshot, TargetFile, Targets, Timestamp
from tuf.api.serialization.json import JSONSerializer
from tuf.ngclient import Updater

from peer_checks import Checks

checks = Checks("tuf repository peer")
motectl = os.path.abspath(sys.argv[1])
# Our own client too, when given (mote-tuf-client, or "out/ARCH/mote tuf-client"): it must verify
# what motectl makes, as python-tuf's does.
ours = sys.argv[2].split() if len(sys.argv) > 2 else None
work = tempfile.mkdtemp(prefix="tuf-repo-peer-")
keys = os.path.join(work, "keys")
os.makedirs(keys)


def run(*arguments, expect=0):
    result = subprocess.run([motectl, *arguments], capture_output=True, text=True)
    if result.returncode != expect:
        print(f"motectl {' '.join(arguments)}: exit {result.returncode}\n{result.stdout}{result.stderr}")
    return result


def key(name):
    return os.path.join(keys, name + ".key")


def pub(name):
    return os.path.join(keys, name + ".pub")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def client(base, trusted_root, name):
    """A client with its own metadata directory: a new one bootstrapped with the given root, or
    (trusted_root None) one that starts from what the client of that name trusted last."""
    directory = os.path.join(work, "client-" + name)
    os.makedirs(directory + "/metadata", exist_ok=True)
    os.makedirs(directory + "/targets", exist_ok=True)
    root = None
    if trusted_root:
        with open(trusted_root, "rb") as f:
            root = f.read()
    return Updater(directory + "/metadata", base + "/metadata/", directory + "/targets", base + "/targets/", bootstrap=root)


def fetch(updater, name):
    """refresh, then the target's info and downloaded bytes."""
    updater.refresh()
    info = updater.get_targetinfo(name)
    if info is None:
        return None, None
    path = updater.download_target(info)
    with open(path, "rb") as f:
        return info, f.read()


# -- keys ---------------------------------------------------------------------------------------
made = {}
for name, type in [("root1", "ed25519"), ("root2", "ecdsa-p256"), ("root3", "ed25519"), ("targets1", "ecdsa-p256"),
                   ("targets2", "ed25519"), ("snapshot", "ed25519"), ("timestamp", "ecdsa-p256")]:
    result = run("keys", "new", "--type", type, "--out", os.path.join(keys, name))
    made[name] = result.stdout.strip().rsplit(" ", 1)[-1]
    mode = stat.S_IMODE(os.stat(key(name)).st_mode)
    checks.check(f"keys new --type {type}: {name}.key mode 0600", result.returncode == 0 and mode == 0o600, f"mode {mode:o}")
    with open(key(name), "rb") as f:
        private = serialization.load_pem_private_key(f.read(), password=None)
    expected = SSlibKey.from_crypto(private.public_key())
    with open(pub(name)) as f:
        written = json.load(f)
    checks.check(f"{name}.pub is securesystemslib's key object for the private key, keyid as it computes it",
                 written == {"keytype": expected.keytype, "scheme": expected.scheme, "keyval": expected.keyval}
                 and made[name] == expected.keyid == compute_default_keyid(written["keytype"], written["scheme"], written["keyval"]),
                 f"{written} {made[name]} {expected.keyid}")
with open(key("root1"), "rb") as f:
    before = f.read()
refusal = run("keys", "new", "--type", "ecdsa-p256", "--out", os.path.join(keys, "root1"), expect=1)
with open(key("root1"), "rb") as f:
    checks.check("keys new refuses to overwrite a key, which stays as it was",
                 refusal.returncode == 1 and "exists: a key is never overwritten" in refusal.stderr and f.read() == before, refusal.stderr)

# -- a repository made by motectl ---------------------------------------------------------------
repo = os.path.join(work, "repo")
result = run("repo", "init", repo, "--root-key", key("root1"), "--targets-key", key("targets1"),
             "--snapshot-key", key("snapshot"), "--timestamp-key", key("timestamp"))
checks.check("repo init", result.returncode == 0 and sorted(os.listdir(repo + "/metadata")) ==
             ["1.root.json", "1.snapshot.json", "1.targets.json", "root.json", "timestamp.json"], result.stdout + str(os.listdir(repo + "/metadata")))
image = os.urandom(3 * 1024 * 1024 + 17)
with open(os.path.join(work, "mote-aarch64"), "wb") as f:
    f.write(image)
signers = ["--key", key("targets1"), "--key", key("snapshot"), "--key", key("timestamp")]
result = run("repo", "add-target", repo, os.path.join(work, "mote-aarch64"), "--hardware-id", "raspberry-pi-4b",
             "--hardware-id", "raspberry-pi-5", "--image-version", "7", *signers)
digest = hashlib.sha256(image).hexdigest()
checks.check("repo add-target stores the image as targets/HASH.NAME",
             result.returncode == 0 and os.listdir(repo + "/targets") == [f"{digest}.mote-aarch64"], result.stdout)

server, base = serve(repo)
first_root = os.path.join(repo, "metadata", "1.root.json")
updater = client(base, first_root, "a")
try:
    info, data = fetch(updater, "mote-aarch64")
    checks.check("python-tuf's Updater refreshes motectl's repository and downloads the exact image",
                 data == image and info.length == len(image) and info.hashes == {"sha256": digest})
    checks.check("the target's custom fields reach the client",
                 info.custom == {"mote": {"hardware_ids": ["raspberry-pi-4b", "raspberry-pi-5"], "image_version": 7}}, str(info.custom))
except Exception as error:  # noqa: BLE001: any failure is the check's failure
    checks.check("python-tuf's Updater refreshes motectl's repository and downloads the exact image", False, repr(error))

result = run("repo", "resign", repo, "--role", "timestamp", "--key", key("timestamp"))
try:
    updater = client(base, None, "a")
    updater.refresh()
    checks.check("after repo resign --role timestamp the client has timestamp version 3",
                 result.returncode == 0 and updater._trusted_set.timestamp.version == 3, str(updater._trusted_set.timestamp.version))
except Exception as error:  # noqa: BLE001
    checks.check("after repo resign --role timestamp the client has timestamp version 3", False, repr(error))

# -- root rotations: to an Ed25519 and an ECDSA key with threshold 2 ----------------------------
weak = run("repo", "rotate", repo, "--role", "root", "--add-key", pub("root2"), "--threshold", "2", "--sign-with", key("root1"), expect=1)
checks.check("rotate refuses a new root without its own threshold of signatures, writing nothing",
             weak.returncode == 1 and "root (version 2): needs 2 of its 2 keys to sign, 1 given" in weak.stderr
             and not os.path.exists(repo + "/metadata/2.root.json"), weak.stderr)
one = run("repo", "rotate", repo, "--role", "root", "--add-key", pub("root2"), "--threshold", "2", "--sign-with", key("root1"), "--sign-with", key("root2"))
two = run("repo", "rotate", repo, "--role", "root", "--remove-key", made["root1"][:12], "--add-key", pub("root3"),
          "--sign-with", key("root1"), "--sign-with", key("root2"), "--sign-with", key("root3"))
with open(repo + "/metadata/3.root.json") as f:
    root3 = json.load(f)["signed"]
checks.check("two root rotations: 3.root.json has root2 (ecdsa) and root3 (ed25519), threshold 2",
             one.returncode == 0 and two.returncode == 0 and root3["roles"]["root"] == {"keyids": [made["root2"], made["root3"]], "threshold": 2}
             and made["root1"] not in root3["keys"], json.dumps(root3["roles"]["root"]))
for label, session in [("the existing client", client(base, None, "a")), ("a new client trusting 1.root.json", client(base, first_root, "b"))]:
    try:
        session.refresh()
        path = session.download_target(session.get_targetinfo("mote-aarch64"))
        with open(path, "rb") as f:
            checks.check(f"{label} walks root 1 -> 2 -> 3 and downloads the image",
                         session._trusted_set.root.version == 3 and f.read() == image, str(session._trusted_set.root.version))
    except Exception as error:  # noqa: BLE001
        checks.check(f"{label} walks root 1 -> 2 -> 3 and downloads the image", False, repr(error))

def our_client(name, trusted_root, *extra):
    """Our client from TRUSTED_ROOT: init, refresh, download mote-aarch64; (exit status, stderr, image bytes or None)."""
    metadata, targets = os.path.join(work, "ours-" + name, "metadata"), os.path.join(work, "ours-" + name, "targets")
    os.makedirs(metadata), os.makedirs(targets)
    steps = [["--metadata-dir", metadata, "init", trusted_root],
             ["--metadata-url", base + "/metadata/", "--metadata-dir", metadata, "refresh"],
             ["--metadata-url", base + "/metadata/", "--metadata-dir", metadata, "--target-name", "mote-aarch64",
              "--target-dir", targets, "--target-base-url", base + "/targets/", *extra, "download"]]
    for step in steps:
        result = subprocess.run([*ours, *step], capture_output=True, text=True)
        if result.returncode != 0:
            return result.returncode, result.stderr, None
    with open(os.path.join(targets, "mote-aarch64"), "rb") as f:
        return 0, "", f.read()


if ours:
    status, stderr, data = our_client("a", first_root, "--hardware-id", "raspberry-pi-5", "--installed-image-version", "6")
    checks.check("our client walks motectl's root 1 -> 2 -> 3 and downloads the exact image for a raspberry-pi-5 on image 6",
                 status == 0 and data == image, stderr)

# -- a targets key rotated out ------------------------------------------------------------------
result = run("repo", "rotate", repo, "--role", "targets", "--remove-key", made["targets1"], "--add-key", pub("targets2"),
             "--sign-with", key("root2"), "--sign-with", key("root3"))
status = run("repo", "status", repo, expect=1)
checks.check("after rotating the targets key, repo status says the targets metadata is signed only by the old key (exit 1)",
             result.returncode == 0 and status.returncode == 1 and "problem: " in status.stdout and "valid signatures of targets's threshold 1" in status.stdout,
             status.stdout + status.stderr)
try:
    client(base, first_root, "c").refresh()
    checks.check("python-tuf refuses targets metadata signed only by the rotated-out key", False, "refresh succeeded")
except exceptions.UnsignedMetadataError as error:
    checks.check("python-tuf refuses targets metadata signed only by the rotated-out key", "targets" in str(error), str(error))
if ours:
    status, stderr, data = our_client("b", first_root)
    checks.check("our client refuses targets metadata signed only by the rotated-out key (exit 1)",
                 status == 1 and data is None and "targets.json: signed by 0 of the 1 keys its threshold needs" in stderr, stderr)
stale = run("repo", "resign", repo, "--role", "targets", "--key", key("targets1"), "--key", key("snapshot"), "--key", key("timestamp"), expect=1)
checks.check("motectl refuses to sign with the rotated-out key", stale.returncode == 1 and f"key {made['targets1']} is not a key of targets" in stale.stderr, stale.stderr)
result = run("repo", "resign", repo, "--role", "targets", "--key", key("targets2"), "--key", key("snapshot"), "--key", key("timestamp"))
try:
    info, data = fetch(client(base, first_root, "d"), "mote-aarch64")
    checks.check("after repo resign --role targets with the new key, a new client downloads the image", result.returncode == 0 and data == image)
except Exception as error:  # noqa: BLE001
    checks.check("after repo resign --role targets with the new key, a new client downloads the image", False, repr(error))

# A forged update: new targets metadata signed with the revoked key, snapshot and timestamp
# correctly signed by their own keys. The client must refuse it at targets.
def load_signer(name):
    with open(key(name), "rb") as f:
        private = serialization.load_pem_private_key(f.read(), password=None)
    return CryptoSigner(private, SSlibKey.from_crypto(private.public_key()))


forged = os.path.join(work, "forged")
shutil.copytree(repo, forged)
meta = forged + "/metadata"
timestamp = Metadata[Timestamp].from_file(meta + "/timestamp.json")
snapshot = Metadata[Snapshot].from_file(meta + f"/{timestamp.signed.snapshot_meta.version}.snapshot.json")
targets = Metadata[Targets].from_file(meta + f"/{snapshot.signed.meta['targets.json'].version}.targets.json")
targets.signed.version += 1
targets.signed.targets["mote-aarch64"].unrecognized_fields["custom"]["mote"]["image_version"] = 99
targets.sign(load_signer("targets1"), append=False)
targets.to_file(meta + f"/{targets.signed.version}.targets.json", JSONSerializer())
snapshot.signed.version += 1
snapshot.signed.meta["targets.json"] = MetaFile(targets.signed.version)
snapshot.sign(load_signer("snapshot"), append=False)
snapshot.to_file(meta + f"/{snapshot.signed.version}.snapshot.json", JSONSerializer())
timestamp.signed.version += 1
timestamp.signed.snapshot_meta = MetaFile(snapshot.signed.version)
timestamp.sign(load_signer("timestamp"), append=False)
timestamp.to_file(meta + "/timestamp.json", JSONSerializer())
forged_server, forged_base = serve(forged)
try:
    client(forged_base, first_root, "e").refresh()
    checks.check("a forged targets version signed with the revoked key (snapshot and timestamp valid) is refused", False, "refresh succeeded")
except exceptions.UnsignedMetadataError as error:
    checks.check("a forged targets version signed with the revoked key (snapshot and timestamp valid) is refused", "targets" in str(error), str(error))
forged_server.shutdown()

status = run("repo", "status", repo)
checks.check("repo status: every role signed by its threshold, exit 0",
             status.returncode == 0 and "root: version 4," in status.stdout and "2 valid signatures of threshold 2" in status.stdout, status.stdout + status.stderr)
server.shutdown()

# -- a repository made by python-tuf's Metadata API, then extended by motectl ------------------
theirs = os.path.join(work, "theirs")
os.makedirs(theirs + "/metadata")
os.makedirs(theirs + "/targets")
their_keys = {"root": ed25519.Ed25519PrivateKey.generate(), "targets": ec.generate_private_key(ec.SECP256R1()),
              "snapshot": ed25519.Ed25519PrivateKey.generate(), "timestamp": ed25519.Ed25519PrivateKey.generate()}
their_signers = {}
for role, private in their_keys.items():
    their_signers[role] = CryptoSigner(private, SSlibKey.from_crypto(private.public_key()))
    path = key("their-" + role)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
        f.write(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
expires = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=7)
root = Metadata(Root(expires=expires))
for role, signer in their_signers.items():
    root.signed.add_key(signer.public_key, role)
their_image = b"an image python-tuf published\n" * 1000
their_digest = hashlib.sha256(their_image).hexdigest()
with open(theirs + f"/targets/{their_digest}.first", "wb") as f:
    f.write(their_image)
targets = Metadata(Targets(expires=expires))
target = TargetFile.from_data("first", their_image, ["sha256"])
target.unrecognized_fields["custom"] = {"mote": {"hardware_ids": ["raspberry-pi-4b"], "image_version": 3}}
targets.signed.targets["first"] = target
snapshot = Metadata(Snapshot(expires=expires))
timestamp = Metadata(Timestamp(expires=expires))
for role, metadata, name in [("root", root, "1.root.json"), ("targets", targets, "1.targets.json"), ("snapshot", snapshot, "1.snapshot.json"),
                             ("timestamp", timestamp, "timestamp.json")]:
    metadata.sign(their_signers[role])
    metadata.to_file(theirs + "/metadata/" + name, JSONSerializer(compact=False))
shutil.copy(theirs + "/metadata/1.root.json", theirs + "/metadata/root.json")
status = run("repo", "status", theirs)
checks.check("motectl repo status verifies every signature of python-tuf's repository (exit 0)",
             status.returncode == 0 and status.stdout.count("1 valid signature of threshold 1") == 4
             and f"first: 30000 bytes, sha256 {their_digest}, image_version 3, hardware_ids raspberry-pi-4b" in status.stdout, status.stdout + status.stderr)
with open(theirs + "/metadata/1.targets.json") as f:
    document = json.load(f)
document["signed"]["targets"]["first"]["length"] = 30001
with open(theirs + "/metadata/1.targets.json", "w") as f:
    json.dump(document, f)
status = run("repo", "status", theirs, expect=1)
checks.check("motectl repo status finds the signature no longer valid after one field changes",
             status.returncode == 1 and "1.targets.json: 0 valid signatures of targets's threshold 1" in status.stdout, status.stdout)
targets.to_file(theirs + "/metadata/1.targets.json", JSONSerializer(compact=False))
with open(os.path.join(work, "second"), "wb") as f:
    f.write(image)
result = run("repo", "add-target", theirs, os.path.join(work, "second"), "--hardware-id", "raspberry-pi-4b", "--image-version", "4",
             "--key", key("their-targets"), "--key", key("their-snapshot"), "--key", key("their-timestamp"))
server, base = serve(theirs)
try:
    session = client(base, theirs + "/metadata/1.root.json", "f")
    second_info, second = fetch(session, "second")
    with open(session.download_target(session.get_targetinfo("first")), "rb") as f:
        first = f.read()
    checks.check("motectl add-target to python-tuf's repository (its ECDSA targets key): python-tuf's client downloads both images",
                 result.returncode == 0 and first == their_image and second == image
                 and second_info.custom == {"mote": {"hardware_ids": ["raspberry-pi-4b"], "image_version": 4}}, result.stdout + result.stderr)
except Exception as error:  # noqa: BLE001
    checks.check("motectl add-target to python-tuf's repository (its ECDSA targets key): python-tuf's client downloads both images", False,
                 repr(error) + result.stdout + result.stderr)
server.shutdown()

shutil.rmtree(work)
checks.finish()
