"""``python -m ops.run``: every app, worker, beat and Flower under one supervisor; Ctrl-C stops all."""
from __future__ import annotations

import io
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time

import psutil
import psycopg
import pytest
import requests
from psycopg import sql

from axa.platform.config import PORTS, SUBSYSTEMS
from ops.migrate import _admin_conninfo
from ops.rtmp import RtmpSettings, missing
from ops.run import FLOWER_PORT, SANDBOX_PORT
from ops.supervisor import Supervisor
from tests.conftest import ROOT

STARTUP_SECONDS = 50
RTMP = RtmpSettings()
FLOWER_USER = "ops-admin"


def _ports_free(offset: int) -> bool:
    for port in (*PORTS.values(), FLOWER_PORT, SANDBOX_PORT, RTMP.port, RTMP.hls_port):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + offset))
            except OSError:
                return False
    return True


def _free_offset() -> int:
    for _ in range(50):
        offset = random.randrange(10_000, 24_000)  # below the ephemeral port range
        if _ports_free(offset):
            return offset
    raise RuntimeError("no free port offset")


def _drop_databases(prefix: str) -> None:
    conninfo, _ = _admin_conninfo(os.environ["AXA_POSTGRES_URL"])
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for sub in SUBSYSTEMS:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(prefix + sub)))


@pytest.fixture
def platform(tmp_path):
    """A running ``python -m ops.run`` on the test's services, at a free port offset."""
    offset, prefix = _free_offset(), os.environ["AXA_DATABASE_PREFIX"] + "run_"
    env = {name: value for name, value in os.environ.items() if name != "AXA_FLOWER_PASSWORD"}
    env.update({"AXA_PORT_OFFSET": str(offset), "AXA_VAR_DIR": str(tmp_path / "var"),
                "AXA_DATABASE_PREFIX": prefix, "AXA_WEB_WORKERS": "1", "AXA_WORKER_CONCURRENCY": "1",
                "AXA_FLOWER_USER": FLOWER_USER})  # no password: the run makes up one
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ops.run"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        yield proc, offset, log
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
        _drop_databases(prefix)


def _status(url: str, auth=None) -> int | None:
    try:
        return requests.get(url, auth=auth, timeout=2).status_code
    except requests.RequestException:
        return None


def _wait_until(expected: dict[str, int], proc, log) -> None:
    deadline, pending = time.monotonic() + STARTUP_SECONDS, dict(expected)
    while pending and time.monotonic() < deadline:
        assert proc.poll() is None, f"ops.run exited early:\n{log.read_text()[-5000:]}"
        pending = {url: code for url, code in pending.items() if _status(url) != code}
        time.sleep(0.2)  # polling interval, bounded by the deadline
    assert not pending, f"not answering as expected: {pending}\n{log.read_text()[-5000:]}"


