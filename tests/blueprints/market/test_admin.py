"""Admin-only operator endpoints on stocks and cmc: refresh a dataset, follow runs, quarantine."""
import json

import pytest

from axa.models import latest_quotes
from axa.platform.redis_client import client_for
from tests.blueprints.market.fixtures import equity_symbols
from tests.conftest import bearer

SUBSYSTEMS = ("stocks", "cmc")
READS = ("/api/v1/admin/runs", "/api/v1/admin/runs/1", "/api/v1/admin/datasets", "/api/v1/admin/quarantine")


@pytest.mark.parametrize("sub", SUBSYSTEMS)
def test_anonymous_401_and_non_admin_403(market, sub):
    for path in READS:
        assert market.get(sub, path, who=None).status_code == 401, path
        forbidden = market.get(sub, path, who="user")
        assert forbidden.status_code == 403 and forbidden.get_json()["message"] == "Admin role required."
    body = {"dataset": "cmc.global" if sub == "cmc" else "fmp.symbols"}
    assert market.post(sub, "/api/v1/admin/refresh", who=None, json=body).status_code == 401
    assert market.post(sub, "/api/v1/admin/refresh", who="user", json=body).status_code == 403


def test_refresh_returns_a_run_that_shows_its_progress(market):
    symbols = equity_symbols(market, 5)
    started = market.post("stocks", "/api/v1/admin/refresh", who="admin",
                          json={"dataset": "fmp.quotes", "symbols": [s.lower() for s in symbols]})
    assert started.status_code == 202, started.get_json()
    run_id = started.get_json()["run_id"]
    assert started.get_json() == {"run_id": run_id, "dataset": "fmp.quotes", "batches": 1}
    runs = market.get("stocks", "/api/v1/admin/runs", who="admin")
    newest = runs.get_json()[0]
    assert newest["id"] == run_id and json.loads(runs.headers["X-Pagination"])["total"] >= 1
    assert newest["status"] == "succeeded" and newest["trigger"] == "api"
    assert newest["batches_done"] == newest["batches_total"] == 1 and newest["progress_pct"] == 100.0
    assert newest["records_stored"] == 5 and newest["records_rejected"] == 0 and newest["errors"] == []
    assert newest["params"]["symbols"] == symbols and newest["finished_at"]
    assert market.get("stocks", f"/api/v1/admin/runs/{run_id}", who="admin").get_json() == newest
    redis = client_for(market.apps["stocks"].config["AXA"].redis_url)
    for symbol in symbols:  # the run wrote the latest quotes to the cache
        assert latest_quotes.read_one(redis, "fmp", symbol)["dataset"] == "fmp.quotes"
    assert market.get("stocks", "/api/v1/admin/runs/999999", who="admin").status_code == 404


def test_runs_newest_first_filtered_and_paginated(market):
    ids = [market.post("cmc", "/api/v1/admin/refresh", who="admin", json={"dataset": "cmc.global"}
                       ).get_json()["run_id"] for _ in range(3)]
    market.post("cmc", "/api/v1/admin/refresh", who="admin", json={"dataset": "cmc.quotes", "ids": [1, 1027]})
    page = market.get("cmc", "/api/v1/admin/runs", who="admin",
                      query_string={"dataset": "cmc.global", "page_size": 2})
    meta = json.loads(page.headers["X-Pagination"])
    assert [r["id"] for r in page.get_json()] == ids[::-1][:2] and meta["total"] == 3
    assert all(r["dataset"] == "cmc.global" and r["status"] == "succeeded" for r in page.get_json())
    quotes = market.get("cmc", "/api/v1/admin/runs", who="admin", query_string={"dataset": "cmc.quotes"})
    assert quotes.get_json()[0]["records_stored"] >= 2 and quotes.get_json()[0]["params"] == {"ids": [1, 1027]}
    assert market.get("cmc", "/api/v1/coins/1027").get_json()["quote"]["price"]


