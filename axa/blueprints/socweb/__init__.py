"""Blueprints of the `socweb` subsystem, in registration order."""
from flask import Flask, Response

from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.socweb import conduit
from axa.blueprints.socweb.comments.routes import blp as comments_blp
from axa.blueprints.socweb.feeds.routes import blp as feeds_blp
from axa.blueprints.socweb.likes.routes import favorites_blp, likes_blp
from axa.blueprints.socweb.notifications.routes import blp as notifications_blp
from axa.blueprints.socweb.posts.routes import blp as posts_blp
from axa.blueprints.socweb.profiles.routes import blp as profiles_blp
from axa.blueprints.socweb.subscriptions.routes import blp as subscriptions_blp
from axa.blueprints.socweb.tags.routes import blp as tags_blp
from axa.tasks.socweb.feeds import publish_added

BLUEPRINTS = [me_blp, profiles_blp, subscriptions_blp, posts_blp, comments_blp, likes_blp,
              favorites_blp, tags_blp, feeds_blp, notifications_blp, *conduit.BLUEPRINTS]


def _publish_outbox(response: Response) -> Response:
    publish_added()
    return response


def init_app(app: Flask) -> None:
    """Outbox rows a request wrote are published once it is done, those that committed
    (axa/tasks/socweb/feeds.py); the rest wait for the beat sweep. Then the Conduit face's set-up."""
    app.after_request(_publish_outbox)
    conduit.init_app(app)
