"""The vendor sandbox as one WSGI app: /fmp, /cmc, /cbonds, /terrapin and the /_sandbox control API.

    create_sandbox_app(config=None, clock=None) -> Flask
    start_in_thread(port=0, host="127.0.0.1", **app_kwargs) -> (server, base_url)

Every vendor request passes the same gate (in this order): request log, the vendor's auth check,
the vendor's per-minute window, then any armed fault. ``clock`` is a callable returning epoch
seconds (tests inject ``ManualClock``); prices and timestamps follow it, while the request log and
the per-minute windows use real time.
"""
from __future__ import annotations

import contextlib
import json
import selectors
import socket
import threading
import time
import types
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import werkzeug.serving
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler

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


_request = threading.local()  # .keep_alive: this thread's current request keeps its connection


class _Selector(selectors.DefaultSelector):
    """What werkzeug's ``run_wsgi`` drains leftover request bytes with after each answer: for a
    request that keeps its connection there is nothing to drain (it had no body), and the bytes
    that follow are the client's next request."""

    def select(self, timeout=None):
        if getattr(_request, "keep_alive", False):
            return []
        return super().select(timeout)


werkzeug.serving.selectors = types.SimpleNamespace(DefaultSelector=_Selector, EVENT_READ=selectors.EVENT_READ)


class SandboxRequestHandler(WSGIRequestHandler):
    """Keeps request headers whose names contain "_" (CMC's ``X-CMC_PRO_API_KEY``): werkzeug drops them.

    Keeps connections alive, as the vendors do, where that is safe: werkzeug closes every connection
    (http.server cannot drain an unread request body before the next request line), so here only
    a request without a body whose answer has a Content-Length keeps its connection (the FMP and
    CMC GETs); everything else still closes. An idle connection closes after ``timeout`` seconds,
    well before a client would reuse it for the next minute's poll (closing just as the client
    sends would fail that request), and without a log line: that is the normal end of one."""

    timeout = 5

    def setup(self):
        super().setup()  # headers and body go out in two writes: without NODELAY, a kept-alive
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # connection waits
        # for the client's delayed ACK (Nagle) before the body

    def log_error(self, format, *args):
        if not format.startswith("Request timed out"):
            super().log_error(format, *args)

    def handle_one_request(self):
        _request.keep_alive = self._response_length = False
        super().handle_one_request()

    def send_header(self, keyword, value):
        name = keyword.lower()
        if name == "content-length":
            self._response_length = True
        elif name == "connection" and value.lower() == "close" and self._may_keep_alive():
            _request.keep_alive = True
            return  # HTTP/1.1: the connection stays open unless a side says close
        super().send_header(keyword, value)

    def _may_keep_alive(self) -> bool:
        headers = self.headers
        return (self._response_length and self.request_version == "HTTP/1.1"
                and not self.close_connection and "Transfer-Encoding" not in headers
                and headers.get("Content-Length", "0").strip() in ("", "0"))

    def make_environ(self):
        environ = super().make_environ()
        for key, value in self.headers.items():
            if "_" in key:
                environ.setdefault("HTTP_" + key.upper().replace("-", "_"), value.replace("\r\n", ""))
        return environ


class QuietRequestHandler(SandboxRequestHandler):
    def log_request(self, code="-", size="-") -> None:
        return None


class PooledWSGIServer(BaseWSGIServer):
    """werkzeug's threaded server (``make_server(threaded=True)``), except that connections are
    served by a thread pool (``ThreadPoolExecutor``: an idle thread of an earlier connection takes
    the next one; starting a thread took about half the CPU of answering a cached 100-quote
    request). Up to ``max_threads`` connections are served at once (a ``slow`` fault holds one);
    closing the server also ends the connections clients keep alive.
    """

    multithread = True
    max_threads = 256

    def __init__(self, *args, **kwargs) -> None:
        self._open: set = set()  # connections being served (kept alive ones included)
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)
        self._pool = ThreadPoolExecutor(self.max_threads,
                                        thread_name_prefix=f"sandbox-connections-{self.port}")

    def process_request(self, request, client_address) -> None:
        self._pool.submit(self._serve, request, client_address)

    def _serve(self, request, client_address) -> None:  # socketserver's process_request_thread
        with self._open_lock:
            self._open.add(request)
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)
            self.shutdown_request(request)

    def server_close(self) -> None:
        with self._open_lock:
            still_open = list(self._open)
        for connection in still_open:  # a thread waiting for a kept-alive client's next request
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._pool.shutdown(wait=False)
        super().server_close()


def serve(app: Flask, host: str, port: int, quiet: bool = False) -> BaseWSGIServer:
    handler = QuietRequestHandler if quiet else SandboxRequestHandler
    return PooledWSGIServer(host, port, app, handler)


def start_in_thread(port: int = 0, host: str = "127.0.0.1", **app_kwargs) -> tuple[BaseWSGIServer, str]:
    """Serve a new sandbox from a daemon thread; stop it with ``server.shutdown()``.

    ``server.app.extensions['sandbox']`` is its ``SandboxState``; ``app_kwargs`` go to
    ``create_sandbox_app`` (``config``, ``clock``).
    """
    server = serve(create_sandbox_app(**app_kwargs), host, port, quiet=True)
    threading.Thread(target=server.serve_forever, name=f"vendor-sandbox-{server.port}", daemon=True).start()
    return server, f"http://{host}:{server.port}"
