"""``GET /api/v1/quotes?symbols=A,B,…``: latest quotes from Redis only (two round trips, no
database), each with ``as_of`` and ``stale``."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from axa.blueprints.stocks.quotes.schemas import QuotesQuerySchema, QuotesSchema
from axa.platform import quotes
from axa.platform.auth_hook import login_required
from axa.platform.redis_client import get_redis

blp = Blueprint("quotes", __name__, url_prefix="/api/v1/quotes",
                description="Latest quotes by symbol or ISIN, from the quote cache")


@blp.route("")
class Quotes(MethodView):
    @login_required
    @blp.arguments(QuotesQuerySchema, location="query")
    @blp.response(200, QuotesSchema)
    def get(self, query):
        """Latest quotes of up to 200 symbols or ISINs; the unknown ones are listed as missing"""
        found = quotes.read_by_symbols(get_redis(), query["symbols"])
        return {"quotes": {s: q for s, q in found.items() if q is not None},
                "missing": [s for s, q in found.items() if q is None]}
