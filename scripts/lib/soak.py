#!/usr/bin/env python3
"""The soak's schedule, runs and checks; see scripts/soak for what it checks and why."""
import argparse
import json
import math
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "Tests", "peers"))
from peer_checks import Checks  # noqa: E402

NODE = os.path.join(REPO, "scripts/reference/soak-node.toml")
BOARD = os.path.join(REPO, "scripts/reference/boards/soak-simulated.toml")
MS_DAY, MS_H, MS_M = 86_400_000, 3_600_000, 60_000
PAYLOAD_LIMIT = 51  # EU868 DR2
# The node file's sensors: id -> (event name, drop-out fault, sample interval in ms).
SENSORS = {
    "air": ("bme280@0x76", "nak", MS_M),
    "enclosure": ("sht4x@0x44", "nak", MS_M),
    "pm": ("pms5003@sim-pms5003", "silence", 5 * MS_M),
    "meter": ("modbus:1@sim-modbus", "silence", MS_M),
    "door": ("input:door", "chip-lost", 5 * MS_M),
}
BACKOFF_MS = 64_000
MODEM_KINDS = ["silence", "busy", "garbage", "silence", "duty-cycle"]
MAGIC = b"MOTEQU1\n"


def duration(ms):
    """Node-file duration text of a whole number of seconds."""
    s = ms // 1000
    out = ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if s >= size:
            out += f"{s // size}{unit}"
            s %= size
    return out or "0s"


def read_queue(path):
    """(frames waiting as (seq, hex), dropped, rejected) read from the queue file on its own terms
    (docs/uplink-queue.md), as scripts/lib/crash_test.py does."""
    if not os.path.exists(path):
        return [], 0, 0
    data = open(path, "rb").read()
    assert data[:len(MAGIC)] == MAGIC, f"{path}: no queue magic"
    frames, removed, dropped, rejected, offset = [], 0, 0, 0, len(MAGIC)
    while offset + 8 <= len(data):
        length, crc = struct.unpack_from("<II", data, offset)
        body = data[offset + 8:offset + 8 + length]
        if length < 1 or len(body) < length or zlib.crc32(body) != crc:
            break
        if body[0] == 0x46:
            seq, _port, flen = struct.unpack_from("<IBB", body, 1)
            frames.append((seq, body[7 + flen:].hex()))
        elif body[0] == 0x48:
            removed, dropped, rejected = struct.unpack_from("<QQQ", body, 1)
        offset += 8 + length
    return frames[removed:], dropped, rejected


def schedule(rng, days):
    """Fault windows (target, fault, from_ms, until_ms), none on the last day, none overlapping per target."""
    end = (days - 1) * MS_DAY
    windows = []

    def place(target, fault, count, shortest, longest):
        taken = [w for w in windows if w[0] == target]
        placed = 0
        while placed < count:
            length = rng.randrange(shortest, longest + 1, MS_M)
            start = rng.randrange(MS_H, end - length, MS_M)
            if any(start < b + MS_H and a < start + length + MS_H for _, _, a, b in taken):
                continue
            taken.append((target, fault, start, start + length))
            windows.append(taken[-1])
            placed += 1

    for target, (_, fault, _) in SENSORS.items():
        place(target, fault, rng.choice([3, 4]), 10 * MS_M, 6 * MS_H)
    place("pm", "garbage", 3, 2 * MS_H, 8 * MS_H)
    for kind in MODEM_KINDS:
        place("modem", kind, 1, 3 * MS_H, 20 * MS_H)
    return sorted(windows, key=lambda w: (w[2], w[0]))


