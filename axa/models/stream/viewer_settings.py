"""Settings of the viewer counts, watch history and recommendations (issue 11 items 5 and 8),
read through axa/platform/config.py; ``init_app`` of the stream blueprints puts them on the app as
``config["AXA_STREAM_VIEWERS"]`` (tests replace that value to shorten the expiry)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app

from axa.platform.config import ConfigError, read_settings, var


@dataclass(frozen=True)
class ViewerSettings:
    viewer_ttl: float = var("AXA_STREAM_VIEWER_TTL", 45.0)  # s a viewer counts after its last heartbeat
    heartbeat_interval: float = var("AXA_STREAM_HEARTBEAT_INTERVAL", 15.0)  # s players are told to wait
    heartbeat_limit: int = var("AXA_STREAM_HEARTBEAT_LIMIT", 12)  # beats per viewer per window
    heartbeat_window: float = var("AXA_STREAM_HEARTBEAT_WINDOW", 60.0)  # s
    tokens_per_address: int = var("AXA_STREAM_VIEWER_TOKENS_PER_ADDRESS", 30)  # new anonymous ids / window
    recommendations_max: int = var("AXA_STREAM_RECOMMENDATIONS_MAX", 20)  # stored per user


def load_viewer_settings(env: Mapping[str, str] | None = None) -> ViewerSettings:
    """The settings from ``env`` (default: ``os.environ``); a heartbeat interval that is not well
    inside the expiry would make viewers flicker in and out, so it stops start-up."""
    settings = read_settings(ViewerSettings, env)
    if not 0 < settings.heartbeat_interval < settings.viewer_ttl:
        raise ConfigError("AXA_STREAM_HEARTBEAT_INTERVAL must be above 0 and below AXA_STREAM_VIEWER_TTL")
    if min(settings.heartbeat_limit, settings.tokens_per_address, settings.recommendations_max) < 1 \
            or settings.heartbeat_window <= 0:
        raise ConfigError("AXA_STREAM_HEARTBEAT_*, AXA_STREAM_VIEWER_* and AXA_STREAM_RECOMMENDATIONS_MAX "
                          "must be positive")
    return settings


def viewer_settings() -> ViewerSettings:
    """The app's settings (``config["AXA_STREAM_VIEWERS"]``, read once when absent)."""
    return current_app.config.setdefault("AXA_STREAM_VIEWERS", load_viewer_settings())
