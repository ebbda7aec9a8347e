"""Blueprints of the `socweb` subsystem, in registration order."""
from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.socweb import conduit
from axa.blueprints.socweb.comments.routes import blp as comments_blp
from axa.blueprints.socweb.likes.routes import favorites_blp, likes_blp
from axa.blueprints.socweb.posts.routes import blp as posts_blp
from axa.blueprints.socweb.profiles.routes import blp as profiles_blp
from axa.blueprints.socweb.subscriptions.routes import blp as subscriptions_blp
from axa.blueprints.socweb.tags.routes import blp as tags_blp

BLUEPRINTS = [me_blp, profiles_blp, subscriptions_blp, posts_blp, comments_blp, likes_blp,
              favorites_blp, tags_blp, *conduit.BLUEPRINTS]


def init_app(app):
    conduit.init_app(app)
