"""Admin: list users, change status and roles (a disable ends every session and syncs)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import func, select

from axa.blueprints.auth.account.schemas import UserSchema
from axa.blueprints.auth.account.service import _commit_and_relay, current_user
from axa.blueprints.auth.users.schemas import UserPatchSchema, UserQuerySchema
from axa.models.auth import OutboxEntry, User, db
from axa.models.auth.users import normalize_email
from axa.platform.api import Blueprint
from axa.platform.auth_hook import session_store

blp = Blueprint("users", __name__, url_prefix="/api/v1/auth/users", description="Admin: users")


def require_admin() -> User:
    user = current_user()
    if not user.is_admin:
        abort(403, message="Admin role required.")
    return user


@blp.route("")
class Users(MethodView):
    @blp.login_required
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.alt_response(403, description="Not an admin")
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List users (admin), filtered by email"""
        require_admin()
        stmt = select(User)
        if query.get("email"):
            stmt = stmt.where(User.email_key.contains(normalize_email(query["email"]), autoescape=True))
        pagination_parameters.item_count = db.session.scalar(
            select(func.count()).select_from(stmt.subquery()))
        page = stmt.order_by(User.id).offset(pagination_parameters.first_item).limit(
            pagination_parameters.page_size)
        return [u.to_dict() for u in db.session.scalars(page)]


@blp.route("/<int:user_id>")
class UserById(MethodView):
    @blp.login_required
    @blp.arguments(UserPatchSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(403, description="Not an admin")
    @blp.alt_response(404, description="No such user")
    def patch(self, data, user_id):
        """Change a user's status or roles (admin); disabling ends every session at once"""
        require_admin()
        user = db.session.get(User, user_id) or abort(404, message="No such user.")
        for field in ("status", "roles"):
            if field in data:
                setattr(user, field, data[field])
        entry = OutboxEntry.user_changed(user)
        _commit_and_relay(entry)
        if not user.active:
            session_store().end_all(user.id)
        return user.to_dict()
