"""What the ingest hooks do: who may call them, which channel a presented key publishes to, and
the live-state events they add to the live inbox (axa/models/stream/live_inbox.py), which the
worker of ``stream.live`` relays to its tasks (axa/tasks/stream/relay.py): a publish is the key's
lookup and its event in one Redis round trip.

A caller is a media server when its address is in ``AXA_STREAM_HOOK_ADDRESSES`` (CIDR list) or it
presents ``AXA_STREAM_HOOK_SECRET`` (header ``X-Hook-Secret`` or query ``secret``, compared in
constant time); anyone else gets 403 ``hook_forbidden`` before any key is looked at.
"""
from __future__ import annotations

import functools
import hmac
import ipaddress
from urllib.parse import parse_qs

from flask import current_app, request
from flask_smorest import abort

from axa.models.stream import Channel, StreamKey
from axa.models.stream import live_inbox as inbox
from axa.models.stream.keys import hash_key
from axa.models.stream.settings import StreamSettings
from axa.platform import clock
from axa.platform.config import ConfigError
from axa.platform.redis_client import get_redis

SECRET_HEADER = "X-Hook-Secret"


@functools.lru_cache(maxsize=8)
def networks(addresses: tuple) -> tuple:
    try:
        return tuple(ipaddress.ip_network(a, strict=False) for a in addresses)
    except ValueError as exc:
        raise ConfigError(f"AXA_STREAM_HOOK_ADDRESSES: {exc}") from exc


def settings() -> StreamSettings:
    return current_app.config["AXA_STREAM"]


@functools.lru_cache(maxsize=1024)
def address_allowed(address: str | None, addresses: tuple) -> bool:
    """Whether ``address`` is in one of the configured networks (remembered per address: the
    callers are a few media servers, asking many times a second)."""
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
    if not (address_allowed(caller, config.hook_addresses) or secret_presented(config.hook_secret)):
        abort(403, message="Only the media server may call this hook.", reason="hook_forbidden")


def publishing(key: str, slug: str = "") -> tuple[int, str]:
    """The channel (id, slug) the key may publish to now (to ``slug`` when given), its publish
    event in the live inbox; else 403 ``key_refused``."""
    found = inbox.publish_allowed(get_redis(), key, clock.now(), slug)
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


def went_off(channel_id: int | None) -> None:
    if channel_id is not None:
        inbox.record(get_redis(), "unpublished", channel_id, clock.now(), settings().reconnect_window)
