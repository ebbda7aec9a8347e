"""Arguments of the feed and timeline lists; each answers a page of ``PostSchema``
(axa/blueprints/socweb/posts/schemas.py), newest first, with a ``Link`` header."""
from __future__ import annotations

from axa.models.socweb.profiles import USERNAME_PATTERN
from axa.platform.api import SIGNED_IN
from axa.platform.keyset import KeysetQuerySchema

OPTIONAL_SIGN_IN = [{}, *SIGNED_IN]  # anyone; a signed-in viewer also sees what they may


class FeedQuerySchema(KeysetQuerySchema):
    """``max_id`` / ``min_id`` / ``limit``, as every keyset list of the platform."""


USERNAME_PARAMETER = {
    "in": "path", "name": "username", "schema": {"type": "string"},
    "description": f"A username, any case (`{USERNAME_PATTERN}` once lower-cased); 404 when no "
                   "active user has it"}
TAG_PARAMETER = {
    "in": "path", "name": "tag", "schema": {"type": "string"},
    "description": "A tag, normalized as posts store it (NFKC, lower case, without a leading "
                   "`#`); a tag no post has gives an empty page"}
