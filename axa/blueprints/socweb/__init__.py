"""Blueprints of the `socweb` subsystem, in registration order."""
from flask import Flask, Response

from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.socweb.feeds.routes import blp as feeds_blp
from axa.tasks.socweb.feeds import publish_added

BLUEPRINTS = [me_blp, feeds_blp]


def _publish_outbox(response: Response) -> Response:
    publish_added()
    return response


def init_app(app: Flask) -> None:
    """Outbox rows a request wrote are published once it is done, those that committed
    (axa/tasks/socweb/feeds.py); the rest wait for the beat sweep."""
    app.after_request(_publish_outbox)
