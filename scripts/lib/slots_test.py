#!/usr/bin/env python3
"""The A/B slots end to end with the real `mote` binary; see scripts/slots-test for what is checked."""
import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib

NODE = """[node]
name = "slots"
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

[uplink]
interval = "1s"
transport = "file"
file = "{frames}"
"""

BROKEN = "#!/bin/sh\necho 'broken build: exits at once' >&2\nexit 1\n"

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)
    return condition


class Board:
    """A board's root in a directory, provisioned as scripts/provision leaves it."""

    def __init__(self, work, mote, repo):
        self.root = os.path.join(work, "root")
        self.repo = repo
        opt = os.path.join(self.root, "opt/mote")
        os.makedirs(os.path.join(opt, "slots/a"))
        os.makedirs(os.path.join(opt, "slots/b"))
        os.makedirs(os.path.join(self.root, "var/lib/mote"))
        self.frames = os.path.join(work, "frames.jsonl")
        shutil.copy(mote, os.path.join(opt, "slots/a/mote"))
        self.node = NODE.format(frames=self.frames)
        open(os.path.join(opt, "slots/a/node.toml"), "w").write(self.node)
        os.symlink("slots/a", os.path.join(opt, "current"))
        os.symlink("slots/a", os.path.join(opt, "stable"))

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def link(self, name):
        path = self.path("opt/mote", name)
        return os.readlink(path) if os.path.islink(path) else None

    def guard(self):
        """ExecStartPre=+/opt/mote/stable/mote update guard."""
        run = subprocess.run([self.path("opt/mote/stable/mote"), "update", "guard", "--root", self.root], capture_output=True, text=True)
        check(run.returncode == 0, f"guard exited {run.returncode}: {run.stderr}")
        return run.stdout

    def start(self):
        """ExecStart=/opt/mote/current/mote --config /opt/mote/current/node.toml --state-dir /var/lib/mote
        (a realtime simulated node that stops after one frame instead of running for ever)."""
        current = self.path("opt/mote/current")
        run = subprocess.run([current + "/mote", "--config", current + "/node.toml", "--board", os.path.join(self.repo, "boards/simulated.toml"),
                              "--simulate", "--realtime", "--frames", "1", "--jsonl", "--quiet", "--state-dir", self.path("var/lib/mote")],
                             capture_output=True, text=True, timeout=60)
        return run.returncode

    def supervise(self, limit=10):
        """What systemd does with Restart=on-failure: guard, start, and again while the start fails.
        Returns [(slot started, exit status, guard output)]."""
        starts = []
        for _ in range(limit):
            said = self.guard()
            slot = self.link("current")
            rc = self.start()
            starts.append((slot, rc, said))
            if rc == 0:
                break
        return starts

    def apply(self, image, version):
        return [self.path("opt/mote/stable/mote"), "update", "apply", "--root", self.root, "--image", image, "--version", str(version)] + \
            [arg for name in sorted(os.listdir(image)) for arg in ("--sha256", f"{name}={sha256(os.path.join(image, name))}")]

    def manifest_version(self, slot):
        try:
            return tomllib.loads(open(self.path("opt/mote/slots", slot, "manifest")).read())["version"]
        except (OSError, tomllib.TOMLDecodeError, KeyError):
            return None

    def verifies(self, slot):
        """The slot's files against its manifest, read here with tomllib and hashlib (not by mote)."""
        directory = self.path("opt/mote/slots", slot)
        try:
            manifest = tomllib.loads(open(os.path.join(directory, "manifest")).read())
        except (OSError, tomllib.TOMLDecodeError) as error:
            return f"no readable manifest: {error}"
        names = [entry["name"] for entry in manifest["file"]]
        if "mote" not in names:
            return "no mote in the manifest"
        for entry in manifest["file"]:
            path = os.path.join(directory, entry["name"])
            if not os.path.exists(path):
                return f"{path} missing"
            if os.path.getsize(path) != entry["length"] or sha256(path) != entry["sha256"]:
                return f"{path}: {os.path.getsize(path)} bytes, {sha256(path)}; manifest: {entry['length']}, {entry['sha256']}"
        return None


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def image(work, name, binary, node=None, padding=0):
    directory = os.path.join(work, name)
    os.makedirs(directory)
    path = os.path.join(directory, "mote")
    if binary.startswith("#!"):
        open(path, "w").write(binary)
    else:
        shutil.copy(binary, path)
        if padding:
            open(path, "ab").write(bytes(padding))  # a different image of the same node: the ELF ignores the tail
    os.chmod(path, 0o755)
    if node is not None:
        open(os.path.join(directory, "node.toml"), "w").write(node)
    return directory


