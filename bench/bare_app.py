"""The reference of ``auth_me``: a bare Flask app answering a small JSON dict (no hooks, no I/O).

    gunicorn bench.bare_app:app
"""
from flask import Flask

app = Flask("bench.bare")
BODY = {"id": 1, "email": "bench@example.com", "display_name": "Bench", "status": "active",
        "version": 1, "synced_at": "2026-01-01T00:00:00+00:00"}


@app.get("/api/v1/me")
def me():
    return BODY
