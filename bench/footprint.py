"""Footprint of ``make run``: processes and proportional set size (PSS) against the budget.

Starts ``make run``'s supervisor (``python -m ops.run``) on the embedded default, in a var dir of
its own (a fresh temporary one unless ``--var-dir`` names one) at a free port offset, with the
process knobs at their defaults (``AXA_WEB_WORKERS``, ``AXA_WEB_THREADS``,
``AXA_WORKER_CONCURRENCY`` unset) and the vendor clients on the sandbox. Waits until the six apps'
``/health/`` answer 200 and Flower sees every worker group alive, lets the platform settle (beat's
first ticks dispatch vendor polls, the pipeline formats them), then samples the PSS
(``psutil`` ``memory_full_info().pss``) of every process: ops.run's whole tree plus the embedded
PostgreSQL and Redis (daemons outside that tree), per group, and reports the largest total seen.
Then stops everything as Ctrl-C does.

    python -m bench.footprint [--settle SECONDS] [--var-dir DIR] [--quick]
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, suppress
from pathlib import Path

import psutil
import requests

from bench.servers import ROOT

NAME = "footprint"
BUDGET_MIB = 2048
START_TIMEOUT = 300.0  # a fresh var dir: initdb and every subsystem's migrations first
SAMPLE_EVERY = 2.0
FLOWER = ("footprint", "footprint-bench-password")
GROUPS = ("web", "worker", "beat", "flower", "sandbox", "nginx-rtmp", "postgres", "redis", "supervisor")
UNSET = ("AXA_POSTGRES_URL", "AXA_REDIS_URL", "AXA_RESULT_URL", "AXA_BROKER_URL", "AXA_MAIL_URL",
         "AXA_WEB_WORKERS", "AXA_WEB_THREADS", "AXA_WORKER_CONCURRENCY", "AXA_DATABASE_PREFIX")
STARTED = re.compile(r"\b(\S+) started \(pid=(\d+)\)")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.footprint", description=__doc__.split("\n")[0])
    parser.add_argument("--settle", type=float, default=30.0,
                        help="seconds to watch after everything answers (default 30)")
    parser.add_argument("--var-dir", help="the run's var dir (default: a fresh temporary one)")
    parser.add_argument("--budget-mib", type=float, default=BUDGET_MIB, help="PSS budget (default 2048)")
    parser.add_argument("--duration", type=float, help="ignored: the footprint is sampled, not timed")
    parser.add_argument("--quick", action="store_true", help="a short settle, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.settle = 4.0
    return args


def free_offset() -> int:
    """A port offset at which every port of ``ops.run`` is free."""
    import random
    import socket

    from axa.platform.config import PORTS
    from ops.run import FLOWER_PORT, SANDBOX_PORT
    for _ in range(50):
        offset = random.randrange(10_000, 24_000)  # below the ephemeral port range
        with ExitStack() as stack:
            try:
                for port in (*PORTS.values(), FLOWER_PORT, SANDBOX_PORT):
                    stack.enter_context(socket.socket()).bind(("127.0.0.1", port + offset))
            except OSError:
                continue
            return offset
    raise SystemExit("no free port offset")


class Platform:
    """``python -m ops.run`` in its own var dir and port offset, output to a log file."""

    def __init__(self, var_dir: Path, offset: int):
        self.var_dir, self.offset = var_dir, offset
        env = {key: value for key, value in os.environ.items()
               if key not in UNSET and not re.fullmatch(r"AXA_\w+_BASE_URL", key)}
        env.update({"AXA_VAR_DIR": str(var_dir), "AXA_PORT_OFFSET": str(offset),
                    "AXA_FLOWER_USER": FLOWER[0], "AXA_FLOWER_PASSWORD": FLOWER[1]})
        self.log = tempfile.NamedTemporaryFile(prefix="axa-bench-footprint-", suffix=".log")
        self.proc = subprocess.Popen([sys.executable, "-m", "ops.run"], cwd=ROOT, env=env,
                                     stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def urls(self) -> list[str]:
        from axa.platform.config import PORTS
        return [f"http://127.0.0.1:{port + self.offset}/health/" for port in PORTS.values()]

    def workers_alive(self, expected: set[str]) -> bool:
        from ops.run import FLOWER_PORT
        url = f"http://127.0.0.1:{FLOWER_PORT + self.offset}/api/workers?status=1"
        alive = requests.get(url, auth=FLOWER, timeout=5).json()
        return expected <= {name.split("@", 1)[0] for name, up in alive.items() if up}

    def wait_ready(self, expected: set[str]) -> float:
        """Seconds until every app answers 200 and Flower sees every worker group alive."""
        started, pending = time.monotonic(), self.urls()
        while time.monotonic() - started < START_TIMEOUT:
            if self.proc.poll() is not None:
                raise SystemExit(f"ops.run exited with {self.proc.returncode}:\n{self.output()[-5000:]}")
            with suppress(requests.RequestException, ValueError):
                pending = [url for url in pending if requests.get(url, timeout=5).status_code != 200]
                if not pending and self.workers_alive(expected):
                    return time.monotonic() - started
            time.sleep(0.5)  # polling interval, bounded by START_TIMEOUT
        raise SystemExit(f"not ready within {START_TIMEOUT:.0f} s (waiting on {pending or 'Flower'}):\n"
                         f"{self.output()[-5000:]}")

    def stop(self) -> None:
        """Ctrl-C, as a developer stops ``make run``; the embedded servers stop with it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        from ops import embedded
        embedded.stop(self.var_dir)  # a no-op when ops.run stopped them
        self.log.close()


