"""The vendor sandbox as one WSGI app: /fmp, /cmc, /cbonds, /terrapin and the /_sandbox control API.

    create_sandbox_app(config=None, clock=None) -> Flask
    start_in_thread(port=0, host="127.0.0.1", **app_kwargs) -> (server, base_url)

Every vendor request passes the same gate (in this order): request log, the vendor's auth check,
the vendor's per-minute window, then any armed fault. ``clock`` is a callable returning epoch
seconds (tests inject ``ManualClock``); prices and timestamps follow it, while the request log and
the per-minute windows use real time.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ops.sandbox import control
from ops.sandbox.faults import corrupt, dumps, truncate
from ops.sandbox.state import SandboxConfig, SandboxState
from ops.sandbox.vendors import cbonds, cmc, cmc_lookup, fmp, terrapin  # noqa: F401 (cmc_lookup: routes)
from ops.sandbox.web import html_error, json_response, sandbox_state

VENDOR_MODULES = {"fmp": fmp, "cmc": cmc, "cbonds": cbonds, "terrapin": terrapin}
REDACTED_ARGS = {"apikey", "CMC_PRO_API_KEY", "login", "password"}


def _vendor_of_path(path: str) -> str | None:
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in VENDOR_MODULES else None


def _log_entry(vendor: str) -> dict:
    query = {k: ("***" if k in REDACTED_ARGS else v) for k, v in request.args.items()}
    return {"vendor": vendor, "method": request.method, "path": request.path, "query": query,
            "remote_addr": request.remote_addr, "status": None, "fault": None, "duration_ms": None}


def _blocking_response(module, kind: str, spec: dict, state: SandboxState) -> Response:
    if kind == "redirect":
        return Response("", status=spec["status"], headers={"Location": spec["location"]})
    if kind == "server_error" and spec.get("body", "json" if spec["status"] == 500 else "html") == "html":
        return html_error(spec["status"], HTTP_STATUS_CODES.get(spec["status"], "Server Error"))
    return module.fault_response(kind, spec, state)


def _gate() -> Response | None:
    vendor = _vendor_of_path(request.path)
    if vendor is None:
        return None
    state, module = sandbox_state(), VENDOR_MODULES[vendor]
    g.vendor, g.started = vendor, time.monotonic()
    g.entry = state.log_request(_log_entry(vendor))
    denied = module.auth_error(state)
    if denied is not None:
        g.entry["fault"] = "auth"
        return denied
    wait = state.admit(vendor)
    if wait is not None:
        g.entry["fault"] = "rate_window"
        return module.fault_response("rate_limit", {"retry_after": wait, "count": None}, state)
    decision = state.faults.take(vendor)
    if decision.slow:
        time.sleep(decision.slow)
    if decision.blocking is not None:
        kind, spec = decision.blocking
        g.entry["fault"] = kind
        return _blocking_response(module, kind, spec, state)
    if decision.malformed:
        g.entry["fault"] = f"malformed:{decision.malformed}"
    g.malformed = decision.malformed
    return None


def _finish(response: Response) -> Response:
    vendor = g.get("vendor")
    if vendor is None:
        return response
    module, mode = VENDOR_MODULES[vendor], g.get("malformed")
    if mode and response.status_code == 200 and response.mimetype == "application/json":
        body = response.get_data()
        if mode == "invalid_json":
            response.set_data(truncate(body))
        else:
            response.set_data(dumps(corrupt(json.loads(body), strings=module.STRING_VALUES)))
    after = getattr(module, "after_response", None)
    if after is not None:
        after(response, sandbox_state())
    g.entry["status"] = response.status_code
    g.entry["duration_ms"] = round((time.monotonic() - g.started) * 1000.0, 3)
    return response


def _http_error(exc: HTTPException) -> Response:
    vendor = _vendor_of_path(request.path)
    if vendor is not None and exc.code in (404, 405):
        return VENDOR_MODULES[vendor].http_error(exc.code, exc.name)
    return json_response({"error": exc.name, "message": exc.description, "status": exc.code}, exc.code or 500)


def create_sandbox_app(config: SandboxConfig | None = None,
                       clock: Callable[[], float] | None = None) -> Flask:
    app = Flask("ops.sandbox")
    app.json.sort_keys = False
    app.extensions["sandbox"] = SandboxState(config or SandboxConfig.from_env(), clock)
    for module in VENDOR_MODULES.values():
        app.register_blueprint(module.blueprint)
    app.register_blueprint(control.blueprint)
    app.before_request(_gate)
    app.after_request(_finish)
    app.register_error_handler(HTTPException, _http_error)
    return app


class SandboxRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler, quiet, keeping request headers whose names contain "_" (CMC's
    ``X-CMC_PRO_API_KEY``), which werkzeug leaves out of the environ (gunicorn keeps them with
    ``header_map = "dangerous"``, see ops/sandbox/server.py)."""

    def make_environ(self):
        environ = super().make_environ()
        for key, value in self.headers.items():
            if "_" in key:
                environ.setdefault("HTTP_" + key.upper().replace("-", "_"), value.replace("\r\n", ""))
        return environ

    def log_request(self, code="-", size="-") -> None:
        return None


def start_in_thread(port: int = 0, host: str = "127.0.0.1", **app_kwargs) -> tuple[BaseWSGIServer, str]:
    """Serve a new sandbox from a daemon thread with werkzeug's threaded server (a thread per
    connection; every answer closes its connection); stop it with ``server.shutdown()`` and
    ``server.server_close()``.

    ``server.app.extensions['sandbox']`` is its ``SandboxState``; ``app_kwargs`` go to
    ``create_sandbox_app`` (``config``, ``clock``). ``python -m ops.sandbox`` serves the same app
    under gunicorn instead.
    """
    server = make_server(host, port, create_sandbox_app(**app_kwargs), threaded=True,
                         request_handler=SandboxRequestHandler)
    threading.Thread(target=server.serve_forever, name=f"vendor-sandbox-{server.port}", daemon=True).start()
    return server, f"http://{host}:{server.port}"
