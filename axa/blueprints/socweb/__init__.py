"""Blueprints of the `socweb` subsystem, in registration order."""
from flask import Flask, Response

from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.socweb import conduit
from axa.blueprints.socweb.comments.routes import blp as comments_blp
from axa.blueprints.socweb.feeds.routes import blp as feeds_blp
from axa.blueprints.socweb.likes.routes import favorites_blp, likes_blp
from axa.blueprints.socweb.media.routes import blp as media_blp
from axa.blueprints.socweb.moderation.admin_routes import blp as moderation_admin_blp
from axa.blueprints.socweb.moderation.routes import blp as moderation_blp
from axa.blueprints.socweb.notifications.routes import blp as notifications_blp
from axa.blueprints.socweb.posts.routes import blp as posts_blp
from axa.blueprints.socweb.profiles.routes import blp as profiles_blp
from axa.blueprints.socweb.search.cli import search_reindex
from axa.blueprints.socweb.search.routes import blp as search_blp
from axa.blueprints.socweb.subscriptions.routes import blp as subscriptions_blp
from axa.blueprints.socweb.tags.routes import blp as tags_blp
from axa.models.socweb.media_settings import load_media_settings
from axa.platform.errors import handle_unavailable
from axa.platform.storage import StorageUnavailable
from axa.tasks.socweb.feeds import publish_added

BLUEPRINTS = [me_blp, profiles_blp, subscriptions_blp, posts_blp, comments_blp, likes_blp,
              favorites_blp, tags_blp, feeds_blp, search_blp, moderation_blp, moderation_admin_blp, media_blp,
              notifications_blp, *conduit.BLUEPRINTS]


def _publish_outbox(response: Response) -> Response:
    publish_added()
    return response


def init_app(app: Flask) -> None:
    """Outbox rows a request wrote are published once it is done, those that committed
    (axa/tasks/socweb/feeds.py); the rest wait for the beat sweep. The media settings
    (``AXA_MEDIA``, unless the overrides gave them) and a storage that does not answer as 503. Then
    the Conduit face's set-up. The ``search-reindex`` command (Elasticsearch)."""
    app.after_request(_publish_outbox)
    app.config.setdefault("AXA_MEDIA", load_media_settings())
    app.register_error_handler(StorageUnavailable, handle_unavailable)
    app.cli.add_command(search_reindex)
    conduit.init_app(app)
