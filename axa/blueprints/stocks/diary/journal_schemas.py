"""Schemas of the diary's journal: tag groups, tags, notes, excursions, a trade with its journal,
and the reports with their extra groups. Money is decimal strings (DESIGN.md §9)."""
from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from axa.blueprints.cmc.watchlists.schemas import described, trimmed, unicode_text
from axa.blueprints.market.schemas import PLAIN
from axa.blueprints.stocks.diary.report_schemas import GroupSchema, ReportQuerySchema, ReportSchema
from axa.blueprints.stocks.diary.schemas import TradeSchema, TradesPageSchema
from axa.models.stocks.journal import NOTE_MAX, TAG_NAME_MAX
from axa.platform.fields import DecimalString, Timestamp
from axa.platform.keyset import ID_MAX, KeysetQuerySchema

NAME_RULE = (f"1 to {TAG_NAME_MAX} characters, leading and trailing spaces dropped (blank or control "
             "characters: 422)")
MARKDOWN = validate.Regexp(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
                           error="Control characters other than tab and line breaks are not allowed.")


def _name(what: str):
    return fields.String(required=True,
                         validate=[validate.Length(min=1, max=TAG_NAME_MAX), PLAIN, unicode_text],
                         metadata=described(f"{NAME_RULE}, unique {what} (taken: 409 `duplicate_name`)"))


class TagGroupCreateSchema(Schema):
    name = _name("among your tag groups, e.g. `setup`, `mistake`")

    @post_load
    def trim(self, data: dict, **_) -> dict:
        return trimmed(data, "name")


class TagGroupSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    created_at = Timestamp()


class TagCreateSchema(TagGroupCreateSchema):
    group_id = fields.Integer(required=True, validate=validate.Range(min=1, max=ID_MAX),
                              metadata=described("One of your tag groups (else 404)"))
    name = _name("in its group, e.g. `breakout`")


class TagRenameSchema(TagGroupCreateSchema):
    name = _name("in its group")


class TagQuerySchema(KeysetQuerySchema):
    group_id = fields.Integer(validate=validate.Range(min=1, max=ID_MAX),
                              metadata=described("Only the tags of this group"))


class TagSchema(Schema):
    id = fields.Integer()
    group_id = fields.Integer()
    group = fields.String(metadata=described("The group's name"))
    name = fields.String()
    created_at = Timestamp()


class NoteBodySchema(Schema):
    text = fields.String(required=True,
                         validate=[validate.Length(min=1, max=NOTE_MAX), MARKDOWN, unicode_text],
                         metadata=described(f"Markdown, 1 to {NOTE_MAX} characters (else 422); stored "
                                            "as given, rendered by the client"))


class TradeNoteSchema(Schema):
    trade_id = fields.Integer()
    text = fields.String()
    created_at = Timestamp()
    updated_at = Timestamp()


class DayNoteSchema(Schema):
    id = fields.Integer(metadata=described("The keyset of the list"))
    day = fields.Date(metadata=described("The UTC day"))
    text = fields.String()
    created_at = Timestamp()
    updated_at = Timestamp()


class ExcursionSchema(Schema):
    status = fields.String(metadata=described(
        "`computed`; `no_history` (no price history for the symbol over the trade's days: no figures, "
        "`reason` says why); `pending` (not yet computed for the trade as it is now)"))
    reason = fields.String(allow_none=True)
    history_from = fields.Date(allow_none=True, metadata=described("First UTC day of the trade's period"))
    history_to = fields.Date(allow_none=True, metadata=described("Last UTC day (today for an open trade)"))
    bars = fields.Integer(metadata=described("Daily bars found over the period"))
    highest = DecimalString(allow_none=True, metadata=described("Highest price over the period"))
    lowest = DecimalString(allow_none=True, metadata=described("Lowest price over the period"))
    mfe = DecimalString(allow_none=True, metadata=described(
        "Maximum favourable excursion in money over every unit opened, 0 or more"))
    mae = DecimalString(allow_none=True, metadata=described("Maximum adverse excursion in money, 0 or less"))
    best_exit_price = DecimalString(allow_none=True, metadata=described(
        "Highest price for a long, lowest for a short"))
    best_exit_pnl = DecimalString(allow_none=True, metadata=described(
        "Net P&L had every unit exited at the best price: mfe - fees"))
    computed_at = Timestamp(allow_none=True)


class JournalTradeSchema(TradeSchema):
    id = fields.Integer(metadata=described("The trade's id: its opening execution's id"))
    tags = fields.List(fields.Nested(TagSchema), metadata=described("By group, then name"))
    has_note = fields.Boolean()
    excursion = fields.Nested(ExcursionSchema)


class TradeDetailSchema(JournalTradeSchema):
    note = fields.Nested(TradeNoteSchema, allow_none=True)


class ExcursionRunSchema(Schema):
    account_id = fields.Integer()
    queued = fields.Boolean(metadata=described("The job was handed to the `stocks.journal` queue"))


class TagGroupReportSchema(GroupSchema):
    key = fields.String(metadata=described("`group/tag`"))
    tag_id = fields.Integer()


class FullReportSchema(ReportSchema):
    by_tag = fields.List(fields.Nested(TagGroupReportSchema), metadata=described(
        "By tag (a trade counts in each of its tags; untagged trades in none), by name"))
    by_hour = fields.List(fields.Nested(GroupSchema), metadata=described(
        "By the UTC hour the trades opened, `00` to `23`, hours with trades only"))
    by_month = fields.List(fields.Nested(GroupSchema), metadata=described(
        "By the UTC month the trades closed, `YYYY-MM`, oldest first"))


class AllReportQuerySchema(ReportQuerySchema):
    account_id = fields.List(fields.Integer(validate=validate.Range(min=1, max=ID_MAX)),
                             validate=validate.Length(max=20), metadata=described(
        "Only these accounts of yours (repeat the parameter; none: all your accounts; another's: 404)"))


class JournalTradesPageSchema(TradesPageSchema):
    trades = fields.List(fields.Nested(JournalTradeSchema), metadata=described("Newest entry first"))
