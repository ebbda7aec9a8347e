"""``GET /api/v1/listings``: coins with USD quotes, sorted either way, paginated, stale-flagged."""
import json
from decimal import Decimal

import pytest

from tests.blueprints.cmc.conftest import LISTED

SORTS = ("market_cap", "price", "volume_24h", "percent_change_24h")


def _listings(cmc, **query):
    response = cmc.get("cmc", "/api/v1/listings", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), json.loads(response.headers["X-Pagination"])


def _values(rows, key):
    return [Decimal(r[key]) for r in rows if r[key] is not None]


@pytest.mark.parametrize("sort", SORTS)
def test_sorted_both_directions(cmc, sort):
    down, meta = _listings(cmc, sort=sort, dir="desc", page_size=100)
    up, _ = _listings(cmc, sort=sort, dir="asc", page_size=100)
    assert len(down) == len(up) == 100 and meta["total"] == LISTED
    assert _values(down, sort) == sorted(_values(down, sort), reverse=True)
    assert _values(up, sort) == sorted(_values(up, sort))
    assert _values(up, sort)[0] < _values(down, sort)[0]


def test_default_is_market_cap_descending_and_pages_chain(cmc):
    first, meta = _listings(cmc)
    assert len(first) == 10 and meta["next_page"] == 2 and meta["total_pages"] == LISTED // 10
    assert first[0]["symbol"] == "BTC" and first[0]["slug"] == "bitcoin"
    second, _ = _listings(cmc, page=2)
    whole, _ = _listings(cmc, page_size=20)
    assert first + second == whole
    last, meta = _listings(cmc, page=LISTED // 10)
    assert "next_page" not in meta and meta["previous_page"] == LISTED // 10 - 1 and len(last) == 10


def test_rows_carry_quote_and_stale_flag(cmc):
    rows, _ = _listings(cmc, page_size=50)
    for row in rows:
        assert row["quote_currency"] == "USD" and Decimal(row["price"]) > 0
        assert row["as_of"] and row["stale"] is False and row["asset_class"] in ("crypto", "token")


def test_bad_parameters_signed_in_or_not(cmc):
    for bad in ({"sort": "name"}, {"dir": "up"}, {"page_size": 0}, {"page": "x"}):
        for who in ("user", None):
            response = cmc.get("cmc", "/api/v1/listings", who=who, query_string=bad)
            assert response.status_code == 422 and response.get_json()["errors"], (bad, who)


def test_a_page_is_what_the_documented_schema_dumps(cmc):
    """The page is encoded straight from the rows (no marshmallow dump of 100 rows): the very
    values ``ListingSchema`` writes for the same rows."""
    from datetime import UTC, datetime

    from axa.blueprints.cmc.listings.routes import FRESH_FOR, listing
    from axa.blueprints.cmc.listings.schemas import ListingSchema
    from axa.blueprints.market.freshness import is_stale
    from axa.models.cmc import db
    rows, _ = _listings(cmc, page_size=100)
    with cmc.apps["cmc"].app_context():
        found = db.session.execute(listing({"sort": "market_cap", "dir": "desc"}).limit(100)).all()
        now = datetime.now(UTC)
        dumped = ListingSchema(many=True).dump(
            [{**row._asdict(), "stale": is_stale(row.as_of, row.fetched_at, FRESH_FOR, now=now)} for row in found])
    assert rows == dumped
    assert any(row["market_cap"] and "." in row["market_cap"] for row in rows)
