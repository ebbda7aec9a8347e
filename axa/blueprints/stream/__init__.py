"""Blueprints of the `stream` subsystem, in registration order."""
from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.stream.channels.routes import blp as channels_blp
from axa.blueprints.stream.keys.routes import blp as keys_blp

BLUEPRINTS = [me_blp, channels_blp, keys_blp]


def init_app(app):
    """No subsystem-specific set-up yet."""
