"""The raw-driver floor of ``terminal_orders`` (DESIGN.md §8): a bare Flask endpoint placing the
same limit order through the raw drivers, without the platform's layers (flask-smorest, webargs,
marshmallow, hooks, SQLAlchemy): one Redis pipeline of the platform's session check and the quote
read; then, in one transaction (psycopg, one connection per thread), the account's row locked, the
reads the pre-trade checks make (the position, the open orders' holds), the buying-power check and
one INSERT; the order encoded as JSON, 201. ``bare`` answers the same body with no I/O at all.

    gunicorn bench.terminal_raw_app:app     (AXA_* settings from the environment)
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from decimal import Decimal

import psycopg
import redis
from flask import Flask, abort, request
from sqlalchemy.engine import make_url

from axa.models.latest_quotes import JSON_KEY, STALE_AT_KEY
from axa.platform.config import database_url, load_settings
from axa.platform.sessions import CHECK, SESSION_PREFIX, hash_id

OPEN = "('new', 'accepted', 'partially_filled')"
INSERT = ("INSERT INTO orders (account_id, client_order_id, request_hash, symbol, quote_ref, asset_class, "
          "side, order_type, time_in_force, qty, limit_price, reserved, status, filled_qty, stop_triggered, "
          "submitted_at) VALUES (%s, %s, '-', %s, %s, 'crypto', %s, %s, %s, %s, %s, %s, 'new', 0, false, "
          "now()) RETURNING id, created_at")
_settings = load_settings()
_redis = redis.Redis.from_url(_settings.redis_url)
_limits = [_settings.session_idle_seconds, _settings.session_absolute_seconds, 60]
_dsn = make_url(database_url("terminal")).set(drivername="postgresql").render_as_string(hide_password=False)
_local = threading.local()
_redis.script_load(CHECK.source)
app, bare = Flask("bench.terminal_raw"), Flask("bench.terminal_bare")
BODY = {"id": 1, "client_order_id": "-", "symbol": "cmc:1", "qty": "1", "side": "buy", "type": "limit",
        "time_in_force": "gtc", "limit_price": "1", "status": "new", "created_at": "2026-01-01T00:00:00Z"}


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(_dsn, autocommit=True)
    return conn


@bare.post("/api/v1/accounts/<int:account_id>/orders")
def bare_order(account_id):
    return BODY, 201


@app.post("/api/v1/accounts/<int:account_id>/orders")
def order(account_id):
    data = request.get_json()
    header, ref = request.headers.get("Authorization", ""), data["symbol"]
    with _redis.pipeline(transaction=False) as pipe:
        CHECK.queue(pipe, [SESSION_PREFIX + hash_id(header[7:])], [time.time(), *_limits])
        pipe.hget(JSON_KEY, ref).hget(STALE_AT_KEY, ref)
        session, quote, _stale_at = pipe.execute()
    if session is None or quote is None:
        abort(401 if session is None else 422)
    qty, limit = Decimal(data["qty"]), Decimal(data["limit_price"])
    conn = _connection()
    with conn.transaction():
        account = conn.execute("SELECT cash FROM accounts WHERE id = %s AND user_id = %s "
                               "AND status = 'ACTIVE' FOR UPDATE", (account_id, int(session[0]))).fetchone()
        if account is None:
            abort(404)
        conn.execute("SELECT qty FROM positions WHERE account_id = %s AND quote_ref = %s", (account_id, ref))
        held = conn.execute(f"SELECT coalesce(sum(reserved), 0) FROM orders WHERE account_id = %s "
                            f"AND status IN {OPEN}", (account_id,)).fetchone()[0]
        if qty * limit > account[0] - held:
            abort(403)
        row = conn.execute(INSERT, (account_id, str(uuid.uuid4()), ref, ref, data["side"], data["type"],
                                    data["time_in_force"], qty, limit, qty * limit)).fetchone()
    body = {**data, "id": row[0], "created_at": row[1].isoformat(), "status": "new",
            "price": json.loads(quote)["price"]}
    return body, 201
