"""Every setting, read from the environment in this one module (``AXA_*``; DESIGN.md §4.2).

Each variable is declared once, with its type and its default:

* the platform's in ``Settings`` (read by ``load_settings``; databases by ``database_url``);
* each market-data vendor's in ``VendorSettings`` and ``VENDOR_DEFAULTS`` (``vendor_settings``);
* each ingest dataset's schedule and batch size, whose defaults sit on the dataset itself
  (``dataset_schedule``, ``dataset_batch_items``);
* how the processes run (gunicorn, Flower, ``make run``, the benches) in ``ops.settings.OpsSettings``
  and the vendor sandbox's in ``ops.sandbox.state.SandboxConfig``, declared beside their users with
  ``var`` and read here (``read_settings``, ``read_var``, ``env_value``).

Unset or empty means the default. ``.env.example`` lists every variable.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from urllib.parse import urlsplit

SUBSYSTEMS = ("auth", "socweb", "stocks", "cmc", "stream", "terminal")
REPLICA_SUBSYSTEMS = tuple(s for s in SUBSYSTEMS if s != "auth")
PORTS = {"auth": 8000, "socweb": 8080, "stocks": 8050, "cmc": 8081, "stream": 8082, "terminal": 8061}
DEV_SECRET = "dev-only-secret-key-not-for-production-use-0123456789"
DEV_ORIGINS = tuple(f"http://{host}:{port}" for host in ("localhost", "127.0.0.1") for port in PORTS.values())


class ConfigError(RuntimeError):
    """Start-up stops with this when a required setting is missing or unsafe."""


def _raw(env: Mapping[str, str] | None, name: str) -> str | None:
    value = (os.environ if env is None else env).get(name)
    return value if value not in (None, "") else None


def env_value(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """The raw value of variable ``name``, or None when it is unset or empty."""
    return _raw(env, name)


FLAGS = {**dict.fromkeys(("1", "true", "yes", "on"), True),
         **dict.fromkeys(("0", "false", "no", "off"), False)}


def _parse(name: str, raw: str, kind: type):
    """``raw`` as ``kind``: str, int, float, bool (1/0, true/false, yes/no, on/off) or tuple
    (comma-separated, blanks dropped)."""
    if kind is tuple:
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    if kind is bool:
        if raw.strip().lower() not in FLAGS:
            raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")
        return FLAGS[raw.strip().lower()]
    try:
        return kind(raw)
    except ValueError as exc:
        expected = "an integer" if kind is int else "a number"
        raise ConfigError(f"{name} must be {expected}, got {raw!r}") from exc


def read_var(name: str, default, env: Mapping[str, str] | None = None):
    """Variable ``name`` typed like ``default``, or ``default`` when it is unset or empty."""
    raw = _raw(env, name)
    return default if raw is None else _parse(name, raw, type(default))


def var(name: str, default):
    """A field read from the environment variable ``name``, typed like its default."""
    return field(default=default, metadata={"env": name})


def read_settings(cls, env: Mapping[str, str] | None = None):
    """An instance of the dataclass ``cls``, each field declared with ``var`` read from ``env``
    (default: ``os.environ``); fields without a variable keep their defaults."""
    declared = [f for f in fields(cls) if "env" in f.metadata]
    return cls(**{f.name: read_var(f.metadata["env"], f.default, env) for f in declared})


@dataclass(frozen=True)
class Settings:
    env: str = var("AXA_ENV", "development")  # development | production
    secret_key: str = var("AXA_SECRET_KEY", DEV_SECRET)  # production: required, >= 32 characters
    subsystem: str = var("AXA_SUBSYSTEM", "auth")  # the app wsgi.py builds
    redis_url: str = var("AXA_REDIS_URL", "redis://127.0.0.1:6379/0")  # sessions, limits, locks
    result_url: str = var("AXA_RESULT_URL", "")  # Celery results; empty: AXA_REDIS_URL
    broker_url: str = var("AXA_BROKER_URL", "")  # Celery broker; empty: AXA_REDIS_URL
    session_idle_seconds: int = var("AXA_SESSION_IDLE_SECONDS", 12 * 3600)
    session_absolute_seconds: int = var("AXA_SESSION_ABSOLUTE_SECONDS", 14 * 24 * 3600)
    cors_origins: tuple = var("AXA_CORS_ORIGINS", DEV_ORIGINS)
    trusted_hosts: tuple = var("AXA_TRUSTED_HOSTS", ())  # empty: any host
    max_content_length: int = var("AXA_MAX_CONTENT_LENGTH", 1024 * 1024)
    proxy_hops: int = var("AXA_PROXY_HOPS", 0)  # trusted proxies in front (X-Forwarded-*); 0: none
    mail_url: str = var("AXA_MAIL_URL", "file://var/outbox")
    mail_from: str = var("AXA_MAIL_FROM", "AXA Platform <no-reply@axa.local>")
    public_url: str = var("AXA_PUBLIC_URL", "http://localhost:8000")
    login_limits: str = var("AXA_LOGIN_LIMITS", "10 per minute")
    login_ip_limits: str = var("AXA_LOGIN_IP_LIMITS", "60 per minute")
    register_limits: str = var("AXA_REGISTER_LIMITS", "20 per minute")
    forgot_limits: str = var("AXA_FORGOT_LIMITS", "5 per minute")
    resend_limits: str = var("AXA_RESEND_LIMITS", "2 per 10 minutes;10 per day")  # per account
    resend_ip_limits: str = var("AXA_RESEND_IP_LIMITS", "20 per hour")
    password_change_limits: str = var("AXA_PASSWORD_CHANGE_LIMITS", "5 per 15 minutes")  # per account
    password_change_session_limits: str = var("AXA_PASSWORD_CHANGE_SESSION_LIMITS", "3 per day")
    argon2_time_cost: int = var("AXA_ARGON2_TIME_COST", 2)
    argon2_memory_kib: int = var("AXA_ARGON2_MEMORY_KIB", 19 * 1024)
    argon2_parallelism: int = var("AXA_ARGON2_PARALLELISM", 1)
    ingest_backoff_base: float = var("AXA_INGEST_BACKOFF_BASE", 1.0)  # first poll retry delay (s)
    idempotency_seconds: int = var("AXA_IDEMPOTENCY_SECONDS", 24 * 3600)  # Idempotency-Key answers kept
    auth_url: str = var("AXA_AUTH_URL", "http://127.0.0.1:8000")  # the auth server, for socweb's Conduit face
    socweb_post_limits: str = var("AXA_SOCWEB_POST_LIMITS", "30 per minute;500 per day")  # per user
    socweb_comment_limits: str = var("AXA_SOCWEB_COMMENT_LIMITS", "60 per minute;2000 per day")
    socweb_like_limits: str = var("AXA_SOCWEB_LIKE_LIMITS", "300 per minute")  # likes and favorites
    socweb_feed_size: int = var("AXA_SOCWEB_FEED_SIZE", 800)  # entries kept per home feed in Redis
    socweb_feed_days: int = var("AXA_SOCWEB_FEED_DAYS", 14)  # a home feed unread this long leaves Redis
    socweb_fanout_threshold: int = var("AXA_SOCWEB_FANOUT_THRESHOLD", 20000)  # more: read-merged
    socweb_fanout_batch: int = var("AXA_SOCWEB_FANOUT_BATCH", 1000)  # feeds written per fan-out task
    search_url: str = var("AXA_SEARCH_URL", "")  # Elasticsearch for post search; empty: PostgreSQL's
    cmc_public_reads: bool = var("AXA_CMC_PUBLIC_READS", True)  # market pages readable without signing in
    cmc_anon_limits: str = var("AXA_CMC_ANON_LIMITS", "120 per minute")  # per client address, anonymous
    cmc_public_max_age: int = var("AXA_CMC_PUBLIC_MAX_AGE", 30)  # Cache-Control max-age of anonymous answers
    cmc_watchlists_max: int = var("AXA_CMC_WATCHLISTS_MAX", 20)  # watchlists per user
    cmc_watchlist_items_max: int = var("AXA_CMC_WATCHLIST_ITEMS_MAX", 100)  # items per watchlist
    terminal_starting_cash: int = var("AXA_TERMINAL_STARTING_CASH", 100_000)  # a new paper account's cash
    terminal_accounts_max: int = var("AXA_TERMINAL_ACCOUNTS_MAX", 10)  # open paper accounts per user
    reauth_minutes: int = var("AXA_REAUTH_MINUTES", 10)  # privileged operations: a sign-in this recent
    stream_key_grace_max: int = var("AXA_STREAM_KEY_GRACE_MAX", 3600)  # longest grace (s) of a rotated key

    def __post_init__(self) -> None:
        for name in ("result_url", "broker_url"):  # unset: the Redis of AXA_REDIS_URL
            if not getattr(self, name):
                object.__setattr__(self, name, self.redis_url)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def cookie_name(self) -> str:
        return "__Host-axa_session" if self.production else "axa_session"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """The platform's settings from ``env`` (default: ``os.environ``)."""
    settings = read_settings(Settings, env)
    secret = _raw(env, "AXA_SECRET_KEY")
    if settings.production and (secret is None or len(secret) < 32):
        raise ConfigError("AXA_SECRET_KEY must be set to at least 32 characters in production")
    return settings


