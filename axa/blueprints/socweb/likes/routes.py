"""Likes (public, counted) and favorites (private bookmarks): add, remove, and the signed-in
user's own list. Adding twice, or twenty times at once, leaves one."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.market.schemas import ID
from axa.blueprints.socweb.likes import service
from axa.blueprints.socweb.posts.presenter import present, present_one
from axa.blueprints.socweb.posts.routes import NOT_SEEN
from axa.blueprints.socweb.posts.schemas import PostSchema
from axa.blueprints.socweb.viewer import active_user_id
from axa.models.socweb import Favorite, Like
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, link_header

likes_blp = Blueprint("likes", __name__, url_prefix="/api/v1/likes",
                      description="Likes: public and counted")
favorites_blp = Blueprint("favorites", __name__, url_prefix="/api/v1/favorites",
                          description="Favorites: private bookmarks, listed only to their owner")
LIMIT = ("socweb.likes", "socweb_like_limits")  # one allowance for likes and favorites


@likes_blp.route("")
class Likes(MethodView):
    @likes_blp.login_required
    @likes_blp.arguments(KeysetQuerySchema, location="query")
    @likes_blp.response(200, PostSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """The posts you like (and can still see), most recently liked first"""
        user_id = current_session().user_id
        posts, page = service.page(Like, user_id, args)
        return present(posts, user_id), link_header(page)


@likes_blp.route(f"/<{ID}:post_id>")
class LikeByPost(MethodView):
    @likes_blp.login_required
    @likes_blp.limited(*LIMIT)
    @likes_blp.idempotent
    @likes_blp.response(200, PostSchema)
    @likes_blp.alt_response(403, description="The account is not active")
    @likes_blp.alt_response(404, description=NOT_SEEN)
    def post(self, post_id):
        """Like a post (liking it again changes nothing)"""
        user_id = active_user_id()
        return present_one(service.add(Like, post_id, user_id), user_id)

    @likes_blp.login_required
    @likes_blp.response(200, PostSchema)
    @likes_blp.alt_response(404, description=NOT_SEEN)
    def delete(self, post_id):
        """Take your like back (none to take back changes nothing)"""
        user_id = current_session().user_id
        return present_one(service.remove(Like, post_id, user_id), user_id)


@favorites_blp.route("")
class Favorites(MethodView):
    @favorites_blp.login_required
    @favorites_blp.arguments(KeysetQuerySchema, location="query")
    @favorites_blp.response(200, PostSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """Your favorites (the posts you can still see), most recently kept first"""
        user_id = current_session().user_id
        posts, page = service.page(Favorite, user_id, args)
        return present(posts, user_id), link_header(page)


@favorites_blp.route(f"/<{ID}:post_id>")
class FavoriteByPost(MethodView):
    @favorites_blp.login_required
    @favorites_blp.limited(*LIMIT)
    @favorites_blp.idempotent
    @favorites_blp.response(200, PostSchema)
    @favorites_blp.alt_response(403, description="The account is not active")
    @favorites_blp.alt_response(404, description=NOT_SEEN)
    def post(self, post_id):
        """Keep a post as a favorite (again changes nothing)"""
        user_id = active_user_id()
        return present_one(service.add(Favorite, post_id, user_id), user_id)

    @favorites_blp.login_required
    @favorites_blp.response(200, PostSchema)
    @favorites_blp.alt_response(404, description=NOT_SEEN)
    def delete(self, post_id):
        """Drop a favorite (none to drop changes nothing)"""
        user_id = current_session().user_id
        return present_one(service.remove(Favorite, post_id, user_id), user_id)