def revert(mote, repo):
    """A broken b: 3 failed starts, then the guard goes back to a, whose node runs."""
    work = tempfile.mkdtemp(prefix="mote-slots-revert-")
    board = Board(work, mote, repo)
    first = board.supervise()
    check([(slot, rc) for slot, rc, _ in first] == [("slots/a", 0)], f"the provisioned slot a: starts {first}")
    check("recorded slot a's files" in first[0][2], f"the first guard did not record slot a: {first[0][2]}")
    broken = image(work, "broken", BROKEN)
    run = subprocess.run(board.apply(broken, 2), capture_output=True, text=True)
    check(run.returncode == 0 and board.link("current") == "slots/b", f"apply of the broken image: {run.returncode} {run.stderr}")
    starts = board.supervise()
    b_starts = [s for s in starts if s[0] == "slots/b"]
    check([(slot, rc) for slot, rc, _ in starts] == [("slots/b", 1)] * 3 + [("slots/a", 0)], f"starts after the broken update: {[(s, r) for s, r, _ in starts]}")
    check("reverted slot b after 3 starts without reporting healthy; on slot a" in starts[-1][2], f"the 4th guard said: {starts[-1][2]}")
    check(board.link("current") == "slots/a" and board.link("stable") == "slots/a", f"links after the revert: {board.link('current')}, {board.link('stable')}")
    status = subprocess.run([board.path("opt/mote/current/mote"), "update", "status", "--root", board.root], capture_output=True, text=True).stdout
    check("last:    reverted slot b after 3 starts" in status, f"status after the revert: {status}")
    print(f"slots test: broken image in b: {len(b_starts)} failed starts of b, then the guard reverted to a and a's node ran "
          f"({sum(1 for s in starts if s[0] == 'slots/a' and s[1] == 0)} good start)")
    return work


def confirm(mote, repo):
    """A good b marks itself healthy on its first start; the next guard makes it stable."""
    work = tempfile.mkdtemp(prefix="mote-slots-confirm-")
    board = Board(work, mote, repo)
    board.supervise()
    good = image(work, "good", mote, node=board.node.replace('name = "slots"', 'name = "slots-v2"'), padding=4096)
    run = subprocess.run(board.apply(good, 2), capture_output=True, text=True)
    check(run.returncode == 0, f"apply of the good image: {run.returncode} {run.stderr}")
    starts = board.supervise()
    check([(slot, rc) for slot, rc, _ in starts] == [("slots/b", 0)], f"starts of the good image: {[(s, r) for s, r, _ in starts]}")
    mark = open(board.path("var/lib/mote/health")).read() if os.path.exists(board.path("var/lib/mote/health")) else ""
    check('slot = "b"' in mark, f"no health mark for b after its run: {mark!r}")
    check(board.link("stable") == "slots/a", "stable moved before the guard saw the mark")
    again = board.supervise()  # the next start (a reboot, a restart)
    check("confirmed slot b (version 2): healthy after 1 start" in again[0][2], f"the guard after b's healthy run said: {again[0][2]}")
    check(board.link("stable") == "slots/b" and board.link("current") == "slots/b", f"links after the confirmation: {board.link('current')}, {board.link('stable')}")
    check(not os.path.exists(board.path("var/lib/mote/health")) or 'slot = "b"' in open(board.path("var/lib/mote/health")).read(), "health mark")
    print(f"slots test: good image in b: healthy on its first start, confirmed by the next guard (stable -> {board.link('stable')})")
    return work


