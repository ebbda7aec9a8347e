"""Flower settings (``celery -A axa.platform.celery_app flower --conf=ops/flowerconfig.py``).

Tornado executes this file and applies every module-level name that is a Flower option, so helpers
start with an underscore. Never public (security.md decision 13): basic auth on every page and API,
a fixed cookie secret, persistent state, bound to loopback unless ``AXA_FLOWER_ADDRESS`` says otherwise.
"""
import hashlib
import hmac
import os

from axa.platform.config import load_settings

_settings = load_settings()
if _settings.production and _settings.flower_password in ("", "admin"):
    raise SystemExit("AXA_FLOWER_PASSWORD must be set (and not 'admin') in production")

port = int(os.environ.get("AXA_FLOWER_PORT", "5555"))
address = os.environ.get("AXA_FLOWER_ADDRESS", "127.0.0.1")
url_prefix = os.environ.get("AXA_FLOWER_URL_PREFIX", "")
xheaders = os.environ.get("AXA_FLOWER_XHEADERS", "0") == "1"  # behind Traefik
basic_auth = [f"{_settings.flower_user}:{_settings.flower_password}"]
cookie_secret = os.environ.get("AXA_FLOWER_COOKIE_SECRET") or hmac.new(
    _settings.secret_key.encode(), b"axa-flower-cookie-secret", hashlib.sha256).hexdigest()

persistent = True
db = os.environ.get("AXA_FLOWER_DB", "var/flower.db")
state_save_interval = 60_000  # ms: a crash loses at most a minute of task history
max_tasks = 50_000
purge_offline_workers = 24 * 3600
# RabbitMQ queue depths come from the management API (http://user:pass@rabbitmq:15672/api/).
broker_api = os.environ.get("AXA_FLOWER_BROKER_API") or None
