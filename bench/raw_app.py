"""The raw-driver floors of ``auth_me`` and ``quotes_read`` (DESIGN.md §8): bare Flask endpoints
doing the Redis and SQL work the platform's endpoints do, through the raw drivers, and encoding the
same JSON body, without the platform's layers (flask-smorest, webargs, marshmallow, hooks,
security headers, CORS, SQLAlchemy).

``/api/v1/me``: one pipeline of the platform's session check and replica-row scripts on a plain
redis-py client (the same Redis work as socweb's ``/api/v1/me``); on a miss the row by primary key
(psycopg, autocommit, one connection per thread) written back with the platform's fill script.

``/api/v1/quotes?symbols=``: one pipeline of the session check and the quote read, the answer
decoded and encoded with the same msgspec types as the stocks app.

    gunicorn bench.raw_app:app     (AXA_* settings from the environment, like socweb)
"""
from __future__ import annotations

import threading
import time

import psycopg
import redis
from flask import Flask, abort, request
from sqlalchemy.engine import make_url

from axa.models import latest_quotes
from axa.models.replica import CACHE_SECONDS, FIELDS, LEASE_SECONDS, PUT, ROW
from axa.platform.config import database_url, load_settings
from axa.platform.sessions import CHECK, SESSION_PREFIX, hash_id

QUERY = "SELECT id, email, display_name, status, version, synced_at FROM users WHERE id = %s"
PREFIX = "axa:replica:socweb:"
_settings = load_settings()
_redis = redis.Redis.from_url(_settings.redis_url, decode_responses=True)
_limits = [_settings.session_idle_seconds, _settings.session_absolute_seconds, 60]
_dsn = make_url(database_url("socweb")).set(drivername="postgresql").render_as_string(hide_password=False)
_local = threading.local()
app = Flask("bench.raw")
for _script in (CHECK, ROW, PUT, latest_quotes.READ):
    _redis.script_load(_script.source)


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
    PUT(_redis, [PREFIX + str(user_id)], [CACHE_SECONDS, body["version"],
                                         *(item for name in FIELDS for item in (name, body[name]))])
    return body


def _session_key() -> str:
    header = request.headers.get("Authorization", "")
    return SESSION_PREFIX + hash_id(header[7:] if header[:7].lower() == "bearer " else "")


@app.get("/api/v1/me")
def me():
    key, now = _session_key(), time.time()
    with _redis.pipeline(transaction=False) as pipe:
        CHECK.queue(pipe, [key], [now, *_limits])
        ROW.queue(pipe, [key], [PREFIX, LEASE_SECONDS, now])
        session, cached = pipe.execute()
    if session is None:
        abort(401)
    fields = dict(zip(cached[::2], cached[1::2], strict=True))
    if "version" not in fields:
        return _from_database(int(session[0]))
    return {"id": int(fields["id"]), "email": fields["email"], "display_name": fields["display_name"],
            "status": fields["status"], "version": int(fields["version"]),
            "synced_at": fields["synced_at"]}


@app.get("/api/v1/quotes")
def quotes():
    key = _session_key()
    symbols = list(dict.fromkeys(request.args.get("symbols", "").upper().split(",")))
    with _redis.pipeline(transaction=False) as pipe:
        CHECK.queue(pipe, [key], [time.time(), *_limits])
        latest_quotes.queue_read(pipe, symbols)
        session, found = pipe.execute()
    if session is None:
        abort(401)
    body = latest_quotes.encode_body(latest_quotes.body(symbols, found))
    return app.response_class(body, mimetype="application/json")
