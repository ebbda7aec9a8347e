"""Login cost against raw argon2: ``POST /api/v1/auth/login`` through gunicorn over HTTP.

1. Latency: sequential logins over one keep-alive connection, interleaved with in-process
   ``PasswordHasher.verify`` calls on the same stored hash (same parameters); medians of each.
   Login overhead ratio = raw verify time / login time (1.0 would mean the hash is all it costs).
2. Throughput: concurrent clients against the auth app (gunicorn, 2 workers) for a fixed time;
   logins/s against the ideal of ``cores / raw verify time``, and against raw verifies run in
   ``cores`` processes at once for the same time (measured, so it shares the machine's load and
   memory bandwidth with the logins it is compared to).

Argon2id parameters come from the settings (security.md decision 14: m=19 MiB, t=2, p=1 unless
``AXA_ARGON2_*`` say otherwise). The login limits are raised for the run so that nothing is 429;
the limiter itself still runs on every login.

    python -m bench.login [--samples N] [--duration SECONDS] [--quick]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from bench import environment
from bench.load import START_MARGIN, Connection, LoadPool, LoadResult, Target, build_request
from bench.servers import add_server_arguments, gunicorn, settings_from

NAME = "login"
PATH = "/api/v1/auth/login"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.login", description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=30, help="sequential logins (default 30)")
    parser.add_argument("--duration", type=float, default=10.0,
                        help="seconds of concurrent logins (default 10)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds of load")
    parser.add_argument("--processes", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--cores", type=int, default=2, help="cores of the ideal (default 2)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    add_server_arguments(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.samples, args.duration, args.warmup, args.connections = 5, 1.0, 0.3, 4
    return args


def argon2_lines(user: environment.BenchUser) -> tuple[object, list[str]]:
    """The hasher the settings configure, and a description checked against the stored hash."""
    from argon2 import PasswordHasher, extract_parameters

    from axa.platform.config import load_settings
    s = load_settings()
    hasher = PasswordHasher(time_cost=s.argon2_time_cost, memory_cost=s.argon2_memory_kib,
                            parallelism=s.argon2_parallelism)
    stored = extract_parameters(user.password_hash)
    if (stored.time_cost, stored.memory_cost, stored.parallelism) != (
            s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism):
        raise SystemExit(f"stored hash parameters {stored} differ from the settings")
    return hasher, [f"argon2id m={s.argon2_memory_kib} KiB ({s.argon2_memory_kib / 1024:g} MiB), "
                    f"t={s.argon2_time_cost}, p={s.argon2_parallelism} (stored hash: {stored.type.name}, "
                    f"m={stored.memory_cost}, t={stored.time_cost}, p={stored.parallelism})"]


def latency(port: int, request: bytes, hasher, user, samples: int) -> tuple[list[float], list[float]]:
    """Sequential login and raw verify timings, interleaved so both see the same machine."""
    conn = Connection("127.0.0.1", port)
    logins, raws = [], []
    try:
        for _ in range(samples + 2):  # the first two warm both paths up
            started = time.perf_counter()
            hasher.verify(user.password_hash, user.password)
            raws.append(time.perf_counter() - started)
            started = time.perf_counter()
            status, body = conn.exchange(request)
            logins.append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"login answered {status}: {body[:300]!r}")
    finally:
        conn.close()
    return logins[2:], raws[2:]


def _verify_until(password_hash: str, password: str, params: tuple, start_at: float,
                  deadline: float) -> tuple[int, float]:
    from argon2 import PasswordHasher
    time_cost, memory_cost, parallelism = params
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    done = 0
    time.sleep(max(0.0, start_at - time.time()))
    while time.time() < deadline:
        hasher.verify(password_hash, password)
        done += 1
    return done, time.time()


def parallel_verifies(hasher, user, processes: int, duration: float) -> float:
    """Raw verifies per second with ``processes`` processes verifying at once."""
    params = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as pool:
        start_at = time.time() + START_MARGIN + 0.5  # processes spawn first
        jobs = [pool.submit(_verify_until, user.password_hash, user.password, params, start_at,
                            start_at + duration) for _ in range(processes)]
        results = [job.result() for job in jobs]
    return sum(n for n, _ in results) / (max(end for _, end in results) - start_at)


def report(logins: list[float], raws: list[float], load: LoadResult, parallel: float, args) -> int:
    login_ms, raw_ms = statistics.median(logins) * 1e3, statistics.median(raws) * 1e3
    overhead = raw_ms / login_ms
    ideal = args.cores / (raw_ms / 1e3)
    efficiency = load.rate / ideal
    print(f"   sequential ({len(logins)} samples): login median {login_ms:.1f} ms "
          f"(min {min(logins) * 1e3:.1f}, max {max(logins) * 1e3:.1f}); "
          f"raw argon2 verify median {raw_ms:.1f} ms")
    print(f"   login overhead ratio = raw verify / login = {overhead:.2f}")
    print(f"   concurrent: {load.rate:.1f} logins/s ({load.ok} x 200 in {load.seconds:.1f} s, "
          f"non-200: {load.unexpected}); ideal {args.cores} cores / raw verify = {ideal:.1f}/s; "
          f"ratio {efficiency:.2f}")
    print(f"   raw verify in {args.cores} processes at once: {parallel:.1f}/s; "
          f"logins/s / that = {load.rate / parallel:.2f}")
    verdict = "OK"
    if load.unexpected:
        verdict = "ERROR"
        print(f"   {load.unexpected} responses were not 200 ({load.statuses}): the figures are not valid")
    print(f"RESULT {NAME} ratio={overhead:.2f} throughput_ratio={efficiency:.2f} {verdict} "
          f"login_ms={login_ms:.1f} raw_verify_ms={raw_ms:.1f} logins_per_s={load.rate:.1f} "
          f"ideal_per_s={ideal:.1f} parallel_ratio={load.rate / parallel:.2f}")
    return 1 if load.unexpected else 0


def serve_and_measure(args, user: environment.BenchUser) -> int:
    hasher, params = argon2_lines(user)
    settings = settings_from(args)
    body = json.dumps({"email": user.email, "password": user.password}).encode()
    with gunicorn("wsgi:app", settings, {"AXA_SUBSYSTEM": "auth"}) as port:
        request = build_request("POST", PATH, port, {"Content-Type": "application/json"}, body)
        logins, raws = latency(port, request, hasher, user, args.samples)
        with LoadPool(args.processes, args.connections) as pool:
            environment.header(NAME, [
                f"POST {PATH} on the auth app vs in-process argon2 PasswordHasher.verify", *params,
                f"server: {settings.describe()}; load: {pool.describe()}, {args.duration:.1f} s "
                f"after {args.warmup:.1f} s warm-up"])
            target = Target("127.0.0.1", port, request)
            pool.run(target, args.warmup)
            load = pool.run(target, args.duration)
    parallel = parallel_verifies(hasher, user, args.cores, args.duration)
    return report(logins, raws, load, parallel, args)


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    user = environment.create_user()
    try:
        return serve_and_measure(args, user)
    finally:
        environment.clean_up(user)


if __name__ == "__main__":
    sys.exit(main())
