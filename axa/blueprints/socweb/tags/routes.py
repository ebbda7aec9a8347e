"""Tags: the popular ones (a tag's posts are a timeline: the feeds' part)."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.socweb.tags import service
from axa.blueprints.socweb.tags.schemas import TagQuerySchema, TagSchema
from axa.platform.api import Blueprint

blp = Blueprint("tags", __name__, url_prefix="/api/v1/tags", description="Tags")


@blp.route("")
class Tags(MethodView):
    @blp.arguments(TagQuerySchema, location="query")
    @blp.response(200, TagSchema(many=True))
    def get(self, args):
        """The most used tags, on public posts by active users, most used first"""
        return service.popular(args["limit"])
