"""The diary operations on a real account with real executions (generated ids rarely exist, so
test_specs.py mostly sees their 404): each answers its success status and holds its spec, trades,
their CSV and the report included. The account belongs to a user of its own."""
from __future__ import annotations

import pytest

from tests.conftest import bearer, login, register
from tests.openapi.checks import json_headers_conform, success_status_documented
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, success_status_documented]
ONE = "/api/v1/diary/accounts/{account_id}"


@pytest.fixture(scope="module")
def diarist(callers):
    auth = callers.market.apps["auth"].test_client(use_cookies=False)
    assert register(auth, email="diarist@example.com").status_code == 201
    return bearer(login(auth, email="diarist@example.com").get_json()["session_id"])


def call(method: str, path: str, status: int, headers: dict, **parts):
    case = SPECS["stocks"][path][method].Case(**parts)
    response = case.call_and_validate(headers=headers, additional_checks=CHECKS)
    assert response.status_code == status, f"{method} {path}: {response.text[:500]}"
    return response


def test_every_diary_operation_on_a_real_account_holds_its_spec(diarist):
    created = call("POST", "/api/v1/diary/accounts", 201, diarist, body={"name": "Spec"}).json()
    on_it = {"path_parameters": {"account_id": created["id"]}}
    for side, qty, price, at, more in (("buy", "10", "100", "2026-03-02T14:30:00Z", {"initial_risk": "20"}),
                                       ("sell", "15", "101.5", "2026-03-03T15:00:00Z", {"fee": "1.5"}),
                                       ("buy", "1", "99", "2026-03-04T15:00:00+01:00", {})):
        body = {"symbol": "spec", "side": side, "quantity": qty, "price": price, "executed_at": at, **more}
        call("POST", f"{ONE}/executions", 201, diarist, body=body, **on_it)
    call("POST", f"{ONE}/executions", 409, diarist, body=body, **on_it)
    assert len(call("GET", f"{ONE}/executions", 200, diarist, query={"limit": 2}, **on_it).json()) == 2
    page = call("GET", f"{ONE}/trades", 200, diarist, query={"symbol": "SPEC", "start": "2026-03-01"}, **on_it)
    assert [t["status"] for t in page.json()["trades"]] == ["open", "closed"]
    assert call("GET", f"{ONE}/trades.csv", 200, diarist, **on_it).text.count("\n") == 3
    report = call("GET", f"{ONE}/reports", 200, diarist, query={"end": "2026-03-31"}, **on_it).json()
    assert report["summary"]["trades"] == 1 and report["summary"]["r_trades"] == 1
    assert call("GET", "/api/v1/diary/accounts", 200, diarist).json()[0]["executions_count"] == 3
    call("GET", ONE, 200, diarist, **on_it)
    call("PATCH", ONE, 200, diarist, body={"name": "Spec 2"}, **on_it)
    call("DELETE", ONE, 204, diarist, **on_it)


def test_every_import_operation_holds_its_spec(diarist):
    created = call("POST", "/api/v1/diary/accounts", 201, diarist, body={"name": "Imports"}).json()
    on_it = {"path_parameters": {"account_id": created["id"]}}
    text = "Symbol,Buy/Sell,Quantity,TradePrice,IBCommission,DateTime\nAAPL,BUY,1,1,0,20260302;093000\n"
    for preset, extra in (("ibkr", {}), ("ibkr", {"timezone": "Europe/London"})):
        job = call("POST", f"{ONE}/imports", 202, diarist, media_type="multipart/form-data",
                   body={"file": text.encode(), "preset": preset, **extra}, **on_it).json()
    mapping = ('{"symbol": "Symbol", "side": "Buy/Sell", "quantity": "Quantity", "price": "TradePrice", '
               '"time": "DateTime", "time_format": "%Y%m%d;%H%M%S"}')
    call("POST", f"{ONE}/imports", 202, diarist, media_type="multipart/form-data",
         body={"file": text.encode(), "preset": "generic", "mapping": mapping}, **on_it)
    call("POST", f"{ONE}/imports", 422, diarist, media_type="multipart/form-data",
         body={"file": b"a,b\n1,2\n", "preset": "ibkr"}, **on_it)
    done = call("GET", f"{ONE}/imports/{{import_id}}", 200, diarist,
                path_parameters={"account_id": created["id"], "import_id": job["id"]}).json()
    assert (done["status"], done["imported"]) == ("done", 1)  # London time: not the first line again
    assert len(call("GET", f"{ONE}/imports", 200, diarist, **on_it).json()) == 3
    body = {"symbol": "rt", "direction": "long", "quantity": "1", "entry_price": "10", "exit_price": "11",
            "entry_at": "2026-03-02T15:00:00Z", "exit_at": "2026-03-02T16:00:00Z"}
    assert len(call("POST", f"{ONE}/round-trips", 201, diarist, body=body, **on_it).json()["executions"]) == 2
    call("POST", f"{ONE}/round-trips", 409, diarist, body=body, **on_it)
