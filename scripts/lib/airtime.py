#!/usr/bin/env python3
"""LoRaWAN uplink airtimes for the bench, from Tests/peers/airtime_reference.py (the SX1276
datasheet formula in exact fractions, independent of the Swift code).

Usage: airtime.py LINK DR BYTES...   ->   one line: the airtime in ms of each payload size
"""
import contextlib
import io
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "peers"))


def reference():
    # The peer runs its main() on import: with no arguments it prints its Swift block, kept out here.
    argv, sys.argv = sys.argv, [sys.argv[0]]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import airtime_reference
    finally:
        sys.argv = argv
    return airtime_reference


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    peer = reference()
    link, dr = sys.argv[1], int(sys.argv[2])
    print(" ".join(f"{peer.uplink_us(link, dr, int(size)) / 1000:.1f}" for size in sys.argv[3:]))


if __name__ == "__main__":
    main()
