"""``flask --app wsgi search-reindex`` on socweb (``AXA_SUBSYSTEM=socweb``): rebuild the
Elasticsearch post index from PostgreSQL, printing progress (axa/models/socweb/search_index.py).
Exits 1 with the reason when posts are searched in PostgreSQL or the server fails."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("search-reindex")
@click.option("--batch", type=click.IntRange(1, 5000), default=500, show_default=True,
              help="Posts per bulk request.")
@with_appcontext
def search_reindex(batch: int) -> None:
    """Rebuild the post search index (Elasticsearch) and switch searches to it."""
    url = current_app.config["AXA"].search_url
    if not url:
        raise click.ClickException("AXA_SEARCH_URL is not set: posts are searched in PostgreSQL, "
                                   "whose index needs no rebuilding.")
    from elasticsearch import ApiError, TransportError

    from axa.models.socweb.search import Unavailable
    from axa.models.socweb.search_index import reindex
    try:
        reindex(url, click.echo, batch)
    except (ApiError, TransportError, Unavailable) as exc:  # Unavailable: from its catch-up indexing
        raise click.ClickException(f"Elasticsearch failed: {exc}") from None
