"""Public market pages: listings, coin pages, coin history and global metrics answer without signing
in (while AXA_CMC_PUBLIC_READS is on), anonymous callers are limited per address, and every answer
can be cached and revalidated (ETag, Cache-Control, 304). Stocks stays signed-in only."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import update

from axa.models.cmc import Coin
from tests.conftest import bearer, set_settings

PAGES = ("/api/v1/listings?page_size=20", "/api/v1/coins/1", "/api/v1/coins/bitcoin/history",
         "/api/v1/global-metrics")
OPTIONAL_SESSION = [{}, {"bearer": []}, {"cookie": []}]


@contextmanager
def settings(cmc, **changes):
    app = cmc.apps["cmc"]
    before = app.config["AXA"]
    set_settings(app, **changes)
    try:
        yield
    finally:
        app.config["AXA"] = before


def anonymous(cmc, path, address="127.0.0.1", **headers):
    return cmc.client("cmc").get(path, headers=headers, environ_base={"REMOTE_ADDR": address})


@pytest.mark.parametrize("path", PAGES)
def test_a_market_page_answers_without_signing_in_the_same_as_signed_in(cmc, path):
    signed_in, anon = cmc.get("cmc", path), anonymous(cmc, path, address="10.0.0.1")
    assert signed_in.status_code == anon.status_code == 200
    assert anon.get_json() == signed_in.get_json() and anon.get_json()
    assert anon.headers["Cache-Control"] == "public, max-age=30"
    assert signed_in.headers["Cache-Control"] == "private, no-cache"
    assert anon.headers["ETag"] == signed_in.headers["ETag"]


def test_a_dead_session_reads_as_anonymous(cmc):
    response = cmc.client("cmc").get("/api/v1/coins/1", headers=bearer("not-a-live-session"))
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("public")


@pytest.mark.parametrize("who", [None, "user"])
def test_etag_revalidation_answers_304_until_the_page_changes(cmc, who):
    path, session = "/api/v1/coins/1027", bearer(cmc.sessions[who]) if who else {}
    first = cmc.client("cmc").get(path, headers=session)
    etag = first.headers["ETag"]
    again = cmc.client("cmc").get(path, headers={"If-None-Match": etag, **session})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == first.headers["Cache-Control"]
    weak = cmc.client("cmc").get(path, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    assert cmc.client("cmc").get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    app = cmc.apps["cmc"]
    with app.app_context():
        db = app.extensions["sqlalchemy"]
        description = db.session.get(Coin, 1027).description
        db.session.execute(update(Coin).where(Coin.id == 1027).values(description="Changed."))
        db.session.commit()
        try:
            changed = cmc.client("cmc").get(path, headers={"If-None-Match": etag})
            assert changed.status_code == 200 and changed.get_json()["description"] == "Changed."
            assert changed.headers["ETag"] != etag
        finally:
            db.session.execute(update(Coin).where(Coin.id == 1027).values(description=description))
            db.session.commit()


def test_a_paged_list_etag_follows_its_page(cmc):
    first = anonymous(cmc, "/api/v1/listings?page_size=5")
    second = anonymous(cmc, "/api/v1/listings?page_size=5&page=2")
    assert first.headers["ETag"] != second.headers["ETag"]
    assert anonymous(cmc, "/api/v1/listings?page_size=5&page=2",
                     **{"If-None-Match": second.headers["ETag"]}).status_code == 304


def test_anonymous_callers_are_limited_per_address_signed_in_are_not(cmc):
    with settings(cmc, cmc_anon_limits="3 per minute"):
        for _ in range(3):
            assert anonymous(cmc, "/api/v1/global-metrics", address="10.1.1.1").status_code == 200
        limited = anonymous(cmc, "/api/v1/coins/1", address="10.1.1.1")
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
        assert limited.get_json()["message"]
        assert anonymous(cmc, "/api/v1/listings", address="10.1.1.1",
                         **bearer("not-a-live-session")).status_code == 429
        assert anonymous(cmc, "/api/v1/coins/1", address="10.1.1.2").status_code == 200  # another address
        for _ in range(5):  # a signed-in caller from the limited address is not counted
            signed_in = anonymous(cmc, "/api/v1/coins/1", address="10.1.1.1", **bearer(cmc.sessions["user"]))
            assert signed_in.status_code == 200


def test_switched_off_public_reads_need_a_session(cmc):
    with settings(cmc, cmc_public_reads=False):
        for path in PAGES:
            response = anonymous(cmc, path)
            assert response.status_code == 401 and response.get_json()["message"], path
            assert cmc.get("cmc", path).status_code == 200, path


def test_stocks_stays_signed_in_only(cmc):
    for path in ("/api/v1/instruments", "/api/v1/quotes?symbols=AAPL", "/api/v1/bonds"):
        assert cmc.client("stocks").get(path).status_code == 401, path
        assert cmc.get("stocks", path).status_code == 200, path


def test_the_spec_says_which_reads_need_no_session(cmc):
    spec = cmc.client("cmc").get("/api/v1/docs/openapi.json").get_json()
    for path in ("/api/v1/listings", "/api/v1/coins/{key}", "/api/v1/coins/{key}/history",
                 "/api/v1/global-metrics", "/api/v1/shared/watchlists/{token}"):
        operation = spec["paths"][path]["get"]
        assert operation["security"] == OPTIONAL_SESSION, path
        assert {"304", "429"} <= set(operation["responses"]), path
        assert "Retry-After" in operation["responses"]["429"]["headers"], path
        assert {"ETag", "Cache-Control"} <= set(operation["responses"]["200"]["headers"]), path
        assert "If-None-Match" in [p["name"] for p in operation["parameters"]], path
    assert spec["paths"]["/api/v1/watchlists"]["get"]["security"] == OPTIONAL_SESSION[1:]
    stocks = cmc.client("stocks").get("/api/v1/docs/openapi.json").get_json()
    assert stocks["paths"]["/api/v1/instruments"]["get"]["security"] == OPTIONAL_SESSION[1:]
