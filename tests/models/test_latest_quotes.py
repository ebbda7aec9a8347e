"""The latest-quote contract in Redis (axa/models/latest_quotes.py): the writer never replaces a
newer quote with an older one, and readers see the fields, ``stale`` and the missing symbols."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec
import pytest

from axa.clients.records import QuoteRecord
from axa.models import latest_quotes
from axa.platform.redis_client import client_for


def _quote(now, ident: str, price: str, age: timedelta, precision: str = "instant", fetched_age=None):
    as_of = now - age
    return QuoteRecord(source="fmp", source_instrument_id=ident, price=Decimal(price),
                       price_unit="currency", as_of=as_of, as_of_precision=precision,
                       fetched_at=now - (fetched_age if fetched_age is not None else age),
                       raw_ref="test", quote_currency="USD", change_pct=Decimal("-1.25"))


def _read(redis, symbols, now=None) -> dict:
    return msgspec.to_builtins(latest_quotes.read(redis, symbols, now))


@pytest.fixture
def redis(live_apps):
    return client_for(live_apps["stocks"].config["AXA"].redis_url)


@pytest.fixture
def now():
    return datetime.now(UTC).replace(microsecond=0)


def test_an_older_quote_never_replaces_a_newer_one(redis, now):
    assert latest_quotes.write(redis, [_quote(now, "AAA", "10.5", timedelta(seconds=5))], "fmp.quotes", 120,
                               index_ids=True) == 1
    assert latest_quotes.write(redis, [_quote(now, "AAA", "9.0", timedelta(minutes=3))], "fmp.quotes", 120) == 0
    assert _read(redis, ["aaa"])["quotes"]["AAA"]["price"] == "10.5"
    assert latest_quotes.write(redis, [_quote(now, "AAA", "11", timedelta(seconds=1))], "fmp.quotes", 120) == 1
    assert latest_quotes.read_one(redis, "fmp", "AAA")["price"] == "11"


def test_read_fields_stale_and_missing(redis, now):
    records = [_quote(now, "AAA", "10.5", timedelta(seconds=5)), _quote(now, "OLD", "3", timedelta(minutes=10)),
               _quote(now, "EOD", "7", timedelta(days=2), "day", fetched_age=timedelta(seconds=30))]
    latest_quotes.write(redis, records, "fmp.quotes", 120, index_ids=True)
    body = _read(redis, ["AAA", "OLD", "EOD", "NOPE", 'Q"X'])
    assert body["missing"] == ["NOPE", 'Q"X']
    assert {s: q["stale"] for s, q in body["quotes"].items()} == {"AAA": False, "OLD": True, "EOD": False}
    assert body["quotes"]["AAA"] == {
        "source": "fmp", "id": "AAA", "dataset": "fmp.quotes", "price": "10.5", "price_unit": "currency",
        "quote_currency": "USD", "change_pct": "-1.25", "as_of": (now - timedelta(seconds=5)).isoformat(),
        "as_of_precision": "instant", "fetched_at": (now - timedelta(seconds=5)).isoformat(), "stale": False}
    later = (now + timedelta(seconds=200)).timestamp()
    assert _read(redis, ["AAA"], now=later)["quotes"]["AAA"]["stale"] is True
    assert latest_quotes.read_one(redis, "fmp", "OLD")["stale"] is True
    assert _read(redis, []) == {"quotes": {}, "missing": []}


def test_empty_fields_are_left_out_and_other_types_kept_as_text(redis, now):
    record = _quote(now, "ODD", "1", timedelta(seconds=5))._replace(quote_currency="", volume=12345)
    latest_quotes.write(redis, [record], "fmp.quotes", 120, index_ids=True)
    quote = _read(redis, ["ODD"])["quotes"]["ODD"]
    assert "quote_currency" not in quote and quote["volume"] == "12345"


def test_ids_users_type_are_indexed_in_the_same_script_call(redis, now, monkeypatch):
    records = [_quote(now, "IDX1", "1.5", timedelta(seconds=5)), _quote(now, "IDX2", "2", timedelta(seconds=5))]
    sent, real = [], redis.execute_command
    monkeypatch.setattr(redis, "execute_command", lambda *a, **k: sent.append(a[0]) or real(*a, **k))
    assert latest_quotes.write(redis, records, "fmp.quotes", 120, index_ids=True) == 2
    assert sent == ["EVALSHA"]  # quotes and index in one call
    monkeypatch.undo()
    assert {s: q["price"] for s, q in _read(redis, ["idx1", "IDX2"])["quotes"].items()} == {"IDX1": "1.5", "IDX2": "2"}
    latest_quotes.write(redis, [_quote(now, "UNTYPED", "3", timedelta(seconds=5))], "fmp.quotes", 120)
    assert _read(redis, ["UNTYPED"])["missing"] == ["UNTYPED"]  # not indexed unless asked
    latest_quotes.index_symbols(redis, {"untyped": "fmp:UNTYPED"})
    assert _read(redis, ["UNTYPED"])["quotes"]["UNTYPED"]["price"] == "3"


def test_the_read_script_answers_arrays_not_json(redis, now):
    """latest_quotes_read.lua: one entry per symbol in refs, one per known ref in the others."""
    latest_quotes.write(redis, [_quote(now, "AAA", "10.5", timedelta(seconds=5))], "fmp.quotes", 120, index_ids=True)
    redis.hset(latest_quotes.INDEX_KEY, "GONE", "fmp:GONE")  # indexed, no quote yet
    refs, bodies, ends = latest_quotes.READ(redis, args=["NOPE", "AAA", "GONE"])
    assert refs == [None, "fmp:AAA", "fmp:GONE"]
    assert msgspec.json.decode(bodies[0])["price"] == "10.5" and bodies[1] is None
    assert float(ends[0]) == (now - timedelta(seconds=5)).timestamp() + 120 and ends[1] is None
    assert latest_quotes.READ(redis, args=["NOPE"]) == [[None], [], []]


def test_quotes_by_ref_and_by_symbol_in_one_round_trip(redis, now, monkeypatch):
    """``read_mixed``: cmc coins are known by ref (their symbols collide), stocks by symbol."""
    coin = _quote(now, "1", "65000.5", timedelta(minutes=20))._replace(
        source="cmc", change_pct_1h=Decimal("0.25"), change_pct_7d=Decimal("-3.5"))
    latest_quotes.write(redis, [coin], "cmc.listings", 900)
    latest_quotes.write(redis, [_quote(now, "AAA", "10.5", timedelta(seconds=5))], "fmp.quotes", 120, index_ids=True)
    sent, real = [], redis.pipeline
    monkeypatch.setattr(redis, "pipeline", lambda *a, **k: sent.append(1) or real(*a, **k))
    by_ref, by_symbol = latest_quotes.read_mixed(redis, ["cmc:1", "cmc:2"], ["aaa", "NOPE"], now.timestamp())
    assert len(sent) == 1
    assert list(by_ref) == ["cmc:1"] and list(by_symbol) == ["AAA"]
    assert (by_ref["cmc:1"].price, by_ref["cmc:1"].change_pct_1h, by_ref["cmc:1"].change_pct_7d) == (
        "65000.5", "0.25", "-3.5")
    assert by_ref["cmc:1"].stale is True and by_symbol["AAA"].stale is False
    assert latest_quotes.read_mixed(redis, [], []) == ({}, {})
