"""gunicorn settings for every subsystem: ``AXA_SUBSYSTEM=<sub> gunicorn -c ops/gunicorn.conf.py wsgi:app``.

``ops.run`` passes ``--bind`` on the command line (which wins); containers set ``AXA_BIND``.
"""
import os

from axa.platform.config import PORTS, load_settings
from ops.gunicorn_hooks import post_worker_init  # noqa: F401 (a gunicorn hook, by its name)
from ops.settings import load_ops_settings

_subsystem = load_settings().subsystem
_ops = load_ops_settings()

wsgi_app = "wsgi:app"
bind = [_ops.bind or f"127.0.0.1:{PORTS[_subsystem]}"]
proc_name = f"axa-{_subsystem}"
workers = _ops.web_workers
worker_class = "gthread"
threads = _ops.web_threads
worker_connections = max(1000, threads)  # gthread: a connection past this waits; never below the threads
timeout = 30
graceful_timeout = 10
keepalive = 5
max_requests = 5000  # recycle workers now and then; jitter keeps them from restarting together
max_requests_jitter = 500
preload_app = False  # each worker builds its app: no sockets or pools shared across fork
# Traefik sets X-Forwarded-*; trust it only from the addresses named here.
forwarded_allow_ips = _ops.forwarded_allow_ips
# Request heads: the apps answer a too-long URL (414) or too-large headers (431) as JSON themselves
# (axa/platform/request_limits.py: 8 KiB URL, 8 KiB per field, 100 fields). gunicorn's own refusals
# are an HTML page, so its limits sit above the apps': the request line unlimited (gunicorn takes 0 or
# at most 8190, below a 10 kB URL), a field up to 128 KiB, up to 32768 fields (its maximum). The whole
# head is bounded in front of gunicorn: by Traefik's maxHeaderBytes (64 KiB, ops/compose.yaml) in
# production; make run binds loopback. Never expose gunicorn directly.
limit_request_line = 0
limit_request_field_size = 128 * 1024
limit_request_fields = 32768
accesslog = "-"
errorlog = "-"
loglevel = _ops.log_level
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss "%(a)s"'  # no query string: no tokens in logs
# workers' heartbeat files on tmpfs (containers' /tmp may be a slow overlay), as gunicorn's docs advise
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# gunicorn's control socket defaults to one path per user, which six masters on one host would share;
# it is off unless a per-app path is given.
control_socket = _ops.gunicorn_control_socket
control_socket_disable = not control_socket
