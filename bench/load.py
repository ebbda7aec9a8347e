"""HTTP/1.1 keep-alive load: a small client, and a process pool of clients driving one server.

The client is a raw socket speaking just enough HTTP/1.1 (Content-Length bodies, keep-alive,
reconnect on ``Connection: close``) so that the load generator spends as little CPU per request
as possible on a machine it shares with the servers it measures. Every response's status is
counted; a benchmark must see nothing but the status it expects.
"""
from __future__ import annotations

import re
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)")
START_MARGIN = 0.3  # seconds between dispatching a run and its synchronized start


class ProtocolError(OSError):
    """The server said something this small client does not handle."""


def build_request(method: str, path: str, port: int, headers: dict | None = None,
                  body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "User-Agent: axa-bench",
             "Accept: application/json"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Connection:
    """One persistent connection; ``exchange`` sends a request and returns (status, body)."""

    def __init__(self, host: str, port: int, timeout: float = 30.0):
        self.address, self.timeout = (host, port), timeout
        self.sock: socket.socket | None = None
        self.buf = b""

    def connect(self) -> None:
        self.close()
        self.sock = socket.create_connection(self.address, timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buf = None, b""

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("server closed the connection")
        self.buf += chunk

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.sock is None:
            self.connect()
        self.sock.sendall(request)
        while (end := self.buf.find(b"\r\n\r\n")) < 0:
            self._fill()
        head, self.buf = self.buf[:end].lower(), self.buf[end + 4:]
        found = _CONTENT_LENGTH.search(head)
        if not head.startswith(b"http/1.") or found is None:
            raise ProtocolError(f"unsupported response head: {head[:80]!r}")
        length = int(found.group(1))
        while len(self.buf) < length:
            self._fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        if b"\r\nconnection: close" in head:
            self.close()
        return int(head[9:12]), body


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    request: bytes


def first_answer(target: Target, label: str) -> bytes:
    """One request before measuring: its body, or exit naming the server if it is not a 200."""
    conn = Connection(target.host, target.port)
    try:
        status, body = conn.exchange(target.request)
    finally:
        conn.close()
    if status != 200:
        raise SystemExit(f"{label}: answered {status} before measuring: {body[:300]!r}")
    return body


def add_alternating_arguments(parser) -> None:
    """The arguments of a bench measured with ``measure_alternating`` (``apply_quick`` after)."""
    # 3-second rounds, 8 of them: on a shared 2-core machine the speed of every server swings by
    # 15 % from one round to the next (printed per round), so a ratio needs several pairs
    parser.add_argument("--duration", type=float, default=24.0,
                        help="measured seconds per server, split over the rounds (default 24)")
    parser.add_argument("--rounds", type=int, default=8, help="alternating rounds (default 8)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per server")
    parser.add_argument("--processes", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--connections", type=int, default=CONNECTIONS,
                        help=f"keep-alive connections (default {CONNECTIONS})")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")


# gunicorn's workers take connections as they come: 8 connections split anywhere from 4/4 to 8/0
# between the 2 workers, run to run, and a CPU-bound server's rate with them (the bare Flask app:
# 3,600 or 4,400 req/s); 32 split near evenly, so both servers of a bench are measured fully used.
CONNECTIONS = 32


def apply_quick(args):
    if args.quick:
        args.duration, args.rounds, args.warmup, args.connections = 0.6, 1, 0.3, 4
    return args


@dataclass(frozen=True)
class LoadResult:
    statuses: dict[int, int]  # status -> count; 0 counts transport errors
    seconds: float
    expected: int = 200
    round_rates: tuple[float, ...] = ()  # req/s of each alternating round (measure_alternating)

    @property
    def ok(self) -> int:
        return self.statuses.get(self.expected, 0)

    @property
    def unexpected(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != self.expected)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds > 0 else 0.0


def _sleep_until(moment: float) -> None:
    delay = moment - time.time()
    if delay > 0:
        time.sleep(delay)


def _connection_loop(target: Target, start_at: float, deadline: float, tally: Counter) -> None:
    conn = Connection(target.host, target.port)
    try:
        conn.connect()
    except OSError:
        tally[0] += 1  # reconnects inside the loop
    _sleep_until(start_at)
    while time.time() < deadline:
        try:
            status, _ = conn.exchange(target.request)
        except OSError:
            status = 0
            conn.close()
        tally[status] += 1
    conn.close()


def drive(target: Target, connections: int, start_at: float, duration: float) -> tuple[dict, float]:
    """Run ``connections`` keep-alive clients (threads) until ``start_at + duration``.

    Returns the status counts and the wall-clock time the last client finished."""
    tallies = [Counter() for _ in range(connections)]
    deadline = start_at + duration
    threads = [threading.Thread(target=_connection_loop, args=(target, start_at, deadline, t))
               for t in tallies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return dict(sum(tallies, Counter())), time.time()


def _ready() -> int:
    time.sleep(0.2)
    return 0


class LoadPool:
    """``processes`` client processes sharing ``connections`` keep-alive connections."""

    def __init__(self, processes: int, connections: int):
        if connections < processes:
            raise ValueError("need at least one connection per client process")
        self.processes, self.connections = processes, connections
        self.executor = ProcessPoolExecutor(processes, mp_context=get_context("spawn"))
        for job in [self.executor.submit(_ready) for _ in range(processes)]:
            job.result()

    def __enter__(self) -> LoadPool:
        return self

    def __exit__(self, *exc) -> None:
        self.executor.shutdown()

    def run(self, target: Target, duration: float, expected: int = 200) -> LoadResult:
        share, extra = divmod(self.connections, self.processes)
        start_at = time.time() + START_MARGIN
        jobs = [self.executor.submit(drive, target, share + (i < extra), start_at, duration)
                for i in range(self.processes)]
        results = [job.result() for job in jobs]
        statuses = sum((Counter(s) for s, _ in results), Counter())
        finished = max(end for _, end in results)
        return LoadResult(dict(statuses), finished - start_at, expected)

    def describe(self) -> str:
        return f"{self.processes} client processes x {self.connections} keep-alive connections in all"


def measure_alternating(pool: LoadPool, targets: dict[str, Target], warmup: float, duration: float,
                        rounds: int) -> dict[str, LoadResult]:
    """Warm every target up, then load them in turn for ``rounds`` rounds (``duration`` seconds
    each in all), so machine noise falls on every side alike; totals per target."""
    for target in targets.values():
        pool.run(target, warmup)
    seconds = dict.fromkeys(targets, 0.0)
    statuses: dict[str, Counter] = {name: Counter() for name in targets}
    rates: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, target in targets.items():
            result = pool.run(target, duration / rounds)
            seconds[name] += result.seconds
            statuses[name].update(result.statuses)
            rates[name].append(result.rate)
    return {name: LoadResult(dict(statuses[name]), seconds[name], round_rates=tuple(rates[name]))
            for name in targets}


def report_against_floor(name: str, target: float, results: dict[str, LoadResult], app: str,
                         note: str = "", extra: str = "") -> int:
    """Print each server's rate, ``app`` / "raw drivers" (its raw-driver floor: the same Redis and
    SQL work and JSON encoding without the platform's layers, DESIGN.md §8) against ``target`` and
    ``app`` / "bare Flask", then the RESULT line; 1 when a response was not the expected status
    (the figures are then not valid)."""
    width = max(map(len, results))
    for label, result in results.items():
        print(f"   {label:<{width}} {result.rate:8.1f} req/s   ({result.ok} x 200 in {result.seconds:.1f} s, "
              f"non-200: {result.unexpected})")
    bare, raw, rate = results["bare Flask"].rate, results["raw drivers"].rate, results[app].rate
    ratio, floor = (rate / bare if bare else 0.0), (rate / raw if raw else 0.0)
    errors = sum(result.unexpected for result in results.values())
    verdict = "ERROR" if errors else ("PASS" if floor >= target else "BELOW")
    if errors:
        statuses = {label: result.statuses for label, result in results.items()}
        print(f"   {errors} responses were not 200 ({statuses}): the figures are not valid")
    pairs = zip(results[app].round_rates, results["raw drivers"].round_rates, strict=True)
    rounds = ", ".join(f"{a / r:.2f}" for a, r in pairs if r)
    if rounds:
        print(f"   rounds ({app} / raw drivers in each alternating round): {rounds}")
    print(f"   {app} / raw drivers = {floor:.2f} (target >= {target}: the platform's layers){note}")
    print(f"   {app} / bare Flask = {ratio:.2f}; raw drivers / bare Flask = {raw / bare if bare else 0:.2f} "
          "(the round trips the design requires)")
    print(f"RESULT {name} ratio={floor:.2f} target>={target} {verdict} bare_ratio={ratio:.2f} "
          f"{app}_rps={rate:.0f} raw_rps={raw:.0f} bare_rps={bare:.0f}{extra}")
    return 1 if errors else 0
