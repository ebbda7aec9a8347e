"""The references of ``stream_hook`` (DESIGN.md §8): the nginx-rtmp ``on_publish`` hook answered
by bare Flask endpoints, without the platform's layers.

``app`` (the raw-driver floor: the same work as the hook): the form's ``name`` hashed as the stream
app hashes a key, the key's lookup and the live event in one round trip (the stream app's
key_publish.lua through redis-py's own ``register_script``), and the same 302 with ``Location`` =
the relay URL of the channel's slug (403 for a refused key). ``lookup``: one Redis GET of the
key's entry, its expiry checked, and the 302 (the lookup alone). ``bare``: the same 302, no I/O.

    gunicorn bench.stream_raw_app:app     (AXA_* settings from the environment, like stream)
"""
from __future__ import annotations

import time

import redis
from flask import Flask, Response, abort, request

from axa.models.stream.keys import REDIS_KEY, hash_key
from axa.models.stream.live_inbox import INBOX, KEY_PUBLISH, MAXLEN
from axa.models.stream.settings import RELAY_URL
from axa.platform.config import load_settings

_redis = redis.Redis.from_url(load_settings().redis_url, decode_responses=True)
_key_publish = _redis.register_script(KEY_PUBLISH.source)
app = Flask("bench.stream_raw")
lookup = Flask("bench.stream_lookup")
bare = Flask("bench.stream_bare")


def _allowed() -> tuple[int, str]:
    entry = _redis.get(REDIS_KEY.format(hash_key(request.form.get("name", ""))))
    if entry is None or entry.count(" ") != 2:
        abort(403)
    channel_id, expires, slug = entry.split()
    if float(expires) and float(expires) <= time.time():
        abort(403)
    return int(channel_id), slug


@lookup.post("/internal/ingest/nginx/publish")
def lookup_publish():
    _, slug = _allowed()
    return Response(status=302, headers={"Location": RELAY_URL.format(slug=slug)})


@app.post("/internal/ingest/nginx/publish")
def publish():
    name = REDIS_KEY.format(hash_key(request.form.get("name", "")))
    entry, added = _key_publish(keys=[name, INBOX], args=[repr(time.time()), MAXLEN, ""])
    if not added:
        abort(403)
    return Response(status=302, headers={"Location": RELAY_URL.format(slug=entry.split()[2])})


@bare.post("/internal/ingest/nginx/publish")
def bare_publish():
    return Response(status=302, headers={"Location": RELAY_URL.format(slug="bench-live")})
