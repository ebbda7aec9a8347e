"""Shared fixtures: real PostgreSQL and Redis (and the configured broker), fresh state per test.

The AXA_* URLs name the services (CI: the machine's PostgreSQL, Redis, RabbitMQ). With none set,
the embedded PostgreSQL and Redis of ops.embedded are started, as `make run` does.
Test databases are ``axa_test_<subsystem>``; Redis uses its own database numbers: AXA_TEST_REDIS_DB
(default 12) and the three after it.
"""
from __future__ import annotations

import dataclasses
import os
import re
import socket
import tempfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from celery.result import allow_join_result
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
MAIL_DIR = Path(tempfile.mkdtemp(prefix="axa-test-mail-"))
TEST_REDIS_DB = int(os.environ.get("AXA_TEST_REDIS_DB", "12"))  # broker (if Redis), app, results, spare


def _redis_db(url: str, number: int) -> str:
    base = re.sub(r"/\d+$", "", url.rstrip("/"))
    return f"{base}/{number}"


def _configure_environment() -> None:
    if not os.environ.get("AXA_POSTGRES_URL"):
        from ops.embedded import ensure_started
        os.environ.update(ensure_started(ROOT / "var" / "test-embedded"))
    redis_url = os.environ.get("AXA_REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ["AXA_REDIS_URL"] = _redis_db(redis_url, TEST_REDIS_DB + 1)
    os.environ["AXA_RESULT_URL"] = _redis_db(redis_url, TEST_REDIS_DB + 2)
    broker = os.environ.get("AXA_BROKER_URL", "")
    if not broker or broker.startswith("redis"):
        os.environ["AXA_BROKER_URL"] = _redis_db(redis_url, TEST_REDIS_DB)
    os.environ["AXA_DATABASE_PREFIX"] = os.environ.get("AXA_TEST_DB_PREFIX", "axa_test_")
    os.environ["AXA_MAIL_URL"] = f"file://{MAIL_DIR}"
    for name in ("AXA_LOGIN_LIMITS", "AXA_LOGIN_IP_LIMITS", "AXA_REGISTER_LIMITS", "AXA_FORGOT_LIMITS"):
        os.environ[name] = "10000 per minute"


_configure_environment()

from axa.apps import FACTORIES  # noqa: E402
from axa.platform.celery_app import celery  # noqa: E402
from axa.platform.config import SUBSYSTEMS  # noqa: E402
from axa.platform.redis_client import client_for  # noqa: E402


def spare_redis_url() -> str:
    """The test Redis's fourth database, which no shared fixture uses: the Redis broker of
    tests/integration/test_worker_recovery.py's own worker, whatever the run's broker is."""
    return _redis_db(os.environ["AXA_REDIS_URL"], TEST_REDIS_DB + 3)


@pytest.fixture(scope="session", autouse=True)
def databases():
    from ops.migrate import migrate
    migrate(SUBSYSTEMS, drop=True)
    celery.loader.import_default_modules()
    yield
    from axa.platform import celery_app
    for app in [*celery_app._apps.values(), *_BUILT.values()]:  # eager tasks' apps, the tests' apps
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
    celery_app._apps.clear()


@pytest.fixture
def eager_celery():
    """Celery eager for one test. Celery's eager ``apply_async`` flags "inside a task" in a
    process-wide variable and puts back the value it found: tasks published at once from
    several threads (a test's real server publishing after each request) can leave it set, and
    every later eager ``get()`` (a chain) would then refuse to run. ``allow_join_result`` puts
    back the value from before the test when it ends."""
    celery.conf.task_always_eager = True
    celery.conf.task_eager_propagates = True
    with allow_join_result():
        yield celery
    celery.conf.task_always_eager = False
    celery.conf.task_eager_propagates = False


_BUILT: dict = {}
_AS_BUILT: dict = {}

# Empties only the tables that hold rows and restarts only the sequences that were used: one round
# trip per database. TRUNCATE of every table in six databases took ~0.25 s a test.
_EMPTY_DIRTY_TABLES = text("""DO $$
DECLARE r record; dirty text := ''; found boolean;
BEGIN
  FOR r IN SELECT c.oid::regclass::text AS name FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public' AND c.relname <> 'alembic_version' LOOP
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', r.name) INTO found;
    IF found THEN dirty := dirty || ', ' || r.name; END IF;
  END LOOP;
  IF dirty <> '' THEN EXECUTE 'TRUNCATE ' || substr(dirty, 3) || ' CASCADE'; END IF;
  FOR r IN SELECT format('%I.%I', schemaname, sequencename) AS name FROM pg_sequences
           WHERE schemaname = 'public' AND last_value IS NOT NULL LOOP
    EXECUTE format('ALTER SEQUENCE %s RESTART', r.name);
  END LOOP;
END $$""")


def fresh_apps() -> dict:
    """The six apps built for tests, every table and the test Redis db emptied.

    The apps are built once per run (building six took ~0.2 s a test); each test gets them back
    with their config and extensions as built, so a test's ``set_settings`` or replaced extension
    does not outlive it. A test that adds routes builds its own app (``FACTORIES[sub](...)``)."""
    if not _BUILT:
        _BUILT.update({sub: FACTORIES[sub]({"TESTING": True}) for sub in SUBSYSTEMS})
        _AS_BUILT.update({sub: (dict(app.config), dict(app.extensions)) for sub, app in _BUILT.items()})
    for sub, app in _BUILT.items():
        config, extensions = _AS_BUILT[sub]
        app.config.clear()
        app.config.update(config)
        app.extensions.clear()
        app.extensions.update(extensions)
        with app.app_context():
            db = app.extensions["sqlalchemy"]
            db.session.remove()
            with db.engine.begin() as conn:
                conn.execute(_EMPTY_DIRTY_TABLES)
    client_for(os.environ["AXA_REDIS_URL"]).flushdb()
    return dict(_BUILT)


@pytest.fixture
def live_apps(databases):
    """Fresh apps and state whose Celery publishes to the real broker (real-worker tests)."""
    built = fresh_apps()
    for path in MAIL_DIR.glob("*"):
        path.unlink()
    yield built
    for app in built.values():  # no connection of a test outlives it (one left in a transaction
        with app.app_context():  # would hold its locks against the next test and its servers)
            app.extensions["sqlalchemy"].session.remove()
            app.extensions["sqlalchemy"].engine.dispose()


@pytest.fixture
def closed_port():
    """A loopback port bound but not listening: a connection to it is refused at once (a server down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def apps(eager_celery, live_apps):
    """Fresh apps and state; Celery runs eagerly, in the test process."""
    return live_apps


@pytest.fixture
def auth_app(apps):
    return apps["auth"]


@pytest.fixture
def clients(apps):
    return {sub: app.test_client() for sub, app in apps.items()}


@pytest.fixture
def client(clients):
    return clients["auth"]


def set_settings(app, **changes) -> None:
    app.config["AXA"] = dataclasses.replace(app.config["AXA"], **changes)


def mails(to: str | None = None) -> list:
    parser = BytesParser(policy=policy.default)
    found = [parser.parsebytes(p.read_bytes()) for p in sorted(MAIL_DIR.glob("*.eml"))]
    return [m for m in found if to is None or m["To"] == to]


def token_from(mail) -> str:
    body = mail.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"token=([A-Za-z0-9_\-]+)", body).group(1)


PASSWORD = "correct horse battery staple"


def register(client, email="ada@example.com", password=PASSWORD, name="Ada"):
    return client.post("/api/v1/auth/register",
                       json={"email": email, "password": password, "display_name": name})


def login(client, email="ada@example.com", password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def bearer(session_id: str) -> dict:
    return {"Authorization": f"Bearer {session_id}"}
