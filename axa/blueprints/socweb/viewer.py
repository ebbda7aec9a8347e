"""Who is asking, as socweb's resources need it: the optional viewer of a read, the active user
behind a write, and the documentation of reads that work signed in or out."""
from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import select

from axa.models.socweb import User, db
from axa.platform.api import SIGNED_IN
from axa.platform.auth_hook import current_session, optional_session

SIGNED_IN_OR_NOT = [{}, *SIGNED_IN]  # a read that works signed out; signed in, it shows the viewer's flags


def viewer_id() -> int | None:
    """The signed-in viewer's user id, or None for an anonymous (or expired) caller."""
    session = optional_session()
    return session.user_id if session is not None else None


def active_user_id() -> int:
    """The signed-in user, who must be active in socweb's replica to write (401 without a session;
    409 while user sync has not brought the account here yet; 403 once it is not active)."""
    user_id = current_session().user_id
    status = db.session.scalar(select(User.status).where(User.id == user_id))
    if status is None:
        abort(409, message="Your account has not reached the social web yet; retry in a moment.")
    if status != "active":
        abort(403, message="Your account is not active.")
    return user_id
