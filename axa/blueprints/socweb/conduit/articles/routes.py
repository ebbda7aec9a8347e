"""Conduit articles (posts with a title): lists with filters, the feed, one article, create,
update, delete, favorite (a like); and the popular tags."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort

from axa.blueprints.socweb.conduit import accounts, presenter, queries, sessions, writes
from axa.blueprints.socweb.conduit.articles.schemas import (
    ConduitArticlesQuerySchema,
    ConduitMultipleArticlesSchema,
    ConduitNewArticleRequestSchema,
    ConduitSingleArticleSchema,
    ConduitTagsSchema,
    ConduitUpdateArticleRequestSchema,
)
from axa.blueprints.socweb.conduit.blueprint import ConduitBlueprint
from axa.blueprints.socweb.conduit.schemas import PageArgsSchema
from axa.models.socweb import Post

blp = ConduitBlueprint("conduit_articles", __name__, description="RealWorld Conduit: articles and tags")
SLUG = {"in": "path", "name": "slug", "description": "The article's slug (`…-<id>`): unknown, or an "
        "article the caller may not see: 404"}


def article_or_404(slug: str) -> Post:
    post = queries.article(slug, sessions.viewer_id())
    if post is None:
        abort(404, errors={"article": ["not found"]})
    return post


def article_object(post: Post) -> dict:
    return {"article": presenter.article(post, sessions.viewer_id())}


def articles_object(query, args: dict) -> dict:
    posts, count = queries.page(query, args["limit"], args["offset"])
    return {"articles": presenter.articles(posts, sessions.viewer_id()), "articlesCount": count}


@blp.route("/articles")
class Articles(MethodView):
    @blp.token_optional
    @blp.arguments(ConduitArticlesQuerySchema, location="query")
    @blp.response(200, ConduitMultipleArticlesSchema)
    @blp.fails(422)
    def get(self, args):
        """Recent articles, newest first; by tag, author or who favorited them (no `body`)"""
        query = queries.filtered(sessions.viewer_id(), args.get("tag"), args.get("author"),
                                 args.get("favorited"))
        return articles_object(query, args)

    @blp.token_required
    @blp.limited("socweb.posts", "socweb_post_limits")
    @blp.arguments(ConduitNewArticleRequestSchema)
    @blp.response(201, ConduitSingleArticleSchema)
    @blp.fails(422, 429, _429="Too many new posts; see Retry-After")
    def post(self, data):
        """Create an article (a public post with a title)"""
        user, _ = accounts.current()
        return article_object(writes.create_article(user.id, data["article"]))


@blp.route("/articles/feed")
class Feed(MethodView):
    @blp.token_required
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, ConduitMultipleArticlesSchema)
    @blp.fails(422)
    def get(self, args):
        """Articles by the users the caller follows, newest first (no `body`)"""
        return articles_object(queries.feed(sessions.viewer_id()), args)


@blp.route("/articles/<conduit_slug:slug>", parameters=[SLUG])
class Article(MethodView):
    @blp.token_optional
    @blp.response(200, ConduitSingleArticleSchema)
    @blp.fails(404)
    def get(self, slug):
        """One article, with its `body`"""
        return article_object(article_or_404(slug))

    @blp.token_required
    @blp.arguments(ConduitUpdateArticleRequestSchema)
    @blp.response(200, ConduitSingleArticleSchema)
    @blp.fails(403, 404, 422, _403="Not the article's author")
    def put(self, data, slug):
        """Update title (and with it the slug), description, body, tags; the old version is kept"""
        user, _ = accounts.current()
        post = writes.own(queries.article(slug, user.id), user.id)
        return article_object(writes.update_article(post, data["article"]))

    @blp.token_required
    @blp.response(204)
    @blp.fails(403, 404, _403="Not the article's author")
    def delete(self, slug):
        """Delete an article, with its comments and favorites"""
        user, _ = accounts.current()
        writes.delete_article(writes.own(queries.article(slug, user.id), user.id))


@blp.route("/articles/<conduit_slug:slug>/favorite", parameters=[SLUG])
class Favorite(MethodView):
    @blp.token_required
    @blp.limited("socweb.likes", "socweb_like_limits")
    @blp.response(200, ConduitSingleArticleSchema)
    @blp.fails(404, 429, _429="Too many favorites; see Retry-After")
    def post(self, slug):
        """Favorite an article: a like on the post (idempotent)"""
        user, _ = accounts.current()
        post = article_or_404(slug)
        writes.favorite(user.id, post)
        return article_object(post)

    @blp.token_required
    @blp.limited("socweb.likes", "socweb_like_limits")
    @blp.response(200, ConduitSingleArticleSchema)
    @blp.fails(404, 429, _429="Too many favorites; see Retry-After")
    def delete(self, slug):
        """Unfavorite an article (idempotent)"""
        user, _ = accounts.current()
        post = article_or_404(slug)
        writes.unfavorite(user.id, post)
        return article_object(post)


@blp.route("/tags")
class Tags(MethodView):
    @blp.response(200, ConduitTagsSchema)
    def get(self):
        """Popular tags (of public articles), most used first"""
        return {"tags": queries.popular_tags()}
