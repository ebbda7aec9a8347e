"""``GET /api/v1/listings``: coins with their latest USD quote, sorted and paginated."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import Response, current_app
from flask.views import MethodView
from sqlalchemy import Select, select

from axa.blueprints.cmc.listings.schemas import ListingQuerySchema, ListingSchema
from axa.blueprints.cmc.public import CACHE_HEADERS, public_read
from axa.blueprints.market.freshness import is_stale
from axa.blueprints.market.paging import paged
from axa.models.cmc import Coin, CoinQuote, db
from axa.platform.api import Blueprint
from axa.tasks.cmc.datasets import CMC_LISTINGS

blp = Blueprint("listings", __name__, url_prefix="/api/v1/listings",
                description="Crypto listings with USD quotes")

CURRENCY = "USD"
FRESH_FOR = CMC_LISTINGS.fresh_for


QUOTE_FIELDS = ("quote_currency", "price", "volume_24h", "market_cap", "percent_change_24h", "as_of",
                "fetched_at")
COIN_FIELDS = ("id", "symbol", "name", "slug", "asset_class")


def quote_fields(quote: CoinQuote, now: datetime) -> dict:
    body = {c: getattr(quote, c) for c in QUOTE_FIELDS}
    body["stale"] = is_stale(quote.as_of, quote.fetched_at, FRESH_FOR, now=now)
    return body


def listing(query: dict) -> Select:
    """The page's columns only (a coin's description, links and tags stay in the database)."""
    column = getattr(CoinQuote, query["sort"])
    order = column.asc() if query["dir"] == "asc" else column.desc()
    columns = [getattr(Coin, name) for name in COIN_FIELDS] + [getattr(CoinQuote, n) for n in QUOTE_FIELDS]
    return (select(*columns).join(CoinQuote, CoinQuote.coin_id == Coin.id)
            .where(CoinQuote.quote_currency == CURRENCY)
            .order_by(order.nulls_last(), Coin.id))


@blp.route("")
class Listings(MethodView):
    @public_read(blp)
    @blp.arguments(ListingQuerySchema, location="query")
    @blp.response(200, ListingSchema(many=True), headers=CACHE_HEADERS)
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Coins by market cap, price, 24 h volume or 24 h change, either direction"""
        now = datetime.now(UTC)
        rows = db.session.execute(paged(db.session, listing(query), pagination_parameters))
        page = [{**{name: plain(value) for name, value in row._mapping.items()},
                 "stale": is_stale(row.as_of, row.fetched_at, FRESH_FOR, now=now)} for row in rows]
        return Response(current_app.json.dumps(page), mimetype="application/json")


def plain(value):
    """A value as ``ListingSchema`` writes it (decimals as plain-notation strings, moments in ISO
    8601), so a page is encoded once, without marshmallow's dump of 100 rows (tested equal to the
    schema's dump; bench/cmc_listings.py measures it)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    return value
