"""Blueprints of the `terminal` subsystem, in registration order."""
from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.terminal.accounts.routes import blp as accounts_blp

BLUEPRINTS = [me_blp, accounts_blp]


def init_app(app):
    """No subsystem-specific set-up yet."""
