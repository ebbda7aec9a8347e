"""Blueprints of the `cmc` subsystem (port 8081), in registration order."""
from axa.blueprints.cmc.alerts.routes import blp as alerts_blp
from axa.blueprints.cmc.coins.routes import blp as coins_blp
from axa.blueprints.cmc.listings.routes import blp as listings_blp
from axa.blueprints.cmc.metrics.routes import blp as metrics_blp
from axa.blueprints.cmc.portfolios.imports import blp as portfolio_imports_blp
from axa.blueprints.cmc.portfolios.routes import blp as portfolios_blp
from axa.blueprints.cmc.watchlists.routes import blp as watchlists_blp
from axa.blueprints.market import MarketControls, init_market
from axa.blueprints.market.admin.routes import blp as admin_blp
from axa.blueprints.replica.me.routes import blp as me_blp
from axa.models.cmc import IngestRun, QuarantinedRecord, User, db
from axa.tasks.cmc.datasets import CATALOGUE
from axa.tasks.cmc.dispatch import start_run

BLUEPRINTS = [me_blp, listings_blp, coins_blp, metrics_blp, watchlists_blp, portfolios_blp,
              portfolio_imports_blp, alerts_blp, admin_blp]

# Which refresh selection narrows which dataset (the others only run whole).
REFRESH_SELECTORS = {"cmc.quotes": "ids", "cmc.info": "ids"}


def init_app(app):
    """The operator controls over this subsystem's ingest runs (admin API, CLI)."""
    init_market(app, MarketControls(CATALOGUE, start_run, db, run_model=IngestRun,
                                    quarantine_model=QuarantinedRecord, user_model=User,
                                    selectors=REFRESH_SELECTORS))
