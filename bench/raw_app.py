"""The I/O floors of ``auth_me`` and ``quotes_read``: bare Flask endpoints doing the I/O that the
platform's endpoints must do, through the raw drivers.

``/api/v1/quotes?symbols=``: the single EVALSHA of the session script with the quotes rider
(axa/platform/quotes.py) on a plain redis-py client, its body returned as is.

``/api/v1/me``: the I/O that socweb's ``/api/v1/me`` must do — the same single EVALSHA of the
platform's session script on a plain redis-py client, which also returns the cached replica row
(axa/models/replica.py), and on a miss the row by primary key (psycopg, autocommit, one
connection per thread) written back with the platform's fill script — without flask-smorest,
hooks, SQLAlchemy or marshmallow.

    gunicorn bench.raw_app:app     (AXA_* settings from the environment, like socweb)
"""
from __future__ import annotations

import threading

import psycopg
import redis
from flask import Flask, abort, request
from sqlalchemy.engine import make_url

from axa.models.replica import CACHE_SECONDS, FIELDS, PUT_SCRIPT
from axa.platform.config import database_url, load_settings
from axa.platform.quotes import QUOTES_RIDER
from axa.platform.sessions import LEASE_SECONDS, REPLICA_PREFIX, REPLICA_RIDER, SessionStore

QUERY = "SELECT id, email, display_name, status, version, synced_at FROM users WHERE id = %s"
PREFIX = REPLICA_PREFIX.format(subsystem="socweb")
_settings = load_settings()
_redis = redis.Redis.from_url(_settings.redis_url, decode_responses=True)
_store = SessionStore(_redis, _settings.session_idle_seconds, _settings.session_absolute_seconds)
_fill = _redis.register_script(PUT_SCRIPT)
_dsn = make_url(database_url("socweb")).set(drivername="postgresql").render_as_string(hide_password=False)
_local = threading.local()
app = Flask("bench.raw")


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(_dsn, autocommit=True)
    return conn


def _from_database(user_id: int) -> dict:
    row = _connection().execute(QUERY, (user_id,)).fetchone()
    if row is None:
        abort(404)
    body = dict(zip(FIELDS, row, strict=True))
    body["synced_at"] = row[5].isoformat()
    _fill(keys=[PREFIX + str(user_id)], args=[CACHE_SECONDS, body["version"],
                                             *(item for name in FIELDS for item in (name, body[name]))])
    return body


@app.get("/api/v1/me")
def me():
    header = request.headers.get("Authorization", "")
    bearer = header[7:] if header[:7].lower() == "bearer " else ""
    session, cached = _store.validate_with(bearer, REPLICA_RIDER, (PREFIX, LEASE_SECONDS))
    if session is None:
        abort(401)
    fields = dict(zip(cached[::2], cached[1::2], strict=True))
    if "version" not in fields:
        return _from_database(session.user_id)
    return {"id": int(fields["id"]), "email": fields["email"], "display_name": fields["display_name"],
            "status": fields["status"], "version": int(fields["version"]),
            "synced_at": fields["synced_at"]}


@app.get("/api/v1/quotes")
def quotes():
    header = request.headers.get("Authorization", "")
    bearer = header[7:] if header[:7].lower() == "bearer " else ""
    symbols = request.args.get("symbols", "").upper().split(",")
    session, body = _store.validate_with(bearer, QUOTES_RIDER, symbols)
    if session is None:
        abort(401)
    return app.response_class(body, mimetype="application/json")
