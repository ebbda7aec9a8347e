"""Profiles: one per synced user, made on first use, with the username the user chose."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, String, Text, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.socweb import db
from axa.models.socweb.users import User

USERNAME = re.compile(r"^[a-z0-9_]{3,30}$")
USERNAME_PATTERN = USERNAME.pattern
BIO_MAX = 500
IMAGE_MAX = 2048
MEDIA_ID = "media.id"  # avatar and header images (axa/models/socweb/media.py)


class Profile(db.Model):
    __tablename__ = "profiles"
    __table_args__ = (CheckConstraint("username ~ '^[a-z0-9_]{3,30}$'", name="username_shape"),)

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    username: Mapped[str | None] = mapped_column(String(30), unique=True)  # lower case: unique as is
    bio: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(IMAGE_MAX))  # a URL; an avatar image wins over it
    avatar_media_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey(MEDIA_ID, ondelete="SET NULL"))
    header_media_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey(MEDIA_ID, ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())

    @classmethod
    def of(cls, user_id: int) -> Profile:
        """The user's profile, made empty (no username yet) on first use; not committed."""
        db.session.execute(insert(cls).values(user_id=user_id).on_conflict_do_nothing())
        return db.session.get(cls, user_id)

    @classmethod
    def by_username(cls, username: str) -> Profile | None:
        """The profile of an active user by username (any case), or None."""
        return db.session.scalar(
            select(cls).join(User, User.id == cls.user_id)
            .where(cls.username == username.lower(), User.status == "active"))

    @classmethod
    def username_taken(cls, username: str, except_user: int | None = None) -> bool:
        query = select(cls.user_id).where(cls.username == username.lower())
        if except_user is not None:
            query = query.where(cls.user_id != except_user)
        return db.session.scalar(query) is not None


def suggest_username(display_name: str, user_id: int) -> str:
    """A username shaped from the display name (ASCII, lower case, ``_`` for the rest), free at
    the time of asking; ``user<id>`` when the name gives too little."""
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:24]
    if len(base) < 3:
        base = f"user{user_id}"
    candidate, n = base, 1
    while Profile.username_taken(candidate, except_user=user_id):
        n += 1
        candidate = f"{base[:30 - len(str(n)) - 1]}_{n}"
    return candidate
