"""One app factory made of small steps (DESIGN.md §4.1); axa/apps.py hands it each subsystem's
``db`` and blueprints, so the platform imports no layer above it.

The factory knows nothing of Celery: the Celery side (axa/platform/celery_app.py) builds the apps
its tasks run in through the factory celeryconfig names, and a process that publishes tasks gets
the platform's Celery app by importing a task module (axa/tasks/__init__.py)."""
from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

from alembic.config import Config as AlembicConfig
from flask import Flask
from flask.sessions import SessionInterface
from flask_migrate import Migrate
from flask_smorest import Api, Blueprint
from flask_sqlalchemy import SQLAlchemy
from werkzeug.middleware.proxy_fix import ProxyFix

from axa.platform import docs, security
from axa.platform.config import PORTS, database_url, load_settings
from axa.platform.errors import register_error_handlers
from axa.platform.health import blp as health_blp

MIGRATIONS = "axa/models/migrations"  # the one Alembic environment (env.py) of every subsystem
VERSIONS = "axa/models/{sub}/migrations/versions"  # each subsystem's own revisions


class PlatformFlask(Flask):
    """Flask, with its ``ensure_sync`` (a documented override point) answering at once for plain
    functions: flask-smorest asks it on every decorator layer of every request, and Flask's check
    (``inspect.iscoroutinefunction``) cost ~20 us of a quotes request. A coroutine function, or
    anything without plain code (a partial), still goes through Flask's own."""

    def ensure_sync(self, func):
        code = getattr(getattr(func, "__func__", func), "__code__", None)
        if code is not None and not code.co_flags & inspect.CO_COROUTINE:
            return func
        return super().ensure_sync(func)


class NoCookieSession(SessionInterface):
    """Sessions live in Redis (axa.platform.sessions); Flask's signed-cookie session is never
    used, so it is neither opened nor signed on any request."""

    def open_session(self, app, request):
        return self.make_null_session(app)

    def save_session(self, app, session, response) -> None:
        return None


def configure(app: Flask, subsystem: str, overrides: dict | None) -> None:
    settings = load_settings()
    app.config.update(
        AXA=settings, AXA_SUBSYSTEM=subsystem, SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=database_url(subsystem),
        MAX_CONTENT_LENGTH=settings.max_content_length,
        API_TITLE=f"AXA {subsystem}", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        **docs.settings(),
        API_SPEC_OPTIONS={"servers": [{"url": f"http://localhost:{PORTS[subsystem]}"}],
                          "components": {"securitySchemes": {
                              "bearer": {"type": "http", "scheme": "bearer"},
                              "cookie": {"type": "apiKey", "in": "cookie",
                                         "name": settings.cookie_name}}}},
        JSON_SORT_KEYS=False,
    )
    app.config.update(overrides or {})


def own_revisions(subsystem: str):
    """A Flask-Migrate configure callback: Alembic reads and writes ``subsystem``'s revisions."""
    def configure(config: AlembicConfig) -> AlembicConfig:
        config.set_main_option("version_locations", VERSIONS.format(sub=subsystem))
        return config
    return configure


def init_extensions(app: Flask, subsystem: str, db: SQLAlchemy) -> None:
    db.init_app(app)
    Migrate(app, db, directory=MIGRATIONS, compare_type=True).configure(own_revisions(subsystem))
    app.session_interface = NoCookieSession()
    app.extensions["axa_cors"] = security.cors_options(app)


def register_blueprints(api: Api, blueprints: Sequence[Blueprint]) -> None:
    api.register_blueprint(health_blp)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)


def install_hooks(app: Flask) -> None:
    app.before_request(security.check_request)  # limits (414 / 431), host, CSRF
    app.after_request(security.add_cors_headers)
    app.wsgi_app = security.SecurityHeaders(app.wsgi_app, app)


def trust_proxies(app: Flask) -> None:
    """Behind ``AXA_PROXY_HOPS`` proxies, take the client address (and scheme) from the entries
    those proxies appended to X-Forwarded-For (-Proto); with 0 (the default) trust no header, so
    ``request.remote_addr`` is always the peer and a spoofed header changes nothing."""
    hops = app.config["AXA"].proxy_hops
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def create_app(subsystem: str, db: SQLAlchemy, blueprints: Sequence[Blueprint],
               init_app: Callable[[Flask], None] | None = None, overrides: dict | None = None) -> Flask:
    """The app of ``subsystem`` on its ``db``, serving ``blueprints`` (in that order) after
    ``/health/``; ``init_app`` does the subsystem's own set-up last."""
    app = PlatformFlask(f"axa.{subsystem}")
    configure(app, subsystem, overrides)
    init_extensions(app, subsystem, db)
    api = docs.create_api(app)
    register_blueprints(api, blueprints)
    register_error_handlers(app)
    install_hooks(app)
    trust_proxies(app)
    if init_app is not None:
        init_app(app)
    return app
