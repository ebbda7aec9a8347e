"""Small helpers shared by the vendor blueprints: the state of the running app, JSON responses."""
from __future__ import annotations

from flask import Response, current_app, request

from ops.sandbox.faults import dumps
from ops.sandbox.state import SandboxState


def sandbox_state() -> SandboxState:
    return current_app.extensions["sandbox"]


def json_response(data, status: int = 200, headers: dict | None = None) -> Response:
    return Response(dumps(data), status=status, headers=headers or {}, mimetype="application/json")


def html_error(status: int, phrase: str) -> Response:
    """What a load balancer in front of a vendor answers on 502/503/504: HTML, not the API's JSON."""
    page = (f"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
            f"<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n")
    return Response(page, status=status, mimetype="text/html")


def json_body() -> dict | list | None:
    """The request's JSON body, or None when it is missing or not JSON."""
    return request.get_json(force=True, silent=True)


def int_arg(name: str, default: int | None) -> int | None:
    """An integer query argument; raises ValueError on a non-integer."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    return int(raw)


def csv_arg(name: str) -> list[str]:
    return [item.strip() for item in request.args.get(name, "").split(",") if item.strip()]
