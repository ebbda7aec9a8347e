"""Blueprints of the `socweb` subsystem, in registration order."""
from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.socweb import conduit

BLUEPRINTS = [me_blp, *conduit.BLUEPRINTS]


def init_app(app):
    conduit.init_app(app)
