"""The terminal's settings beside their users (matching, the portfolio history beat), read through
axa/platform/config.py. Each ``AXA_TERMINAL_*`` variable is declared once below with its type and
default; unset or empty means the default. An app reads them once (``terminal_settings``); a test
replaces them with ``app.extensions["terminal"] = TerminalSettings(...)``.

``fill_max_qty``: what the realistic fill model fills of an order per quote (LEAN's volume-share
idea without a volume to share: the contract carries no displayed size, and its ``volume`` is the
day's running total, which would never bind), so a large order fills over several quotes."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app

from axa.platform.config import read_settings, var


@dataclass(frozen=True)
class TerminalSettings:
    fill_max_qty: int = var("AXA_TERMINAL_FILL_MAX_QTY", 1000)  # per quote, realistic fill model
    history_every_minutes: int = var("AXA_TERMINAL_HISTORY_EVERY_MINUTES", 15)  # intraday equity snapshots


def load_terminal_settings(env: Mapping[str, str] | None = None) -> TerminalSettings:
    return read_settings(TerminalSettings, env)


def terminal_settings() -> TerminalSettings:
    """The current app's terminal settings, read from the environment on first use."""
    found = current_app.extensions.get("terminal")
    if found is None:
        found = current_app.extensions["terminal"] = load_terminal_settings()
    return found