def _gone(procs: list[psutil.Process]) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(procs, timeout=10)
    return [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_run_brings_up_everything_and_sigint_stops_every_child(platform):
    proc, offset, log = platform
    flower = f"http://127.0.0.1:{FLOWER_PORT + offset}/"
    health = {f"http://127.0.0.1:{port + offset}/health/": 200 for port in PORTS.values()}
    _wait_until({**health, flower: 401}, proc, log)
    output = log.read_text()
    login = re.search(rf"Flower +http://localhost:{FLOWER_PORT + offset}/ +user {FLOWER_USER}, password (\S+) ", output)
    assert login, output[-3000:]  # the banner names this run's random Flower password
    assert len(login.group(1)) >= 16 and login.group(1) != "admin"
    assert _status(flower, auth=(FLOWER_USER, login.group(1))) == 200
    assert _status(flower, auth=(FLOWER_USER, "admin")) == 401
    assert _status(flower, auth=(FLOWER_USER, "wrong")) == 401

    assert f"http://localhost:{PORTS['auth'] + offset}/api/v1/docs/all" in output
    # socweb's Conduit face registers through the auth server on its shifted port
    registered = requests.post(f"http://127.0.0.1:{PORTS['socweb'] + offset}/conduit/api/users", timeout=30, json={
        "user": {"username": "runner", "email": "runner@example.com", "password": "correct horse battery 9"}})
    assert registered.status_code == 201, registered.text
    assert f"http://localhost:{FLOWER_PORT + offset}/" in output
    for name in ("worker.poll-fmp", "worker.pipeline", "worker.vendors", "worker.background", "beat", "flower", "sandbox",
                 *(f"web.{s}" for s in SUBSYSTEMS)):
        assert re.search(rf"{re.escape(name)} started \(pid=\d+\)", output), name
    if missing(RTMP) is None:  # installed here: started, with its ports in the banner
        assert re.search(r"nginx-rtmp started \(pid=\d+\)", output)
        assert f"rtmp://localhost:{RTMP.port + offset}/live/<stream key>" in output
        assert _status(f"http://127.0.0.1:{RTMP.hls_port + offset}/hls/nobody/index.m3u8") == 404
    else:
        assert f"nginx-rtmp: not started, {missing(RTMP)}" in output
    children = psutil.Process(proc.pid).children(recursive=True)
    assert len(children) >= 6 * 2 + 5  # gunicorn masters and workers, three workers, beat, flower

    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert _gone(children) == []
    output = log.read_text()
    assert "SIGINT received" in output
    assert "CRASH" not in output
    assert "WorkerLostError" not in output  # the workers' warm shutdown: no pool process killed under its task


def test_a_crashed_child_is_reported_loudly_and_stops_the_others(tmp_path):
    script = ("import sys; from ops.supervisor import Proc, supervise; sys.exit(supervise(["
              "Proc('steady', 'exec sleep 60'), Proc('crasher', 'sleep 1; exit 3')]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 3
    assert "CRASH: crasher exited with code 3" in done.stdout
    steady = int(re.search(r"steady started \(pid=(\d+)\)", done.stdout).group(1))
    assert "sending SIGTERM to steady" in done.stdout
    assert not psutil.pid_exists(steady) or psutil.Process(steady).status() == psutil.STATUS_ZOMBIE


def test_stopping_before_a_child_reported_its_start_does_not_fail():
    supervisor = Supervisor(io.StringIO())  # honcho 2.0.0 alone raises KeyError('pid') here
    supervisor.add_process("never-started", "exec sleep 60")
    supervisor.terminate()
    supervisor.kill()
    assert supervisor.stopping


def test_ctrl_c_during_start_up_stops_every_child_once_they_have_started():
    script = ("import os, sys; from ops.supervisor import Proc, supervise; sys.exit(supervise("
              "[Proc('interrupter', f'kill -INT {os.getpid()}; exec sleep 60')]"
              " + [Proc(f'sleeper{n}', 'exec sleep 60') for n in range(20)]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 130, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "more children have reported their start" in done.stdout  # Ctrl-C came during start-up
    pids = [int(pid) for pid in re.findall(r"started \(pid=(\d+)\)", done.stdout)]
    assert len(pids) == 21
    assert "CRASH" not in done.stdout
    assert not [pid for pid in pids
                if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]


POOL = """
import os, signal, sys, time
log = sys.argv[1]


def note(line):
    with open(log, "a") as file:
        file.write(line + "\\n")


pool = os.fork()
if pool == 0:  # a pool process, in its parent's process group (as Celery's and gunicorn's are)
    signal.signal(signal.SIGTERM, lambda *_: (note("pool process got SIGTERM"), os._exit(1)))
    signal.signal(signal.SIGUSR1, lambda *_: (note("pool process stopped by its parent"), os._exit(0)))
    note("pool ready")
    while True:
        time.sleep(0.05)


def warm_shutdown(*_):
    time.sleep(0.3)  # the task in hand finishes first
    os.kill(pool, signal.SIGUSR1)
    os.waitpid(pool, 0)
    note("parent stopped")
    sys.exit(0)


signal.signal(signal.SIGTERM, warm_shutdown)
while True:
    time.sleep(0.05)
"""


def test_a_stop_signals_each_childs_own_process_which_stops_its_pool(tmp_path):
    """Ctrl-C: the SIGTERM goes to each child's process, not to its process group, so a Celery
    worker's warm shutdown stops its pool processes itself (signalled directly, a pool process
    dies under its task: WorkerLostError)."""
    (tmp_path / "pool.py").write_text(POOL)
    log = tmp_path / "log"
    script = ("import os, sys; from ops.supervisor import Proc, supervise; sys.exit(supervise(["
              f"Proc('worker', 'exec {sys.executable} {tmp_path / 'pool.py'} {log}'), "
              f"Proc('interrupter', 'until grep -q ready {log} 2>/dev/null; do sleep 0.05; done; "
              "kill -INT ' + str(os.getpid()) + '; exec sleep 60')]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 130, done.stdout + done.stderr
    assert log.read_text().splitlines() == ["pool ready", "pool process stopped by its parent", "parent stopped"]
    assert "sending SIGTERM to worker" in done.stdout
    assert "CRASH" not in done.stdout
