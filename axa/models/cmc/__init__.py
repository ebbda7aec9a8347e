"""Models of the `cmc` subsystem (own database, own migrations)."""
from axa.models.base import make_db

db = make_db()

from axa.models.cmc.alerts import Alert, AlertEvent  # noqa: E402
from axa.models.cmc.coins import Coin, CoinDaily, CoinQuote, GlobalMetrics  # noqa: E402
from axa.models.cmc.imports import PortfolioImport  # noqa: E402
from axa.models.cmc.paper_links import PaperLink  # noqa: E402
from axa.models.cmc.portfolio_values import PortfolioValue  # noqa: E402
from axa.models.cmc.portfolios import Portfolio, PortfolioTransaction  # noqa: E402
from axa.models.cmc.users import User  # noqa: E402
from axa.models.cmc.watchlists import Watchlist, WatchlistItem  # noqa: E402
from axa.models.ingest import IngestBatchTable, IngestRunTable, QuarantineTable  # noqa: E402


class IngestRun(IngestRunTable, db.Model):
    pass


class IngestBatch(IngestBatchTable, db.Model):
    pass


class QuarantinedRecord(QuarantineTable, db.Model):
    pass


__all__ = [
           "Alert",
           "AlertEvent",
           "Coin",
           "CoinDaily",
           "CoinQuote",
           "GlobalMetrics",
           "IngestBatch",
           "IngestRun",
           "PaperLink",
           "Portfolio",
           "PortfolioImport",
           "PortfolioTransaction",
           "PortfolioValue",
           "QuarantinedRecord",
           "User",
           "Watchlist",
           "WatchlistItem",
           "db",
]
