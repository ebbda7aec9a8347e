"""Keyset pagination, the platform's style for new lists (DESIGN.md §9, Mastodon's contract).

A page is newest first. ``max_id`` asks for the items older than it, ``min_id`` for the items
just newer than it; ``limit`` caps the page. The answer's ``Link`` header names the ``next``
(older) page only when one more item exists past this page (one extra row is read to know: no
``next`` that leads to an empty page), and the ``prev`` (newer) page whenever the page is not empty.

    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, PostSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        page = keyset_page(db.session, select(Post), Post.id, args)
        return present(page.items, viewer), link_header(page)
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from marshmallow import Schema, fields, validate

ID_MAX = 2**63 - 1
LIMIT_DEFAULT = 20
LIMIT_MAX = 40
LINK_HEADER = {"Link": {"description": "RFC 8288 links to the `next` (older) page, when there is "
                                       "one, and the `prev` (newer) page",
                        "schema": {"type": "string"}}}


class KeysetQuerySchema(Schema):
    max_id = fields.Integer(validate=validate.Range(min=1, max=ID_MAX),
                            metadata={"description": "Items older than this id"})
    min_id = fields.Integer(validate=validate.Range(min=0, max=ID_MAX),
                            metadata={"description": "Items just newer than this id"})
    limit = fields.Integer(load_default=LIMIT_DEFAULT, validate=validate.Range(min=1, max=LIMIT_MAX),
                           metadata={"description": f"Page size (default {LIMIT_DEFAULT})"})


@dataclass(frozen=True)
class Page:
    items: list
    ids: list[int]  # the items' keys, newest first
    more_older: bool  # an item older than the last one exists


def keyset_page(session, stmt, key, args: dict, key_of: Callable[[Any], int] | None = None) -> Page:
    """One page of ``stmt`` (a select) by the integer column ``key``; ``key_of`` reads an
    item's key (default: ``item.<key name>``)."""
    limit = args.get("limit", LIMIT_DEFAULT)
    if args.get("max_id") is not None:
        stmt = stmt.where(key < args["max_id"])
    if args.get("min_id") is not None:  # the items just newer: ascending, then turned round
        rows = list(session.scalars(stmt.where(key > args["min_id"]).order_by(key.asc()).limit(limit)))
        rows.reverse()
        more_older = True
    else:
        rows = list(session.scalars(stmt.order_by(key.desc()).limit(limit + 1)))
        more_older = len(rows) > limit
        rows = rows[:limit]
    key_of = key_of or (lambda item: getattr(item, key.key))
    return Page(rows, [key_of(item) for item in rows], more_older and bool(rows))


def page_from_ids(ids_newest_first: Sequence[int], args: dict) -> tuple[list[int], bool]:
    """The same window over ids already in hand (e.g. a feed read from Redis): the page's ids and
    whether older ones remain."""
    limit = args.get("limit", LIMIT_DEFAULT)
    ids = [i for i in ids_newest_first if args.get("max_id") is None or i < args["max_id"]]
    if args.get("min_id") is not None:
        newer = [i for i in ids if i > args["min_id"]]
        return newer[-limit:], bool(newer)
    return ids[:limit], len(ids) > limit


def link_header(page: Page) -> dict[str, str]:
    """The ``Link`` header for ``page`` (empty when there is nothing to link), keeping the
    request's other query arguments."""
    return links(page.ids, page.more_older)


def links(ids: list[int], more_older: bool) -> dict[str, str]:
    """The ``Link`` header for a page of ``ids`` (newest first)."""
    if not ids:
        return {}
    kept = {k: v for k, v in request.args.items() if k not in ("max_id", "min_id")}
    parts = []
    if more_older:
        parts.append(f'<{_url(kept, max_id=min(ids))}>; rel="next"')
    parts.append(f'<{_url(kept, min_id=max(ids))}>; rel="prev"')
    return {"Link": ", ".join(parts)}


def _url(kept: dict, **cursor) -> str:
    return url_for(request.endpoint, **(request.view_args or {}), **kept, **cursor, _external=True)
