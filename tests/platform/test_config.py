"""axa/platform/config.py: every setting declared once (variable, type, default), read from the
environment in this one module, and listed in .env.example."""
from __future__ import annotations

import ast
from dataclasses import fields

import pytest

from axa.models.cmc.alert_settings import AlertSettings
from axa.models.socweb.media_settings import MediaSettings
from axa.models.stream.chat_settings import ChatSettings, load_chat_settings
from axa.models.stream.settings import StreamSettings, load_stream_settings
from axa.models.stream.viewer_settings import ViewerSettings, load_viewer_settings
from axa.models.stream.vod_settings import VodSettings
from axa.models.terminal.settings import TerminalSettings
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
from ops.rtmp import RtmpSettings
from ops.sandbox.state import DEFAULT_RPM, SandboxConfig
from ops.settings import OpsSettings, load_ops_settings
from tests.conftest import ROOT

CONFIG_MODULE = ROOT / "axa" / "platform" / "config.py"


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
    names |= {f.metadata["env"] for cls in (OpsSettings, SandboxConfig, StreamSettings, RtmpSettings, AlertSettings,
                                            MediaSettings, ViewerSettings, TerminalSettings,
                                            ChatSettings, VodSettings)
              for f in fields(cls) if "env" in f.metadata}
    names |= {f"AXA_SANDBOX_{vendor.upper()}_RPM" for vendor in DEFAULT_RPM}
    assert names - listed == set()


def test_process_settings_are_declared_once_and_typed():
    assert load_ops_settings({}) == OpsSettings()
    ops = load_ops_settings({"AXA_WEB_THREADS": "8", "AXA_FLOWER_XHEADERS": "1", "AXA_PORT_OFFSET": "200",
                             "AXA_WORKER_CONCURRENCY": ""})
    assert (ops.web_threads, ops.flower_xheaders, ops.port_offset, ops.worker_concurrency) == (8, True, 200, 2)
    assert load_ops_settings({"AXA_FLOWER_XHEADERS": "off"}).flower_xheaders is False
    with pytest.raises(ConfigError, match="AXA_FLOWER_XHEADERS must be 1 or 0"):
        load_ops_settings({"AXA_FLOWER_XHEADERS": "maybe"})
    with pytest.raises(ConfigError, match="AXA_PORT_OFFSET must be an integer"):
        load_ops_settings({"AXA_PORT_OFFSET": "ten"})


def test_sandbox_settings_are_read_through_the_config_module():
    assert SandboxConfig.from_env({}) == SandboxConfig()
    config = SandboxConfig.from_env({"AXA_SANDBOX_FMP_KEY": "k", "AXA_SANDBOX_TICK_SECONDS": "0",
                                     "AXA_SANDBOX_CMC_RPM": "0", "AXA_SANDBOX_SEED": " 7 "})
    assert (config.fmp_key, config.tick_seconds, config.seed) == ("k", 1, 7)  # a tick of at least 1 s
    assert config.rpm == {**DEFAULT_RPM, "cmc": 0}
    with pytest.raises(ConfigError, match="AXA_SANDBOX_TERRAPIN_RPM"):
        SandboxConfig.from_env({"AXA_SANDBOX_TERRAPIN_RPM": "lots"})


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and (
        isinstance(node.value, ast.Name) and node.value.id == "os")


def _names_a_setting(key: ast.AST | None) -> bool:
    """True unless the key is a literal that is no ``AXA_*`` variable (PYTHONUNBUFFERED, ...)."""
    return not (isinstance(key, ast.Constant) and isinstance(key.value, str) and not key.value.startswith("AXA_"))


def _environ_reads(tree: ast.AST):
    """Lines that read an ``AXA_*`` variable from the process environment (writes, and copying the
    whole environment for a child process, are fine)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func, key = node.func, node.args[0] if node.args else None
            if (func.attr == "getenv" or (_is_environ(func.value) and func.attr in ("get", "setdefault", "pop"))) \
                    and _names_a_setting(key):
                yield node.lineno
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value):
            if _names_a_setting(node.slice):
                yield node.lineno
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            if _names_a_setting(node.left):
                yield node.lineno


def test_only_the_config_module_reads_the_environment():
    """DESIGN.md §4.2 (issue 8): the apps, tasks, ops and the benches read every setting through
    axa/platform/config.py, so each default is written once and typed once."""
    files = [ROOT / "celeryconfig.py", ROOT / "wsgi.py",
             *(path for top in ("axa", "ops", "bench") for path in (ROOT / top).rglob("*.py"))]
    reads = [f"{path.relative_to(ROOT)}:{line}" for path in files if path != CONFIG_MODULE
             for line in _environ_reads(ast.parse(path.read_text()))]
    assert reads == []


def test_stream_url_templates_must_take_the_slug():
    assert load_stream_settings({}).playback_url.format(slug="x") == "http://localhost:8088/hls/x/index.m3u8"
    assert load_stream_settings({"AXA_STREAM_HOOK_ADDRESSES": "10.0.0.0/8, ::1/128"}).hook_addresses == (
        "10.0.0.0/8", "::1/128")
    for bad in ("http://h/{key}/index.m3u8", "http://h/hls/index.m3u8", "http://h/{slug"):
        with pytest.raises(ConfigError, match="AXA_STREAM_PLAYBACK_URL"):
            load_stream_settings({"AXA_STREAM_PLAYBACK_URL": bad})
    with pytest.raises(ConfigError, match="AXA_STREAM_RELAY_URL"):
        load_stream_settings({"AXA_STREAM_RELAY_URL": "rtmp://127.0.0.1/hls/{0}"})


def test_viewer_settings_keep_the_heartbeat_inside_the_expiry():
    assert load_viewer_settings({}) == ViewerSettings()
    assert load_viewer_settings({"AXA_STREAM_VIEWER_TTL": "90", "AXA_STREAM_HEARTBEAT_INTERVAL": "30"}).viewer_ttl == 90
    for bad in ({"AXA_STREAM_HEARTBEAT_INTERVAL": "45"}, {"AXA_STREAM_HEARTBEAT_INTERVAL": "0"}):
        with pytest.raises(ConfigError, match="AXA_STREAM_HEARTBEAT_INTERVAL"):
            load_viewer_settings(bad)
    with pytest.raises(ConfigError, match="positive"):
        load_viewer_settings({"AXA_STREAM_HEARTBEAT_LIMIT": "0"})


def test_chat_settings_are_positive():
    assert load_chat_settings({}) == ChatSettings()
    assert load_chat_settings({"AXA_STREAM_CHAT_RATE_MESSAGES": "10"}).rate_messages == 10
    for bad in ({"AXA_STREAM_CHAT_RATE_MESSAGES": "0"}, {"AXA_STREAM_CHAT_RATE_SECONDS": "0"},
                {"AXA_STREAM_CHAT_FRAME_BYTES": "100"}):
        with pytest.raises(ConfigError):
            load_chat_settings(bad)
