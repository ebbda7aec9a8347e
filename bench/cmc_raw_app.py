"""The raw-driver floor of ``cmc_listings`` (DESIGN.md §8): a bare Flask endpoint doing the work
cmc's anonymous ``GET /api/v1/listings?page_size=`` does — the per-address moving-window limit
(the same ``limits`` call on the same Redis), the count and the page of coins with their USD
quotes through psycopg (autocommit, one connection per thread), the stale flags, the JSON body,
the ``X-Pagination`` header, the SHA-1 ``ETag`` and ``Cache-Control`` — without the platform's
layers (flask-smorest, webargs, marshmallow, hooks, security headers, CORS, SQLAlchemy).

    gunicorn bench.cmc_raw_app:app     (AXA_* settings from the environment, like cmc)
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import datetime

import psycopg
from flask import Flask, Response, abort, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.engine import make_url

from axa.models import latest_quotes
from axa.platform.config import database_url, load_settings

FROM = ("FROM coins JOIN coin_quotes ON coin_quotes.coin_id = coins.id "
        "WHERE coin_quotes.quote_currency = 'USD'")
COUNT = f"SELECT count(*) {FROM}"
PAGE = ("SELECT coins.id, coins.symbol, coins.name, coins.slug, coins.asset_class, "
        "coin_quotes.quote_currency, coin_quotes.price, coin_quotes.volume_24h, coin_quotes.market_cap, "
        f"coin_quotes.percent_change_24h, coin_quotes.as_of, coin_quotes.fetched_at {FROM} "
        "ORDER BY coin_quotes.market_cap DESC NULLS LAST, coins.id LIMIT %(limit)s OFFSET 0")
NAMES = ("id", "symbol", "name", "slug", "asset_class", "quote_currency", "price", "volume_24h", "market_cap",
         "percent_change_24h", "as_of", "fetched_at")
FRESH_FOR = 15 * 60  # the listings dataset's freshness window
_settings = load_settings()
_limiter = MovingWindowRateLimiter(storage_from_string(_settings.redis_url))
_limits = [parse(part) for part in _settings.cmc_anon_limits.split(";") if part.strip()]
_dsn = make_url(database_url("cmc")).set(drivername="postgresql").render_as_string(hide_password=False)
_local = threading.local()
app = Flask("bench.cmc_raw")


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(_dsn, autocommit=True, prepare_threshold=None)
    return conn


def _text(value):
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return format(value, "f")  # a Decimal, as marshmallow's Decimal(as_string=True) writes it


@app.get("/api/v1/listings")
def listings():
    for item in _limits:
        if not _limiter.hit(item, "cmc.anonymous", (request.remote_addr or "unknown").lower()):
            abort(429)
    size, now = int(request.args.get("page_size", 10)), time.time()
    conn = _connection()
    total = conn.execute(COUNT).fetchone()[0]
    body = []
    for row in conn.execute(PAGE, {"limit": size}):
        item = {name: _text(value) for name, value in zip(NAMES, row, strict=True)}
        item["stale"] = now >= latest_quotes.stale_at(row[10], row[11], "instant", FRESH_FOR)
        body.append(item)
    pages = (total - 1) // size + 1 if total else 0
    meta = {"total": total, "total_pages": pages}
    if total:
        meta.update(first_page=1, last_page=pages, page=1, **({"next_page": 2} if pages > 1 else {}))
    response = Response(app.json.dumps(body), mimetype="application/json")
    response.headers["X-Pagination"] = json.dumps(meta)
    digest = hashlib.sha1(response.get_data(), usedforsecurity=False)
    digest.update(response.headers["X-Pagination"].encode())
    response.set_etag(digest.hexdigest())
    response.headers["Cache-Control"] = f"public, max-age={_settings.cmc_public_max_age}"
    return response


def close_connection() -> None:
    conn = getattr(_local, "conn", None)
    if conn is not None:
        conn.close()

