"""The cmc watchlist operations on a real watchlist (generated ids rarely exist, so test_specs.py
mostly sees their 404), and the public market pages read anonymously and revalidated (test_specs.py
calls them signed in): each answers its success status and holds its spec. The watchlists belong
to a user of their own, so the lists the generated requests made do not count against the limit."""
from __future__ import annotations

import pytest

from tests.conftest import bearer, login, register
from tests.openapi.checks import json_headers_conform, success_status_documented
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, success_status_documented]
LIST, ITEMS = "/api/v1/watchlists/{watchlist_id}", "/api/v1/watchlists/{watchlist_id}/items"
PUBLIC = ["/api/v1/listings", "/api/v1/coins/{key}", "/api/v1/coins/{key}/history", "/api/v1/global-metrics"]


@pytest.fixture(scope="module")
def watcher(callers):
    auth = callers.market.apps["auth"].test_client(use_cookies=False)
    assert register(auth, email="watcher@example.com").status_code == 201
    return bearer(login(auth, email="watcher@example.com").get_json()["session_id"])


def call(method: str, path: str, status: int, headers: dict, **parts):
    case = SPECS["cmc"][path][method].Case(**parts)
    response = case.call_and_validate(headers=headers, additional_checks=CHECKS)
    assert response.status_code == status, f"{method} {path}: {response.text[:500]}"
    return response


def test_every_watchlist_operation_on_a_real_watchlist_holds_its_spec(callers, watcher):
    created = call("POST", "/api/v1/watchlists", 201, watcher, body={"name": "Spec"}).json()
    on_list = {"path_parameters": {"watchlist_id": created["id"]}}
    symbol = callers.market.data["symbols"][0]
    coin = call("POST", ITEMS, 201, watcher, body={"coin_id": 1}, **on_list).json()
    stock = call("POST", ITEMS, 201, watcher, body={"symbol": symbol, "position": 0}, **on_list).json()
    assert coin["quote"] and stock["quote"], "the fill should have quoted both"
    assert call("GET", "/api/v1/watchlists", 200, watcher).json()[0]["items_count"] == 2
    assert len(call("GET", LIST, 200, watcher, **on_list).json()["items"]) == 2
    call("PATCH", LIST, 200, watcher, body={"name": "Spec 2"}, **on_list)
    call("PUT", ITEMS, 200, watcher, body={"item_ids": [coin["id"], stock["id"]]}, **on_list)
    token = call("PUT", f"{LIST}/share", 200, watcher, **on_list).json()["share_token"]
    shared = call("GET", "/api/v1/shared/watchlists/{token}", 200, {}, path_parameters={"token": token})
    call("GET", "/api/v1/shared/watchlists/{token}", 304, {"If-None-Match": shared.headers["etag"][0]},
         path_parameters={"token": token})
    call("DELETE", f"{LIST}/share", 204, watcher, **on_list)
    call("DELETE", f"{ITEMS}/{{item_id}}", 204, watcher,
         path_parameters={"watchlist_id": created["id"], "item_id": coin["id"]})
    call("DELETE", LIST, 204, watcher, **on_list)


@pytest.mark.parametrize("path", PUBLIC)
def test_a_market_page_read_anonymously_and_revalidated_holds_its_spec(callers, path):
    parts = {"path_parameters": {"key": "1"}} if "{key}" in path else {}
    first = call("GET", path, 200, {}, **parts)
    assert first.headers["cache-control"] == ["public, max-age=30"]
    call("GET", path, 304, {"If-None-Match": first.headers["etag"][0]}, **parts)
