"""Conduit comments on an article: list, add, delete."""
from __future__ import annotations

import re

from flask.views import MethodView
from flask_smorest import abort

from axa.blueprints.socweb.conduit import accounts, presenter, queries, sessions, writes
from axa.blueprints.socweb.conduit.articles.routes import SLUG, article_or_404
from axa.blueprints.socweb.conduit.blueprint import ConduitBlueprint
from axa.blueprints.socweb.conduit.comments.schemas import (
    ConduitMultipleCommentsSchema,
    ConduitNewCommentRequestSchema,
    ConduitSingleCommentSchema,
)
from axa.blueprints.socweb.conduit.queries import BIGINT_MAX

blp = ConduitBlueprint("conduit_comments", __name__, description="RealWorld Conduit: comments")
COMMENT_ID = {"in": "path", "name": "id", "schema": {"type": "integer", "minimum": 1},
              "description": "The comment's id: unknown, or on another article: 404"}


def comment_id(raw: str) -> int:
    """The id in the path (any text reaches the view, so a bad one is 404 in the Conduit shape)."""
    if not re.fullmatch(r"[1-9][0-9]{0,18}", raw) or int(raw) > BIGINT_MAX:
        abort(404, errors={"comment": ["not found"]})
    return int(raw)


@blp.route("/articles/<conduit_slug:slug>/comments", parameters=[SLUG])
class Comments(MethodView):
    @blp.token_optional
    @blp.response(200, ConduitMultipleCommentsSchema)
    @blp.fails(404)
    def get(self, slug):
        """The article's comments, newest first"""
        viewer = sessions.viewer_id()
        found = queries.comments_of(article_or_404(slug).id, viewer)
        return {"comments": presenter.comments(found, viewer)}

    @blp.token_required
    @blp.limited("socweb.comments", "socweb_comment_limits")
    @blp.arguments(ConduitNewCommentRequestSchema)
    @blp.response(200, ConduitSingleCommentSchema)
    @blp.fails(404, 422, 429, _429="Too many comments; see Retry-After")
    def post(self, data, slug):
        """Comment on an article (RealWorld answers 200 here, not 201)"""
        user, _ = accounts.current()
        comment = writes.add_comment(article_or_404(slug), user.id, data["comment"]["body"])
        return {"comment": presenter.comment(comment, user.id)}


@blp.route("/articles/<conduit_slug:slug>/comments/<id>", parameters=[SLUG, COMMENT_ID])
class CommentById(MethodView):
    @blp.token_required
    @blp.response(204)
    @blp.fails(403, 404, _403="Neither the comment's author nor the article's")
    def delete(self, slug, id):
        """Delete a comment (its author or the article's author)"""
        user, _ = accounts.current()
        writes.delete_comment(article_or_404(slug), comment_id(id), user.id)
