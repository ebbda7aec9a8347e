"""Comments on a post: create, list (keyset pages), delete (the comment's author or the post's)."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.market.schemas import ID
from axa.blueprints.socweb.comments import service
from axa.blueprints.socweb.comments.schemas import CommentCreateSchema, CommentSchema
from axa.blueprints.socweb.posts.routes import NOT_SEEN
from axa.blueprints.socweb.posts.service import visible_or_404
from axa.blueprints.socweb.viewer import SIGNED_IN_OR_NOT, active_user_id, viewer_id
from axa.models.socweb import Comment, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

blp = Blueprint("comments", __name__, url_prefix="/api/v1/posts",
                description="Comments on posts")


@blp.route(f"/<{ID}:post_id>/comments")
class Comments(MethodView):
    @blp.login_required
    @blp.limited("socweb.comments", "socweb_comment_limits")
    @blp.idempotent
    @blp.arguments(CommentCreateSchema)
    @blp.response(201, CommentSchema)
    @blp.alt_response(403, description="The account is not active")
    @blp.alt_response(404, description=NOT_SEEN)
    def post(self, data, post_id):
        """Comment on a post you can see"""
        author_id = active_user_id()
        post = visible_or_404(post_id, author_id, lock=True)
        return service.present([service.create(post, author_id, data)], author_id)[0]

    @blp.doc(security=SIGNED_IN_OR_NOT)
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, CommentSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NOT_SEEN)
    def get(self, args, post_id):
        """The post's comments, newest first"""
        viewer = viewer_id()
        post = visible_or_404(post_id, viewer)
        page = keyset_page(db.session, service.listed(post, viewer), Comment.id, args)
        return service.present(page.items, viewer), link_header(page)


@blp.route(f"/<{ID}:post_id>/comments/<{ID}:comment_id>")
class CommentById(MethodView):
    @blp.login_required
    @blp.response(204)
    @blp.alt_response(403, description="Neither the comment's author nor the post's")
    @blp.alt_response(404, description="No such post or comment, or a post the viewer may not see")
    def delete(self, post_id, comment_id):
        """Delete a comment: yours, or any on your post"""
        user_id = current_session().user_id
        service.delete(visible_or_404(post_id, user_id), comment_id, user_id)
