"""``GET /api/v1/quotes?symbols=A,B,…``: latest quotes from Redis only, each with ``as_of`` and
``stale``. The quote read (axa/models/latest_quotes.py) goes in the session check's own round trip:
one Redis call per request, no database."""
from __future__ import annotations

from flask import Response

from axa.blueprints.stocks.quotes.schemas import QuotesQuerySchema, QuotesSchema
from axa.models import latest_quotes
from axa.platform import clock
from axa.platform.api import Blueprint

blp = Blueprint("quotes", __name__, url_prefix="/api/v1/quotes",
                description="Latest quotes by symbol or ISIN, from the quote cache")


def read_quotes(pipe, _session_key: str, symbols: list[str]) -> None:
    """The quote read, queued on the session check's round trip."""
    latest_quotes.queue_read(pipe, symbols)


@blp.route("", methods=["GET"])
# arguments first: the symbols they parse are read in the session check's round trip
@blp.arguments(QuotesQuerySchema, location="query", as_kwargs=True)
@blp.login_required(reads=read_quotes)
@blp.response(200, QuotesSchema)
def quotes(symbols: list[str], reads: list):
    """Latest quotes of up to 200 symbols or ISINs; the unknown ones are listed as missing"""
    body = latest_quotes.body(symbols, reads[0], clock.now())  # the QuotesSchema fields (tested)
    return Response(latest_quotes.encode_body(body), mimetype="application/json")
