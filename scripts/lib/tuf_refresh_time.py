#!/usr/bin/env python3
"""The time of a TUF refresh that finds no update, for scripts/bench: a repository made by
python-tuf's Metadata API (Tests/peers/tuf_client_peer.py's Repo: consistent snapshots, one
Ed25519 key per role) listing TARGETS Mote images with their custom.mote fields, served by
http.server on loopback. Each client is initialised with the trusted root and refreshed once
(the first refresh fetches everything); then every measured refresh fetches 2.root.json (404)
and timestamp.json and finds nothing new. python-tuf's ngclient is the reference, as a process
(the interpreter's start included) and in-process (only Updater.refresh()).

    python3 scripts/lib/tuf_refresh_time.py RUNS TARGETS NAME=COMMAND...
      COMMAND: a TUF client in the command-line contract ("out/x86_64-embedded/mote tuf-client")

Prints one line per client: "<name>|<first refresh ms>|<median wall ms>|<median cpu ms>|<max rss kb>",
the python-tuf lines last, and "repository|<targets.json bytes>|<files fetched per refresh>".
"""
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "peers"))
import tuf_client_peer as peer  # noqa: E402  (the repository the interop tests use)

from tuf.ngclient import Updater  # noqa: E402

MEASURE = os.path.join(HERE, "measure.py")


def python_refresh(url, metadata):
    # bootstrap=None: trust the root.json already in the metadata directory, as our client does.
    Updater(metadata_dir=metadata, metadata_base_url=url, target_base_url=url, bootstrap=None).refresh()


def fresh_metadata(work, name, repo):
    directory = os.path.join(work, name)
    os.makedirs(directory)
    with open(os.path.join(directory, "root.json"), "wb") as f:
        f.write(repo.root_bytes)
    return directory


def timed(command):
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return (time.monotonic() - started) * 1000


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "--python-refresh":
        python_refresh(sys.argv[2], sys.argv[3])
        return
    runs, count, clients = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    work = tempfile.mkdtemp(prefix="mote-bench-refresh-")
    try:
        repo = peer.Repo(os.path.join(work, "repository"))
        for index in range(count):
            board = ["raspberry-pi-4b", "raspberry-pi-5", "beaglebone-black", "raspberry-pi-zero-2w"][index % 4]
            repo.add_target(f"fleet/mote-{index:04d}", b"image %d" % index,
                            custom={"mote": {"hardware_ids": [board], "image_version": index + 1}})
        repo.publish()
        server = peer.serve(work)
        url = f"http://127.0.0.1:{server.server_address[1]}/repository/metadata/"
        for client in clients:
            name, command = client.split("=", 1)
            metadata = fresh_metadata(work, name.replace(" ", "-"), repo)
            refresh = shlex.split(command) + ["--metadata-url", url, "--metadata-dir", metadata, "refresh"]
            first = timed(refresh)
            out = subprocess.run([sys.executable, MEASURE, str(runs)] + refresh, check=True, capture_output=True, text=True).stdout.split()
            cpu, rss, wall = float(out[0]), int(out[1]), float(out[2])
            print(f"{name}|{first:.1f}|{wall:.1f}|{cpu:.1f}|{rss}")
        metadata = fresh_metadata(work, "python-tuf-process", repo)
        process = [sys.executable, os.path.abspath(__file__), "--python-refresh", url, metadata]
        first = timed(process)
        out = subprocess.run([sys.executable, MEASURE, str(runs)] + process, check=True, capture_output=True, text=True).stdout.split()
        print(f"python-tuf ngclient, a process|{first:.1f}|{float(out[2]):.1f}|{float(out[0]):.1f}|{out[1]}")
        metadata = fresh_metadata(work, "python-tuf-in-process", repo)
        started = time.monotonic()
        python_refresh(url, metadata)
        first = (time.monotonic() - started) * 1000
        walls, cpus = [], []
        for _ in range(runs):
            started, cpu_started = time.monotonic(), time.process_time()
            python_refresh(url, metadata)
            walls.append((time.monotonic() - started) * 1000)
            cpus.append((time.process_time() - cpu_started) * 1000)
        print(f"python-tuf ngclient, in-process|{first:.1f}|{statistics.median(walls):.1f}|{statistics.median(cpus):.1f}|")
        size = os.path.getsize(os.path.join(repo.meta, f"{repo.targets.version}.targets.json"))
        print(f"repository|{size}|2")
        server.shutdown()
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