def update_check(mote, repo, motectl):
    """`mote update check` against a repository the real motectl made: v2 installed and confirmed,
    v3 (broken) installed and reverted and then not installed again, v4 installed and confirmed."""
    work = tempfile.mkdtemp(prefix="mote-slots-check-")
    board = Board(work, mote, repo)
    updates = os.path.join(work, "updates")
    target = "mote-" + {"arm64": "aarch64", "armv7l": "armv7"}.get(os.uname().machine, os.uname().machine)
    node = board.node + f'\n[update]\nurl = "file://{updates}/metadata"\n'
    open(board.path("opt/mote/slots/a/node.toml"), "w").write(node)
    keys = os.path.join(work, "keys")
    os.mkdir(keys, 0o700)

    def run(command):
        done = subprocess.run(command, capture_output=True, text=True)
        check(done.returncode == 0, f"{' '.join(command)}: exit {done.returncode}: {done.stderr}")
        return done

    for role in ("root", "targets", "snapshot", "timestamp"):
        run([motectl, "keys", "new", "--out", os.path.join(keys, role)])
    run([motectl, "repo", "init", updates] + [arg for role in ("root", "targets", "snapshot", "timestamp")
                                                for arg in (f"--{role}-key", os.path.join(keys, role + ".key"))])
    os.makedirs(board.path("etc/mote/update"))
    shutil.copy(os.path.join(updates, "metadata/1.root.json"), board.path("etc/mote/update/root.json"))
    metadata = [1]  # the repository's metadata version: add-target signs targets, snapshot and timestamp anew

    def publish(directory, version):
        run([motectl, "repo", "add-target", updates, os.path.join(directory, "mote"), "--name", target, "--hardware-id", "simulated",
             "--image-version", str(version)] + [arg for role in ("targets", "snapshot", "timestamp") for arg in ("--key", os.path.join(keys, role + ".key"))])
        metadata[0] += 1
        return os.path.getsize(os.path.join(directory, "mote"))

    checks = []

    def update_check(expected, status=0, first=False):
        """The stable slot's binary checks, as the update timer runs it; stdout must be `expected` exactly."""
        done = subprocess.run([board.path("opt/mote/stable/mote"), "update", "check", "--root", board.root], capture_output=True, text=True)
        v = metadata[0]
        lines = ([f"metadata: {board.path('var/lib/mote-update/metadata')} started from the trusted root {board.path('etc/mote/update/root.json')}"] if first else []) \
            + [f"metadata: timestamp {v}, snapshot {v}, targets {v} (verified)"] + expected
        want = "".join(f"mote update check: {line}\n" for line in lines)
        check(done.returncode == status and done.stdout == want, f"check {len(checks) + 1}: exit {done.returncode}, said:\n{done.stdout}{done.stderr}wanted:\n{want}")
        checks.append(done.returncode)
        return done

    installed = lambda version, slot: [f"installed version {version} into slot {slot}, on trial",
                                       "restart mote.service to start it (systemctl restart mote.service, or check --restart)"]
    downloaded = lambda size: f"{target}: downloaded, {size} bytes, length and sha256 verified"
    board.supervise()
    good = image(work, "v2", mote, padding=4096)
    size = publish(good, 2)
    update_check([f"{target}: image version 2 for simulated, {size} bytes", downloaded(size)] + installed(2, "b"), first=True)
    check(open(board.path("opt/mote/slots/b/node.toml")).read() == node, "slot b did not get the node file in use")
    check(board.manifest_version("b") == 2 and board.verifies("b") is None, f"slot b: version {board.manifest_version('b')}, {board.verifies('b')}")
    starts = board.supervise()
    check([(slot, rc) for slot, rc, _ in starts] == [("slots/b", 0)], f"starts of v2: {[(s, r) for s, r, _ in starts]}")
    again = board.supervise()
    check("confirmed slot b (version 2): healthy after 1 start" in again[0][2], f"the guard after v2's healthy run said: {again[0][2]}")
    update_check([f"{target}: image version 2 for simulated, {size} bytes", "up to date: version 2 installed"])

    size = publish(image(work, "v3", BROKEN), 3)
    update_check([f"{target}: image version 3 for simulated, {size} bytes", downloaded(size)] + installed(3, "a"))
    starts = board.supervise()
    failed = [s for s in starts if s[0] == "slots/a"]
    check([(slot, rc) for slot, rc, _ in starts] == [("slots/a", 1)] * 3 + [("slots/b", 0)], f"starts of v3: {[(s, r) for s, r, _ in starts]}")
    check("reverted slot a after 3 starts without reporting healthy; on slot b" in starts[-1][2], f"the 4th guard said: {starts[-1][2]}")
    update_check([f"{target}: image version 3 for simulated, {size} bytes",
                  "up to date: version 2 installed; version 3 was tried and not kept, so it is not installed again "
                  "(reverted slot a after 3 starts without reporting healthy; on slot b)"])
    check(board.link("current") == "slots/b" and board.manifest_version("a") == 3, "the check after the revert changed the slots")

    size = publish(image(work, "v4", mote, padding=8192), 4)
    update_check([f"{target}: image version 4 for simulated, {size} bytes", downloaded(size)] + installed(4, "a"))
    board.supervise()
    again = board.supervise()
    check("confirmed slot a (version 4): healthy after 1 start" in again[0][2], f"the guard after v4's healthy run said: {again[0][2]}")
    check(not os.path.exists(board.path("var/lib/mote-update/download")), "the download directory was left")
    print(f"slots test: mote update check against a motectl repository: {len(checks)} checks ({checks.count(0)} exit 0): "
          f"v2 installed and confirmed, v3 installed, {len(failed)} failed starts, reverted and not installed again, v4 installed and confirmed")
    return work


