"""Bulk upserts on natural keys: one ``INSERT … ON CONFLICT DO UPDATE`` per chunk, never
row-by-row ORM. Rows repeated within one call are collapsed (last wins) so PostgreSQL never sees
the same key twice in one statement."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Table, or_
from sqlalchemy.dialects.postgresql import insert

CHUNK = 1000


def upsert(session, table: Table, rows: Iterable[dict], keys: Sequence[str],
           update: Sequence[str] | None = None, only_if_changed: bool = True) -> int:
    """Insert or update ``rows`` on ``keys``; returns the number of rows written."""
    unique = {tuple(row[k] for k in keys): row for row in rows}
    if not unique:
        return 0
    columns = list(next(iter(unique.values())))
    update = [c for c in (update or columns) if c not in keys]
    written = 0
    batch = list(unique.values())
    for start in range(0, len(batch), CHUNK):
        stmt = insert(table).values(batch[start:start + CHUNK])
        if update:
            changed = or_(*(table.c[c].is_distinct_from(stmt.excluded[c]) for c in update))
            stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                              set_={c: stmt.excluded[c] for c in update},
                                              where=changed if only_if_changed else None)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        result = session.execute(stmt, execution_options={"preserve_rowcount": True})
        written += max(result.rowcount, 0)
    return written
