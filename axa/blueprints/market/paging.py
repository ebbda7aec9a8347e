"""Pagination of SQL queries for flask-smorest's ``@blp.paginate()`` (the X-Pagination header)."""
from __future__ import annotations

from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select, func, select

from axa.blueprints.market.schemas import BIGINT_MAX


def paged(session, stmt: Select, pagination_parameters: PaginationParameters) -> Select:
    """Count the whole result into ``item_count`` and return the statement for the asked page."""
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    pagination_parameters.item_count = session.scalar(count)
    offset = min(pagination_parameters.first_item, BIGINT_MAX)  # far past the end: an empty page
    return stmt.offset(offset).limit(pagination_parameters.page_size)
