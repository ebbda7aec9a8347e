"""``socweb.search``: the Elasticsearch post index kept in step with PostgreSQL from socweb's
outbox (axa/models/socweb/search_index.py holds the work; the relay is axa/tasks/socweb/feeds.py)."""
from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError as DatabaseUnavailable

from axa.models.socweb.search import Unavailable

log = logging.getLogger(__name__)


# Elasticsearch down: retried with backoff for about two hours (2 s doubling to 10 min, jittered),
# acked late like every task; past that the post waits for the next reindex.
@shared_task(name="socweb.search.index_posts", soft_time_limit=110, time_limit=120,
             autoretry_for=(Unavailable, DatabaseUnavailable), retry_backoff=2, retry_backoff_max=600,
             retry_jitter=True, max_retries=16)
def index_posts(post_ids: list[int]) -> int:
    """``search.posts``: these posts indexed as PostgreSQL has them (deleted ones removed)."""
    url = current_app.config["AXA"].search_url
    if not url:
        log.warning("posts %s: no AXA_SEARCH_URL here (PostgreSQL search); nothing to index", post_ids)
        return 0
    from axa.models.socweb import search_index  # the Elasticsearch client loads only where it is used

    return search_index.index_posts(url, post_ids)
