"""axa/platform/config.py: every setting declared once (variable, type, default), read from the
environment in this one module, and listed in .env.example."""
from __future__ import annotations

from dataclasses import fields

import pytest

from axa.platform.config import (
    DEV_ORIGINS,
    VENDOR_CREDENTIALS,
    VENDORS,
    ConfigError,
    Settings,
    dataset_batch_items,
    dataset_schedule,
    load_settings,
)
from tests.conftest import ROOT


def test_unset_means_the_declared_default_and_celery_follows_redis():
    settings = load_settings({})
    assert settings == Settings()
    assert (settings.env, settings.subsystem, settings.cors_origins, settings.trusted_hosts) == (
        "development", "auth", DEV_ORIGINS, ())
    assert settings.broker_url == settings.result_url == settings.redis_url == "redis://127.0.0.1:6379/0"
    moved = load_settings({"AXA_REDIS_URL": "redis://cache:6380/3", "AXA_BROKER_URL": ""})
    assert moved.broker_url == moved.result_url == "redis://cache:6380/3"  # empty = unset


def test_values_are_typed_like_their_defaults():
    settings = load_settings({
        "AXA_SESSION_IDLE_SECONDS": "600", "AXA_CORS_ORIGINS": "https://a.example, ,https://b.example",
        "AXA_INGEST_BACKOFF_BASE": "0.25", "AXA_BROKER_URL": "amqp://guest:guest@mq:5672//"})
    assert settings.session_idle_seconds == 600
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.ingest_backoff_base == 0.25 and settings.broker_url.startswith("amqp://")
    with pytest.raises(ConfigError, match="AXA_ARGON2_TIME_COST must be an integer"):
        load_settings({"AXA_ARGON2_TIME_COST": "two"})


def test_production_needs_a_real_secret():
    with pytest.raises(ConfigError, match="AXA_SECRET_KEY"):
        load_settings({"AXA_ENV": "production"})
    with pytest.raises(ConfigError, match="AXA_SECRET_KEY"):
        load_settings({"AXA_ENV": "production", "AXA_SECRET_KEY": "short"})
    settings = load_settings({"AXA_ENV": "production", "AXA_SECRET_KEY": "x" * 32})
    assert settings.production and settings.cookie_name == "__Host-axa_session"


def test_dataset_settings_are_named_after_the_dataset():
    assert dataset_schedule("fmp.quotes", 60.0, {}) == 60.0
    assert dataset_schedule("fmp.quotes", 60.0, {"AXA_SCHEDULE_FMP_QUOTES": "15"}) == 15.0
    assert dataset_batch_items("fmp.quotes", 1500, {"AXA_BATCH_FMP_QUOTES": "0"}) == 1  # at least one
    with pytest.raises(ConfigError, match="AXA_BATCH_FMP_QUOTES"):
        dataset_batch_items("fmp.quotes", 1500, {"AXA_BATCH_FMP_QUOTES": "many"})


def test_env_example_lists_every_variable():
    listed = {line.split("=", 1)[0] for line in (ROOT / ".env.example").read_text().splitlines()
              if line.startswith("AXA_")}
    names = {f.metadata["env"] for f in fields(Settings)} | {"AXA_POSTGRES_URL", "AXA_DATABASE_PREFIX"}
    names |= {f"AXA_{vendor.upper()}_BASE_URL" for vendor in VENDORS}
    names |= {name for credentials in VENDOR_CREDENTIALS.values() for name, _ in credentials.values()}
    assert names - listed == set()
