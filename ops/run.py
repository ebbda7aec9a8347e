"""``make run``: the whole platform under one supervisor (honcho); Ctrl-C stops everything.

    python -m ops.run

1. Services: the ``AXA_*`` URLs name them; with ``AXA_POSTGRES_URL`` or ``AXA_REDIS_URL`` unset, the
   embedded PostgreSQL and Redis of ``ops.embedded`` are started under ``var/`` (and stopped again on
   exit if this run started them). An explicitly set URL always wins.
2. ``ops.migrate.migrate()``: every subsystem's database created and upgraded.
3. One honcho manager runs: the six apps (gunicorn ``wsgi:app``, one worker process with threads
   each), one Celery worker per dev queue group (``worker_groups``: together consuming every queue
   of ``celeryconfig.QUEUE_NAMES``), exactly one beat, Flower, and
   the vendor sandbox once ``python -m ops.sandbox`` can run, and nginx-rtmp (ops/rtmp.py) when
   nginx and its RTMP module are installed (said clearly when not). If any child exits, it is reported loudly
   (name and exit code) and every other child is stopped; the exit code is that child's. Steps 1-2
   run in this process before it ``exec``s the lean supervisor of step 3 (same pid).

Flower's password is ``AXA_FLOWER_PASSWORD``, or when unset a random one made up for this run and
printed in the banner (never a well-known default).

Knobs (declared in ops/settings.py): ``AXA_PORT_OFFSET`` (added to every port, Flower and the
sandbox included), ``AXA_BIND_HOST`` (default 127.0.0.1), ``AXA_VAR_DIR`` (default ``<repo>/var``),
``AXA_WEB_WORKERS`` / ``AXA_WEB_THREADS`` (1 / 8 here unless set), ``AXA_WORKER_CONCURRENCY``
(default 2: the hot groups' processes, the most the others grow to), ``AXA_MAIL_URL`` (default
``file://<var>/outbox`` here).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import secrets
import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from axa.platform.config import PORTS, SUBSYSTEMS, env_value
from ops import rtmp
from ops.settings import OpsSettings, load_ops_settings
from ops.supervisor import Proc, say, supervise

ROOT = Path(__file__).resolve().parent.parent
FLOWER_PORT = OpsSettings().flower_port
SANDBOX_PORT = 8099
SANDBOX_MODULE = "ops.sandbox"
VENDORS = ("fmp", "cmc", "cbonds", "terrapin")
DOCS_PATH = "/api/v1/docs/all"
CELERY = "-m celery -A axa.platform.celery_app"
SENDER = "-m celery -A axa.platform.celery_sender"  # beat and Flower: they run no task
REDIS_URLS = ("AXA_REDIS_URL", "AXA_RESULT_URL", "AXA_BROKER_URL")
DEV_WEB = {"AXA_WEB_WORKERS": "1", "AXA_WEB_THREADS": "8"}  # one process per app, threads for the rest
STREAM_THREADS = "64"  # each open chat WebSocket holds one of the stream app's threads


# --- settings of the run ------------------------------------------------------------------------
def var_dir() -> Path:
    return Path(load_ops_settings().var_dir or ROOT / "var").resolve()


def port_offset() -> int:
    return load_ops_settings().port_offset


def bind_host() -> str:
    return load_ops_settings().bind_host


def service_env(var: Path) -> tuple[dict[str, str], bool]:
    """URLs to add to the environment, and whether this call started the embedded servers."""
    if env_value("AXA_POSTGRES_URL") and env_value("AXA_REDIS_URL"):
        return {}, False
    from ops import embedded
    was_running = embedded.is_running(var)
    urls = embedded.ensure_started(var)
    env = {}
    if not env_value("AXA_POSTGRES_URL"):
        env["AXA_POSTGRES_URL"] = urls["AXA_POSTGRES_URL"]
    if not env_value("AXA_REDIS_URL"):  # results and broker follow Redis unless set explicitly
        env.update({name: urls[name] for name in REDIS_URLS if not env_value(name)})
    return env, not was_running


# --- the processes ------------------------------------------------------------------------------
HOT_GROUPS = ("poll-fmp", "pipeline")  # the ingest path bench/ingest.py measures: fixed pools


def worker_groups(queues) -> dict[str, list[str]]:
    """Dev worker groups. The hot ingest path keeps workers of its own: ``poll-fmp`` (the FMP
    quotes polled every minute) and ``pipeline`` (dispatch and format, every subsystem); what a
    stored batch triggers downstream (price alerts, paper-order matching) runs elsewhere, so it never
    slows the storing of the next batch. The low-traffic queues share: ``vendors`` (every other
    vendor poll: the FMP backfill, the daily and
    hourly Cbonds and Terrapin polls, CMC every five minutes; calls that may wait on a vendor or its
    token bucket) and ``background`` (user sync, sessions, mail, and the queues of any other
    family, so a new subsystem's queues need no new process). Production keeps a worker group per
    queue family (ops/compose.yaml)."""
    groups: dict[str, list[str]] = {name: [] for name in (*HOT_GROUPS, "vendors", "background")}
    for queue in queues:
        parts = queue.split(".")
        stage = parts[1] if len(parts) > 1 else ""
        if queue == "stocks.poll.fmp":
            group = "poll-fmp"
        elif stage in ("dispatch", "format"):
            group = "pipeline"
        else:
            group = "vendors" if stage == "poll" else "background"
        groups[group].append(queue)
    return {name: queues for name, queues in groups.items() if queues}


def pool_options(group: str, concurrency: int) -> list[str]:
    """Every group runs Celery's prefork pool: the soft time limit ends slow vendor calls and the
    hard one replaces a hung process, and a pool child killed mid-task is requeued
    (``task_reject_on_worker_lost``); the threads and solo pools have neither. The hot groups
    keep ``concurrency`` processes; the low-traffic ones keep one and grow to ``concurrency``
    under a burst (``--autoscale``), shrinking back when idle."""
    if group in HOT_GROUPS:
        return ["--concurrency", str(concurrency)]
    return ["--autoscale", f"{max(concurrency, 1)},1"]


def web_processes(host: str, offset: int) -> list[Proc]:
    py = shlex.quote(sys.executable)
    return [Proc(f"web.{sub}", f"exec {py} -m gunicorn -c ops/gunicorn.conf.py "
                               f"--bind {host}:{PORTS[sub] + offset} wsgi:app",
                 {"AXA_SUBSYSTEM": sub, **({"AXA_WEB_THREADS": STREAM_THREADS} if sub == "stream" else {})})
            for sub in SUBSYSTEMS]


def celery_processes(var: Path, host: str, offset: int) -> list[Proc]:
    from celeryconfig import QUEUE_NAMES  # reads the AXA_* URLs: import only once they are set

    py, q = shlex.quote(sys.executable), shlex.quote
    concurrency = load_ops_settings().worker_concurrency
    procs = [Proc(f"worker.{name}", f"exec {py} {CELERY} worker -Q {','.join(queues)} -n {name}@%h "
                                    f"{' '.join(pool_options(name, concurrency))} -E -l INFO")
             for name, queues in worker_groups(QUEUE_NAMES).items()]
    procs.append(Proc("beat", f"exec {py} {SENDER} beat -l INFO -s {q(str(var / 'celerybeat-schedule'))} "
                              f"--pidfile {q(str(var / 'celerybeat.pid'))}"))
    procs.append(Proc("flower", f"exec {py} {SENDER} flower --conf=ops/flowerconfig.py",
                      {"AXA_FLOWER_PORT": str(FLOWER_PORT + offset), "AXA_FLOWER_ADDRESS": host,
                       "AXA_FLOWER_DB": str(var / "flower.db")}))
    return procs


def runnable(module: str) -> bool:
    """True when ``python -m <module>`` can run: a plain module, or a package with ``__main__``."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.submodule_search_locations is None:
        return spec is not None
    return importlib.util.find_spec(f"{module}.__main__") is not None


def sandbox_process(host: str, offset: int) -> Proc | None:
    """Hook for the vendor sandbox (DESIGN.md §6): ``python -m ops.sandbox --host H --port P``.

    It runs once ``python -m ops.sandbox`` can run, on 8099 + offset until SIGTERM; ``main`` then
    points the vendor clients' base URLs at it.
    """
    if not runnable(SANDBOX_MODULE):
        return None
    return Proc("sandbox", f"exec {shlex.quote(sys.executable)} -m {SANDBOX_MODULE} "
                           f"--host {host} --port {SANDBOX_PORT + offset}")


def all_processes(var: Path, host: str, offset: int) -> list[Proc]:
    sandbox = sandbox_process(host, offset)
    return [*web_processes(host, offset), *celery_processes(var, host, offset),
            *([sandbox] if sandbox else [])]


# --- what it prints -----------------------------------------------------------------------------
def redact(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def flower_login(generated: bool) -> str:
    """How to sign in to Flower: this run's random password, or where the chosen one is set."""
    ops = load_ops_settings()
    if generated:
        return f"user {ops.flower_user}, password {ops.flower_password} (random, this run only)"
    return "(AXA_FLOWER_USER / AXA_FLOWER_PASSWORD)"


def banner(offset: int, embedded_dir: Path | None, random_flower_password: bool = False) -> str:
    flower = f"http://localhost:{FLOWER_PORT + offset}/   {flower_login(random_flower_password)}"
    lines = ["", "AXA Platform: every process under one supervisor; Ctrl-C stops them all.", ""]
    for sub in SUBSYSTEMS:
        base = f"http://localhost:{PORTS[sub] + offset}"
        lines.append(f"  {sub:<9} {base}/   health {base}/health/   docs {base}/api/v1/docs/")
    lines += [f"  API docs  http://localhost:{PORTS['auth'] + offset}{DOCS_PATH}",
              f"  Flower    {flower}"]
    if runnable(SANDBOX_MODULE):
        lines.append(f"  sandbox   http://localhost:{SANDBOX_PORT + offset}/")
    where = f"embedded, under {embedded_dir}" if embedded_dir else "named by the AXA_* URLs"
    lines += ["", f"  services ({where}):"]
    for name in ("AXA_POSTGRES_URL", *REDIS_URLS, "AXA_MAIL_URL"):
        lines.append(f"    {name:<17} {redact(env_value(name) or '(default)')}")
    return "\n".join([*lines, ""])


def point_clients_at_sandbox(offset: int) -> None:
    """The vendor clients follow the sandbox's port, unless a real vendor is named."""
    for vendor in VENDORS:
        name = vendor.upper()
        if env_value(f"AXA_{name}_BASE_URL"):
            continue  # a real vendor: its plan's quotas apply
        os.environ[f"AXA_{name}_BASE_URL"] = f"http://127.0.0.1:{SANDBOX_PORT + offset}/{vendor}"
        for period in ("DAILY", "MONTHLY"):  # the sandbox is no paid plan: no quota
            set_default(f"AXA_{name}_{period}_QUOTA", "0")


def ensure_flower_password() -> bool:
    """Flower never gets a well-known password: unless ``AXA_FLOWER_PASSWORD`` is set, this run
    (and its Flower child) gets a random one, printed in the banner. True when generated."""
    if load_ops_settings().flower_password:
        return False
    os.environ["AXA_FLOWER_PASSWORD"] = secrets.token_urlsafe(12)
    return True


def set_default(name: str, value: str) -> None:
    """Set ``name`` for this process and its children unless it has a value (empty = unset)."""
    if env_value(name) is None:
        os.environ[name] = value


def stop_embedded(var: Path) -> None:
    from ops import embedded
    say(f"stopping the embedded PostgreSQL and Redis under {var}")
    embedded.stop(var)


def prepare(var: Path) -> list[str]:
    """Services, migrations and the children's environment; the flags for the supervisor."""
    var.mkdir(parents=True, exist_ok=True)
    env, started = service_env(var)
    os.environ.update(env)
    set_default("AXA_MAIL_URL", f"file://{var / 'outbox'}")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    for name, value in DEV_WEB.items():  # production sets its own (ops/compose.yaml)
        set_default(name, value)
    try:
        from ops.migrate import migrate
        migrate()
    except BaseException:
        if started:
            stop_embedded(var)
        raise
    offset = port_offset()
    if runnable(SANDBOX_MODULE):
        point_clients_at_sandbox(offset)
    # socweb's Conduit face calls the auth server, and mail links point at it: on its shifted port
    set_default("AXA_AUTH_URL", f"http://127.0.0.1:{PORTS['auth'] + offset}")
    set_default("AXA_PUBLIC_URL", f"http://localhost:{PORTS['auth'] + offset}")
    generated = ensure_flower_password()
    media = rtmp.prepare_run(var, offset, bind_host(), say)
    return [*(["--embedded"] if env else []), *(["--stop-embedded"] if started else []),
            *(["--random-flower-password"] if generated else []), *(["--rtmp"] if media else [])]


def main(argv: list[str] | None = None) -> int:
    """Prepare, then become the supervisor: ``exec`` a fresh ``python -m ops.run --supervise``
    (same pid, same environment) without the set-up's imports (SQLAlchemy, Alembic, the apps,
    the drivers), which honcho's helper process per child would otherwise each carry."""
    parser = argparse.ArgumentParser(prog="python -m ops.run", description=__doc__.split("\n")[0])
    for flag in ("--supervise", "--embedded", "--stop-embedded", "--random-flower-password", "--rtmp"):
        parser.add_argument(flag, action="store_true", help=argparse.SUPPRESS)  # set by the exec
    args, var = parser.parse_args(argv), var_dir()
    if not args.supervise:
        flags = prepare(var)
        sys.stdout.flush()  # exec drops what is still buffered
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, "-m", "ops.run", "--supervise", *flags])  # noqa: S606 (no shell wanted)
    try:
        offset = port_offset()
        procs = all_processes(var, bind_host(), offset) + ([rtmp.run_process(var)] if args.rtmp else [])
        say(banner(offset, var if args.embedded else None, args.random_flower_password)
            + (rtmp.banner_line(offset) + "\n" if args.rtmp else ""))
        return supervise(procs)
    finally:
        if args.stop_embedded:
            stop_embedded(var)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
