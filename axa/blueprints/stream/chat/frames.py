"""What a chat client may send, checked before any Redis work: a JSON object with a known
``type``; a message's text trimmed, 1-500 characters, without control characters or lone
surrogates. Each failure is an error frame with a ``code`` the client can act on."""
from __future__ import annotations

import json
import unicodedata

from axa.models.stream.chat import TEXT_MAX

MESSAGES = {
    "invalid_json": "Frames are JSON objects.",
    "invalid_frame": "A frame is an object with a known \"type\" (send, ping).",
    "text_frames_only": "Send text frames (JSON), not binary ones.",
    "sign_in_required": "Sign in to chat; anonymous sockets only read.",
    "empty": "A message needs some text.",
    "too_long": f"A message is at most {TEXT_MAX} characters.",
    "control_characters": "A message may not contain control characters.",
    "flood": "Too many frames: slow down (dropped).",
    "rate_limited": "You are sending messages too fast (dropped).",
    "banned": "You are banned from this chat.",
    "timed_out": "You are timed out in this chat.",
    "blocked_term": "The message contains a term this channel blocks.",
    "subscribers_only": "This chat is for subscribers only.",
    "subscription_too_new": "Your subscription is too recent to chat here yet.",
    "slow_mode": "Slow mode: wait before your next message.",
    "session_ended": "Your session ended: sign in again.",
    "unavailable": "Chat is unavailable for a moment, try again.",
}
FORBIDDEN = {"Cc", "Cs", "Co", "Cn"}  # control, surrogate, private use, unassigned


class FrameError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def error(code: str, retry_after_ms: int = 0) -> str:
    frame = {"type": "error", "code": code, "message": MESSAGES[code]}
    if retry_after_ms:
        frame["retry_after_ms"] = retry_after_ms
    return json.dumps(frame)


def parse(data: str | bytes) -> dict:
    """The frame as a dict with a known type, or FrameError."""
    if isinstance(data, bytes):
        raise FrameError("text_frames_only")
    try:
        frame = json.loads(data)
    except (ValueError, RecursionError):
        raise FrameError("invalid_json") from None
    if not isinstance(frame, dict) or frame.get("type") not in ("send", "ping"):
        raise FrameError("invalid_frame")
    return frame


def message_text(frame: dict) -> str:
    text = frame.get("text")
    if not isinstance(text, str):
        raise FrameError("invalid_frame")
    text = text.strip()
    if not text:
        raise FrameError("empty")
    if len(text) > TEXT_MAX:
        raise FrameError("too_long")
    if any(unicodedata.category(c) in FORBIDDEN for c in text):
        raise FrameError("control_characters")
    return text
