"""``python -m bench [NAME ...] [--quick] [--duration SECONDS]``: every benchmark (or the ones
named, e.g. ``python -m bench auth_me quotes_read ingest footprint``), one after the other.

Each runs in its own process (``python -m bench.<name>``) with the arguments given here; the
``RESULT`` lines are repeated at the end. The exit status is non-zero if a benchmark failed to run
or saw responses it should not have; a ratio below its target is reported, not a failure.
"""
from __future__ import annotations

import subprocess
import sys

from bench import BENCHMARKS
from bench.servers import ROOT


def main(argv: list[str]) -> int:
    names = [arg for arg in argv if arg in BENCHMARKS]
    unknown = [arg for arg in argv if not arg.startswith("-") and arg not in BENCHMARKS
               and not arg.replace(".", "", 1).isdigit()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    argv = [arg for arg in argv if arg not in BENCHMARKS]
    results, failed = [], []
    for name in names or BENCHMARKS:
        proc = subprocess.run([sys.executable, "-m", f"bench.{name}", *argv], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
        sys.stdout.write(proc.stdout)
        sys.stdout.flush()
        results += [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
        if proc.returncode != 0:
            failed.append(f"{name} (exit {proc.returncode})")
    print("== summary ==")
    for line in results:
        print(line)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
