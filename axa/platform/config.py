"""Every setting, read from the environment in one place (``AXA_*``)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

SUBSYSTEMS = ("auth", "socweb", "stocks", "cmc", "stream", "terminal")
REPLICA_SUBSYSTEMS = tuple(s for s in SUBSYSTEMS if s != "auth")
PORTS = {"auth": 8000, "socweb": 8080, "stocks": 8050, "cmc": 8081, "stream": 8082, "terminal": 8061}
DEV_SECRET = "dev-only-secret-key-not-for-production-use-0123456789"


class ConfigError(RuntimeError):
    """Start-up stops with this when a required setting is missing or unsafe."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _int(name: str, default: int) -> int:
    raw = _env(name)
    try:
        return int(raw) if raw is not None else default
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in (_env(name, default) or "").split(",") if item.strip()]


def _dev_origins() -> str:
    hosts = ("localhost", "127.0.0.1")
    return ",".join(f"http://{h}:{p}" for h in hosts for p in PORTS.values())


def database_url(subsystem: str) -> str:
    """``AXA_<SUB>_DATABASE_URL`` wins; else ``AXA_POSTGRES_URL`` + ``/<prefix><sub>``."""
    explicit = _env(f"AXA_{subsystem.upper()}_DATABASE_URL")
    if explicit:
        return explicit
    base = _env("AXA_POSTGRES_URL")
    if not base:
        raise ConfigError("AXA_POSTGRES_URL (or AXA_<SUB>_DATABASE_URL) is not set; "
                          "`make run` sets it for the embedded PostgreSQL")
    prefix = _env("AXA_DATABASE_PREFIX", "axa_")
    base, _, query = base.partition("?")
    url = f"{base.rstrip('/')}/{prefix}{subsystem}"
    return f"{url}?{query}" if query else url


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = DEV_SECRET
    redis_url: str = "redis://127.0.0.1:6379/0"
    result_url: str = "redis://127.0.0.1:6379/1"
    broker_url: str = "redis://127.0.0.1:6379/2"
    session_idle_seconds: int = 12 * 3600
    session_absolute_seconds: int = 14 * 24 * 3600
    cors_origins: list[str] = field(default_factory=list)
    trusted_hosts: list[str] = field(default_factory=list)
    max_content_length: int = 1024 * 1024
    proxy_hops: int = 0
    mail_url: str = "file://var/outbox"
    mail_from: str = "AXA Platform <no-reply@axa.local>"
    public_url: str = "http://localhost:8000"
    login_limits: str = "10 per minute"
    login_ip_limits: str = "60 per minute"
    register_limits: str = "20 per minute"
    forgot_limits: str = "5 per minute"
    resend_limits: str = "2 per 10 minutes;10 per day"
    resend_ip_limits: str = "20 per hour"
    password_change_limits: str = "5 per 15 minutes"
    password_change_session_limits: str = "3 per day"
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19 * 1024
    argon2_parallelism: int = 1
    flower_user: str = "admin"
    flower_password: str = "admin"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def cookie_name(self) -> str:
        return "__Host-axa_session" if self.production else "axa_session"


def load_settings() -> Settings:
    env = _env("AXA_ENV", "development")
    secret = _env("AXA_SECRET_KEY")
    if env == "production" and (secret is None or len(secret) < 32):
        raise ConfigError("AXA_SECRET_KEY must be set to at least 32 characters in production")
    redis_url = _env("AXA_REDIS_URL", "redis://127.0.0.1:6379/0")
    return Settings(
        env=env,
        secret_key=secret or DEV_SECRET,
        redis_url=redis_url,
        result_url=_env("AXA_RESULT_URL", redis_url),
        broker_url=_env("AXA_BROKER_URL", redis_url),
        session_idle_seconds=_int("AXA_SESSION_IDLE_SECONDS", 12 * 3600),
        session_absolute_seconds=_int("AXA_SESSION_ABSOLUTE_SECONDS", 14 * 24 * 3600),
        cors_origins=_list("AXA_CORS_ORIGINS", _dev_origins()),
        trusted_hosts=_list("AXA_TRUSTED_HOSTS", ""),
        max_content_length=_int("AXA_MAX_CONTENT_LENGTH", 1024 * 1024),
        proxy_hops=_int("AXA_PROXY_HOPS", 0),
        mail_url=_env("AXA_MAIL_URL", "file://var/outbox"),
        mail_from=_env("AXA_MAIL_FROM", "AXA Platform <no-reply@axa.local>"),
        public_url=_env("AXA_PUBLIC_URL", "http://localhost:8000"),
        login_limits=_env("AXA_LOGIN_LIMITS", "10 per minute"),
        login_ip_limits=_env("AXA_LOGIN_IP_LIMITS", "60 per minute"),
        register_limits=_env("AXA_REGISTER_LIMITS", "20 per minute"),
        forgot_limits=_env("AXA_FORGOT_LIMITS", "5 per minute"),
        resend_limits=_env("AXA_RESEND_LIMITS", "2 per 10 minutes;10 per day"),
        resend_ip_limits=_env("AXA_RESEND_IP_LIMITS", "20 per hour"),
        password_change_limits=_env("AXA_PASSWORD_CHANGE_LIMITS", "5 per 15 minutes"),
        password_change_session_limits=_env("AXA_PASSWORD_CHANGE_SESSION_LIMITS", "3 per day"),
        argon2_time_cost=_int("AXA_ARGON2_TIME_COST", 2),
        argon2_memory_kib=_int("AXA_ARGON2_MEMORY_KIB", 19 * 1024),
        argon2_parallelism=_int("AXA_ARGON2_PARALLELISM", 1),
        flower_user=_env("AXA_FLOWER_USER", "admin"),
        flower_password=_env("AXA_FLOWER_PASSWORD", "admin"),
    )
