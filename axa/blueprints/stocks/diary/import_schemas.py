"""Schemas of the diary's CSV imports: the multipart upload (the file, a preset or a generic
column mapping, a time zone) and the import job with its report."""
from __future__ import annotations

import json
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from axa.blueprints.cmc.watchlists.schemas import described
from axa.blueprints.socweb.media.schemas import File, MultipartParser
from axa.models.stocks.diary_brokers import GENERIC, PRESETS
from axa.models.stocks.diary_sources import REJECTED_KEPT, STATES
from axa.platform.api import Blueprint
from axa.platform.fields import Timestamp

COLUMN_MAX = 100
FORMAT_MAX = 64
MAPPING_MAX = 2000


def column(**kwargs) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=COLUMN_MAX),
                                   validate.Regexp(r"^[^\x00]*$", error="NUL characters are not allowed.")],
                         **kwargs)


class CsvBlueprint(Blueprint):
    """A blueprint whose arguments may come from a ``multipart`` body."""

    ARGUMENTS_PARSER = MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}


def checked_zone(name: str) -> None:
    try:
        if "\x00" in name or name not in available_timezones():
            raise ValidationError("Not an IANA time zone (e.g. America/New_York).")
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("Not an IANA time zone (e.g. America/New_York).") from None


class MappingSchema(Schema):
    symbol = column(required=True)
    side = column(required=True)
    quantity = column(required=True)
    price = column(required=True)
    time = column(required=True)
    fee = column()
    time_format = fields.String(validate=[validate.Length(min=2, max=FORMAT_MAX),
                                          validate.Regexp(r"^[^\x00]*%[^\x00]*$",
                                                          error="A strptime format.")])
    timezone = fields.String(validate=checked_zone)


class MappingField(fields.Field):
    """The generic mapping: a JSON object, sent as a text part."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > MAPPING_MAX:
            raise ValidationError(f"A JSON object as text, at most {MAPPING_MAX} characters.")
        try:
            loaded = json.loads(value)
        except ValueError:
            raise ValidationError("Not JSON.") from None
        if not isinstance(loaded, dict):
            raise ValidationError("A JSON object.")
        return MappingSchema().load(loaded)


class ImportUploadSchema(Schema):
    file = File(required=True, metadata={"description": (
        "The broker's CSV file (UTF-8, a header line naming the columns, RFC 4180). Over the size "
        "limit: 413; not UTF-8, not CSV, a needed column missing or too many lines: 422")})
    preset = fields.String(required=True, validate=validate.OneOf([*PRESETS, GENERIC]), metadata=described(
        "`ibkr` (Interactive Brokers Flex trades), `thinkorswim` (TD Ameritrade / Schwab account trade "
        "history), `webull` (orders export), or `generic` with a `mapping`; the columns each preset "
        "reads are in the endpoint's description (another name: 422)"))
    mapping = MappingField(metadata=described(
        "With `generic` only (else 422): a JSON object naming the file's columns: `symbol`, `side`, "
        "`quantity`, `price`, `time` (required), `fee` (optional), `time_format` (a Python strptime "
        "format; default ISO 8601), `timezone` (of times without an offset; default UTC). Not such a "
        "JSON object: 422"))
    timezone = fields.String(validate=checked_zone, metadata=described(
        "The IANA time zone of times written without an offset (overrides the preset's or mapping's; "
        "not one: 422)"))

    @validates_schema
    def mapped(self, data: dict, **_) -> None:
        if (data.get("preset") == GENERIC) != ("mapping" in data):
            raise ValidationError("Give a mapping with the generic preset, and only with it.",
                                  field_name="mapping")


class RejectedLineSchema(Schema):
    line = fields.Integer(required=True, metadata=described("Its line in the file (the header is 1)"))
    reason = fields.String(required=True)


class ImportSchema(Schema):
    id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(STATES)})
    preset = fields.String(required=True)
    lines = fields.Integer(required=True, metadata=described("Data lines in the file (rows done / total: "
                                                             "`processed` / `lines`)"))
    processed = fields.Integer(required=True, metadata=described("Lines read so far"))
    imported = fields.Integer(required=True)
    duplicates = fields.Integer(required=True, metadata=described(
        "Lines whose execution the account held already, or an earlier line gave: skipped"))
    rejected_count = fields.Integer(required=True)
    rejected = fields.List(fields.Nested(RejectedLineSchema), required=True, metadata=described(
        f"The first {REJECTED_KEPT} rejected lines, with why"))
    error = fields.String(required=True, allow_none=True)
    created_at = Timestamp(required=True)
    finished_at = Timestamp(required=True, allow_none=True)