def segments(rng, days):
    """Planned (start_ms, end_ms, killed) spans: 0-10 days, then 12 h to 3 days each; the last one is not killed."""
    first = min(10, days) * MS_DAY
    plan = [(0, first, False)]
    at = first
    while at < days * MS_DAY:
        length = rng.randrange(MS_DAY // 2, 3 * MS_DAY + 1, MS_M)
        stop = min(at + length, days * MS_DAY)
        if days * MS_DAY - stop < MS_DAY:
            stop = days * MS_DAY
        plan.append((at, stop, stop < days * MS_DAY and rng.random() < 0.6))
        at = stop
    return plan


def proc_status(pid):
    try:
        fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


def last_time(path):
    """The `t` of the last whole line of a run's output (0 when there is none)."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 4096))
        tail = f.read().split(b"\n")
    for raw in reversed(tail[:-1]):
        try:
            return json.loads(raw)["t"]
        except (ValueError, KeyError):
            continue
    return None


def run_segment(mote, common, start, end, kill_after, out_path, sample):
    """Runs one segment; returns (exit status, peak VmHWM KB, [(t, VmRSS KB)], stderr)."""
    command = [mote] + common + ["--sim-start", duration(start), "--sim-duration", duration(end - start)]
    samples, peak = [], 0
    with open(out_path, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        began = time.monotonic()
        while True:
            pid, status = os.waitpid(process.pid, os.WNOHANG)
            if pid:
                break
            if kill_after is not None and time.monotonic() - began >= kill_after:
                process.send_signal(signal.SIGKILL)
                _, status = os.waitpid(process.pid, 0)
                break
            reading = proc_status(process.pid)
            if reading:
                peak = max(peak, reading[1])
                if sample:
                    t = last_time(out_path)
                    if t is not None:
                        samples.append((t, reading[0]))
            time.sleep(0.02 if sample else 0.005)
        process.returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        err = process.stderr.read().decode(errors="replace")
    # Not wait4's ru_maxrss: it keeps the size of the fork of this (large) Python process
    # before the exec. VmHWM belongs to mote's own address space.
    return process.returncode, peak, samples, err


def parse(path):
    events = []
    lines = open(path, "rb").read().split(b"\n")
    for index, raw in enumerate(lines):
        if not raw:
            continue
        try:
            events.append(json.loads(raw))
        except ValueError:
            if index != len(lines) - 1:
                raise  # only a kill's last line may be cut short
    return events


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mote", required=True)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    checks = Checks("soak")
    wall_started = time.monotonic()
    work = tempfile.mkdtemp(prefix="mote-soak-")
    state = os.path.join(work, "state")
    queue_path = os.path.join(state, "soak.queue")
    faults = schedule(rng, args.days)
    plan = segments(rng, args.days)
    faults_path = os.path.join(work, "faults.txt")
    with open(faults_path, "w") as f:
        f.write(f"# scripts/soak --seed {args.seed}: TARGET FAULT FROM UNTIL\n")
        for target, fault, a, b in faults:
            f.write(f"{target:10} {fault:12} {duration(a):12} {duration(b)}\n")
    print(f"soak: seed {args.seed}, {len(faults)} fault windows, {len(plan)} segments, in {work}", flush=True)
    for target, fault, a, b in faults:
        print(f"  fault  {target:10} {fault:12} {a / MS_DAY:7.3f} d .. {b / MS_DAY:7.3f} d")
    common = ["--config", NODE, "--board", BOARD, "--simulate", "--state-dir", state, "--jsonl", "--quiet", "--faults", faults_path]

    # Run the segments. A killed one is replaced by a fresh one a minute after its last line.
    runs = []  # dicts: start, end, killed, events, maxrss, queue_before, queue_after
    rate = None  # wall seconds per simulated day, from segment 0
    planned = list(plan)
    index = 0
    start = 0
    while index < len(planned):
        _, end, kill = planned[index]
        before = read_queue(queue_path)
        kill_after = None
        if kill and rate:
            kill_after = rng.uniform(0.15, 0.85) * rate * (end - start) / MS_DAY
        out_path = os.path.join(work, f"segment-{len(runs)}.jsonl")
        began = time.monotonic()
        status, maxrss, samples, err = run_segment(args.mote, common, start, end, kill_after, out_path, sample=len(runs) == 0)
        took = time.monotonic() - began
        if len(runs) == 0:
            rate = took / ((end - start) / MS_DAY)
        killed = status == -signal.SIGKILL
        events = parse(out_path)
        after = read_queue(queue_path)
        runs.append(dict(start=start, end=end, killed=killed, events=events, maxrss=maxrss, samples=samples,
                         before=before, after=after, status=status, err=err, wall=took))
        print(f"  segment {len(runs) - 1:2}: {start / MS_DAY:7.3f} d .. {end / MS_DAY:7.3f} d  "
              + (f"killed at {max([e['t'] for e in events] or [start]) / MS_DAY:7.3f} d" if killed else f"exit {status}")
              + f"  {took:5.2f} s  peak RSS {maxrss} KB", flush=True)
        if killed:
            # The rest of the span runs to its end: one kill per planned segment.
            last = last_time(out_path)
            start = (math.ceil((last if last is not None else start) / 1000) * 1000) + MS_M
            planned[index] = (start, end, False)
            if start >= end:  # killed in its last minute: go on with the next span
                index += 1
        else:
            if status != 0:
                break
            start = end
            index += 1
    wall = time.monotonic() - wall_started

    # Per segment accounting.
    checks.check("every segment ended by itself (exit 0) or by its SIGKILL",
                 all(r["status"] == 0 or r["killed"] for r in runs),
                 "; ".join(f"segment {i}: {r['status']} {r['err'][:300]}" for i, r in enumerate(runs) if not (r["status"] == 0 or r["killed"])))
    totals = dict(accepted=0, sent_node=0, sent_inferred=0, dropped=0, rejected=0)
    problems = []
    all_seqs, sizes = [], []
    unreported = 0
    for i, r in enumerate(runs):
        frames = [e for e in r["events"] if e["type"] == "frame"]
        drops = [e for e in r["events"] if e["type"] == "warning" and e["message"].startswith("uplink queue full")]
        summary = [e for e in r["events"] if e["type"] == "uplink"]
        queued_before, dropped_before, rejected_before = r["before"]
        queued_after, dropped_after, rejected_after = r["after"]
        seen = {e["seq"] for e in frames}
        # Frames a kill left in the queue that no line reported: accepted, not announced.
        missing = [seq for seq, _ in queued_after if seq not in seen and seq not in {s for s, _ in queued_before}]
        accepted = len(frames) + len(missing)
        unreported += len(missing)
        dropped = dropped_after - dropped_before
        rejected = rejected_after - rejected_before
        all_seqs += [e["seq"] for e in frames] + missing
        sizes += [(e["seq"], e["size"], len(e["hex"]) // 2) for e in frames]
        if r["killed"]:
            if summary:
                problems.append(f"segment {i}: killed, yet an uplink summary")
            sent = len(queued_before) + accepted - dropped - rejected - len(queued_after)
            if sent < 0 or not (len(drops) <= dropped <= len(drops) + len(missing)):
                problems.append(f"segment {i} (killed): carried {len(queued_before)} + accepted {accepted} - dropped {dropped} "
                                f"(warned {len(drops)}) - rejected {rejected} - queued {len(queued_after)} = sent {sent}")
            totals["sent_inferred"] += max(sent, 0)
        else:
            if len(summary) != 1:
                problems.append(f"segment {i}: {len(summary)} uplink summaries")
                continue
            s = summary[0]
            want = dict(accepted=len(frames), dropped=len(drops), queued=len(queued_after), carried=len(queued_before),
                        dropped_total=dropped_after, rejected_total=rejected_after, rejected=rejected)
            got = {k: s[k] for k in want}
            if got != want or missing:
                problems.append(f"segment {i}: summary {got}, lines and queue file say {want}, unreported {missing}")
            if s["carried"] + s["accepted"] != s["sent"] + s["dropped"] + s["rejected"] + s["queued"]:
                problems.append(f"segment {i}: carried {s['carried']} + accepted {s['accepted']} != sent {s['sent']} + dropped "
                                f"{s['dropped']} + rejected {s['rejected']} + queued {s['queued']}")
            totals["sent_node"] += s["sent"]
        totals["accepted"] += accepted
        totals["dropped"] += dropped
        totals["rejected"] += rejected
    checks.check("queue accounting exact in every segment (carried + accepted = sent + dropped + rejected + queued; "
                 "summary = frame lines, drop warnings and the queue file)", not problems, "; ".join(problems[:5]))
    final_queued, final_dropped, final_rejected = runs[-1]["after"][0], runs[-1]["after"][1], runs[-1]["after"][2]
    sent = totals["sent_node"] + totals["sent_inferred"]
    checks.check("queue accounting exact over the whole soak (accepted = sent + queued + dropped + rejected; drops = the queue's count)",
                 totals["accepted"] == sent + len(final_queued) + totals["dropped"] + totals["rejected"]
                 and totals["dropped"] == final_dropped and totals["rejected"] == final_rejected,
                 f"{totals}, queued {len(final_queued)}, queue file dropped {final_dropped} rejected {final_rejected}")
    checks.check("the queue is empty at the end", not final_queued, f"{len(final_queued)} frames left")
    checks.check("frames were dropped (an outage filled the queue) and counted", totals["dropped"] > 0)
    increasing = all(b > a for a, b in zip(all_seqs, all_seqs[1:]))
    checks.check("frame counters strictly increasing across all segments (gaps after kills, never a reuse)",
                 increasing and len(all_seqs) > 0,
                 str([(a, b) for a, b in zip(all_seqs, all_seqs[1:]) if b <= a][:5]))
    gaps = sum(1 for a, b in zip(all_seqs, all_seqs[1:]) if b > a + 1)
    too_big = [s for s in sizes if s[1] > PAYLOAD_LIMIT or s[1] != s[2]]
    checks.check(f"no frame above the {PAYLOAD_LIMIT}-byte payload limit", not too_big, str(too_big[:5]))

    # Sensors: ok again after each window; never degraded outside one; garbage copes.
    covered = [(r["start"], max([e["t"] for e in r["events"]] or [r["start"]]) if r["killed"] else r["end"]) for r in runs]
    recovery_problems, checked_windows, across_restart = [], 0, 0
    for target, fault, a, b in faults:
        if target == "modem" or fault == "garbage":
            continue
        name, _, interval = SENSORS[target]
        bound = b + max(interval, BACKOFF_MS) + 2_000
        run = next((r for r, (s, e) in zip(runs, covered) if s <= b and bound <= e), None)
        if run is None:
            across_restart += 1
            continue
        states = [e for e in run["events"] if e["type"] == "sensor" and e["sensor"] == name and e["t"] <= bound]
        degraded_in = [e for e in states if e["state"] == "degraded" and a <= e["t"] < b]
        if run["start"] < b - interval and not degraded_in:
            recovery_problems.append(f"{target} {fault} {a}..{b}: never degraded")
        if not states or states[-1]["state"] != "ok":
            recovery_problems.append(f"{target} {fault} {a}..{b}: not ok by {bound} (last: {states[-1] if states else None})")
        checked_windows += 1
    for r in runs:
        for e in r["events"]:
            if e["type"] == "sensor" and e["state"] == "degraded":
                target = next(t for t, v in SENSORS.items() if v[0] == e["sensor"])
                if not any(w[0] == target and w[1] != "garbage" and w[2] <= e["t"] < w[3] for w in faults):
                    recovery_problems.append(f"{target} degraded at {e['t']} outside its fault windows: {e.get('error')}")
    checks.check(f"every sensor ok again within interval + 64 s after each of its {checked_windows} fault windows in one segment "
                 f"({across_restart} ended across a restart), never degraded outside them, not by garbage on its line",
                 not recovery_problems and checked_windows > 0, "; ".join(recovery_problems[:5]))

    modem_problems = []
    for target, fault, a, b in faults:
        if target != "modem":
            continue
        for r, (s, e) in zip(runs, covered):
            if s <= a and b <= e:
                warned = [x for x in r["events"] if x["type"] == "warning" and x["message"].startswith("uplink:") and a <= x["t"] < b]
                if not warned:
                    modem_problems.append(f"modem {fault} {a}..{b}: no uplink warning in the window")
    for i, r in enumerate(runs):
        if r["killed"]:
            continue
        if all(r["end"] - w[3] >= 6 * MS_H or w[2] >= r["end"] for w in faults if w[0] == "modem") and r["after"][0]:
            modem_problems.append(f"segment {i}: {len(r['after'][0])} frames queued at its end, 6 h after the last modem window")
    checks.check("the modem warns in each of its fault windows, and the queue drains after each",
                 not modem_problems, "; ".join(modem_problems[:5]))

    # Memory: the first day of segment 0 against its last day, and every segment's peak.
    first = runs[0]
    day1 = [rss for t, rss in first["samples"] if t < first["start"] + MS_DAY]
    last = [rss for t, rss in first["samples"] if t >= first["end"] - MS_DAY]
    rss1, rss2 = (max(day1) if day1 else 0), (max(last) if last else 0)
    checks.check("resident memory flat: segment 0's largest VmRSS on its last day within 512 KiB of its first day's",
                 day1 and last and rss2 <= rss1 + 512, f"first day {rss1} KB ({len(day1)} samples), last day {rss2} KB ({len(last)} samples)")
    peaks = [r["maxrss"] for r in runs]
    checks.check("every segment's peak RSS (VmHWM) within 1 MiB of segment 0's", all(p <= first["maxrss"] + 1024 for p in peaks), str(peaks))

    samples = sum(1 for r in runs for e in r["events"] if e["type"] == "frame")
    kills = sum(1 for r in runs if r["killed"])
    print(f"soak: {args.days} days, {len(runs)} segments ({kills} killed), {len(faults)} fault windows, "
          f"{totals['accepted']} frames accepted, {sent} sent ({totals['sent_node']} counted by the node, {totals['sent_inferred']} "
          f"by the queue file in killed runs), {len(final_queued)} queued, {totals['dropped']} dropped, {totals['rejected']} rejected, "
          f"{unreported} accepted without a line (killed before it), {gaps} counter gaps, "
          f"max RSS first day {rss1} KB, last day {rss2} KB, wall time {wall:.1f} s")
    if checks.failed:
        print(f"soak: FAILED (files kept in {work})")
    else:
        subprocess.run(["rm", "-rf", work])
    checks.finish()


if __name__ == "__main__":
    main()
