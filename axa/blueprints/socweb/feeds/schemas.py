"""Arguments of the feed and timeline lists; each answers a page of ``PostSchema``
(axa/blueprints/socweb/posts/schemas.py), newest first, with a ``Link`` header."""
from __future__ import annotations

from axa.platform.keyset import KeysetQuerySchema


class FeedQuerySchema(KeysetQuerySchema):
    """``max_id`` / ``min_id`` / ``limit``, as every keyset list of the platform."""


TAG_PARAMETER = {
    "in": "path", "name": "tag", "schema": {"type": "string"},
    "description": "A tag, normalized as posts store it (NFKC, lower case, without a leading "
                   "`#`); a tag no post has gives an empty page"}
