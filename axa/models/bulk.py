"""Bulk upserts on natural keys: one ``INSERT … ON CONFLICT DO UPDATE`` per chunk, never
row-by-row ORM. Rows repeated within one call are collapsed (last wins) so PostgreSQL never sees
the same key twice in one statement.

The rows travel as one JSON document, ``INSERT … SELECT … FROM json_populate_recordset(NULL::table,
:rows)``: a statement of constant shape whatever the row count, compiled once per shape and sent to
the driver as is, with a single parameter that msgspec's encoder writes (Decimal, datetime and
date as their exact text, which PostgreSQL reads with each column's own input function). Tables
with JSON or ARRAY columns, or rows with non-finite floats, use a multi-row ``VALUES`` instead.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain
from uuid import UUID

import msgspec
from sqlalchemy import ARRAY, JSON, Table, Text, bindparam, cast, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import insert

CHUNK = 1000
RECORDSET_CHUNK = 10000
_compiled: dict[tuple, str] = {}


def _scalar(table: Table, columns: Sequence[str]) -> bool:
    """Whether the rows can travel as a JSON recordset (scalar columns only)."""
    return not any(isinstance(table.c[c].type, ARRAY | JSON) for c in columns)


# Types whose msgspec JSON form PostgreSQL reads back exactly with the column's input function:
# Decimal as its str, datetime/date/time as RFC 3339 text, UUID in canonical form.
_EXACT_TYPES = frozenset({str, int, bool, type(None), Decimal, datetime, date, time, UUID})
_encode = msgspec.json.Encoder(decimal_format="string").encode


def _document(rows: list[dict]) -> str | None:
    """The rows as one JSON array of objects, or None when a value has no exact JSON form (a
    non-finite float, bytes, anything not in ``_EXACT_TYPES``). The type check and the encoding
    both run in C: no Python call per value."""
    kinds = set(map(type, chain.from_iterable(map(dict.values, rows))))
    if not kinds <= _EXACT_TYPES:
        if not kinds - {float} <= _EXACT_TYPES or not all(
                math.isfinite(v) for row in rows for v in row.values() if type(v) is float):
            return None
    return _encode(rows).decode()


def _record_type(table: Table) -> str:
    names = [table.schema, table.name] if table.schema else [table.name]
    return ".".join('"' + name.replace('"', '""') + '"' for name in names)


def _insert(table: Table, columns: list[str], rows: list[dict], values: bool = False):
    """``INSERT INTO table (columns)`` of ``rows``: from a JSON recordset, else VALUES."""
    if values or not _scalar(table, columns):
        return insert(table).values(rows)
    document = cast(bindparam("bulk_rows", type_=Text), JSON)
    source = func.json_populate_recordset(literal_column(f"NULL::{_record_type(table)}"), document)
    incoming = source.table_valued(*columns).alias("incoming")
    return insert(table).from_select(columns, select(*(incoming.c[c] for c in columns)))


def _run(session, build, shape: tuple, table: Table, columns: list[str], rows: list[dict]) -> int:
    """Execute the statement ``build(rows)`` makes; a recordset statement is built and compiled
    once per shape, then sent to the driver with this chunk's JSON document."""
    document = _document(rows) if _scalar(table, columns) else None
    if document is None:
        size, written = _values_size(columns), 0
        for start in range(0, len(rows), size):  # under PostgreSQL's 65535 parameters
            result = session.execute(build(rows[start:start + size], values=True),
                                     execution_options={"preserve_rowcount": True})
            written += max(result.rowcount, 0)
        return written
    dialect = session.get_bind().dialect
    key = (dialect.name, *shape)
    if key not in _compiled:
        _compiled[key] = str(build(rows).compile(dialect=dialect))
    return max(session.connection().exec_driver_sql(_compiled[key], {"bulk_rows": document}).rowcount, 0)


def _values_size(columns: list[str]) -> int:
    return max(1, min(CHUNK, 30000 // max(1, len(columns))))


def _chunks(table: Table, columns: list[str], rows: list[dict]) -> Iterable[list[dict]]:
    size = RECORDSET_CHUNK if _scalar(table, columns) else _values_size(columns)
    for start in range(0, len(rows), size):
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

    def build(chunk, values=False):
        stmt = _insert(table, columns, chunk, values)
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

    def build(chunk, values=False):
        stmt = _insert(table, columns, chunk, values)
        return stmt.on_conflict_do_update(
            index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns if c not in keys},
            where=table.c.as_of <= stmt.excluded.as_of)

    shape = ("newer", table, tuple(columns), tuple(keys))
    return sum(_run(session, build, shape, table, columns, chunk) for chunk in _chunks(table, columns, rows))