@pytest.mark.parametrize("body, field", [
    ({"dataset": "fmp.everything"}, "dataset"),
    ({"dataset": "fmp.quotes", "ids": [1]}, "ids"),
    ({"dataset": "cbonds.emitents", "isins": ["XS2569502292"]}, "isins"),
    ({"dataset": "terrapin.prices", "isins": ["not-an-isin"]}, "isins"),
    ({"dataset": "fmp.quotes", "symbols": ["A B"]}, "symbols"),
    ({"symbols": ["AAPL"]}, "dataset"),
    ({"dataset": "fmp.quotes", "extra": 1}, "extra"),
    ({"dataset": "fmp.quotes", "symbols": []}, "symbols"),  # never a silent full refresh
])
def test_bad_refresh_requests_are_422(market, body, field):
    response = market.post("stocks", "/api/v1/admin/refresh", who="admin", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"], response.get_json()


def test_unknown_dataset_names_the_known_ones(market):
    body = market.post("cmc", "/api/v1/admin/refresh", who="admin", json={"dataset": "fmp.quotes"}).get_json()
    assert "cmc.listings" in body["message"] and "cmc.global" in body["message"]
    assert "cmc.map" in body["errors"]["json"]["dataset"][0]
    runs = market.get("cmc", "/api/v1/admin/runs", who="admin", query_string={"dataset": "nope"})
    assert runs.status_code == 422 and "cmc.listings" in runs.get_json()["message"]


@pytest.mark.parametrize("sub", SUBSYSTEMS)
def test_datasets_list(market, sub):
    response = market.get(sub, "/api/v1/admin/datasets", who="admin", query_string={"page_size": 100})
    datasets = {d["name"]: d for d in response.get_json()}
    catalogue = market.apps[sub].extensions["market"].datasets
    assert set(datasets) == set(catalogue)
    assert json.loads(response.headers["X-Pagination"])["total"] == len(catalogue)
    for name, dataset in datasets.items():
        assert dataset["vendor"] == catalogue[name].vendor and dataset["description"]
        assert dataset["schedule_seconds"] > 0
    if sub == "stocks":
        assert datasets["fmp.quotes"]["selection"] == "symbols" and datasets["fmp.quotes"]["fresh_for_seconds"] == 180
        assert datasets["cbonds.emitents"]["selection"] is None
    else:
        assert datasets["cmc.quotes"]["selection"] == "ids" and datasets["cmc.quotes"]["scheduled"] is False


def test_quarantine_lists_rejected_records(market):
    state = market.sandbox.app.extensions["sandbox"]
    state.faults.set("fmp", {"malformed": {"count": 1, "mode": "partly_invalid"}})
    try:
        run = market.post("stocks", "/api/v1/admin/refresh", who="admin",
                          json={"dataset": "fmp.quotes", "symbols": equity_symbols(market, 40)}).get_json()
    finally:
        state.reset_vendor("fmp")
    progress = market.get("stocks", f"/api/v1/admin/runs/{run['run_id']}", who="admin").get_json()
    assert progress["records_rejected"] > 0 and progress["status"] == "succeeded"
    listed = market.get("stocks", "/api/v1/admin/quarantine", who="admin",
                        query_string={"run_id": run["run_id"], "page_size": 100})
    rows = listed.get_json()
    assert len(rows) == progress["records_rejected"] == json.loads(listed.headers["X-Pagination"])["total"]
    assert all(r["run_id"] == run["run_id"] and r["vendor"] == "fmp" and r["reason"] and r["raw"] for r in rows)
    by_dataset = market.get("stocks", "/api/v1/admin/quarantine", who="admin", query_string={"dataset": "fmp.quotes"})
    assert {r["dataset"] for r in by_dataset.get_json()} == {"fmp.quotes"}
    none = market.get("stocks", "/api/v1/admin/quarantine", who="admin", query_string={"dataset": "cbonds.emitents"})
    assert none.get_json() == []
    assert market.get("stocks", "/api/v1/admin/quarantine", who="admin",
                      query_string={"dataset": "x"}).status_code == 422


def test_admin_is_the_replica_role(market):
    auth = market.client("auth")
    me = auth.get("/api/v1/auth/me", headers=bearer(market.sessions["user"])).get_json()
    promote = auth.patch(f"/api/v1/auth/users/{me['id']}", json={"roles": ["admin"]},
                         headers=bearer(market.sessions["admin"]))
    assert promote.status_code == 200
    try:
        for sub in SUBSYSTEMS:
            assert market.get(sub, "/api/v1/admin/datasets", who="user").status_code == 200
    finally:
        auth.patch(f"/api/v1/auth/users/{me['id']}", json={"roles": []}, headers=bearer(market.sessions["admin"]))
    for sub in SUBSYSTEMS:
        assert market.get(sub, "/api/v1/admin/datasets", who="user").status_code == 403
