"""Full-text search over posts, profiles and tags (axa/models/socweb/search.py): what the viewer
may see, ranked, keyset paged by an opaque cursor."""
from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import abort

from axa.blueprints.socweb.posts.presenter import json_response, present
from axa.blueprints.socweb.profiles.service import profiles_of
from axa.blueprints.socweb.search.schemas import TYPES, SearchQuerySchema, SearchResultSchema
from axa.blueprints.socweb.viewer import SIGNED_IN_OR_NOT, viewer_id
from axa.models.socweb import db, search
from axa.platform.api import Blueprint

blp = Blueprint("search", __name__, url_prefix="/api/v1/search", description="Full-text search")
NEXT_LINK = {"Link": {"description": "RFC 8288 link to the `next` page (with `type`), when there is one",
                      "schema": {"type": "string"}}}


def _find(kind: str, q: str, viewer: int | None, limit: int, after) -> search.Found:
    try:
        if kind == "posts":
            return search.posts(q, viewer, limit, after)
        if kind == "profiles":
            return search.profiles(q, viewer, limit, after)
        return search.tags(q, viewer, limit, after)
    except search.BadCursor:
        abort(422, errors={"query": {"cursor": ["Not a cursor of this type of search."]}},
              message="Unprocessable Entity")
    except search.Unavailable:
        db.session.rollback()
        abort(503, message="Post search is unavailable; try again shortly.", reason="search_unavailable",
              headers={"Retry-After": "5"})


def _present(kind: str, found: search.Found, viewer: int | None) -> list:
    if kind == "posts":
        return present(found.items, viewer)
    if kind == "profiles":
        return profiles_of(found.items, viewer)
    return [{"tag": tag, "count": count} for tag, count in found.items]


@blp.route("")
class Search(MethodView):
    @blp.doc(security=SIGNED_IN_OR_NOT)
    @blp.arguments(SearchQuerySchema, location="query")
    @blp.response(200, SearchResultSchema, headers=NEXT_LINK)
    @blp.alt_response(503, description="The post search server (Elasticsearch) is unavailable")
    def get(self, args):
        """Search posts, profiles and tags

        Posts match by the words of their title, tags, description and body (English stemming),
        best first; subscriber-only posts only for the author's subscribers. Signed in, posts and
        profiles carry your flags."""
        viewer, kinds = viewer_id(), [args["type"]] if "type" in args else list(TYPES)
        if "cursor" in args and "type" not in args:
            abort(422, errors={"query": {"cursor": ["Needs `type`."]}}, message="Unprocessable Entity")
        answer, headers = {kind: [] for kind in TYPES}, {}
        for kind in kinds:
            found = _find(kind, args["q"], viewer, args["limit"], args.get("cursor"))
            answer[kind] = _present(kind, found, viewer)
            if found.next is not None and "type" in args:
                kept = {k: v for k, v in request.args.items() if k != "cursor"}
                url = url_for(request.endpoint, **kept, cursor=found.next.encode(), _external=True)
                headers["Link"] = f'<{url}>; rel="next"'
        response = json_response(answer)  # as the schema dumps it: see posts/presenter.py
        response.headers.update(headers)
        return response
