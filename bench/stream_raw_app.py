"""The references of ``stream_hook`` (DESIGN.md §8): the nginx-rtmp ``on_publish`` hook answered
by bare Flask endpoints, without the platform's layers.

``lookup`` (the floor issue 11 names): the form's ``name`` hashed as the stream app hashes a
key, one Redis GET of its entry through a plain redis-py client, its expiry checked, and the same
302 with ``Location`` = the relay URL of the channel's slug (403 for an unknown key). ``app`` (the
raw-driver floor of the same work): that, and the live event published to ``stream.live`` as the
hook publishes it (one message, JSON, persistent, confirmed by RabbitMQ), through a plain kombu
producer on a connection per thread. ``bare``: the same 302, no I/O.

    gunicorn bench.stream_raw_app:app     (AXA_* settings from the environment, like stream)
"""
from __future__ import annotations

import json
import threading
import time

import kombu
import redis
from flask import Flask, Response, abort, request

from axa.models.stream.keys import REDIS_KEY, hash_key
from axa.models.stream.settings import RELAY_URL
from axa.platform.config import load_settings

_settings = load_settings()
_redis = redis.Redis.from_url(_settings.redis_url, decode_responses=True)
_local = threading.local()
app = Flask("bench.stream_raw")
lookup = Flask("bench.stream_lookup")
bare = Flask("bench.stream_bare")


def _producer() -> kombu.Producer:
    producer = getattr(_local, "producer", None)
    if producer is None:
        conn = kombu.Connection(_settings.broker_url, transport_options={"confirm_publish": True})
        producer = _local.producer = conn.Producer()
    return producer


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
    channel_id, slug = _allowed()
    _producer().publish(json.dumps([[channel_id, time.time()], {}, {}]), exchange="",
                        routing_key="stream.live", content_type="application/json",
                        content_encoding="utf-8", delivery_mode=2)
    return Response(status=302, headers={"Location": RELAY_URL.format(slug=slug)})


@bare.post("/internal/ingest/nginx/publish")
def bare_publish():
    return Response(status=302, headers={"Location": RELAY_URL.format(slug="bench-live")})
