"""Models of the `stocks` subsystem (own database, own migrations)."""
from axa.models.base import make_db

db = make_db()

from axa.models.ingest import IngestBatchTable, IngestRunTable, QuarantineTable  # noqa: E402
from axa.models.stocks.diary import DiaryAccount, DiaryExecution  # noqa: E402
from axa.models.stocks.diary_sources import DiaryImport, DiaryTerminalLink  # noqa: E402
from axa.models.stocks.instruments import BondTerms, DailyBar, Instrument, LatestQuote  # noqa: E402
from axa.models.stocks.journal import (  # noqa: E402
    DiaryDayNote,
    DiaryExcursion,
    DiaryTag,
    DiaryTagGroup,
    DiaryTradeNote,
    DiaryTradeTag,
)
from axa.models.stocks.users import User  # noqa: E402


class IngestRun(IngestRunTable, db.Model):
    pass


class IngestBatch(IngestBatchTable, db.Model):
    pass


class QuarantinedRecord(QuarantineTable, db.Model):
    pass


__all__ = [
           "BondTerms",
           "DailyBar",
           "DiaryAccount",
           "DiaryDayNote",
           "DiaryExcursion",
           "DiaryExecution",
           "DiaryImport",
           "DiaryTag",
           "DiaryTagGroup",
           "DiaryTerminalLink",
           "DiaryTradeNote",
           "DiaryTradeTag",
           "IngestBatch",
           "IngestRun",
           "Instrument",
           "LatestQuote",
           "QuarantinedRecord",
           "User",
           "db",
]
