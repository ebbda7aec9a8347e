"""Blueprints of the `socweb` subsystem, in registration order."""
from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.socweb.profiles.routes import blp as profiles_blp
from axa.blueprints.socweb.subscriptions.routes import blp as subscriptions_blp

BLUEPRINTS = [me_blp, profiles_blp, subscriptions_blp]


def init_app(app):
    """No subsystem-specific set-up yet."""
