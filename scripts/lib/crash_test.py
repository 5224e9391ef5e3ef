#!/usr/bin/env python3
"""The crash test's loop and checks; see scripts/crash-test for what it checks and why."""
import argparse
import json
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

NODE = """[node]
name = "crash"
board = "simulated"
interval = "1s"

[[sensor]]
id = "air"
driver = "bme280"
bus = "i2c-1"

  [[sensor.channel]]
  name = "temperature"
  filters = []
  frame = {{ id = 1, type = "temperature" }}

  [[sensor.channel]]
  name = "humidity"
  filters = []
  frame = {{ id = 2, type = "humidity" }}

[uplink]
interval = "10s"
transport = "file"
file = "{frames}"

[storage]
queue_limit = 1000
"""

MAGIC = b"MOTEQU1\n"


def read_queue(path, garbage=False):
    """The frames waiting in a queue file, read on its own terms (docs/uplink-queue.md); with
    `garbage`, the bytes after the last good record instead."""
    if not os.path.exists(path):
        return 0 if garbage else []
    data = open(path, "rb").read()
    if len(data) < len(MAGIC):
        return 0 if garbage else []
    assert data[:len(MAGIC)] == MAGIC, f"{path}: no queue magic"
    frames, removed, offset = [], 0, len(MAGIC)
    while offset + 8 <= len(data):
        length, crc = struct.unpack_from("<II", data, offset)
        body = data[offset + 8:offset + 8 + length]
        if length < 1 or len(body) < length or zlib.crc32(body) != crc:
            break  # a torn tail: the node cuts it
        if body[0] == 0x46:
            seq, port, flen = struct.unpack_from("<IBB", body, 1)
            frames.append((seq, body[7 + flen:].hex()))
        elif body[0] == 0x48:
            removed, _dropped, _rejected = struct.unpack_from("<QQQ", body, 1)
        offset += 8 + length
    return len(data) - offset if garbage else frames[removed:]


def torn_record(rng):
    """The first bytes of a frame record, as a crash in the middle of its append leaves them."""
    body = bytes([0x46]) + struct.pack("<IBB", rng.randrange(1 << 32), 1, 10) + b"cayennelpp" + bytes(rng.randrange(256) for _ in range(8))
    record = struct.pack("<II", len(body), zlib.crc32(body)) + body
    return record[:rng.randrange(1, len(record))]


def parse(path):
    accepted, cuts, last_ok = [], [], True
    lines = open(path, "rb").read().split(b"\n")
    for index, raw in enumerate(lines):
        if not raw:
            continue
        try:
            event = json.loads(raw)
        except ValueError:
            if index == len(lines) - 1:
                continue  # the kill came in the middle of the last line
            raise
        if event.get("type") == "frame":
            accepted.append((event["seq"], event["hex"]))
        elif event.get("type") == "warning" and "torn last record" in event["message"]:
            cuts.append(int(event["message"].split("cut ")[1].split(" ")[0]))
    return accepted, cuts


