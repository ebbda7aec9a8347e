"""Benchmark set-up: services from the ``AXA_*`` URLs, bench databases, a signed-in user.

Defaults (each kept when the caller sets it): ``AXA_DATABASE_PREFIX=axa_bench_`` and Redis
database 9. Without ``AXA_POSTGRES_URL`` the embedded servers of ``make run`` are used (those of
``AXA_VAR_DIR`` or ``var/``): reused when running, else started for the run and stopped after it;
the bench then takes database 9 of the embedded Redis. Mail goes to a temporary folder, and the
login limits are raised so that the limiter never answers 429 during a run; the limiter itself
still runs on every login.
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from axa.platform.config import env_value
from bench.servers import ROOT
from ops.settings import load_ops_settings

BENCH_LIMITS = "1000000 per minute"
REDIS_DB = 9
PASSWORD = "bench horse battery staple"
_mail_dirs: list[str] = []


def _set_default(name: str, value: str) -> None:
    if env_value(name) is None:  # unset or empty
        os.environ[name] = value


def _use_embedded() -> None:
    from ops import embedded
    var_dir = Path(load_ops_settings().var_dir or ROOT / "var")
    if not embedded.is_running(var_dir):
        atexit.register(embedded.stop, var_dir)
    urls = embedded.ensure_started(var_dir)
    os.environ["AXA_POSTGRES_URL"] = urls["AXA_POSTGRES_URL"]
    _set_default("AXA_REDIS_URL", re.sub(r"/\d+$", f"/{REDIS_DB}", urls["AXA_REDIS_URL"]))


def configure() -> None:
    """Call before the apps are built: settings are read from the environment."""
    if env_value("AXA_POSTGRES_URL") is None:
        _use_embedded()
    _set_default("AXA_REDIS_URL", f"redis://127.0.0.1:6379/{REDIS_DB}")
    _set_default("AXA_DATABASE_PREFIX", "axa_bench_")
    _mail_dirs.append(tempfile.mkdtemp(prefix="axa-bench-mail-"))
    os.environ["AXA_MAIL_URL"] = f"file://{_mail_dirs[-1]}"
    for name in ("AXA_LOGIN_LIMITS", "AXA_LOGIN_IP_LIMITS", "AXA_REGISTER_LIMITS"):
        os.environ[name] = BENCH_LIMITS


def prepare_databases() -> None:
    from axa.platform.config import SUBSYSTEMS
    from ops.migrate import migrate
    migrate(SUBSYSTEMS)


@dataclass(frozen=True)
class BenchUser:
    id: int
    email: str
    password: str
    session_id: str
    password_hash: str


def _auth_app():
    from axa.apps import FACTORIES
    return FACTORIES["auth"]()


def create_user() -> BenchUser:
    """Register and log in through the auth app's test client (real argon2).

    The registration's outbox entries run eagerly in this process (sync to the replicas, mail to
    the temporary folder), so nothing is left on a broker."""
    from axa.models.auth import User
    from axa.platform.celery_app import celery
    celery.loader.import_default_modules()
    celery.conf.task_always_eager = True
    app = _auth_app()
    email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
    client = app.test_client()
    registered = client.post("/api/v1/auth/register",
                             json={"email": email, "password": PASSWORD, "display_name": "Bench"})
    if registered.status_code != 201:
        raise RuntimeError(f"register: {registered.status_code} {registered.get_data(as_text=True)}")
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    if login.status_code != 200:
        raise RuntimeError(f"login: {login.status_code} {login.get_data(as_text=True)}")
    with app.app_context():
        stored = User.by_email(email).password_hash
        app.extensions["sqlalchemy"].engine.dispose()
    user_id = registered.get_json()["id"]
    return BenchUser(user_id, email, PASSWORD, login.get_json()["session_id"], stored)


def replicate(user: BenchUser, subsystem: str = "socweb") -> None:
    """Put the user into a subsystem's replica directly (no broker involved)."""
    import importlib

    from axa.apps import FACTORIES
    app = FACTORIES[subsystem]()
    models = importlib.import_module(f"axa.models.{subsystem}")
    snapshot = {"id": user.id, "email": user.email, "display_name": "Bench", "status": "active",
                "roles": [], "version": 1}
    with app.app_context():
        models.User.apply_snapshots([snapshot])
        if models.db.session.get(models.User, user.id) is None:
            raise RuntimeError(f"user {user.id} missing from the {subsystem} replica")
        models.db.engine.dispose()


def clean_up(user: BenchUser | None) -> None:
    """End every session the run created, drop its replica-cache entries, remove the mail folder."""
    while _mail_dirs:
        shutil.rmtree(_mail_dirs.pop(), ignore_errors=True)
    if user is None:
        return
    from axa.models.replica import cache_key
    from axa.platform.auth_hook import session_store
    from axa.platform.config import REPLICA_SUBSYSTEMS
    app = _auth_app()
    with app.app_context():
        store = session_store()
        store.end_all(user.id)
        store.redis.delete(*(cache_key(sub, user.id) for sub in REPLICA_SUBSYSTEMS))
        app.extensions["sqlalchemy"].engine.dispose()


def empty_queues(*names: str) -> None:
    """Empty these Celery queues of the platform, declaring each first (as a worker would): on a
    broker that never had a queue, purging it is a 404."""
    from axa.platform.celery_app import celery
    with celery.connection_for_write() as conn:
        for name in names:
            queue = celery.amqp.queues[name](conn.default_channel)
            queue.declare()
            queue.purge()


def header(name: str, lines: list[str]) -> None:
    print(f"== {name} ==")
    for line in lines:
        print(f"   {line}")
