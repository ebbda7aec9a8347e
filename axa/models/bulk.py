"""Bulk upserts on natural keys: one ``INSERT … ON CONFLICT DO UPDATE`` per chunk, never
row-by-row ORM. Rows repeated within one call are collapsed (last wins) so PostgreSQL never sees
the same key twice in one statement."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Table, func, or_
from sqlalchemy.dialects.postgresql import insert

CHUNK = 1000


def upsert(session, table: Table, rows: Iterable[dict], keys: Sequence[str],
           update: Sequence[str] | None = None, only_if_changed: bool = True,
           coalesce: bool = False) -> int:
    """Insert or update ``rows`` on ``keys``; returns the number of rows written.

    ``coalesce``: a None in a row keeps the stored value (datasets that know less about an
    instrument never erase what a richer one stored)."""
    unique = {tuple(row[k] for k in keys): row for row in rows}
    if not unique:
        return 0
    columns = list(next(iter(unique.values())))
    update = [c for c in (update or columns) if c not in keys]
    written = 0
    batch = list(unique.values())
    chunk = max(1, min(CHUNK, 30000 // max(1, len(columns))))  # under PostgreSQL's 65535 params
    for start in range(0, len(batch), chunk):
        stmt = insert(table).values(batch[start:start + chunk])
        if update:
            new = {c: func.coalesce(stmt.excluded[c], table.c[c]) if coalesce else stmt.excluded[c]
                   for c in update}
            changed = or_(*(table.c[c].is_distinct_from(new[c]) for c in update))
            stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=new,
                                              where=changed if only_if_changed else None)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        result = session.execute(stmt, execution_options={"preserve_rowcount": True})
        written += max(result.rowcount, 0)
    return written


def upsert_newer(session, table: Table, rows: list[dict], keys: Sequence[str]) -> int:
    """Upsert rows whose ``as_of`` is not older than the stored one (quotes never go back)."""
    written, size = 0, max(1, 30000 // max(1, len(rows[0]) if rows else 1))
    for start in range(0, len(rows), size):
        stmt = insert(table).values(rows[start:start + size])
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys), set_={c: stmt.excluded[c] for c in rows[0] if c not in keys},
            where=table.c.as_of <= stmt.excluded.as_of)
        written += max(session.execute(stmt, execution_options={"preserve_rowcount": True}).rowcount, 0)
    return written
