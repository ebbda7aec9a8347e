"""``GET /api/v1/quotes?symbols=A,B,…``: latest quotes from Redis only, each with ``as_of`` and
``stale``. The body is rendered by Redis in the session check's own round trip
(``quotes.QUOTES_RIDER``): one Redis call per request, no database."""
from __future__ import annotations

from flask import Flask, Request, Response
from flask.views import MethodView
from flask_smorest import Blueprint

from axa.blueprints.stocks.quotes.schemas import QuotesQuerySchema, QuotesSchema, parse_symbols
from axa.platform import quotes
from axa.platform.auth_hook import login_required, ridden, rides_session
from axa.platform.redis_client import get_redis

blp = Blueprint("quotes", __name__, url_prefix="/api/v1/quotes",
                description="Latest quotes by symbol or ISIN, from the quote cache")


def _symbols_to_ride(_app: Flask, req: Request) -> list[str] | None:
    """The symbols the quotes rider reads with the session; None when they will not validate."""
    try:
        return parse_symbols(req.args.get("symbols", ""))
    except ValueError:
        return None


@blp.route("")
class Quotes(MethodView):
    @login_required
    @rides_session(quotes.QUOTES_RIDER, _symbols_to_ride)
    @blp.arguments(QuotesQuerySchema, location="query")
    @blp.response(200, QuotesSchema)
    def get(self, query):
        """Latest quotes of up to 200 symbols or ISINs; the unknown ones are listed as missing"""
        body = ridden(query["symbols"]) or quotes.render(get_redis(), query["symbols"])
        return Response(body, mimetype="application/json")
