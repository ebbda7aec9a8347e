"""The docs pages render in a real headless browser without internet access: Swagger UI's files
come from the apps themselves, and the page lists the spec's operations.

Chromium (Debian's ``chromium`` package) loads each page over real HTTP from a werkzeug server in a
thread, with every host name but 127.0.0.1 unresolvable, and prints the DOM after the page's
scripts ran (``--dump-dom`` after a virtual time budget).
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from axa.apps import FACTORIES
from axa.platform.config import PORTS

INSTALL = ("Chromium is needed to test the docs pages in a browser: install it with "
           "`apt-get install -y chromium` (Debian; .ci/run does this when it is missing).")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--virtual-time-budget=15000")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(INSTALL)
    return found


@contextmanager
def served(app):
    """``app`` over HTTP on a free port of 127.0.0.1; yields its origin."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def rendered(url: str) -> str:
    """The page's DOM once its scripts ran, as headless Chromium shows it."""
    with tempfile.TemporaryDirectory(prefix="axa-chromium-") as profile:
        done = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
                              capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def operations(dom: str) -> set[str]:
    return {path for path in ("/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/quotes",
                              "/api/v1/instruments", "/api/v1/bonds") if f'data-path="{path}"' in dom}


def test_an_apps_docs_page_lists_its_operations_offline():
    chromium()
    with served(FACTORIES["auth"]({"TESTING": True})) as origin:
        dom = rendered(f"{origin}/api/v1/docs/")
    assert operations(dom) == {"/api/v1/auth/login", "/api/v1/auth/register"}, dom[-3000:]


def test_the_all_specs_page_shows_another_apps_operations_offline(monkeypatch):
    chromium()
    auth = FACTORIES["auth"]({"TESTING": True})
    with served(auth) as auth_origin:
        monkeypatch.setenv("AXA_CORS_ORIGINS", auth_origin)  # the page fetches stocks' spec
        with served(FACTORIES["stocks"]({"TESTING": True})) as stocks_origin:
            ports = {"stocks": int(stocks_origin.rsplit(":", 1)[1]), "auth": int(auth_origin.rsplit(":", 1)[1])}
            auth.config.update(AXA_DOCS_HOST="http://127.0.0.1", AXA_DOCS_PORTS=ports)
            dom = rendered(f"{auth_origin}/api/v1/docs/all")
    assert f'href="{stocks_origin}/api/v1/docs/openapi.json"' in dom
    assert operations(dom) == {"/api/v1/quotes", "/api/v1/instruments", "/api/v1/bonds"}, dom[-3000:]


def test_docs_pages_load_nothing_from_third_parties():
    app = FACTORIES["auth"]({"TESTING": True})
    client = app.test_client()
    page = client.get("/api/v1/docs/")
    assert "https://" not in page.headers["Content-Security-Policy"] and b"https://" not in page.data
    with client.get("/api/v1/docs/swagger-ui/swagger-ui-bundle.js") as bundle:
        assert bundle.status_code == 200 and bundle.mimetype == "text/javascript"
    every = client.get("/api/v1/docs/all")
    assert b"https://" not in every.data
    connect = next(d for d in every.headers["Content-Security-Policy"].split("; ") if d.startswith("connect-src"))
    assert sorted(connect.split()[2:]) == sorted(f"http://localhost:{port}" for port in set(PORTS.values()))
