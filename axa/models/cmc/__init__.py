"""Models of the `cmc` subsystem (own database, own migrations)."""
from axa.models.base import make_db

db = make_db()

from axa.models.cmc.coins import Coin, CoinDaily, CoinQuote, GlobalMetrics  # noqa: E402
from axa.models.cmc.users import User  # noqa: E402
from axa.models.ingest import define_ingest_models  # noqa: E402

IngestRun, IngestBatch, QuarantinedRecord = define_ingest_models(db)

__all__ = [
           "Coin",
           "CoinDaily",
           "CoinQuote",
           "GlobalMetrics",
           "IngestBatch",
           "IngestRun",
           "QuarantinedRecord",
           "User",
           "db",
]
