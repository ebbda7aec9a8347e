"""The references of ``stream_heartbeat`` (DESIGN.md §8): a player's heartbeat answered by bare
Flask endpoints, without the platform's layers.

``app`` (the raw-driver floor): the JSON body read, the anonymous token's signature checked as the
stream app checks it, the same Lua script (axa/models/stream/viewer_heartbeat.lua) run through a
plain redis-py ``register_script`` with the same keys and arguments, and the same JSON answer.
``bare``: the same answer, no I/O.

    gunicorn bench.stream_heartbeat_raw_app:app     (AXA_* settings from the environment, like stream)
"""
from __future__ import annotations

import time
from pathlib import Path

import redis
from flask import Flask, abort, jsonify, request

from axa.models.stream import viewers
from axa.platform.config import load_settings

_settings = load_settings()
_redis = redis.Redis.from_url(_settings.redis_url, decode_responses=True)
_script = _redis.register_script((Path(viewers.__file__).parent / "viewer_heartbeat.lua").read_text())
PATH = "/api/v1/channels/<slug>/viewers/heartbeat"
app = Flask("bench.stream_heartbeat_raw")
bare = Flask("bench.stream_heartbeat_bare")


@app.post(PATH)
def heartbeat(slug):
    token = (request.get_json(silent=True) or {}).get("viewer_token") or ""
    viewer = viewers.token_viewer(_settings.secret_key, token)
    if viewer is None:
        abort(422)
    status, value = _script(keys=[viewers.LIVE_MAP, viewers.viewers_key(slug), f"stream:hb:rate:{viewer}",
                                  viewers.WATCH],
                            args=[slug, viewer, repr(time.time()), "45.0", 10**9, 60000, ""])
    if status != viewers.COUNTED:
        abort(404)
    return jsonify(viewers=value, viewer_token=token, interval=15.0)


@bare.post(PATH)
def bare_heartbeat(slug):
    return jsonify(viewers=1, viewer_token="x" * 33, interval=15.0)
