"""Smoke tests of the benchmarks: each runs with tiny sizes and prints its RESULT line.

No thresholds: the figures depend on the machine; the benchmarks themselves print the targets.
"""
import re
import subprocess
import sys

import pytest

from bench import BENCHMARKS
from bench.load import LoadPool, Target, build_request
from bench.servers import ROOT, ServerSettings, gunicorn


@pytest.mark.parametrize("name", BENCHMARKS)
def test_each_benchmark_runs_and_prints_its_result_line(name):
    """Each benchmark on its own (as ``python -m bench`` runs them), so a failure names it."""
    proc = subprocess.run([sys.executable, "-m", f"bench.{name}", "--quick"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = re.search(rf"^RESULT {name} ratio=(\d+\.\d+) .*$", proc.stdout, re.M)
    assert found, f"no RESULT line for {name}:\n{proc.stdout}\n{proc.stderr}"
    assert float(found.group(1)) > 0, found.group(0)
    assert " ERROR" not in found.group(0)
    if name == "auth_me":
        assert "target>=0.85" in proc.stdout
    if name == "login":
        assert re.search(r"argon2id m=19456 KiB \(19 MiB\), t=2, p=1", proc.stdout)


@pytest.mark.parametrize("worker_class", ["gthread", "sync"])
def test_load_counts_every_status_over_keep_alive_and_reconnects(worker_class):
    settings = ServerSettings(workers=1, worker_class=worker_class, threads=2)
    with gunicorn("bench.bare_app:app", settings) as port, LoadPool(1, 2) as pool:
        ok = pool.run(Target("127.0.0.1", port, build_request("GET", "/api/v1/me", port)), 0.3)
        missing = pool.run(Target("127.0.0.1", port, build_request("GET", "/nope", port)), 0.3)
    assert ok.ok > 10 and ok.unexpected == 0 and set(ok.statuses) == {200}
    assert missing.ok == 0 and missing.unexpected > 10 and set(missing.statuses) == {404}
    assert missing.rate == 0


def test_the_runner_refuses_an_unknown_benchmark_and_names_the_known_ones():
    proc = subprocess.run([sys.executable, "-m", "bench", "auth_me", "no_such_bench", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "unknown benchmark(s): no_such_bench" in proc.stdout and "footprint" in proc.stdout
