"""The "ok NAME" / "FAILED NAME detail" lines and the "TITLE: N passed, M failed" summary that
every peer check prints, and scripts/test reads."""
import sys


class Checks:
    def __init__(self, title):
        self.title = title
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok     {name}")
        else:
            self.failed += 1
            print(f"FAILED {name} {detail}".rstrip())

    def finish(self):
        """Prints the summary and exits: 1 on any failure, or when nothing was checked."""
        print(f"{self.title}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed or not self.passed else 0)
