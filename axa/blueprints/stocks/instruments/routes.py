"""Instruments: search, one instrument with bond terms and its latest quote, daily history."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort

from axa.blueprints.market.paging import paged
from axa.blueprints.market.schemas import ID, HistoryQuerySchema
from axa.blueprints.stocks.instruments import service
from axa.blueprints.stocks.instruments.schemas import (
    BarSchema,
    InstrumentDetailSchema,
    InstrumentQuerySchema,
    InstrumentSchema,
)
from axa.models.stocks import Instrument, db
from axa.platform.api import Blueprint

blp = Blueprint("instruments", __name__, url_prefix="/api/v1/instruments",
                description="Equities, ETFs and bonds: search, details, daily history")


def instrument_or_404(instrument_id: int) -> Instrument:
    instrument = db.session.get(Instrument, instrument_id)
    if instrument is None:
        abort(404, message="No such instrument.")
    return instrument


@blp.route("")
class Instruments(MethodView):
    @blp.login_required
    @blp.arguments(InstrumentQuerySchema, location="query")
    @blp.response(200, InstrumentSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Search by symbol (prefix), name (substring) or ISIN (exact); filter by class, exchange, currency"""
        stmt = paged(db.session, service.search(query), pagination_parameters)
        return list(db.session.scalars(stmt))


@blp.route(f"/<{ID}:instrument_id>")
class InstrumentById(MethodView):
    @blp.login_required
    @blp.response(200, InstrumentDetailSchema)
    @blp.alt_response(404, description="No such instrument")
    def get(self, instrument_id):
        """One instrument, with bond terms for bonds and the latest quote (as_of, stale)"""
        return service.detail(instrument_or_404(instrument_id))


@blp.route(f"/<{ID}:instrument_id>/history")
class InstrumentHistory(MethodView):
    @blp.login_required
    @blp.arguments(HistoryQuerySchema, location="query")
    @blp.response(200, BarSchema(many=True))
    @blp.alt_response(404, description="No such instrument")
    @blp.paginate(page_size=250, max_page_size=1000)
    def get(self, window, instrument_id, pagination_parameters):
        """Daily OHLCV bars, oldest first, between `from` and `to` (default: the last year)"""
        stmt = service.bars(instrument_or_404(instrument_id), window["start"], window["end"])
        return list(db.session.scalars(paged(db.session, stmt, pagination_parameters)))
