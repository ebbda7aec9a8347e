"""Blueprints of the `stocks` subsystem (port 8050), in registration order."""
from axa.blueprints.market.admin.routes import blp as admin_blp
from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.stocks.bonds.routes import blp as bonds_blp
from axa.blueprints.stocks.instruments.routes import blp as instruments_blp
from axa.blueprints.stocks.quotes.routes import blp as quotes_blp

BLUEPRINTS = [me_blp, instruments_blp, quotes_blp, bonds_blp, admin_blp]

# Which refresh selection narrows which dataset (the others only run whole).
REFRESH_SELECTORS = {"fmp.profiles": "symbols", "fmp.quotes": "symbols", "fmp.history": "symbols",
                     "cbonds.emissions": "isins", "cbonds.tradings": "isins",
                     "terrapin.reference": "isins", "terrapin.prices": "isins"}


def init_app(app):
    from axa.blueprints.market import init_market
    from axa.tasks.stocks.flows import PIPELINE
    init_market(app, PIPELINE, REFRESH_SELECTORS)
