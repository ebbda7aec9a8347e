"""The app's clock: the system's, unless ``AXA_CLOCK`` (a function returning epoch seconds, set by
tests) replaces it in the app's config."""
from __future__ import annotations

import time

from flask import current_app


def now() -> float:
    return current_app.config.get("AXA_CLOCK", time.time)()
