"""Blueprints of the `terminal` subsystem, in registration order."""
from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.terminal.accounts.routes import blp as accounts_blp
from axa.blueprints.terminal.events.routes import blp as events_blp
from axa.blueprints.terminal.orders.routes import blp as orders_blp
from axa.blueprints.terminal.positions.routes import blp as positions_blp

BLUEPRINTS = [me_blp, accounts_blp, orders_blp, positions_blp, events_blp]


def init_app(app):
    """No subsystem-specific set-up yet."""
