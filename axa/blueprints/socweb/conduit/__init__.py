"""The RealWorld "Conduit" face of socweb, under ``/conduit/api``, on the native API's data:
articles are posts with a title, comments are comments, a favorite is a like, a follow is a
subscription, a profile's username is the socweb username. Register and login go through the auth
server (accounts.py); tokens are platform session ids. Spec: RealWorld ``api/openapi.yml`` 1.1.0.
"""
from axa.blueprints.socweb.conduit import errors
from axa.blueprints.socweb.conduit.articles.routes import blp as articles_blp
from axa.blueprints.socweb.conduit.comments.routes import blp as comments_blp
from axa.blueprints.socweb.conduit.profiles.routes import blp as profiles_blp
from axa.blueprints.socweb.conduit.users.routes import blp as users_blp

BLUEPRINTS = [users_blp, profiles_blp, articles_blp, comments_blp]


def init_app(app) -> None:
    errors.install_app(app)
