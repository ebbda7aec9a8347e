"""The checks every service of rows a user owns makes (watchlists, portfolios, alerts, paper
accounts, diary accounts; their lookups are axa/models/owned.py): the row is the caller's (else
404, as one that does not exist), a name is free among theirs (else 409 ``duplicate_name``), and a
new row fits the per-user limit (else 409 with the caller's reason), counted under the per-user
lock so the limit and the names stay exact under concurrent creates."""
from __future__ import annotations

from flask_smorest import abort


def owned_or_404(model, user_id: int, row_id: int, message: str, lock: bool = False):
    row = model.owned(user_id, row_id, lock=lock)
    if row is None:
        abort(404, message=message)
    return row


def name_free(model, user_id: int, name: str, what: str, row_id: int | None = None) -> None:
    """409 ``duplicate_name`` when another of the user's rows has ``name`` (``what``: "a watchlist")."""
    taken = model.named(user_id, name)
    if taken is not None and taken.id != row_id:
        abort(409, message=f"You already have {what} with this name.", reason="duplicate_name")


def within_limit(model, user_id: int, count: int, limit: int, message: str, reason: str) -> None:
    """Take the per-user lock, then 409 ``reason`` when ``count()`` has reached ``limit``."""
    model.lock_user(user_id)
    if count() >= limit:
        abort(409, message=message, reason=reason)


def new_name_free(model, row, name: str, what: str) -> bool:
    """Before renaming ``row``: under the per-user lock, 409 when the name is another row's;
    False when the name is the row's own already (nothing to do)."""
    if name == row.name:
        return False
    model.lock_user(row.user_id)
    name_free(model, row.user_id, name, what, row.id)
    return True
