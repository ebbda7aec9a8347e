"""The I/O floor of ``auth_me``: a bare Flask endpoint doing the I/O that socweb's ``/api/v1/me``
must do, through the raw drivers — the same session check (one EVALSHA of the platform's script
on a plain redis-py client) and the same replica row by primary key (psycopg, autocommit, one
connection per thread) — without flask-smorest, hooks, SQLAlchemy or marshmallow.

    gunicorn bench.raw_app:app     (AXA_* settings from the environment, like socweb)
"""
from __future__ import annotations

import threading

import psycopg
import redis
from flask import Flask, abort, request
from sqlalchemy.engine import make_url

from axa.platform.config import database_url, load_settings
from axa.platform.sessions import SessionStore

QUERY = "SELECT id, email, display_name, status, version, synced_at FROM users WHERE id = %s"
_settings = load_settings()
_store = SessionStore(redis.Redis.from_url(_settings.redis_url, decode_responses=True),
                      _settings.session_idle_seconds, _settings.session_absolute_seconds)
_dsn = make_url(database_url("socweb")).set(drivername="postgresql").render_as_string(hide_password=False)
_local = threading.local()
app = Flask("bench.raw")


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(_dsn, autocommit=True)
    return conn


@app.get("/api/v1/me")
def me():
    header = request.headers.get("Authorization", "")
    session = _store.validate(header[7:]) if header[:7].lower() == "bearer " else None
    if session is None:
        abort(401)
    row = _connection().execute(QUERY, (session.user_id,)).fetchone()
    if row is None:
        abort(404)
    return {"id": row[0], "email": row[1], "display_name": row[2], "status": row[3],
            "version": row[4], "synced_at": row[5].isoformat()}
