"""What the ingest hooks do: who may call them, which channel a presented key publishes to, and
the live-state events they hand to Celery (``stream.live``, axa/tasks/stream/live.py).

A caller is a media server when its address is in ``AXA_STREAM_HOOK_ADDRESSES`` (CIDR list) or it
presents ``AXA_STREAM_HOOK_SECRET`` (header ``X-Hook-Secret`` or query ``secret``, compared in
constant time); anyone else gets 403 ``hook_forbidden`` before any key is looked at.
"""
from __future__ import annotations

import functools
import hmac
import ipaddress
import logging
from urllib.parse import parse_qs

from flask import current_app, request
from flask_smorest import abort
from kombu.exceptions import OperationalError

from axa.models.stream import Channel, StreamKey
from axa.models.stream.keys import channel_of_key, hash_key
from axa.models.stream.settings import StreamSettings
from axa.platform import clock
from axa.platform.config import ConfigError
from axa.platform.redis_client import get_redis
from axa.tasks.stream import live

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Hook-Secret"
QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


@functools.lru_cache(maxsize=8)
def networks(addresses: tuple) -> tuple:
    try:
        return tuple(ipaddress.ip_network(a, strict=False) for a in addresses)
    except ValueError as exc:
        raise ConfigError(f"AXA_STREAM_HOOK_ADDRESSES: {exc}") from exc


def settings() -> StreamSettings:
    return current_app.config["AXA_STREAM"]


def address_allowed(address: str | None, addresses: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in net for net in networks(addresses))


def secret_presented(secret: str) -> bool:
    presented = request.headers.get(SECRET_HEADER) or request.args.get("secret") or ""
    return bool(secret) and hmac.compare_digest(presented.encode(), secret.encode())


def check_caller() -> None:
    """403 ``hook_forbidden`` unless the caller is a configured media server."""
    config = settings()
    caller = request.remote_addr
    if not (secret_presented(config.hook_secret) or address_allowed(caller, config.hook_addresses)):
        abort(403, message="Only the media server may call this hook.", reason="hook_forbidden")


def allowed(key: str) -> tuple[int, str]:
    """The channel (id, slug) the key may publish to now, else 403 ``key_refused``."""
    found = channel_of_key(get_redis(), key, clock.now())
    if found is None:
        abort(403, message="This stream key is not allowed to publish.", reason="key_refused")
    return found


def refuse():
    abort(403, message="Refused.", reason="refused")


def json_body() -> dict:
    """The hook's JSON object with only string fields kept (MediaMTX sends strings), else 400."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, message="Send a JSON object.")
    return {name: value for name, value in body.items() if isinstance(value, str)}


def media_key(body: dict) -> str:
    """MediaMTX: the key in the password, the token, or the query's ``key``."""
    query = parse_qs(body.get("query") or "").get("key", [""])[0]
    return body.get("password") or body.get("token") or query


def channel_of_stopped_key(key: str) -> int | None:
    """The channel of a key whose stream stopped, revoked since or not (PostgreSQL: not hot)."""
    return StreamKey.channel_of_hash(hash_key(key)) if key and len(key) <= 200 else None


def channel_by_slug(slug: str) -> int | None:
    channel = Channel.by_slug(slug) if slug and len(slug) <= 40 else None
    return channel.id if channel else None


def relay_location(slug: str) -> str:
    return settings().relay_url.format(slug=slug)


def went_live(channel_id: int) -> None:
    send(live.mark_published, channel_id)


def went_off(channel_id: int | None) -> None:
    if channel_id is not None:
        send(live.mark_unpublished, channel_id, settings().reconnect_window)


def send(task, channel_id: int, *more) -> None:
    """Hand the event to ``stream.live`` with the time the hook saw it; a broker that does not
    answer costs the live state of this event (logged), never the publish itself."""
    try:
        task.apply_async((channel_id, clock.now(), *more), retry_policy=QUICK_RETRY)
    except OperationalError as exc:
        log.error("live event for channel %s not sent (%s): %s", channel_id, task.name, exc)
