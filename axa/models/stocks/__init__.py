"""Models of the `stocks` subsystem (own database, own migrations)."""
from axa.models.base import make_db

db = make_db()

from axa.models.ingest import define_ingest_models  # noqa: E402
from axa.models.stocks.instruments import BondTerms, DailyBar, Instrument, LatestQuote  # noqa: E402
from axa.models.stocks.users import User  # noqa: E402

IngestRun, IngestBatch, QuarantinedRecord = define_ingest_models(db)

__all__ = [
           "BondTerms",
           "DailyBar",
           "IngestBatch",
           "IngestRun",
           "Instrument",
           "LatestQuote",
           "QuarantinedRecord",
           "User",
           "db",
]
