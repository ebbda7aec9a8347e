"""Every gunicorn here, the platform's and the benchmarks', runs ops/gunicorn_hooks.py: a worker
moves what it built at start-up out of the collector's way (gc.freeze)."""
import runpy

import requests

from bench.servers import ROOT, ServerSettings, gunicorn


def test_a_worker_freezes_what_it_built_at_start_up():
    with gunicorn("tests.ops.gc_app:app", ServerSettings(workers=1, threads=1)) as port:
        frozen = requests.get(f"http://127.0.0.1:{port}/", timeout=10).json()["frozen"]
    assert frozen > 10_000  # Flask, werkzeug and the app: all built before the first request


def test_the_platforms_gunicorn_settings_run_the_same_hook():
    from ops.gunicorn_hooks import post_worker_init
    assert runpy.run_path(str(ROOT / "ops" / "gunicorn.conf.py"))["post_worker_init"] is post_worker_init
