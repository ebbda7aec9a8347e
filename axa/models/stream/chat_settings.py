"""Settings of the stream chat (axa/blueprints/stream/chat, axa/tasks/stream/chat.py), read
through axa/platform/config.py; ``init_app`` of the stream blueprints puts them on the app as
``config["AXA_STREAM_CHAT"]`` (tests replace that value)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from axa.platform.config import ConfigError, read_settings, var


@dataclass(frozen=True)
class ChatSettings:
    # per user, over all channels, on every process (Redis): past it a message is dropped with an
    # error frame (`rate_limited`), the socket stays open
    rate_messages: int = var("AXA_STREAM_CHAT_RATE_MESSAGES", 5)
    rate_seconds: float = var("AXA_STREAM_CHAT_RATE_SECONDS", 3.0)
    # per socket, before any Redis work: frames past this many a second are dropped (`flood`)
    frames_per_second: int = var("AXA_STREAM_CHAT_FRAMES_PER_SECOND", 20)
    # a frame larger than this closes the socket (1009, message too big); a message's text is
    # limited to 500 characters separately (`too_long`, the socket stays open)
    frame_bytes: int = var("AXA_STREAM_CHAT_FRAME_BYTES", 8192)
    flush_delay: float = var("AXA_STREAM_CHAT_FLUSH_DELAY", 1.0)  # s a message may wait for its batch
    batch_size: int = var("AXA_STREAM_CHAT_BATCH", 500)  # messages written by one INSERT at most
    ping_seconds: float = var("AXA_STREAM_CHAT_PING_SECONDS", 25.0)  # WebSocket pings (0: none)


def load_chat_settings(env: Mapping[str, str] | None = None) -> ChatSettings:
    settings = read_settings(ChatSettings, env)
    if min(settings.rate_messages, settings.frames_per_second, settings.batch_size) < 1 \
            or settings.rate_seconds <= 0 or settings.frame_bytes < 1024:
        raise ConfigError("AXA_STREAM_CHAT_*: rates, batch and frames must be positive "
                          "(AXA_STREAM_CHAT_FRAME_BYTES at least 1024)")
    return settings
