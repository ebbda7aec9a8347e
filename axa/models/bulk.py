"""Bulk upserts on natural keys: one ``INSERT … ON CONFLICT DO UPDATE`` per chunk, never
row-by-row ORM. Rows repeated within one call are collapsed (last wins) so PostgreSQL never sees
the same key twice in one statement.

The rows travel as one array per column, ``INSERT … SELECT * FROM unnest(:a, :b, …)``: a
statement of constant shape whatever the row count, compiled once per shape and sent to the
driver as is, so PostgreSQL parses a few dozen parameters instead of thousands. Tables with JSON
or ARRAY columns (``unnest`` would flatten nested arrays) use a multi-row ``VALUES`` instead.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ARRAY, JSON, Table, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import insert

CHUNK = 1000
UNNEST_CHUNK = 10000
_compiled: dict[tuple, str] = {}


def _unnestable(table: Table, columns: Sequence[str]) -> bool:
    return not any(isinstance(table.c[c].type, ARRAY | JSON) for c in columns)


def _insert(table: Table, columns: list[str], rows: list[dict]):
    """``INSERT INTO table (columns)`` of ``rows``: from per-column arrays, else VALUES."""
    if not _unnestable(table, columns):
        return insert(table).values(rows)
    arrays = [bindparam(f"bulk_{c}", [row[c] for row in rows], type_=ARRAY(table.c[c].type))
              for c in columns]
    source = func.unnest(*arrays).table_valued(*columns).render_derived(name="incoming")
    return insert(table).from_select(columns, select(*(source.c[c] for c in columns)))


def _run(session, build, shape: tuple, table: Table, columns: list[str], rows: list[dict]) -> int:
    """Execute the statement ``build(rows)`` makes; an unnest statement is built and compiled once
    per shape, then sent to the driver with this chunk's arrays."""
    if not _unnestable(table, columns):
        result = session.execute(build(rows), execution_options={"preserve_rowcount": True})
        return max(result.rowcount, 0)
    dialect = session.get_bind().dialect
    key = (dialect.name, *shape)
    if key not in _compiled:
        _compiled[key] = str(build(rows).compile(dialect=dialect))
    params = {f"bulk_{c}": [row[c] for row in rows] for c in columns}
    return max(session.connection().exec_driver_sql(_compiled[key], params).rowcount, 0)


def _chunks(table: Table, columns: list[str], rows: list[dict]) -> Iterable[list[dict]]:
    size = UNNEST_CHUNK if _unnestable(table, columns) else max(1, min(CHUNK, 30000 // max(1, len(columns))))
    for start in range(0, len(rows), size):  # VALUES: under PostgreSQL's 65535 parameters
        yield rows[start:start + size]


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

    def build(chunk):
        stmt = _insert(table, columns, chunk)
        if not update:
            return stmt.on_conflict_do_nothing(index_elements=list(keys))
        new = {c: func.coalesce(stmt.excluded[c], table.c[c]) if coalesce else stmt.excluded[c]
               for c in update}
        changed = or_(*(table.c[c].is_distinct_from(new[c]) for c in update))
        return stmt.on_conflict_do_update(index_elements=list(keys), set_=new,
                                          where=changed if only_if_changed else None)

    shape = ("upsert", table, tuple(columns), tuple(keys), tuple(update), only_if_changed, coalesce)
    return sum(_run(session, build, shape, table, columns, chunk)
               for chunk in _chunks(table, columns, list(unique.values())))


def upsert_newer(session, table: Table, rows: list[dict], keys: Sequence[str]) -> int:
    """Upsert rows whose ``as_of`` is not older than the stored one (quotes never go back)."""
    if not rows:
        return 0
    columns = list(rows[0])

    def build(chunk):
        stmt = _insert(table, columns, chunk)
        return stmt.on_conflict_do_update(
            index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns if c not in keys},
            where=table.c.as_of <= stmt.excluded.as_of)

    shape = ("newer", table, tuple(columns), tuple(keys))
    return sum(_run(session, build, shape, table, columns, chunk) for chunk in _chunks(table, columns, rows))