def database_url(subsystem: str, env: Mapping[str, str] | None = None) -> str:
    """``AXA_<SUB>_DATABASE_URL`` wins; else ``AXA_POSTGRES_URL`` + ``/<prefix><sub>``
    (``AXA_DATABASE_PREFIX``, default ``axa_``)."""
    explicit = _raw(env, f"AXA_{subsystem.upper()}_DATABASE_URL")
    if explicit:
        return explicit
    base = _raw(env, "AXA_POSTGRES_URL")
    if not base:
        raise ConfigError("AXA_POSTGRES_URL (or AXA_<SUB>_DATABASE_URL) is not set; "
                          "`make run` sets it for the embedded PostgreSQL")
    prefix = read_var("AXA_DATABASE_PREFIX", "axa_", env)
    base, _, query = base.partition("?")
    url = f"{base.rstrip('/')}/{prefix}{subsystem}"
    return f"{url}?{query}" if query else url


# --- the ingest datasets (their defaults are declared with each dataset, axa/tasks/<sub>/datasets.py)

def _dataset_var(prefix: str, dataset: str) -> str:
    return prefix + dataset.upper().replace(".", "_")  # fmp.quotes -> <prefix>FMP_QUOTES


def dataset_schedule(dataset: str, default: float, env: Mapping[str, str] | None = None) -> float:
    """Seconds between beat runs of ``dataset``: ``AXA_SCHEDULE_<DATASET>``."""
    return read_var(_dataset_var("AXA_SCHEDULE_", dataset), float(default), env)


