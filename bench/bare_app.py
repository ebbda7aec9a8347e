"""The bare Flask references: ``app`` for ``auth_me`` (a small JSON dict), ``answering`` for the
socweb reads (a body taken from socweb's answer); no hooks, no I/O.

    gunicorn bench.bare_app:app
"""
from flask import Flask

app = Flask("bench.bare")
BODY = {"id": 1, "email": "bench@example.com", "display_name": "Bench", "status": "active",
        "version": 1, "synced_at": "2026-01-01T00:00:00+00:00"}


@app.get("/api/v1/me")
def me():
    return BODY


def answering(route: str, body_path: str) -> Flask:
    """The reference of the socweb reads (``gunicorn "bench.bare_app:answering('/api/v1/feed',
    '<file>')"``): a bare Flask app answering GET ``route`` with the JSON body in that file."""
    import json
    with open(body_path) as file:
        body = json.load(file)
    bare = Flask("bench.bare_body")
    bare.add_url_rule(route, "body", lambda: body)
    return bare
