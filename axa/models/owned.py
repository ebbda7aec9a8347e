"""``UserOwnedTable``: the lookups a named resource owned by one user shares (a watchlist, a
portfolio, a paper account): by owner and id, by owner and name, the owner's count, and a per-owner
lock that keeps a per-user limit and unique names exact under concurrent creates. A table that
hides some rows (closed accounts) narrows ``of_user``; every lookup goes through it."""
from __future__ import annotations

from sqlalchemy import func, select

from axa.models.base import session_of


class UserOwnedTable:
    @classmethod
    def of_user(cls, user_id: int):
        return select(cls).where(cls.user_id == user_id)

    @classmethod
    def owned(cls, user_id: int, row_id: int, lock: bool = False):
        """The user's row by id (None if absent or another user's); ``lock``: FOR UPDATE."""
        stmt = cls.of_user(user_id).where(cls.id == row_id)
        return session_of(cls).scalar(stmt.with_for_update() if lock else stmt)

    @classmethod
    def named(cls, user_id: int, name: str):
        return session_of(cls).scalar(cls.of_user(user_id).where(cls.name == name))

    @classmethod
    def count_of(cls, user_id: int) -> int:
        return session_of(cls).scalar(select(func.count()).select_from(cls.of_user(user_id).subquery()))

    @classmethod
    def lock_user(cls, user_id: int) -> None:
        """One creator per user and table at a time (until commit)."""
        key = func.hashtextextended(cls.__tablename__, user_id)
        session_of(cls).execute(select(func.pg_advisory_xact_lock(key)))