def dataset_batch_items(dataset: str, default: int, env: Mapping[str, str] | None = None) -> int:
    """Items (symbols, ISINs) per poll task of ``dataset``: ``AXA_BATCH_<DATASET>``, at least 1."""
    return max(1, read_var(_dataset_var("AXA_BATCH_", dataset), int(default), env))


# --- market-data vendors: AXA_<VENDOR>_* ---------------------------------------------------------

VENDORS = ("fmp", "cmc", "cbonds", "terrapin")
SANDBOX_URL = "http://127.0.0.1:8099"  # the local vendor sandbox: every vendor's default base URL
QUOTA_METRIC = {"fmp": "calls", "cmc": "credits", "cbonds": "calls", "terrapin": "isins"}
# credential -> (variable, the sandbox's value); production requires each to be set
VENDOR_CREDENTIALS = {
    "fmp": {"api_key": ("AXA_FMP_API_KEY", "sandbox-fmp-key")},
    "cmc": {"api_key": ("AXA_CMC_API_KEY", "sandbox-cmc-key")},
    "cbonds": {"login": ("AXA_CBONDS_LOGIN", "sandbox"),
               "password": ("AXA_CBONDS_PASSWORD", "sandbox-cbonds")},
    "terrapin": {"api_key": ("AXA_TERRAPIN_API_KEY", "sandbox-terrapin-key")},
}
# vendors.md plans: FMP Starter (300/min, no daily cap), CMC Basic (30/min, 10,000 credits/month),
# Cbonds (30/min, 10,000 requests/day), Terrapin (100/min, 3,000 ISINs/month); 0 = not enforced
VENDOR_DEFAULTS = {
    "fmp": {"rate_per_min": 300.0, "burst": 10},
    "cmc": {"rate_per_min": 30.0, "burst": 5, "monthly_quota": 10_000},
    "cbonds": {"rate_per_min": 30.0, "burst": 5, "daily_quota": 10_000},
    "terrapin": {"rate_per_min": 100.0, "burst": 10, "monthly_quota": 3_000},
}


