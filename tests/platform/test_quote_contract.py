"""The latest-quote contract in Redis (axa/platform/quotes.py): the writer never replaces a newer
quote with an older one, and readers see the fields, ``stale`` and the missing symbols."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from axa.clients.records import QuoteRecord
from axa.platform import quotes
from axa.platform.redis_client import client_for


def _quote(now, ident: str, price: str, age: timedelta, precision: str = "instant", fetched_age=None):
    as_of = now - age
    return QuoteRecord(source="fmp", source_instrument_id=ident, price=Decimal(price),
                       price_unit="currency", as_of=as_of, as_of_precision=precision,
                       fetched_at=now - (fetched_age if fetched_age is not None else age),
                       raw_ref="test", quote_currency="USD", change_pct=Decimal("-1.25"))


@pytest.fixture
def redis(live_apps):
    return client_for(live_apps["stocks"].config["AXA"].redis_url)


@pytest.fixture
def now():
    return datetime.now(UTC).replace(microsecond=0)


def test_an_older_quote_never_replaces_a_newer_one(redis, now):
    assert quotes.write_latest(redis, [_quote(now, "AAA", "10.5", timedelta(seconds=5))], "fmp.quotes", 120,
                               {"AAA": "fmp:AAA"}) == 1
    assert quotes.write_latest(redis, [_quote(now, "AAA", "9.0", timedelta(minutes=3))], "fmp.quotes", 120) == 0
    assert quotes.read_by_symbols(redis, ["aaa"])["aaa"]["price"] == "10.5"
    newer = [_quote(now, "AAA", "11", timedelta(seconds=1)), _quote(now, "AAA", "12", timedelta(seconds=3))]
    assert quotes.write_latest(redis, newer, "fmp.quotes", 120) == 1
    assert quotes.read_one(redis, "fmp", "AAA")["price"] == "11"


def test_rendered_body_fields_stale_and_missing(redis, now):
    records = [_quote(now, "AAA", "10.5", timedelta(seconds=5)), _quote(now, "OLD", "3", timedelta(minutes=10)),
               _quote(now, "EOD", "7", timedelta(days=2), "day", fetched_age=timedelta(seconds=30))]
    quotes.write_latest(redis, records, "fmp.quotes", 120, {r.source_instrument_id: f"fmp:{r.source_instrument_id}"
                                                           for r in records})
    body = json.loads(quotes.render(redis, ["AAA", "OLD", "EOD", "NOPE", 'Q"X']))
    assert body["missing"] == ["NOPE", 'Q"X']
    assert {s: q["stale"] for s, q in body["quotes"].items()} == {"AAA": False, "OLD": True, "EOD": False}
    aaa = body["quotes"]["AAA"]
    assert aaa == {"source": "fmp", "id": "AAA", "dataset": "fmp.quotes", "price": "10.5",
                   "price_unit": "currency", "quote_currency": "USD", "change_pct": "-1.25",
                   "as_of": (now - timedelta(seconds=5)).isoformat(), "as_of_precision": "instant",
                   "fetched_at": (now - timedelta(seconds=5)).isoformat(), "stale": False}
    later = (now + timedelta(seconds=200)).timestamp()
    assert json.loads(quotes.render(redis, ["AAA"], now=later))["quotes"]["AAA"]["stale"] is True
    assert quotes.read_one(redis, "fmp", "OLD")["stale"] is True


def test_quotes_whose_ids_users_type_are_indexed_by_the_same_script(redis, now, monkeypatch):
    records = [_quote(now, "IDX1", "1.5", timedelta(seconds=5)), _quote(now, "IDX2", "2", timedelta(seconds=5))]
    sent, real = [], redis.execute_command
    monkeypatch.setattr(redis, "execute_command", lambda *a, **k: sent.append(a[0]) or real(*a, **k))
    assert quotes.write_latest(redis, records, "fmp.quotes", 120, index_ids=True) == 2
    assert sent == ["EVALSHA"]  # quotes and index in one call
    monkeypatch.undo()
    assert {s: q["price"] for s, q in quotes.read_by_symbols(redis, ["idx1", "IDX2"]).items()} == {
        "idx1": "1.5", "IDX2": "2"}
    quotes.write_latest(redis, [_quote(now, "UNTYPED", "3", timedelta(seconds=5))], "fmp.quotes", 120)
    assert quotes.read_by_symbols(redis, ["UNTYPED"]) == {"UNTYPED": None}  # not indexed unless asked
