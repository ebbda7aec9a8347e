"""``GET /api/v1/bonds``: the screener over bond instruments, their terms and latest prices."""
import json
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from axa.models.stocks import BondTerms, Instrument, LatestQuote


def _screen(stocks, **query):
    query.setdefault("page_size", 100)
    response = stocks.get("stocks", "/api/v1/bonds", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), json.loads(response.headers["X-Pagination"])["total"]


def _bond_count(stocks, *where) -> int:
    stmt = (select(func.count()).select_from(Instrument)
            .join(BondTerms, (BondTerms.source == Instrument.source)
                  & (BondTerms.source_instrument_id == Instrument.source_instrument_id))
            .outerjoin(LatestQuote, (LatestQuote.source == Instrument.source)
                       & (LatestQuote.source_instrument_id == Instrument.source_instrument_id))
            .where(Instrument.asset_class == "bond", *where))
    return stocks.scalars("stocks", stmt)[0]


def test_unfiltered_lists_every_bond_soonest_maturity_first(stocks):
    rows, total = _screen(stocks)
    assert total == _bond_count(stocks) >= 250
    maturities = [r["maturity_date"] for r in rows if r["maturity_date"]]
    assert maturities == sorted(maturities)
    priced = [r for r in rows if r["price"] is not None]
    assert priced and all(r["stale"] is False and r["price_unit"] == "pct_of_nominal" for r in priced)
    assert {r["source"] for r in rows} <= {"cbonds", "terrapin"}


def test_yield_range(stocks):
    rows, total = _screen(stocks, min_yield="3.5", max_yield="5")
    assert total == _bond_count(stocks, LatestQuote.yield_pct.between(Decimal("3.5"), Decimal(5))) > 0
    assert all(Decimal("3.5") <= Decimal(r["yield_pct"]) <= 5 for r in rows)
    _, above = _screen(stocks, min_yield="5.0001")
    _, every_priced = _screen(stocks, min_yield="-100")
    assert 0 < above < every_priced


def test_maturity_range_currency_and_issuer(stocks):
    rows, total = _screen(stocks, maturity_from="2028-01-01", maturity_to="2032-12-31", currency="usd")
    assert total == _bond_count(stocks, BondTerms.maturity_date.between(date(2028, 1, 1), date(2032, 12, 31)),
                                Instrument.currency == "USD") > 0
    assert all("2028-01-01" <= r["maturity_date"] <= "2032-12-31" and r["currency"] == "USD" for r in rows)
    issuer = rows[0]["issuer_name"]
    word = issuer.split()[0].lower()
    by_issuer, total = _screen(stocks, issuer=word)
    assert total == _bond_count(stocks, Instrument.issuer_name.icontains(word)) > 0
    assert all(word in r["issuer_name"].lower() for r in by_issuer)


def test_invalid_ranges_are_422(stocks):
    for bad in ({"min_yield": "6", "max_yield": "5"}, {"maturity_from": "2030-01-01", "maturity_to": "2029-01-01"},
                {"maturity_from": "2030-13-01"}, {"min_yield": "lots"}, {"currency": "E"}):
        response = stocks.get("stocks", "/api/v1/bonds", query_string=bad)
        assert response.status_code == 422 and response.get_json()["errors"]["query"], bad
    assert stocks.get("stocks", "/api/v1/bonds", who=None).status_code == 401


def test_an_old_price_is_flagged_stale(stocks):
    rows, _ = _screen(stocks, min_yield="-100", page_size=1)
    key = (LatestQuote.source == rows[0]["source"]) & (
        LatestQuote.source_instrument_id == rows[0]["source_instrument_id"])
    app = stocks.apps["stocks"]
    with app.app_context():
        db = app.extensions["sqlalchemy"]
        fetched_at = db.session.scalar(select(LatestQuote.fetched_at).where(key))
        db.session.execute(update(LatestQuote).where(key).values(fetched_at=fetched_at - timedelta(hours=3)))
        db.session.commit()
        try:
            assert _screen(stocks, min_yield="-100", page_size=1)[0][0]["stale"] is True
        finally:
            db.session.execute(update(LatestQuote).where(key).values(fetched_at=fetched_at))
            db.session.commit()
    assert _screen(stocks, min_yield="-100", page_size=1)[0][0]["stale"] is False
