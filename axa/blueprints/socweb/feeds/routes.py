"""Lists of posts, newest first, keyset paged (``max_id`` / ``min_id`` / ``limit``, ``Link``
next/prev; a last page has no next): the signed-in user's home feed (precomputed in Redis by the
``socweb.feeds`` tasks, re-checked in PostgreSQL), the public timeline, a profile's posts and the
posts by tag. Every post is re-checked for the viewer at read time: a deleted post, an author no
longer active or an ended subscription never shows."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.socweb.feeds import service
from axa.blueprints.socweb.feeds.schemas import TAG_PARAMETER, FeedQuerySchema
from axa.blueprints.socweb.posts.presenter import page_response
from axa.blueprints.socweb.posts.schemas import PostSchema
from axa.blueprints.socweb.profiles.schemas import username_parameter
from axa.blueprints.socweb.profiles.service import by_username
from axa.blueprints.socweb.viewer import SIGNED_IN_OR_NOT, viewer_id
from axa.models.socweb import feeds
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, Page, links

blp = Blueprint("feeds", __name__, url_prefix="/api/v1",
                description="The home feed, the public timeline, a profile's posts, posts by tag")
LOOKUP = username_parameter("Any case; 404 unless an active user holds it")


def answer(page: Page, viewer: int | None):
    """The page's posts as ``PostSchema`` sends them, and its ``Link`` header."""
    return page_response(page.items, viewer), links(page.ids, page.more_older)


@blp.route("/feed")
class HomeFeed(MethodView):
    @blp.login_required
    @blp.arguments(FeedQuerySchema, location="query")
    @blp.response(200, PostSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """The signed-in user's home feed

        Their own posts and those of the profiles they subscribe to, newest first, as far back
        as the newest `AXA_SOCWEB_FEED_SIZE` (default 800) of them."""
        user_id = current_session().user_id
        return answer(feeds.home_page(user_id, args), user_id)


@blp.route("/timelines/public")
class PublicTimeline(MethodView):
    @blp.doc(security=SIGNED_IN_OR_NOT)
    @blp.arguments(FeedQuerySchema, location="query")
    @blp.response(200, PostSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """The public timeline

        Public posts of every active user; signed in, each carries your `liked` and `favorited`."""
        viewer = viewer_id()
        return answer(service.public_timeline(viewer, args), viewer)


@blp.route("/profiles/<username>/posts", parameters=[LOOKUP])
class ProfilePosts(MethodView):
    @blp.doc(security=SIGNED_IN_OR_NOT)
    @blp.arguments(FeedQuerySchema, location="query")
    @blp.response(200, PostSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description="No active user has this username")
    def get(self, args, username):
        """A profile's posts

        The public ones, and the subscriber-only ones for its subscribers and itself."""
        viewer = viewer_id()
        return answer(service.posts_of(by_username(username).user_id, viewer, args), viewer)


@blp.route("/tags/<tag>/posts", parameters=[TAG_PARAMETER])
class TagPosts(MethodView):
    @blp.doc(security=SIGNED_IN_OR_NOT)
    @blp.arguments(FeedQuerySchema, location="query")
    @blp.response(200, PostSchema(many=True), headers=LINK_HEADER)
    def get(self, args, tag):
        """Posts with a tag

        Those the viewer may see: public ones, and subscriber-only ones to subscribers."""
        viewer = viewer_id()
        return answer(service.posts_tagged(tag, viewer, args), viewer)
