#!/usr/bin/env python3
"""Counts what a `mote --jsonl` run on standard input did: sensor samples (one per sensor and
instant, however many channels it has), channel readings, lines, frames and their payload bytes,
the node time of the last event in seconds, and a digest of the whole output, so runs of
different builds can be compared without keeping a million lines on disk.

Usage: mote ... --jsonl | jsonl-summary.py
  ->   "<samples> <readings> <lines> <frames> <payload_bytes> <last_t_s> <sha256>"
"""
import hashlib
import json
import sys


def main():
    samples, readings, lines, frames, payload, last = set(), 0, 0, 0, 0, 0
    digest = hashlib.sha256()
    for line in sys.stdin.buffer:
        digest.update(line)
        lines += 1
        event = json.loads(line)
        last = max(last, event.get("t", 0))
        if event["type"] == "reading":
            readings += 1
            samples.add((event["t"], event["sensor"]))
        elif event["type"] == "frame":
            frames += 1
            payload += event["size"]
    print(len(samples), readings, lines, frames, payload, f"{last / 1000:.0f}", digest.hexdigest())


if __name__ == "__main__":
    main()
