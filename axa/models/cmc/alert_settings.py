"""The price alerts' settings (axa/platform/config.py reads them; it holds the platform's own).

Each ``AXA_CMC_ALERTS_*`` variable is declared once below with its type and default; unset or
empty means the default. An app reads them once (``alert_settings``); a test replaces them with
``app.extensions["cmc_alerts"] = AlertSettings(...)``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app

from axa.platform.config import read_settings, var


@dataclass(frozen=True)
class AlertSettings:
    active_max: int = var("AXA_CMC_ALERTS_ACTIVE_MAX", 50)  # active alerts per user (409 past it)
    cooldown_min_s: int = var("AXA_CMC_ALERTS_COOLDOWN_MIN_S", 60)  # shortest cooldown a user may set
    mail_relay_after_s: int = var("AXA_CMC_ALERTS_MAIL_RELAY_AFTER_S", 30)  # then beat sends it again


def load_alert_settings(env: Mapping[str, str] | None = None) -> AlertSettings:
    return read_settings(AlertSettings, env)


def alert_settings() -> AlertSettings:
    """The current app's alert settings, read from the environment on first use."""
    found = current_app.extensions.get("cmc_alerts")
    if found is None:
        found = current_app.extensions["cmc_alerts"] = load_alert_settings()
    return found