HANGS = "#!/bin/sh\n# Starts, looks fine, never becomes healthy.\nexec sleep 3600\n"

SYSTEMCTL = """#!/bin/sh
# A stand-in for systemctl: records its arguments, one call a line.
printf '%s\\n' "$*" >>"$SYSTEMCTL_LOG"
"""


def watch(mote, repo):
    """A b that starts and runs but never marks itself healthy: the guard starts it once (no
    crash, so no second start), and `mote update watch --restart` reverts it once its clock
    passes the timeout after that start, and restarts mote.service (a stand-in systemctl)."""
    work = tempfile.mkdtemp(prefix="mote-slots-watch-")
    board = Board(work, mote, repo)
    board.supervise()
    hangs = image(work, "hangs", HANGS)
    run = subprocess.run(board.apply(hangs, 2), capture_output=True, text=True)
    check(run.returncode == 0 and board.link("current") == "slots/b", f"apply of the hanging image: {run.returncode} {run.stderr}")
    said = board.guard()
    check("slot b on trial: start 1 of 3" in said, f"the guard before b's start said: {said}")
    node = subprocess.Popen([board.path("opt/mote/current/mote")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bin_dir = os.path.join(work, "bin")
    os.makedirs(bin_dir)
    open(os.path.join(bin_dir, "systemctl"), "w").write(SYSTEMCTL)
    os.chmod(os.path.join(bin_dir, "systemctl"), 0o755)
    log = os.path.join(work, "systemctl.log")
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], SYSTEMCTL_LOG=log)

    def run_watch(at):
        return subprocess.run([board.path("opt/mote/stable/mote"), "update", "watch", "--root", board.root, "--time", str(at), "--restart"],
                              capture_output=True, text=True, env=env)

    try:
        state_text = open(board.path("var/lib/mote-update/state")).read()
        started, boot = tomllib.loads(state_text)["started_at"], tomllib.loads(state_text)["started_boot"]
        since_boot = time.clock_gettime(time.CLOCK_BOOTTIME)
        check(abs(started - since_boot) < 60, f"started_at {started} is not the time since boot ({since_boot:.0f})")
        check(boot == open("/proc/sys/kernel/random/boot_id").read().strip(), f"started_boot {boot!r} is not this boot's id")
        early = [run_watch(started + seconds) for seconds in (0, 60, 599)]
        check([(r.returncode, r.stdout, r.stderr) for r in early] == [(0, "", "")] * 3,
              f"watches within the 10 minutes: {[(r.returncode, r.stdout, r.stderr) for r in early]}")
        check(open(board.path("var/lib/mote-update/state")).read() == state_text, "a watch within the timeout changed the state")
        check(node.poll() is None and not os.path.exists(log), "the hanging node stopped, or systemctl ran, before the timeout")
        late = run_watch(started + 600)
        check((late.returncode, late.stdout, late.stderr) ==
              (0, "mote update watch: reverted slot b: not healthy 600 s after its start 1 of 3; on slot a\n", ""),
              f"the watch at the timeout: {late.returncode} {late.stdout!r} {late.stderr!r}")
        calls = open(log).read() if os.path.exists(log) else ""
        check(calls == "restart mote.service\n", f"systemctl calls: {calls!r}")
        check(board.link("current") == "slots/a" and board.link("stable") == "slots/a", f"links after the watch: {board.link('current')}, {board.link('stable')}")
        state = tomllib.loads(open(board.path("var/lib/mote-update/state")).read())
        check((state["trial"], state["starts"], state["started_at"], state["started_boot"], state["result"]) ==
              ("", 0, 0, "", "reverted slot b: not healthy 600 s after its start 1 of 3; on slot a"), f"the state after the watch: {state}")
        again = run_watch(started + 660)
        check((again.returncode, again.stdout, again.stderr) == (0, "", "") and open(log).read() == calls, f"the next watch: {again}")
    finally:
        node.kill()  # what the restart does to it
        node.wait()
    starts = board.supervise()  # mote.service, started again: the stable slot a
    check([(slot, rc) for slot, rc, _ in starts] == [("slots/a", 0)], f"starts after the watch's revert: {[(s, r) for s, r, _ in starts]}")
    check(starts[0][2] == "mote update guard: starting slot a\n", f"the guard after the revert said: {starts[0][2]!r}")
    print("slots test: an image in b that runs without becoming healthy: started once, left alone by watches up to 599 s, "
          "reverted by the watch at 600 s (systemctl restart mote.service), then a's node ran")
    return work


