"""Schemas of the operator endpoints (``/api/v1/admin``), the same on stocks and cmc."""
from marshmallow import Schema, fields, post_load, validate

from axa.blueprints.market.schemas import BIGINT_MAX, CODE

SYMBOL = validate.Regexp(r"^[A-Za-z0-9.\-^=_/:]{1,64}$", error="Not a valid symbol.")
ISIN = validate.Regexp(r"^[A-Za-z]{2}[A-Za-z0-9]{9}[0-9]$", error="Not a valid ISIN.")
MAX_SELECTION = 5000


class RefreshSchema(Schema):
    dataset = fields.String(required=True, validate=CODE,
                            metadata={"description": "A dataset name from /admin/datasets (another: 422)"})
    symbols = fields.List(fields.String(validate=SYMBOL), validate=validate.Length(min=1, max=MAX_SELECTION),
                          metadata={"description": "Only these symbols (datasets selected by symbol; "
                                                   "another dataset: 422)"})
    ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=BIGINT_MAX)),
                      validate=validate.Length(min=1, max=MAX_SELECTION),
                      metadata={"description": "Only these vendor ids (datasets selected by id; "
                                               "another dataset: 422)"})
    isins = fields.List(fields.String(validate=ISIN), validate=validate.Length(min=1, max=MAX_SELECTION),
                        metadata={"description": "Only these ISINs (datasets selected by ISIN; "
                                                 "another dataset: 422)"})

    @post_load
    def normalize(self, data: dict, **_) -> dict:
        """Vendors key symbols and ISINs in upper case; each is asked for once."""
        for key in ("symbols", "isins"):
            if key in data:
                data[key] = list(dict.fromkeys(v.upper() for v in data[key]))
        if "ids" in data:
            data["ids"] = list(dict.fromkeys(data["ids"]))
        return data


class RefreshResultSchema(Schema):
    run_id = fields.Integer()
    dataset = fields.String()
    batches = fields.Integer(metadata={"description": "Batches planned and enqueued"})


DATASET_FILTER = {"description": "Only this dataset's (a name from /admin/datasets; another: 422)"}


class RunQuerySchema(Schema):
    dataset = fields.String(validate=CODE, metadata=DATASET_FILTER)


class RunSchema(Schema):
    id = fields.Integer()
    dataset = fields.String()
    vendor = fields.String()
    trigger = fields.String(metadata={"description": "beat, api, cli, …"})
    params = fields.Dict()
    status = fields.String(metadata={"description": "running, succeeded, partial or failed"})
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    batches_total = fields.Integer()
    batches_done = fields.Integer()
    batches_failed = fields.Integer()
    records_stored = fields.Integer()
    records_rejected = fields.Integer()
    errors = fields.List(fields.String())
    progress_pct = fields.Float(metadata={"description": "Share of batches done, in percent"})


class DatasetSchema(Schema):
    name = fields.String()
    vendor = fields.String()
    fetcher = fields.String(metadata={"description": "The vendor endpoint it reads"})
    schedule_seconds = fields.Float(metadata={"description": "Seconds between scheduled runs"})
    fresh_for_seconds = fields.Integer(metadata={"description": "Quotes older than this are stale (0: none)"})
    description = fields.String()
    selection = fields.String(allow_none=True, metadata={
        "description": "The refresh field that narrows a run (symbols, ids, isins), or null"})
    scheduled = fields.Boolean(metadata={"description": "Run by beat (else only on demand)"})


class QuarantineQuerySchema(Schema):
    run_id = fields.Integer(validate=validate.Range(min=1, max=BIGINT_MAX))
    dataset = fields.String(validate=CODE, metadata=DATASET_FILTER)


class QuarantinedRecordSchema(Schema):
    id = fields.Integer()
    run_id = fields.Integer(allow_none=True)
    vendor = fields.String()
    dataset = fields.String()
    reason = fields.String()
    raw = fields.String(metadata={"description": "The rejected fragment as the vendor sent it (JSON)"})
    created_at = fields.DateTime()
