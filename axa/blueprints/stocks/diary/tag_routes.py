"""The diary's tag groups and tags: yours, for all your diary accounts (``setup``/``breakout``,
``mistake``/``late entry``, …), created, renamed and deleted here and put on trades through the
journal (axa/blueprints/stocks/diary/journal_routes.py). Another user's group or tag answers 404,
as one that does not exist."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints import owned
from axa.blueprints.market.schemas import ID
from axa.blueprints.stocks.diary import journal
from axa.blueprints.stocks.diary import journal_schemas as s
from axa.models.stocks import DiaryTag, DiaryTagGroup, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

blp = Blueprint("diary_tags", __name__, url_prefix="/api/v1/diary",
                description="Trader's diary tags, in groups")
NO_TAG = "No such tag of yours."


def me() -> int:
    return current_session().user_id


@blp.route("/tag-groups")
class TagGroups(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, s.TagGroupSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """My tag groups, newest first"""
        page = keyset_page(db.session, DiaryTagGroup.of_user(me()), DiaryTagGroup.id, args)
        return page.items, link_header(page)

    @blp.login_required
    @blp.idempotent
    @blp.arguments(s.TagGroupCreateSchema)
    @blp.response(201, s.TagGroupSchema)
    @blp.alt_response(409, description="The name is taken (`duplicate_name`), or too many groups "
                                       "(`group_limit`)")
    def post(self, data):
        """Create a tag group (`setup`, `mistake`, or any of yours)"""
        return journal.create_group(me(), data["name"])


@blp.route(f"/tag-groups/<{ID}:group_id>")
class TagGroupById(MethodView):
    @blp.login_required
    @blp.arguments(s.TagGroupCreateSchema)
    @blp.response(200, s.TagGroupSchema)
    @blp.alt_response(404, description="No such tag group of yours")
    @blp.alt_response(409, description="The name is another of your groups' (`duplicate_name`)")
    def patch(self, data, group_id):
        """Rename a tag group (its tags keep their trades)"""
        return journal.rename_group(me(), group_id, data["name"])

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description="No such tag group of yours")
    def delete(self, group_id):
        """Delete a tag group, its tags, and their use on trades"""
        db.session.delete(owned.owned_or_404(DiaryTagGroup, me(), group_id, "No such tag group of yours."))
        db.session.commit()


@blp.route("/tags")
class Tags(MethodView):
    @blp.login_required
    @blp.arguments(s.TagQuerySchema, location="query")
    @blp.response(200, s.TagSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """My tags, newest first, of one group or all"""
        stmt = DiaryTag.of_user(me())
        if "group_id" in args:
            stmt = stmt.where(DiaryTag.group_id == args["group_id"])
        page = keyset_page(db.session, stmt, DiaryTag.id, args)
        groups = journal.group_names(t.group_id for t in page.items)
        return [journal.tag_dict(t, groups) for t in page.items], link_header(page)

    @blp.login_required
    @blp.idempotent
    @blp.arguments(s.TagCreateSchema)
    @blp.response(201, s.TagSchema)
    @blp.alt_response(404, description="No such tag group of yours")
    @blp.alt_response(409, description="The name is taken in the group (`duplicate_name`), or too many "
                                       "tags (`tag_limit`)")
    def post(self, data):
        """Create a tag in one of my groups"""
        tag = journal.create_tag(me(), data["group_id"], data["name"])
        return journal.tag_dict(tag, journal.group_names([tag.group_id]))


@blp.route(f"/tags/<{ID}:tag_id>")
class TagById(MethodView):
    @blp.login_required
    @blp.arguments(s.TagRenameSchema)
    @blp.response(200, s.TagSchema)
    @blp.alt_response(404, description=NO_TAG)
    @blp.alt_response(409, description="The name is another tag's in its group (`duplicate_name`)")
    def patch(self, data, tag_id):
        """Rename a tag: the new name shows on every trade it is on, and in the reports"""
        tag = journal.rename_tag(me(), tag_id, data["name"])
        return journal.tag_dict(tag, journal.group_names([tag.group_id]))

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=NO_TAG)
    def delete(self, tag_id):
        """Delete a tag and its use on trades"""
        db.session.delete(owned.owned_or_404(DiaryTag, me(), tag_id, NO_TAG))
        db.session.commit()