def power_cuts(mote, repo, kills, rng):
    """SIGKILL `mote update apply` at random points; after each, the guard must leave current on
    a slot whose files verify and whose binary runs."""
    work = tempfile.mkdtemp(prefix="mote-slots-cuts-")
    board = Board(work, mote, repo)
    board.supervise()
    images = [image(work, f"image{i}", mote, node=board.node, padding=i * 65536 + 1) for i in range(1, 3)]
    # How long an apply takes, unkilled: the longest of three (the page cache makes them vary).
    took = 0
    for version in (-3, -2, -1):
        started = time.monotonic()
        timed = subprocess.run(board.apply(images[version % 2], version + 4), capture_output=True, text=True)
        took = max(took, time.monotonic() - started)
        check(timed.returncode == 0, f"an apply that is not killed: {timed.stderr}")
        board.guard()
    outcomes = {"finished before the kill": 0, "killed before its first write (starting, checking the stable slot)": 0,
                "killed while copying or checking (the guard removed the .new slot)": 0,
                "killed between moving the old slot aside and the new one in (the guard moved the old one back)": 0,
                "killed with the new slot in place, before the trial was recorded": 0,
                "killed between recording the trial and the switch (the guard abandoned it)": 0,
                "killed after the switch (the new slot on trial)": 0}
    size = os.path.getsize(os.path.join(images[0], "mote"))
    for kill in range(kills):
        command = board.apply(images[kill % 2], kill + 10)
        versions = {slot: board.manifest_version(slot) for slot in "ab"}
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0, took))
        process.send_signal(signal.SIGKILL)
        _, err = process.communicate()
        finished = process.returncode == 0
        if process.returncode not in (0, -signal.SIGKILL):
            check(False, f"kill {kill}: apply exited {process.returncode}: {err.decode(errors='replace')}")
        installed = [slot for slot in "ab" if board.manifest_version(slot) == kill + 10]
        said = board.guard()
        current, stable = board.link("current"), board.link("stable")
        slot = (current or "").removeprefix("slots/")
        if check(slot in ("a", "b"), f"kill {kill}: current -> {current}"):
            problem = board.verifies(slot)
            check(problem is None, f"kill {kill}: current slot {slot} does not verify: {problem}")
            help_run = subprocess.run([board.path("opt/mote/current/mote"), "--help"], capture_output=True)
            check(help_run.returncode == 0 and help_run.stdout.startswith(b"usage: mote"), f"kill {kill}: current/mote --help exited {help_run.returncode}")
        stable_slot = (stable or "").removeprefix("slots/")
        check(stable_slot in ("a", "b") and board.verifies(stable_slot) is None, f"kill {kill}: stable -> {stable} does not verify")
        check(sorted(os.listdir(board.path("opt/mote/slots"))) == ["a", "b"], f"kill {kill}: slots/ holds {os.listdir(board.path('opt/mote/slots'))}")
        check(versions[stable_slot] == board.manifest_version(stable_slot), f"kill {kill}: the stable slot {stable_slot} was written")
        if finished:
            what = "finished before the kill"
        elif "back to" in said:
            what = "killed between moving the old slot aside and the new one in (the guard moved the old one back)"
        elif ".new (an interrupted install)" in said:
            what = "killed while copying or checking (the guard removed the .new slot)"
        elif "abandoned" in said:
            what = "killed between recording the trial and the switch (the guard abandoned it)"
        elif installed and "on trial: start 1" in said:
            what = "killed after the switch (the new slot on trial)" if current == f"slots/{installed[0]}" else "?"
        elif installed:
            what = "killed with the new slot in place, before the trial was recorded"
        else:
            what = "killed before its first write (starting, checking the stable slot)"
        check(what in outcomes, f"kill {kill}: guard said {said!r} after a kill that left slot versions {versions} -> {[board.manifest_version(s) for s in 'ab']}")
        outcomes[what] = outcomes.get(what, 0) + 1
        # Now and then the trial is confirmed, so later applies go to the other slot.
        if current != stable and rng.random() < 0.3:
            open(board.path("var/lib/mote/health"), "w").write(f'slot = "{slot}"\n')
            check("confirmed slot" in board.guard() and board.link("stable") == current, f"kill {kill}: the trial of {slot} was not confirmed")
    print(f"slots test: {kills} kills of `mote update apply` ({size} byte image, an unkilled apply takes {took * 1000:.0f} ms): "
          + ", ".join(f"{count} {what}" for what, count in outcomes.items()))
    return work


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kills", nargs="?", type=int, default=100)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--mote", required=True)
    parser.add_argument("--motectl", required=True)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)
    print(f"slots test: seed {seed} (replay: scripts/slots-test {args.kills} --seed {seed})", flush=True)
    rng = random.Random(seed)
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    mote = os.path.abspath(args.mote)
    works = [revert(mote, repo), confirm(mote, repo), update_check(mote, repo, os.path.abspath(args.motectl)), watch(mote, repo),
             power_cuts(mote, repo, args.kills, rng)]
    for problem in problems[:20]:
        print("FAILED: " + problem)
    if problems:
        print(f"slots test: FAILED, {len(problems)} problems (files kept in {', '.join(works)})")
        return 1
    for work in works:
        shutil.rmtree(work)
    print("slots test: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
