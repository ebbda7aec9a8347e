"""``GET /api/v1/quotes?symbols=A,B,…``: latest quotes from Redis only, each with ``as_of`` and
``stale``. The body is rendered by Redis in the session check's own round trip
(``quotes.QUOTES_RIDER``): one Redis call per request, no database."""
from __future__ import annotations

from flask import Flask, Request, Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from axa.blueprints.market.schemas import PLAIN
from axa.blueprints.stocks.quotes.schemas import MAX_TEXT, QuotesQuerySchema, QuotesSchema, parse_symbols
from axa.platform import quotes
from axa.platform.auth_hook import login_required, ridden, rides_session
from axa.platform.redis_client import get_redis

blp = Blueprint("quotes", __name__, url_prefix="/api/v1/quotes",
                description="Latest quotes by symbol or ISIN, from the quote cache")


def valid_symbols(text: str | None) -> list[str] | None:
    """The symbols of ``?symbols=`` when ``QuotesQuerySchema`` would accept it (the same rules,
    without a schema load on this hot path), else None."""
    if text is None or not 1 <= len(text) <= MAX_TEXT or PLAIN.regex.match(text) is None:
        return None
    try:
        return parse_symbols(text)
    except ValueError:
        return None


def _symbols_to_ride(_app: Flask, req: Request) -> list[str] | None:
    """The symbols the quotes rider reads with the session; None when they will not validate."""
    return valid_symbols(req.args.get("symbols"))


_SYMBOLS_DOC = [{"in": "query", "name": "symbols", "required": True,
                 "description": QuotesQuerySchema().fields["symbols"].metadata["description"],
                 "schema": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT,
                            "pattern": PLAIN.regex.pattern}}]


@blp.route("")
class Quotes(MethodView):
    @login_required
    @rides_session(quotes.QUOTES_RIDER, _symbols_to_ride)
    @blp.doc(parameters=_SYMBOLS_DOC)
    @blp.alt_response(422, "UNPROCESSABLE_ENTITY")
    @blp.response(200, QuotesSchema)
    def get(self):
        """Latest quotes of up to 200 symbols or ISINs; the unknown ones are listed as missing"""
        body = ridden()  # rendered with the session check when the symbols were valid
        if body is None:
            symbols = valid_symbols(request.args.get("symbols"))
            if symbols is None:  # webargs says why, with the 422 every query argument error gets
                symbols = blp.ARGUMENTS_PARSER.parse(QuotesQuerySchema, request, location="query")["symbols"]
            body = quotes.render(get_redis(), symbols)
        return Response(body, mimetype="application/json")