def group_of(process: psutil.Process, roots: dict[int, str]) -> str:
    """The group of the nearest ancestor (or the process itself) that ``roots`` names."""
    with suppress(psutil.Error):
        for candidate in (process, *process.parents()):
            if candidate.pid in roots:
                return roots[candidate.pid]
    return "supervisor"


def roots_of(platform: Platform) -> dict[int, str]:
    """pid -> group of every supervised child (from the supervisor's "<name> started (pid=N)"
    lines: ``web.auth`` -> web, ``worker.sync`` -> worker) and of the embedded servers."""
    from ops import embedded
    roots = {int(pid): name.split(".", 1)[0] for name, pid in STARTED.findall(platform.output())}
    for name, pid in embedded.server_pids(platform.var_dir).items():
        if pid is not None:
            roots[pid] = name
    return roots


def sample(platform: Platform) -> dict[str, list[int]]:
    """group -> the PSS in bytes of each of its processes, right now."""
    roots = roots_of(platform)
    top = psutil.Process(platform.proc.pid)
    processes = {p.pid: p for p in (top, *top.children(recursive=True))}
    for pid in roots:
        with suppress(psutil.Error):
            server = psutil.Process(pid)
            processes.update({p.pid: p for p in (server, *server.children(recursive=True))})
    found: dict[str, list[int]] = {group: [] for group in GROUPS}
    for process in processes.values():
        with suppress(psutil.Error):
            found.setdefault(group_of(process, roots), []).append(process.memory_full_info().pss)
    return found


def watch(platform: Platform, seconds: float) -> dict[str, list[int]]:
    """Samples every SAMPLE_EVERY seconds for ``seconds``; the one with the largest total."""
    deadline, largest = time.monotonic() + seconds, sample(platform)
    while time.monotonic() < deadline:
        time.sleep(SAMPLE_EVERY)
        if platform.proc.poll() is not None:
            raise SystemExit(f"ops.run exited with {platform.proc.returncode}:\n{platform.output()[-5000:]}")
        current = sample(platform)
        if sum(map(sum, current.values())) > sum(map(sum, largest.values())):
            largest = current
    return largest


def report(found: dict[str, list[int]], budget_mib: float) -> None:
    mib = 1024 * 1024
    print(f"   {'group':<11} {'processes':>9} {'PSS MiB':>9}")
    for group, sizes in found.items():
        if sizes:
            print(f"   {group:<11} {len(sizes):>9} {sum(sizes) / mib:>9.1f}")
    processes, total = sum(map(len, found.values())), sum(map(sum, found.values())) / mib
    print(f"   {'total':<11} {processes:>9} {total:>9.1f}   (budget {budget_mib:.0f} MiB)")
    ratio = total / budget_mib
    verdict = "PASS" if ratio <= 1.0 else "OVER"
    groups = " ".join(f"{group}_mib={sum(sizes) / mib:.0f}" for group, sizes in found.items() if sizes)
    print(f"RESULT {NAME} ratio={ratio:.2f} target<=1.0 {verdict} pss_mib={total:.0f} "
          f"budget_mib={budget_mib:.0f} processes={processes} {groups}")


def expected_workers() -> set[str]:
    from celeryconfig import QUEUE_NAMES
    from ops.run import worker_groups
    return set(worker_groups(QUEUE_NAMES))


def measure(args, stack: ExitStack) -> None:
    var_dir = Path(args.var_dir or stack.enter_context(tempfile.TemporaryDirectory(prefix="axa-footprint-")))
    platform = Platform(var_dir.resolve(), free_offset())
    stack.callback(platform.stop)
    ready = platform.wait_ready(expected_workers())
    found = watch(platform, args.settle)
    kinds = Counter(name.split(".", 1)[0] for name, _ in STARTED.findall(platform.output()))
    from bench import environment
    environment.header(NAME, [
        f"python -m ops.run on the embedded default (var dir {var_dir}, port offset {platform.offset}): "
        + ", ".join(f"{count} {kind}" for kind, count in kinds.items()),
        f"ready (six /health/ 200, Flower: every worker group alive) after {ready:.0f} s; the largest "
        f"PSS total of samples every {SAMPLE_EVERY:.0f} s over {args.settle:.0f} s"])
    report(found, args.budget_mib)


def main(argv=None) -> int:
    args = parse_args(argv)
    with ExitStack() as stack:
        measure(args, stack)
    return 0


if __name__ == "__main__":
    with suppress(KeyboardInterrupt):
        sys.exit(main())
