"""Settings of the stream subsystem's ingest path and live state, declared beside their users
(the ingest hooks, the ``stream.live`` tasks, ops/rtmp.py) and read through axa/platform/config.py.

``init_app`` of the stream blueprints puts them on the app as ``config["AXA_STREAM"]``; tests
replace that value to move the window or the allowed addresses.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from axa.platform.config import ConfigError, read_settings, var

PLAYBACK_URL = "http://localhost:8088/hls/{slug}/index.m3u8"
RELAY_URL = "rtmp://127.0.0.1:1935/hls/{slug}"


@dataclass(frozen=True)
class StreamSettings:
    # who may call the media-server hooks: these client networks (CIDR), or whoever sends the secret
    hook_addresses: tuple = var("AXA_STREAM_HOOK_ADDRESSES", ("127.0.0.1/32", "::1/128"))
    hook_secret: str = var("AXA_STREAM_HOOK_SECRET", "")  # empty: the addresses alone decide
    reconnect_window: float = var("AXA_STREAM_RECONNECT_WINDOW", 30.0)  # s a dropped stream may come back
    playback_url: str = var("AXA_STREAM_PLAYBACK_URL", PLAYBACK_URL)  # HLS for viewers, by channel slug
    relay_url: str = var("AXA_STREAM_RELAY_URL", RELAY_URL)  # where nginx-rtmp pushes an allowed key


def load_stream_settings(env: Mapping[str, str] | None = None) -> StreamSettings:
    """The settings from ``env`` (default: ``os.environ``); a URL template that does not take
    ``{slug}`` stops start-up here, not at the first publish."""
    settings = read_settings(StreamSettings, env)
    for name, template in (("AXA_STREAM_PLAYBACK_URL", settings.playback_url),
                           ("AXA_STREAM_RELAY_URL", settings.relay_url)):
        try:
            filled = template.format(slug="a-slug")
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(f"{name} must be a URL with {{slug}} as its only placeholder: {exc!r}") from exc
        if "a-slug" not in filled:
            raise ConfigError(f"{name} must contain {{slug}}")
    return settings
