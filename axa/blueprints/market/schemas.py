"""Request schemas shared by the stocks and cmc read APIs."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, post_load, validate

DEFAULT_WINDOW_DAYS = 365
BIGINT_MAX = 2**63 - 1
ID = f"int(min=1, max={BIGINT_MAX})"  # path converter: an id PostgreSQL can hold, else 404
PLAIN = validate.Regexp(r"^[^\x00-\x1f\x7f]*$", error="Control characters are not allowed.")
CODE = validate.Regexp(r"^[A-Za-z0-9._\- ]{1,32}$", error="1 to 32 letters, digits, spaces, '.', '_' or '-'.")


class HistoryQuerySchema(Schema):
    """``from`` / ``to`` (ISO dates, inclusive); by default the year up to today (UTC)."""

    start = fields.Date(data_key="from", metadata={
        "description": f"First day (default: {DEFAULT_WINDOW_DAYS} days before `to`; after `to`: 422)"})
    end = fields.Date(data_key="to", metadata={"description": "Last day (default: today, UTC)"})

    @post_load
    def window(self, data: dict, **_) -> dict:
        end = data.get("end") or datetime.now(UTC).date()
        start = data.get("start") or (end - timedelta(days=DEFAULT_WINDOW_DAYS)
                                      if end.toordinal() > DEFAULT_WINDOW_DAYS else date.min)
        if start > end:
            raise ValidationError("`from` must not be after `to` (default: today).", field_name="from")
        return {"start": start, "end": end}