def delivered_lines(path):
    out = []
    if not os.path.exists(path):
        return out
    for raw in open(path, "rb").read().split(b"\n"):
        if raw:
            event = json.loads(raw)
            out.append((event["seq"], event["hex"]))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kills", nargs="?", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--mote", required=True)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)
    rng = random.Random(seed)
    print(f"crash test: seed {seed} (replay: scripts/crash-test {args.kills} --seed {seed})", flush=True)
    work = tempfile.mkdtemp(prefix="mote-crash-")
    frames_path, state = os.path.join(work, "frames.jsonl"), os.path.join(work, "state")
    queue_path = os.path.join(state, "crash.queue")
    node = os.path.join(work, "node.toml")
    open(node, "w").write(NODE.format(frames=frames_path))
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    command = [args.mote, "--config", node, "--board", os.path.join(repo, "boards/simulated.toml"), "--simulate",
               "--state-dir", state, "--jsonl", "--quiet"]
    problems, runs, torn_in, torn_cut = [], [], 0, 0
    started = time.monotonic()
    for run in range(args.kills + 1):
        final = run == args.kills
        if run > 0 and not final and rng.random() < 0.2 and os.path.exists(queue_path):
            with open(queue_path, "ab") as queue:
                queue.write(torn_record(rng))
            torn_in += 1
        # Torn bytes the node must cut: those put in now, and any a run killed before its cut left.
        expected_cut = read_queue(queue_path, garbage=True)
        before = {seq for seq, _ in delivered_lines(frames_path)} | {seq for seq, _ in read_queue(queue_path)}
        for accepted_before, _ in runs:
            before |= {seq for seq, _ in accepted_before}
        out_path = os.path.join(work, f"run-{run}.jsonl")
        with open(out_path, "wb") as out:
            process = subprocess.Popen(command + ["--sim-duration", "10m" if final else "24h"], stdout=out, stderr=subprocess.PIPE)
            if final:
                _, err = process.communicate(timeout=120)
                if process.returncode != 0:
                    problems.append(f"the final run exited {process.returncode}: {err.decode(errors='replace')}")
            else:
                time.sleep(rng.uniform(0.02, 0.4))
                process.send_signal(signal.SIGKILL)
                _, err = process.communicate()
                if process.returncode != -signal.SIGKILL:
                    problems.append(f"run {run} ended by itself ({process.returncode}) before the kill: {err.decode(errors='replace')}")
        accepted, cuts = parse(out_path)
        runs.append((accepted, cuts))
        if cuts:
            if cuts != [expected_cut]:
                problems.append(f"run {run}: {expected_cut} torn bytes were at the queue's end, the node reported cuts {cuts}")
            torn_cut += 1
        elif expected_cut and read_queue(queue_path, garbage=True) not in (0, expected_cut):
            problems.append(f"run {run}: {expected_cut} torn bytes were at the queue's end, and after it {read_queue(queue_path, garbage=True)}")
        if accepted and before and min(seq for seq, _ in accepted) <= max(before):
            problems.append(f"run {run}: first new number {min(seq for seq, _ in accepted)} is not above {max(before)}, possibly used before")
    delivered = delivered_lines(frames_path)
    payload = {}
    reused = 0
    for seq, hexes in delivered:
        if payload.setdefault(seq, hexes) != hexes:
            reused += 1
            problems.append(f"seq {seq} delivered as {payload[seq]} and as {hexes}")
    accepted_all, owner = [], {}
    for run, (accepted, _) in enumerate(runs):
        for seq, hexes in accepted:
            if seq in owner and owner[seq] != run:
                reused += 1
                problems.append(f"seq {seq} accepted in run {owner[seq]} and again in run {run}")
            owner[seq] = run
            accepted_all.append((seq, hexes))
            if seq in payload and payload[seq] != hexes:
                reused += 1
                problems.append(f"seq {seq} accepted as {hexes}, delivered as {payload[seq]}")
    delivered_set = set(delivered)
    lost = [frame for frame in accepted_all if frame not in delivered_set]
    for seq, hexes in lost[:10]:
        problems.append(f"seq {seq} ({hexes}) was accepted and never delivered")
    left = read_queue(queue_path)
    if left:
        problems.append(f"the queue still holds {len(left)} frames after the final run")
    duplicates = len(delivered) - len(delivered_set)
    unreported_seqs = sorted({seq for seq, _ in delivered} - {seq for seq, _ in accepted_all})
    unreported = len(unreported_seqs)
    if os.environ.get("CRASH_DEBUG"):
        print("unreported:", unreported_seqs, "runs:", [(min(s for s, _ in a), max(s for s, _ in a)) if a else None for a, _ in runs])
    print(f"crash test: {torn_in} torn tails put in, {torn_cut} cuts reported (a run killed early leaves its cut to the next); {unreported} frames delivered that no line "
          f"reported accepted (killed inside the append, whose bytes were already in the file, before its line); {time.monotonic() - started:.0f} s")
    for problem in problems[:20]:
        print("FAILED: " + problem)
    print(f"crash test: {args.kills} kills, {len(accepted_all)} accepted, {len(delivered)} delivered, {duplicates} duplicates, "
          f"{len(lost)} lost, {reused} reused")
    if problems:
        print(f"crash test: FAILED (files kept in {work})")
        return 1
    subprocess.run(["rm", "-rf", work])
    return 0


if __name__ == "__main__":
    sys.exit(main())
