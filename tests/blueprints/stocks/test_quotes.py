"""``GET /api/v1/quotes``: latest quotes from Redis only, with as_of, stale and the missing ones."""
import json
from datetime import datetime

import msgspec
import redis as redis_py
from marshmallow import fields
from sqlalchemy import event

from axa.blueprints.stocks.quotes.schemas import QuoteSchema, QuotesSchema
from axa.models import latest_quotes
from axa.platform.fields import DecimalString
from axa.platform.redis_client import client_for


def _quotes(stocks, symbols, who="user"):
    return stocks.get("stocks", "/api/v1/quotes", who=who, query_string={"symbols": ",".join(symbols)})


def test_fifty_symbols_with_missing_ones(stocks):
    asked = [*stocks.data["symbols"][:45], "NOPE1", "NOPE2", "ZZZZZZ", "XS0000000000", "Q.Q"]
    response = _quotes(stocks, asked)
    assert response.status_code == 200
    body = response.get_json()
    assert sorted(body["missing"]) == sorted(["NOPE1", "NOPE2", "ZZZZZZ", "XS0000000000", "Q.Q"])
    assert sorted(body["quotes"]) == sorted(stocks.data["symbols"][:45])
    for symbol, quote in body["quotes"].items():
        assert quote["source"] == "fmp" and quote["id"] == symbol
        assert float(quote["price"]) > 0 and quote["price_unit"] == "currency"
        assert datetime.fromisoformat(quote["as_of"]).tzinfo is not None
        assert quote["stale"] is False and "fresh_for" not in quote


def test_lower_case_duplicates_and_isins_resolve(stocks):
    symbol = stocks.data["symbols"][0]
    isin = stocks.get("stocks", "/api/v1/instruments", query_string={"q": symbol}).get_json()[0]["isin"]
    body = _quotes(stocks, [symbol.lower(), f" {symbol} ", isin]).get_json()
    assert list(body["quotes"]) == [symbol, isin] and body["missing"] == []
    assert body["quotes"][symbol]["price"] == body["quotes"][isin]["price"]


def _set_stale_at(redis, symbol: str, value: float) -> None:
    redis.hset(latest_quotes.STALE_AT_KEY, f"fmp:{symbol}", value)


def test_an_old_quote_is_flagged_stale(stocks):
    """A quote is stale once its freshness window has passed: one quote as if written 10 minutes
    earlier, then the app's clock moved past the other's ``stale_at`` too."""
    old, fresh = stocks.data["symbols"][5], stocks.data["symbols"][6]
    app = stocks.apps["stocks"]
    redis = client_for(app.config["AXA"].redis_url)
    ends = dict(zip((old, fresh), map(float, redis.hmget(latest_quotes.STALE_AT_KEY, [f"fmp:{old}", f"fmp:{fresh}"])),
                    strict=True))
    try:
        _set_stale_at(redis, old, ends[old] - 600)
        body = _quotes(stocks, [old, fresh]).get_json()
        assert (body["quotes"][old]["stale"], body["quotes"][fresh]["stale"]) == (True, False)
        assert latest_quotes.read_one(redis, "fmp", old)["stale"] is True
        app.config["AXA_CLOCK"] = lambda: ends[fresh] + 1
        body = _quotes(stocks, [old, fresh]).get_json()
        assert (body["quotes"][old]["stale"], body["quotes"][fresh]["stale"]) == (True, True)
    finally:
        app.config.pop("AXA_CLOCK", None)
        _set_stale_at(redis, old, ends[old])


def test_symbol_count_is_bounded(stocks):
    too_many = [f"S{i}" for i in range(201)]
    response = _quotes(stocks, too_many)
    assert response.status_code == 422 and "symbols" in json.dumps(response.get_json()["errors"])
    assert _quotes(stocks, [f"S{i}" for i in range(200)]).status_code == 200
    for bad in ({}, {"symbols": ""}, {"symbols": ",,"}, {"symbols": "A" * 65}, {"symbols": "A," * 4001},
                {"symbols": "AAPL\x01"}, {"symbols": "A\x7f,B"}):
        assert stocks.get("stocks", "/api/v1/quotes", query_string=bad).status_code == 422, bad


def test_reads_no_database_and_needs_a_session(stocks):
    statements = []
    with stocks.apps["stocks"].app_context():
        engine = stocks.apps["stocks"].extensions["sqlalchemy"].engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert _quotes(stocks, stocks.data["symbols"][:50]).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements == []
    anonymous = _quotes(stocks, ["A"], who=None)
    assert anonymous.status_code == 401 and anonymous.get_json()["message"]


def test_body_matches_the_documented_schema(stocks):
    symbols = stocks.data["symbols"][:3]
    body = _quotes(stocks, [*symbols, "NOPE"]).get_json()
    assert QuotesSchema().dump(body) == body and body["missing"] == ["NOPE"]
    assert body["quotes"] == {s: QuoteSchema().dump(q) for s, q in body["quotes"].items()}
    redis = client_for(stocks.apps["stocks"].config["AXA"].redis_url)
    assert body["quotes"] == {s: latest_quotes.read_one(redis, "fmp", s) for s in symbols}


def test_the_encoded_types_are_the_documented_schemas():
    """The view encodes msgspec structs; the spec documents marshmallow schemas: the same fields."""
    assert set(latest_quotes.Quote.__struct_fields__) == set(QuoteSchema().fields)
    assert set(latest_quotes.QuotesBody.__struct_fields__) == set(QuotesSchema().fields)
    assert all(isinstance(field, fields.String | fields.Boolean | DecimalString)  # all text but stale
               for field in QuoteSchema().fields.values())


def test_quotes_and_session_take_one_redis_round_trip(stocks, monkeypatch):
    """One pipeline (the session check and the quote read), no other command."""
    redis = client_for(stocks.apps["stocks"].config["AXA"].redis_url)
    sent, single = [], []
    real_execute, real_command = redis_py.client.Pipeline.execute, redis.execute_command

    def execute(pipe, *args, **kwargs):
        sent.append([command[0][0] for command in pipe.command_stack])
        return real_execute(pipe, *args, **kwargs)
    monkeypatch.setattr(redis_py.client.Pipeline, "execute", execute)
    monkeypatch.setattr(redis, "execute_command", lambda *a, **k: single.append(a[0]) or real_command(*a, **k))
    body = _quotes(stocks, stocks.data["symbols"][:50]).get_json()
    assert len(body["quotes"]) == 50
    assert sent == [["EVALSHA", "EVALSHA"]] and single == []


def test_a_redis_that_lost_its_scripts_still_answers(stocks):
    client_for(stocks.apps["stocks"].config["AXA"].redis_url).script_flush()
    body = _quotes(stocks, stocks.data["symbols"][:2]).get_json()
    assert len(body["quotes"]) == 2
    assert msgspec.json.decode(msgspec.json.encode(body)) == body
