"""Posts, their tags and their edit history.

A post's tags are kept twice on purpose: as an array on the row (read with the post, no join) and
as ``post_tags`` rows (the index a tag's timeline and the popular-tags count read). ``set_tags``
is the only writer of both.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR, insert
from sqlalchemy.orm import Mapped, deferred, mapped_column

from axa.models.socweb import db

BODY_MAX = 5000
TITLE_MAX = 200
DESCRIPTION_MAX = 500
TAG_MAX = 50
TAGS_MAX = 20
VISIBILITIES = ("public", "subscribers")
HASHTAG = re.compile(r"(?<![\w#])#(\w{1,50})")


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint("char_length(body) <= 5000", name="body_length"),
        CheckConstraint("visibility IN ('public', 'subscribers')", name="visibility"),
        UniqueConstraint("author_id", "slug", name="uq_posts_author_slug"),
        Index("ix_posts_author_id_id", "author_id", "id"),
        Index("ix_posts_search", "search", postgresql_using="gin"),
        # the Conduit face's articlesCount by an index-only scan (migration 8c2d5e7f1a43)
        Index("ix_posts_articles", "author_id", "visibility", "id",
              postgresql_where=text("title IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # grows with time: the keyset
    author_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    slug: Mapped[str | None] = mapped_column(String(TITLE_MAX + 12))
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(TAG_MAX)), default=list)
    media_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), default=list,
                                                 server_default=text("'{}'"))  # attachments, in order
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # what full-text search matches (axa/models/socweb/search.py), kept by PostgreSQL from the
    # title, tags, description and body; never loaded with the post
    search: Mapped[str | None] = deferred(mapped_column(TSVECTOR, Computed(
        "socweb_post_document(title, description, body, tags)", persisted=True)))

    def set_tags(self, tags: list[str]) -> None:
        """Replace the post's tags (already normalized) in both places; the post must be flushed."""
        self.tags = tags
        db.session.execute(delete(PostTag).where(PostTag.post_id == self.id))
        if tags:
            db.session.execute(insert(PostTag).values([{"post_id": self.id, "tag": t} for t in tags]))

    def give_slug(self) -> None:
        """A slug from the title, unique among the author's posts (``-2``, ``-3``… when taken);
        holds a per-author lock until the transaction ends."""
        if not self.title:
            self.slug = None
            return
        base = slugify(self.title) or "post"
        # one slug-giver per author at a time (until commit): two posts with one title never race
        db.session.execute(select(func.pg_advisory_xact_lock(
            func.hashtextextended("socweb.posts.slug", self.author_id))))
        taken = set(db.session.scalars(select(Post.slug).where(
            Post.author_id == self.author_id, Post.slug.like(f"{base}%"), Post.id != self.id)))
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        self.slug = slug


class PostTag(db.Model):
    __tablename__ = "post_tags"
    __table_args__ = (Index("ix_post_tags_tag_post_id", "tag", "post_id"),)

    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("posts.id", ondelete="CASCADE"),
                                         primary_key=True)
    tag: Mapped[str] = mapped_column(String(TAG_MAX), primary_key=True)


class PostEdit(db.Model):
    """A version of a post as it was before an edit replaced it."""
    __tablename__ = "post_edits"
    __table_args__ = (Index("ix_post_edits_post_id_id", "post_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("posts.id", ondelete="CASCADE"))
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(TAG_MAX)), default=list)
    visibility: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # when this version was made

    @classmethod
    def keep(cls, post: Post) -> PostEdit:
        """Save the post's current version before it is changed (not committed)."""
        edit = cls(post_id=post.id, title=post.title, description=post.description, body=post.body,
                   tags=list(post.tags), visibility=post.visibility,
                   created_at=post.edited_at or post.created_at)
        db.session.add(edit)
        return edit


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:TITLE_MAX]


def normalize_tag(tag: str) -> str:
    """A tag as stored: NFKC, lower case, without a leading ``#`` or surrounding blanks."""
    return unicodedata.normalize("NFKC", tag).strip().lstrip("#").strip().lower()


def tags_of(listed: list[str], body: str) -> list[str]:
    """The post's tags: those listed plus the body's ``#hashtags``, normalized, unique, sorted."""
    found = {normalize_tag(t) for t in listed} | {normalize_tag(t) for t in HASHTAG.findall(body)}
    return sorted(t for t in found if t)
