"""Blueprints of the `auth` subsystem (port 8000), in registration order."""
from axa.blueprints.auth.account.routes import blp as account_blp
from axa.blueprints.auth.sessions.routes import blp as sessions_blp
from axa.blueprints.auth.users.routes import blp as users_blp

BLUEPRINTS = [account_blp, sessions_blp, users_blp]


def init_app(app):
    from axa.blueprints.auth.cli import create_admin
    from axa.blueprints.auth.docs import bp as docs_bp
    app.register_blueprint(docs_bp)
    app.cli.add_command(create_admin)
