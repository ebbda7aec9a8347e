"""gunicorn settings for every subsystem: ``AXA_SUBSYSTEM=<sub> gunicorn -c ops/gunicorn.conf.py wsgi:app``.

``ops.run`` passes ``--bind`` on the command line (which wins); containers set ``AXA_BIND``.
"""
import os

from axa.platform.config import PORTS

_subsystem = os.environ.get("AXA_SUBSYSTEM", "auth")

wsgi_app = "wsgi:app"
bind = [os.environ.get("AXA_BIND", f"127.0.0.1:{PORTS[_subsystem]}")]
proc_name = f"axa-{_subsystem}"
workers = int(os.environ.get("AXA_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("AXA_WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 10
keepalive = 5
max_requests = 5000  # recycle workers now and then; jitter keeps them from restarting together
max_requests_jitter = 500
preload_app = False  # each worker builds its app: no sockets or pools shared across fork
# Traefik sets X-Forwarded-*; trust it only from the addresses named here.
forwarded_allow_ips = os.environ.get("AXA_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("AXA_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss "%(a)s"'  # no query string: no tokens in logs
# workers' heartbeat files on tmpfs (containers' /tmp may be a slow overlay), as gunicorn's docs advise
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# gunicorn's control socket defaults to one path per user, which six masters on one host would share;
# it is off unless a per-app path is given.
control_socket = os.environ.get("AXA_GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
