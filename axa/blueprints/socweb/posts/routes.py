"""Posts: create, read, edit (the replaced versions are kept and readable), delete."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.market.schemas import ID
from axa.blueprints.socweb.posts import service
from axa.blueprints.socweb.posts.presenter import present_one
from axa.blueprints.socweb.posts.schemas import (
    PostCreateSchema,
    PostPatchSchema,
    PostSchema,
    PostVersionSchema,
)
from axa.blueprints.socweb.viewer import SIGNED_IN_OR_NOT, active_user_id, viewer_id
from axa.models.socweb import PostEdit, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

blp = Blueprint("posts", __name__, url_prefix="/api/v1/posts",
                description="Posts: create, read, edit with history, delete")
NOT_SEEN = "No such post, or one the viewer may not see"


@blp.route("")
class Posts(MethodView):
    @blp.login_required
    @blp.limited("socweb.posts", "socweb_post_limits")
    @blp.idempotent
    @blp.arguments(PostCreateSchema)
    @blp.response(201, PostSchema)
    @blp.alt_response(403, description="The account is not active")
    def post(self, data):
        """Publish a post; tags come from `tags` and the body's #hashtags"""
        author_id = active_user_id()
        return present_one(service.create(author_id, data), author_id)


@blp.route(f"/<{ID}:post_id>")
class PostById(MethodView):
    @blp.doc(security=SIGNED_IN_OR_NOT)
    @blp.response(200, PostSchema)
    @blp.alt_response(404, description=NOT_SEEN)
    def get(self, post_id):
        """One post, with counts and (signed in) the viewer's flags"""
        viewer = viewer_id()
        return present_one(service.visible_or_404(post_id, viewer), viewer)

    @blp.login_required
    @blp.arguments(PostPatchSchema)
    @blp.response(200, PostSchema)
    @blp.alt_response(403, description="Not the author")
    @blp.alt_response(404, description=NOT_SEEN)
    def patch(self, changes, post_id):
        """Edit your post; the version it replaces joins its history

        Fields left out stay as they are. Without `tags`, the listed tags are kept and the body's
        #hashtags read again; a new title gives a new slug. A change to nothing leaves no version."""
        author_id = current_session().user_id
        return present_one(service.edit(service.own_or_403(post_id, author_id), changes), author_id)

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(403, description="Not the author")
    @blp.alt_response(404, description=NOT_SEEN)
    def delete(self, post_id):
        """Delete your post, with its comments, likes and history"""
        service.delete(service.own_or_403(post_id, current_session().user_id))


@blp.route(f"/<{ID}:post_id>/history")
class PostHistory(MethodView):
    @blp.doc(security=SIGNED_IN_OR_NOT)
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, PostVersionSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NOT_SEEN)
    def get(self, args, post_id):
        """The post's earlier versions, newest first"""
        post = service.visible_or_404(post_id, viewer_id())
        page = keyset_page(db.session, service.history(post), PostEdit.id, args)
        return page.items, link_header(page)
