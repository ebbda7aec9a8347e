"""Cbonds JSON services: body auth, filters (and the silent ignore), paging, sorting, fields."""
from __future__ import annotations

from tests.sandbox.conftest import CBONDS_AUTH


def _items(response):
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "total", "limit", "offset", "items", "exec_time", "meta"}
    assert body["count"] == len(body["items"])
    assert all(value is None or isinstance(value, str) for item in body["items"] for value in item.values())
    return body


def _isins(sandbox, n):
    items = _items(sandbox.cbonds("get_emissions", {"quantity": {"limit": n, "offset": 0},
                                                    "fields": [{"field": "isin_code"}]}))["items"]
    return [item["isin_code"] for item in items]


def test_emissions_paging_by_record_offset(sandbox):
    first = _items(sandbox.cbonds("get_emissions", {"quantity": {"limit": 10, "offset": 0}}))
    assert first["total"] == 3000 and first["limit"] == 10 and first["offset"] == 0
    assert {"id", "isin_code", "emitent_id", "emitent_name_eng", "document_eng", "maturity_date", "currency_name",
            "curr_coupon_rate", "cupon_eng", "floating_rate", "outstanding_volume", "status_name_eng",
            "eurobonds_nominal", "bbgid"} <= set(first["items"][0])
    second = _items(sandbox.cbonds("get_emissions", {"quantity": {"limit": 10, "offset": 5}}))
    assert [i["id"] for i in second["items"][:5]] == [i["id"] for i in first["items"][5:]]
    capped = _items(sandbox.cbonds("get_emissions", {"quantity": {"limit": 5000, "offset": 2500}}))
    assert capped["limit"] == 1000 and capped["count"] == 500
    assert len({i["id"] for i in capped["items"]}) == 500


def test_filter_operators(sandbox):
    isins = _isins(sandbox, 3)
    eq = _items(sandbox.cbonds("get_emissions", {"filters": [
        {"field": "isin_code", "operator": "eq", "value": isins[0]}]}))
    assert eq["total"] == 1 and eq["items"][0]["isin_code"] == isins[0]
    within = _items(sandbox.cbonds("get_emissions", {"filters": [
        {"field": "isin_code", "operator": "in", "value": ";".join(isins)}]}))
    assert sorted(i["isin_code"] for i in within["items"]) == sorted(isins)
    outside = _items(sandbox.cbonds("get_emissions", {"filters": [
        {"field": "isin_code", "operator": "ni", "value": ";".join(isins)}], "quantity": {"limit": 1}}))
    assert outside["total"] == 2997
    perpetual = _items(sandbox.cbonds("get_emissions", {"filters": [
        {"field": "maturity_date", "operator": "nu", "value": None}], "quantity": {"limit": 1000}}))
    dated = _items(sandbox.cbonds("get_emissions", {"filters": [
        {"field": "maturity_date", "operator": "nn", "value": None}], "quantity": {"limit": 1}}))
    assert perpetual["total"] > 0 and perpetual["total"] + dated["total"] == 3000
    assert all(i["maturity_date"] is None and i["perpetual"] == "1" for i in perpetual["items"])
    late = _items(sandbox.cbonds("get_emissions", {"filters": [
        {"field": "maturity_date", "operator": "ge", "value": "2040-01-01"},
        {"field": "floating_rate", "operator": "eq", "value": "0"}], "quantity": {"limit": 1000}}))
    assert 0 < late["total"] < 3000
    assert all(i["maturity_date"] >= "2040-01-01" and i["floating_rate"] == "0" for i in late["items"])


def test_unsupported_filter_field_is_silently_ignored(sandbox):
    name = _items(sandbox.cbonds("get_emissions", {"quantity": {"limit": 1}}))["items"][0]["emitent_name_eng"]
    body = _items(sandbox.cbonds("get_emissions", {"filters": [
        {"field": "emitent_name_eng", "operator": "eq", "value": name}], "quantity": {"limit": 100}}))
    assert body["total"] == 3000
    assert any(item["emitent_name_eng"] != name for item in body["items"])
    issuers = _items(sandbox.cbonds("get_emitents", {"filters": [
        {"field": "name_eng", "operator": "eq", "value": "Nobody"}]}))
    assert issuers["total"] == 700


def test_sorting_and_field_selection(sandbox):
    body = _items(sandbox.cbonds("get_emissions", {
        "sorting": [{"field": "maturity_date", "order": "desc"}], "quantity": {"limit": 200},
        "fields": [{"field": "id"}, {"field": "maturity_date"}, {"field": "no_such_field"}]}))
    assert all(set(item) == {"id", "maturity_date"} for item in body["items"])
    dates = [item["maturity_date"] for item in body["items"]]
    assert dates == sorted(dates, reverse=True)


def test_tradings_for_one_emission(sandbox):
    emission = _items(sandbox.cbonds("get_emissions", {"filters": [
        {"field": "status_id", "operator": "eq", "value": "2"}], "quantity": {"limit": 1}}))["items"][0]
    body = _items(sandbox.cbonds("get_tradings_new", {"filters": [
        {"field": "emission_id", "operator": "eq", "value": emission["id"]}], "quantity": {"limit": 100}}))
    assert 20 <= body["total"] <= 30  # weekdays of the last 40 calendar days
    for item in body["items"]:
        assert item["emission_id"] == emission["id"] and item["isin_code"] == emission["isin_code"]
        assert {"date", "buying_quote", "selling_quote", "last_price", "avar_price", "indicative_price",
                "volume", "ytm_bid", "trading_ground_id", "update_time"} <= set(item)
    assert body["items"][0]["date"] == "2026-06-17"
    assert body["items"][0]["update_time"] == "2026-06-17 15:00:00"


def test_emitents_and_errors(sandbox):
    body = _items(sandbox.cbonds("get_emitents", {"quantity": {"limit": 5}}))
    assert {"id", "name_eng", "full_name_eng", "type_name_eng", "country_name_eng", "emitent_lei"} <= set(
        body["items"][0])
    refused = sandbox.cbonds("get_emissions", auth={**CBONDS_AUTH, "password": "wrong"})
    assert refused.status_code == 403 and refused.json()["error"]["err_no"] == 403
    assert sandbox.cbonds("get_no_such_thing").json() == "invalid operation name"
    assert sandbox.cbonds("get_flow_new").json() == "invalid resource name"
    bad = sandbox.cbonds("get_emissions", {"filters": [{"field": "id", "operator": "like", "value": "1"}]})
    assert bad.status_code == 400 and "operator" in bad.json()["error"]["err_msg"]