class Secret:
    """A credential whose repr and str never show it; ``reveal()`` is the only way in."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class VendorSettings:
    """One vendor account. Every numeric field is ``AXA_<VENDOR>_<FIELD>`` (e.g.
    ``AXA_FMP_RATE_PER_MIN``): the shared token bucket (requests a minute, capacity), quotas in
    the vendor's unit (``quota_metric``), timeouts in seconds (``deadline`` bounds a whole
    response, slow drips included) and the largest response accepted."""

    vendor: str
    base_url: str  # AXA_<VENDOR>_BASE_URL; default: the sandbox's /<vendor>
    credentials: Mapping[str, Secret] = field(default_factory=dict)
    rate_per_min: float = 60.0
    burst: int = 5
    daily_quota: int = 0
    monthly_quota: int = 0
    connect_timeout: float = 3.05
    read_timeout: float = 20.0
    deadline: float = 60.0
    max_response_bytes: int = 20 * 1024 * 1024

    @property
    def quota_metric(self) -> str:
        return QUOTA_METRIC[self.vendor]

    @property
    def account(self) -> str:
        """A short, non-reversible id of the account, so each key gets its own bucket."""
        joined = "\0".join(secret.reveal() for _, secret in sorted(self.credentials.items()))
        return hashlib.sha256(joined.encode()).hexdigest()[:12]


def check_base_url(url: str, name: str = "base URL") -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must be an http(s) URL with a host")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigError(f"{name} must not carry credentials, a query or a fragment")
    return url.rstrip("/")


def _required(env: Mapping[str, str] | None, name: str, default: str, production: bool) -> str:
    value = _raw(env, name)
    if value is None and production:
        raise ConfigError(f"{name} must be set in production")
    return value or default


def vendor_settings(vendor: str, env: Mapping[str, str] | None = None) -> VendorSettings:
    """All settings of one vendor from ``env`` (default: ``os.environ``). In production
    (``AXA_ENV=production``) the base URL and the credentials must be set explicitly."""
    if vendor not in VENDORS:
        raise ValueError(f"unknown vendor {vendor!r}")
    production, prefix = _raw(env, "AXA_ENV") == "production", f"AXA_{vendor.upper()}_"
    base = _required(env, prefix + "BASE_URL", f"{SANDBOX_URL}/{vendor}", production)
    credentials = {key: Secret(_required(env, name, default, production))
                   for key, (name, default) in VENDOR_CREDENTIALS[vendor].items()}
    settings = replace(VendorSettings(vendor, check_base_url(base, prefix + "BASE_URL"), credentials),
                       **VENDOR_DEFAULTS[vendor])
    numbers = {f.name: read_var(prefix + f.name.upper(), getattr(settings, f.name), env)
               for f in fields(VendorSettings) if isinstance(f.default, int | float)}
    negative = sorted(prefix + name.upper() for name, value in numbers.items() if value < 0)
    if negative:
        raise ConfigError(f"{negative[0]} must not be negative")
    return replace(settings, **numbers)


def all_vendor_settings(env: Mapping[str, str] | None = None) -> dict[str, VendorSettings]:
    return {vendor: vendor_settings(vendor, env) for vendor in VENDORS}
