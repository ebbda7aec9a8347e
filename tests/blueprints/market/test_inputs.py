"""Hostile or odd inputs get a clear 404 or 422 JSON answer, never a 500."""
import pytest

CASES = [
    ("stocks", "/api/v1/instruments/99999999999999999999", "user", 404),
    ("stocks", "/api/v1/instruments/0/history", "user", 404),
    ("stocks", "/api/v1/instruments/abc", "user", 404),
    ("stocks", "/api/v1/admin/runs/99999999999999999999", "admin", 404),
    ("stocks", "/api/v1/admin/quarantine?run_id=99999999999999999999", "admin", 422),
    ("stocks", "/api/v1/instruments?q=%00", "user", 422),
    ("stocks", "/api/v1/instruments?exchange=NAS%0aDAQ", "user", 422),
    ("stocks", "/api/v1/quotes?symbols=A,%00", "user", 422),
    ("stocks", "/api/v1/bonds?issuer=%00", "user", 422),
    ("stocks", "/api/v1/bonds?min_yield=NaN", "user", 422),
    ("stocks", "/api/v1/bonds?min_yield=1e400", "user", 422),
    ("stocks", "/api/v1/instruments?page=999999999999999999999", "user", 200),
    ("cmc", "/api/v1/coins/%00", "user", 404),
    ("cmc", "/api/v1/coins/99999999999999999999999", "user", 404),
    ("cmc", "/api/v1/coins/1/history?to=0001-01-01", "user", 200),
    ("cmc", "/api/v1/coins/1/history?from=9999-12-31", "user", 422),
    ("cmc", "/api/v1/listings?page=999999999999999999999", "user", 200),
    ("cmc", "/api/v1/admin/runs?dataset=%00", "admin", 422),
]


@pytest.mark.parametrize("sub, path, who, status", CASES)
def test_no_500(market, sub, path, who, status):
    if "/coins/1/" in path:
        market.run("cmc", "cmc.listings", {"max_items": 3})
    response = market.get(sub, path, who=who)
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    if status != 200:
        assert body["code"] == status
    else:
        assert isinstance(body, list)


def test_refresh_body_must_be_a_json_object(market):
    for kwargs in ({"data": "{not json", "content_type": "application/json"}, {"json": ["fmp.quotes"]},
                   {"json": {"dataset": "cmc.quotes", "ids": [2**63]}}, {"json": {"dataset": "cmc.quotes", "ids": ["1"]}}):
        response = market.post("cmc", "/api/v1/admin/refresh", who="admin", **kwargs)
        assert response.status_code in (400, 422) and response.get_json()["errors"]["json"], kwargs
