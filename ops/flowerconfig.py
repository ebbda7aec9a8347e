"""Flower settings (``celery -A axa.platform.celery_sender flower --conf=ops/flowerconfig.py``).

Tornado executes this file and applies every module-level name that is a Flower option, so helpers
start with an underscore. Never public (security.md decision 13): basic auth on every page and API,
a fixed cookie secret, persistent state, bound to loopback unless ``AXA_FLOWER_ADDRESS`` says otherwise.
Every ``AXA_FLOWER_*`` variable is declared in ops/settings.py. No well-known password: production
refuses an empty or ``admin`` one, and in development an unset ``AXA_FLOWER_PASSWORD`` means a
random one per start (``make run`` prints it in its banner; started by hand, Flower prints it here).
"""
import hashlib
import hmac
import secrets
import sys

from axa.platform.config import load_settings
from ops.settings import load_ops_settings

_settings, _ops = load_settings(), load_ops_settings()
if _settings.production and _ops.flower_password in ("", "admin"):
    raise SystemExit("AXA_FLOWER_PASSWORD must be set (and not 'admin') in production")
_password = _ops.flower_password
if not _password:
    _password = secrets.token_urlsafe(12)
    print(f"Flower: AXA_FLOWER_PASSWORD is not set; sign in as {_ops.flower_user!r} with the random "
          f"password {_password!r} (this run only)", file=sys.stderr)

port = _ops.flower_port
address = _ops.flower_address
url_prefix = _ops.flower_url_prefix
xheaders = _ops.flower_xheaders  # behind Traefik
basic_auth = [f"{_ops.flower_user}:{_password}"]
cookie_secret = _ops.flower_cookie_secret or hmac.new(
    _settings.secret_key.encode(), b"axa-flower-cookie-secret", hashlib.sha256).hexdigest()

persistent = True
db = _ops.flower_db
state_save_interval = 60_000  # ms: a crash loses at most a minute of task history
max_tasks = 50_000
purge_offline_workers = 24 * 3600
# RabbitMQ queue depths come from the management API (http://user:pass@rabbitmq:15672/api/).
broker_api = _ops.flower_broker_api or None
