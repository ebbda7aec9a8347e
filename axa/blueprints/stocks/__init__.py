"""Blueprints of the `stocks` subsystem (port 8050), in registration order."""
from axa.blueprints.market import MarketControls, init_market
from axa.blueprints.market.admin.routes import blp as admin_blp
from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.stocks.bonds.routes import blp as bonds_blp
from axa.blueprints.stocks.diary.imports import blp as diary_imports_blp
from axa.blueprints.stocks.diary.journal_routes import blp as diary_journal_blp
from axa.blueprints.stocks.diary.round_trips import blp as diary_round_trips_blp
from axa.blueprints.stocks.diary.routes import blp as diary_blp
from axa.blueprints.stocks.diary.tag_routes import blp as diary_tags_blp
from axa.blueprints.stocks.instruments.routes import blp as instruments_blp
from axa.blueprints.stocks.quotes.routes import blp as quotes_blp
from axa.models.stocks import IngestRun, QuarantinedRecord, User, db
from axa.tasks.stocks.datasets import CATALOGUE
from axa.tasks.stocks.dispatch import start_run

BLUEPRINTS = [me_blp, instruments_blp, quotes_blp, bonds_blp, diary_blp, diary_tags_blp, diary_journal_blp,
              diary_imports_blp, diary_round_trips_blp, admin_blp]

# Which refresh selection narrows which dataset (the others only run whole).
REFRESH_SELECTORS = {"fmp.profiles": "symbols", "fmp.quotes": "symbols", "fmp.history": "symbols",
                     "cbonds.emissions": "isins", "cbonds.tradings": "isins",
                     "terrapin.reference": "isins", "terrapin.prices": "isins"}


def init_app(app):
    """The operator controls over this subsystem's ingest runs (admin API, CLI)."""
    init_market(app, MarketControls(CATALOGUE, start_run, db, run_model=IngestRun,
                                    quarantine_model=QuarantinedRecord, user_model=User,
                                    selectors=REFRESH_SELECTORS))
