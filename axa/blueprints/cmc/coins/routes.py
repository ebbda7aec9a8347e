"""A coin page (by CMC id or slug) with its latest USD quote, and its daily USD history."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from axa.blueprints.cmc.coins.schemas import CoinDaySchema, CoinSchema
from axa.blueprints.cmc.listings.routes import CURRENCY, quote_fields
from axa.blueprints.cmc.public import CACHE_HEADERS, public_read
from axa.blueprints.market.paging import paged
from axa.blueprints.market.schemas import BIGINT_MAX, HistoryQuerySchema
from axa.models.cmc import Coin, CoinDaily, CoinQuote, db
from axa.platform.api import Blueprint

blp = Blueprint("coins", __name__, url_prefix="/api/v1/coins", description="Coin pages and history")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,199}")


def coin_or_404(key: str) -> Coin:
    """``key`` is a CMC id (digits) or a slug (case-insensitive)."""
    coin = None
    if key.isdigit() and 0 < int(key) <= BIGINT_MAX:
        coin = db.session.get(Coin, int(key))
    elif SLUG.fullmatch(key.lower()):
        coin = db.session.scalar(select(Coin).where(Coin.slug == key.lower()))
    if coin is None:
        abort(404, message="No such coin.")
    return coin


def page(coin: Coin) -> dict:
    body = {c.name: getattr(coin, c.name) for c in Coin.__table__.columns}
    quote = db.session.get(CoinQuote, (coin.id, CURRENCY))
    body["quote"] = quote_fields(quote, datetime.now(UTC)) if quote else None
    return body


@blp.route("/<string:key>")
class CoinByKey(MethodView):
    @public_read(blp)
    @blp.response(200, CoinSchema, headers=CACHE_HEADERS)
    @blp.alt_response(404, description="No such coin")
    def get(self, key):
        """A coin by CMC id or slug: description, links and the latest USD quote (as_of, stale)"""
        return page(coin_or_404(key))


@blp.route("/<string:key>/history")
class CoinHistory(MethodView):
    @public_read(blp)
    @blp.arguments(HistoryQuerySchema, location="query")
    @blp.response(200, CoinDaySchema(many=True), headers=CACHE_HEADERS)
    @blp.alt_response(404, description="No such coin")
    @blp.paginate(page_size=250, max_page_size=1000)
    def get(self, window, key, pagination_parameters):
        """Daily USD OHLC of a coin (by id or slug), oldest first, between `from` and `to`"""
        coin = coin_or_404(key)
        stmt = (select(CoinDaily).where(CoinDaily.coin_id == coin.id, CoinDaily.quote_currency == CURRENCY,
                                        CoinDaily.day.between(window["start"], window["end"]))
                .order_by(CoinDaily.day))
        return list(db.session.scalars(paged(db.session, stmt, pagination_parameters)))
