"""Peak resident memory of a TUF target download, for a 1 MB and a 1 GB target: a throwaway
python-tuf repository (one Ed25519 key for every role, no consistent snapshots) in a temp dir
under /tmp, the client run under /usr/bin/time -v, the repository and the download removed after.

    python3 scripts/lib/tuf_download_rss.py CLIENT [--plain-paths] [--sizes=MB,MB...] [--runs=N]

CLIENT is .build/debug/mote-tuf-client or "out/x86_64-embedded/mote tuf-client" (a CLIENT with
spaces is split). The repository is given at file:// URLs (libcurl's resumable fetch into the
.part file); --plain-paths gives plain directory paths instead (the chunked file copy). Prints
one line a size, the largest of N runs (default 1):
    target download 1 MB: X MB RSS
    target download 1 GB: Y MB RSS
and exits 1 when a download fails. `measure(client, megabytes)` is the function to call."""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import Metadata, MetaFile, Root, Snapshot, TargetFile, Targets, Timestamp
from tuf.api.serialization.json import JSONSerializer

EXPIRES = datetime(2031, 1, 1, tzinfo=timezone.utc)
CHUNK = 1 << 20


def make_repository(directory, megabytes):
    """The metadata in DIRECTORY/metadata, the target DIRECTORY/targets/big.bin of `megabytes`
    MiB (a random MiB repeated); returns the trusted root's path and the target's SHA-256."""
    metadata_dir = os.path.join(directory, "metadata")
    targets_dir = os.path.join(directory, "targets")
    os.makedirs(metadata_dir)
    os.makedirs(targets_dir)
    block = os.urandom(CHUNK)
    sha256, sha512 = hashlib.sha256(), hashlib.sha512()
    with open(os.path.join(targets_dir, "big.bin"), "wb") as f:
        for _ in range(megabytes):
            f.write(block)
            sha256.update(block)
            sha512.update(block)
    signer = CryptoSigner.generate_ed25519()
    root = Root(expires=EXPIRES, consistent_snapshot=False)
    for role in ("root", "targets", "snapshot", "timestamp"):
        root.add_key(signer.public_key, role)
    targets = Targets(expires=EXPIRES)
    targets.targets["big.bin"] = TargetFile(megabytes * CHUNK, {"sha256": sha256.hexdigest(), "sha512": sha512.hexdigest()}, "big.bin")
    serializer = JSONSerializer(compact=False)

    def write(name, signed):
        metadata = Metadata(signed)
        metadata.sign(signer)
        data = metadata.to_bytes(serializer)
        with open(os.path.join(metadata_dir, name), "wb") as f:
            f.write(data)
        return data

    root_bytes = write("root.json", root)
    write("1.root.json", root)
    targets_bytes = write("targets.json", targets)
    snapshot = Snapshot(expires=EXPIRES)
    snapshot.meta["targets.json"] = MetaFile(1, len(targets_bytes))
    snapshot_bytes = write("snapshot.json", snapshot)
    timestamp = Timestamp(expires=EXPIRES)
    timestamp.snapshot_meta = MetaFile(1, len(snapshot_bytes))
    write("timestamp.json", timestamp)
    trusted = os.path.join(directory, "trusted-root.json")
    with open(trusted, "wb") as f:
        f.write(root_bytes)
    return trusted, sha256.hexdigest()


def measure(client, megabytes, plain_paths=False):
    """Peak RSS in MB (1024 kB, as scripts/bench's other figures; /usr/bin/time reports kB) of `client ... download` of a
    target of `megabytes` MiB; raises RuntimeError when the download fails or is wrong."""
    command = client.split() if isinstance(client, str) else list(client)
    directory = tempfile.mkdtemp(prefix="mote-tuf-rss-", dir="/tmp")
    try:
        trusted, digest = make_repository(directory, megabytes)
        local = os.path.join(directory, "client")
        metadata, downloads = os.path.join(local, "metadata"), os.path.join(local, "downloads")
        os.makedirs(metadata)
        os.makedirs(downloads)
        base = "" if plain_paths else "file://"
        init = subprocess.run(command + ["--metadata-dir", metadata, "init", trusted], capture_output=True)
        if init.returncode != 0:
            raise RuntimeError("init: " + init.stderr.decode(errors="replace"))
        run = subprocess.run(["/usr/bin/time", "-v"] + command + [
            "--metadata-url", base + os.path.join(directory, "metadata"), "--metadata-dir", metadata,
            "--target-name", "big.bin", "--target-dir", downloads, "--target-base-url", base + os.path.join(directory, "targets"),
            "download"], capture_output=True)
        err = run.stderr.decode(errors="replace")
        if run.returncode != 0:
            raise RuntimeError("download: " + err)
        got = os.path.join(downloads, "big.bin")
        if os.path.getsize(got) != megabytes * CHUNK or os.path.exists(got + ".part"):
            raise RuntimeError("download: %s is not the target" % got)
        with open(got, "rb") as f:
            if hashlib.file_digest(f, "sha256").hexdigest() != digest:
                raise RuntimeError("download: %s is not the target (its SHA-256 differs)" % got)
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
        if not found:
            raise RuntimeError("no maximum resident set size from /usr/bin/time: " + err)
        return int(found.group(1)) / 1024
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def label(megabytes):
    return "%d GB" % (megabytes // 1024) if megabytes >= 1024 and megabytes % 1024 == 0 else "%d MB" % megabytes


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    plain = "--plain-paths" in argv
    sizes, runs = [1, 1024], 1
    for a in argv:
        if a.startswith("--sizes="):
            sizes = [int(s) for s in a.split("=", 1)[1].split(",")]
        if a.startswith("--runs="):
            runs = int(a.split("=", 1)[1])
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    failed = False
    for megabytes in sizes:
        try:
            largest = max(measure(args[0], megabytes, plain) for _ in range(runs))
            print("target download %s: %.2f MB RSS" % (label(megabytes), largest), flush=True)
        except RuntimeError as error:
            print("target download %s: failed: %s" % (label(megabytes), error), file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
