"""``GET /api/v1/bonds``: the bond screener (bond instruments with their terms and latest price)."""
from __future__ import annotations

import operator
from datetime import UTC, datetime

from flask.views import MethodView
from sqlalchemy import Select, and_, select

from axa.blueprints.market.freshness import is_stale
from axa.blueprints.market.paging import paged
from axa.blueprints.stocks.bonds.schemas import BondQuerySchema, BondSchema
from axa.models.stocks import BondTerms, Instrument, LatestQuote, db
from axa.platform.api import Blueprint
from axa.tasks.stocks.datasets import CATALOGUE

blp = Blueprint("bonds", __name__, url_prefix="/api/v1/bonds", description="Bond screener")

RANGES = (("maturity_from", BondTerms.maturity_date, operator.ge),
          ("maturity_to", BondTerms.maturity_date, operator.le),
          ("min_yield", LatestQuote.yield_pct, operator.ge),
          ("max_yield", LatestQuote.yield_pct, operator.le))


def _joined(model):
    """The same vendor's row for the bond: (source, source_instrument_id)."""
    return and_(model.source == Instrument.source,
                model.source_instrument_id == Instrument.source_instrument_id)


def screen(query: dict) -> Select:
    stmt = (select(Instrument, BondTerms, LatestQuote)
            .join(BondTerms, _joined(BondTerms)).outerjoin(LatestQuote, _joined(LatestQuote))
            .where(Instrument.asset_class == "bond"))
    if query.get("issuer"):
        stmt = stmt.where(Instrument.issuer_name.icontains(query["issuer"], autoescape=True))
    if query.get("currency"):
        stmt = stmt.where(Instrument.currency == query["currency"].upper())
    for key, column, compare in RANGES:
        if query.get(key) is not None:
            stmt = stmt.where(compare(column, query[key]))
    return stmt.order_by(BondTerms.maturity_date.asc().nulls_last(), Instrument.id)


def row(instrument, terms, quote, now: datetime) -> dict:
    body = {c: getattr(instrument, c) for c in ("id", "source", "source_instrument_id", "isin", "symbol",
                                                "name", "issuer_name", "currency")}
    body.update({c: getattr(terms, c) for c in ("coupon_rate", "coupon_type", "maturity_date", "status")})
    if quote is None:
        return {**body, "price": None, "price_unit": None, "yield_pct": None, "as_of": None, "stale": None}
    fresh_for = CATALOGUE[quote.dataset].fresh_for if quote.dataset in CATALOGUE else 0
    return {**body, "price": quote.price, "price_unit": quote.price_unit, "yield_pct": quote.yield_pct,
            "as_of": quote.as_of,
            "stale": is_stale(quote.as_of, quote.fetched_at, fresh_for, quote.as_of_precision, now)}


@blp.route("")
class Bonds(MethodView):
    @blp.login_required
    @blp.arguments(BondQuerySchema, location="query")
    @blp.response(200, BondSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Screen bonds by issuer, currency, maturity range and yield range; soonest maturity first"""
        now = datetime.now(UTC)
        rows = db.session.execute(paged(db.session, screen(query), pagination_parameters))
        return [row(*found, now) for found in rows]
