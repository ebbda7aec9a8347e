"""``GET /api/v1/listings``: coins with their latest USD quote, sorted and paginated."""
from __future__ import annotations

from datetime import UTC, datetime

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


def quote_fields(quote: CoinQuote, now: datetime) -> dict:
    body = {c: getattr(quote, c) for c in ("quote_currency", "price", "volume_24h", "market_cap",
                                           "percent_change_24h", "as_of", "fetched_at")}
    body["stale"] = is_stale(quote.as_of, quote.fetched_at, FRESH_FOR, now=now)
    return body


def listing(query: dict) -> Select:
    column = getattr(CoinQuote, query["sort"])
    order = column.asc() if query["dir"] == "asc" else column.desc()
    return (select(Coin, CoinQuote).join(CoinQuote, CoinQuote.coin_id == Coin.id)
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
        return [{"id": coin.id, "symbol": coin.symbol, "name": coin.name, "slug": coin.slug,
                 "asset_class": coin.asset_class, **quote_fields(quote, now)} for coin, quote in rows]
