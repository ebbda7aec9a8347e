"""The operations that take an id in their path, called on resources that exist.

Generated ids rarely exist, so test_specs.py mostly sees their 404; here each is called on a real
equity, bond, coin, run, session or user (a Conduit article or profile on socweb), answers its
success status, and the answer holds the spec (body schema, headers, JSON headers, content type).
"""
from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.openapi.checks import json_headers_conform, success_status_documented
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, success_status_documented]
REAL = {  # (subsystem, operation) -> the success status
    ("stocks", "GET /api/v1/instruments/{instrument_id}"): 200,
    ("stocks", "GET /api/v1/instruments/{instrument_id}/history"): 200,
    ("stocks", "GET /api/v1/admin/runs/{run_id}"): 200,
    ("cmc", "GET /api/v1/coins/{key}"): 200,
    ("cmc", "GET /api/v1/coins/{key}/history"): 200,
    ("cmc", "GET /api/v1/admin/runs/{run_id}"): 200,
    ("auth", "PATCH /api/v1/auth/users/{user_id}"): 200,
    ("auth", "DELETE /api/v1/auth/sessions/{handle}"): 204,
    ("socweb", "GET /conduit/api/profiles/{username}"): 200,
    ("socweb", "GET /conduit/api/articles/{slug}"): 200,
    ("socweb", "GET /conduit/api/articles/{slug}/comments"): 200,
    ("socweb", "POST /conduit/api/articles/{slug}/favorite"): 200,
}


def _other_session_handle(callers, label: str) -> str:
    """The handle of another session of the operation's own user."""
    other = callers.fresh_session(label)
    listed = callers.auth.test_client(use_cookies=False).get("/api/v1/auth/sessions", headers=bearer(other))
    return next(session["handle"] for session in listed.get_json() if session["current"])


def _conduit_resources(market, label: str) -> list[dict]:
    """The reader's Conduit username, or an article of theirs with a comment."""
    if "/profiles/" in label:
        return [{"path": {"username": market.get("socweb", "/conduit/api/user").get_json()["user"]["username"]}}]
    made = market.post("socweb", "/conduit/api/articles", json={"article": {
        "title": "A real article", "description": "For the spec", "body": "Body #real", "tagList": ["spec"]}})
    slug = made.get_json()["article"]["slug"]
    market.post("socweb", f"/conduit/api/articles/{slug}/comments", json={"comment": {"body": "A comment"}})
    return [{"path": {"slug": slug}}]


def _resources(callers, sub: str, label: str) -> list[dict]:
    """Path parameters (and a body where needed) naming resources that exist."""
    market = callers.market
    if sub == "socweb":
        return _conduit_resources(market, label)
    symbol = market.data["symbols"][0]
    if label.startswith("GET /api/v1/instruments"):
        equity = market.get("stocks", f"/api/v1/instruments?q={symbol}").get_json()[0]["id"]
        if label.endswith("/history"):
            return [{"path": {"instrument_id": equity}}]
        bond = market.get("stocks", "/api/v1/bonds").get_json()[0]["id"]
        return [{"path": {"instrument_id": equity}}, {"path": {"instrument_id": bond}}]
    if label.startswith("GET /api/v1/coins"):
        coin = market.get("cmc", "/api/v1/listings").get_json()[0]
        return [{"path": {"key": str(coin["id"])}}, {"path": {"key": coin["slug"]}}]
    if label.startswith("GET /api/v1/admin/runs"):
        return [{"path": {"run_id": market.get(sub, "/api/v1/admin/runs", "admin").get_json()[0]["id"]}}]
    if label.startswith("PATCH"):
        return [{"path": {"user_id": callers.victim}, "body": {"status": "active", "roles": []}}]
    return [{"path": {"handle": _other_session_handle(callers, label)}}]


@pytest.mark.parametrize(("sub", "label"), list(REAL))
def test_an_operation_on_a_real_resource_holds_its_spec(callers, sub, label):
    method, path = label.split(" ", 1)
    operation = SPECS[sub][path][method]
    for resource in _resources(callers, sub, label):
        case = operation.Case(path_parameters=resource["path"], **({"body": resource["body"]}
                                                                   if "body" in resource else {}))
        response = case.call_and_validate(headers=callers.headers_for(case), additional_checks=CHECKS)
        assert response.status_code == REAL[(sub, label)], response.text[:500]
        if method == "GET" and path.endswith("/history"):
            assert response.json(), f"{label} on {resource}: no rows; the fill should have some"
