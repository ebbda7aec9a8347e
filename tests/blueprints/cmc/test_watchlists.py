"""Watchlists: several per user, named, ordered coins and stocks instruments with their latest
quotes (1 h / 24 h / 7 d change, stale) from the latest-quote contract; add, remove, reorder,
duplicates, limits, keyset pages, Idempotency-Key, and share links anyone can read until revoked."""
from __future__ import annotations

import itertools
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from axa.clients.records import QuoteRecord
from axa.models import latest_quotes
from axa.platform.redis_client import client_for
from tests.conftest import bearer, login, register, set_settings

FRESH, OLD, UNQUOTED = "WLFRESH", "WLOLD", "WLNONE"  # stocks symbols this module writes to the contract
emails = itertools.count()


@pytest.fixture(scope="module")
def stock_quotes(cmc):
    """Two stocks symbols in the contract, one fresh and one a day old, and one known without a quote."""
    now = datetime.now(UTC)
    quotes = [QuoteRecord("fmp", symbol, Decimal(price), "currency", now - age, "instant", now - age, "test",
                          quote_currency="USD", change_pct=Decimal("1.5"), volume=Decimal("1000"))
              for symbol, price, age in ((FRESH, "101.25", timedelta(seconds=5)), (OLD, "7.5", timedelta(days=1)))]
    redis = client_for(cmc.apps["cmc"].config["AXA"].redis_url)
    latest_quotes.write(redis, quotes, "fmp.quotes", 300, index_ids=True)
    latest_quotes.index_symbols(redis, {UNQUOTED: f"fmp:{UNQUOTED}"})
    return {FRESH: "101.25", OLD: "7.5"}


class Owner:
    def __init__(self, cmc):
        self.cmc = cmc
        email = f"watcher{next(emails)}@example.com"
        auth = cmc.apps["auth"].test_client(use_cookies=False)
        assert register(auth, email=email).status_code == 201
        self.headers = bearer(login(auth, email=email).get_json()["session_id"])

    def call(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return getattr(self.cmc.client("cmc"), method)(f"/api/v1{path}", headers=headers, **kwargs)

    def new_list(self, name: str = "Majors") -> int:
        created = self.call("post", "/watchlists", json={"name": name})
        assert created.status_code == 201, created.get_json()
        return created.get_json()["id"]

    def add(self, watchlist_id: int, **item):
        return self.call("post", f"/watchlists/{watchlist_id}/items", json=item)


@pytest.fixture
def owner(cmc, stock_quotes):
    return Owner(cmc)


@contextmanager
def settings(cmc, **changes):
    app = cmc.apps["cmc"]
    before = app.config["AXA"]
    set_settings(app, **changes)
    try:
        yield
    finally:
        app.config["AXA"] = before


def test_create_read_rename_delete_and_only_the_owner_sees_it(cmc, owner):
    created = owner.call("post", "/watchlists", json={"name": "  Majors  "})
    assert created.status_code == 201
    body = created.get_json()
    assert (body["name"], body["items"], body["items_count"], body["share_url"]) == ("Majors", [], 0, None)
    assert body["created_at"].endswith("Z")
    assert owner.call("get", f"/watchlists/{body['id']}").get_json() == body
    renamed = owner.call("patch", f"/watchlists/{body['id']}", json={"name": "Large caps"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Large caps"
    assert owner.call("patch", f"/watchlists/{body['id']}", json={}).get_json()["name"] == "Large caps"
    other = Owner(cmc)
    for method, path, sent in (("get", "", None), ("patch", "", {"name": "x"}), ("delete", "", None),
                               ("put", "/share", None), ("post", "/items", {"coin_id": 1})):
        response = other.call(method, f"/watchlists/{body['id']}{path}", json=sent)
        assert response.status_code == 404, (method, path)
    assert cmc.client("cmc").get(f"/api/v1/watchlists/{body['id']}").status_code == 401
    assert cmc.client("cmc").get("/api/v1/watchlists").status_code == 401
    assert owner.call("delete", f"/watchlists/{body['id']}").status_code == 204
    assert owner.call("get", f"/watchlists/{body['id']}").status_code == 404


def test_names_are_unique_per_user_and_checked(cmc, owner):
    first = owner.new_list("Majors")
    taken = owner.call("post", "/watchlists", json={"name": "Majors"})
    assert taken.status_code == 409 and taken.get_json()["reason"] == "duplicate_name"
    assert Owner(cmc).new_list("Majors")  # another user's name is free
    second = owner.new_list("Minors")
    renamed = owner.call("patch", f"/watchlists/{second}", json={"name": " Majors"})
    assert renamed.status_code == 409 and renamed.get_json()["reason"] == "duplicate_name"
    assert owner.call("patch", f"/watchlists/{first}", json={"name": "Majors"}).status_code == 200
    for bad in ("", "   ", "x" * 101, "tab\there", "\udc80", None, 5):
        response = owner.call("post", "/watchlists", json={"name": bad})
        assert response.status_code == 422 and "name" in response.get_json()["errors"]["json"], repr(bad)
    assert owner.call("post", "/watchlists", json={"name": "x" * 100}).status_code == 201


def test_items_in_order_with_their_latest_quotes(cmc, owner, stock_quotes):
    watchlist = owner.new_list()
    assert owner.add(watchlist, coin_id=1).status_code == 201
    added = owner.add(watchlist, symbol=f" {FRESH.lower()} ")
    assert added.status_code == 201 and added.get_json()["symbol"] == FRESH
    assert added.get_json()["quote"]["price"] == stock_quotes[FRESH]
    assert owner.add(watchlist, coin_id=1027, position=0).status_code == 201
    assert owner.add(watchlist, symbol=OLD, position=99).status_code == 201
    assert owner.add(watchlist, symbol=UNQUOTED, position=2).status_code == 201
    view = owner.call("get", f"/watchlists/{watchlist}").get_json()
    items = view["items"]
    assert [(i["kind"], i["coin_id"], i["symbol"]) for i in items] == [
        ("coin", 1027, "ETH"), ("coin", 1, "BTC"), ("stock", None, UNQUOTED), ("stock", None, FRESH),
        ("stock", None, OLD)]
    assert [i["position"] for i in items] == [0, 1, 2, 3, 4] and view["items_count"] == 5
    assert items[1]["name"] == "Bitcoin" and items[1]["slug"] == "bitcoin"
    coin_page = cmc.get("cmc", "/api/v1/coins/1").get_json()["quote"]
    bitcoin = items[1]["quote"]
    assert Decimal(bitcoin["price"]) == Decimal(coin_page["price"]) and bitcoin["quote_currency"] == "USD"
    assert Decimal(bitcoin["change_pct_24h"]) == Decimal(coin_page["percent_change_24h"])
    assert bitcoin["change_pct_1h"] is not None and bitcoin["change_pct_7d"] is not None
    assert bitcoin["stale"] is False
    assert items[2]["quote"] is None
    assert (items[3]["quote"]["price"], items[3]["quote"]["change_pct_24h"]) == (stock_quotes[FRESH], "1.5")
    assert (items[3]["quote"]["stale"], items[4]["quote"]["stale"]) == (False, True)


def test_the_stale_flag_follows_the_clock(cmc, owner):
    watchlist = owner.new_list()
    owner.add(watchlist, coin_id=1)
    app = cmc.apps["cmc"]
    app.config["AXA_CLOCK"] = lambda: datetime.now(UTC).timestamp() + 3600  # an hour on: past 15 minutes
    try:
        assert owner.call("get", f"/watchlists/{watchlist}").get_json()["items"][0]["quote"]["stale"] is True
    finally:
        del app.config["AXA_CLOCK"]
    assert owner.call("get", f"/watchlists/{watchlist}").get_json()["items"][0]["quote"]["stale"] is False


def test_bad_items_are_refused_with_the_reason(owner):
    watchlist = owner.new_list()
    unknown = owner.add(watchlist, coin_id=999999999)
    assert unknown.status_code == 422 and "coin_id" in unknown.get_json()["errors"]["json"]
    assert "coin" in unknown.get_json()["message"].lower()
    no_symbol = owner.add(watchlist, symbol="NOSUCHSYM")
    assert no_symbol.status_code == 422 and "symbol" in no_symbol.get_json()["errors"]["json"]
    for body in ({}, {"coin_id": 1, "symbol": FRESH}, {"symbol": "  "}, {"symbol": "\udc80"}, {"coin_id": 0},
                 {"coin_id": "one"}, {"coin_id": 1, "position": -1}, {"coin_id": 2**63}):
        response = owner.call("post", f"/watchlists/{watchlist}/items", json=body)
        assert response.status_code == 422, body
    assert owner.add(watchlist, coin_id=1).status_code == 201
    assert owner.add(watchlist, symbol=FRESH).status_code == 201
    for again in ({"coin_id": 1}, {"symbol": FRESH.lower()}):
        duplicate = owner.add(watchlist, **again)
        assert duplicate.status_code == 409 and duplicate.get_json()["reason"] == "duplicate_item", again
    assert owner.add(123456789, coin_id=1).status_code == 404
    assert owner.call("get", f"/watchlists/{watchlist}").get_json()["items_count"] == 2


def test_remove_and_reorder(owner):
    watchlist = owner.new_list()
    ids = [owner.add(watchlist, **item).get_json()["id"]
           for item in ({"coin_id": 1}, {"coin_id": 1027}, {"symbol": FRESH}, {"symbol": OLD})]
    assert owner.call("delete", f"/watchlists/{watchlist}/items/{ids[1]}").status_code == 204
    assert owner.call("delete", f"/watchlists/{watchlist}/items/{ids[1]}").status_code == 404
    view = owner.call("get", f"/watchlists/{watchlist}").get_json()
    assert [(i["id"], i["position"]) for i in view["items"]] == [(ids[0], 0), (ids[2], 1), (ids[3], 2)]
    order = [ids[3], ids[0], ids[2]]
    reordered = owner.call("put", f"/watchlists/{watchlist}/items", json={"item_ids": order})
    assert reordered.status_code == 200 and [i["id"] for i in reordered.get_json()["items"]] == order
    assert [i["id"] for i in owner.call("get", f"/watchlists/{watchlist}").get_json()["items"]] == order
    for bad in ([ids[3], ids[0]], [ids[3], ids[0], ids[0]], [*order, ids[1]], []):
        response = owner.call("put", f"/watchlists/{watchlist}/items", json={"item_ids": bad})
        assert response.status_code == 422 and "item_ids" in response.get_json()["errors"]["json"], bad
    elsewhere = owner.new_list("Other")
    assert owner.call("delete", f"/watchlists/{elsewhere}/items/{ids[0]}").status_code == 404


def test_limits_on_lists_and_items(cmc, owner):
    with settings(cmc, cmc_watchlists_max=2, cmc_watchlist_items_max=2):
        first = owner.new_list("One")
        owner.new_list("Two")
        full = owner.call("post", "/watchlists", json={"name": "Three"})
        assert full.status_code == 409 and full.get_json()["reason"] == "watchlist_limit"
        assert owner.add(first, coin_id=1).status_code == 201
        assert owner.add(first, symbol=FRESH).status_code == 201
        over = owner.add(first, coin_id=1027)
        assert over.status_code == 409 and over.get_json()["reason"] == "item_limit"
        owner.call("delete", f"/watchlists/{first}")
        assert owner.call("post", "/watchlists", json={"name": "Three"}).status_code == 201


def test_my_watchlists_in_keyset_pages(owner):
    made = [owner.new_list(f"List {n}") for n in range(5)]
    owner.add(made[4], coin_id=1)
    seen, path = [], "/watchlists?limit=2"
    while path:
        response = owner.call("get", path)
        assert response.status_code == 200
        seen += response.get_json()
        links = dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"]))
        path = ("/" + urlsplit(links["next"]).path.split("/api/v1/", 1)[1] + "?" + urlsplit(links["next"]).query
                if "next" in links else None)
    assert [w["id"] for w in seen] == made[::-1]
    assert seen[0]["items_count"] == 1 and seen[1]["items_count"] == 0 and "items" not in seen[0]


def test_creates_honour_idempotency_keys(owner):
    key = {"Idempotency-Key": "make-majors-1"}
    first = owner.call("post", "/watchlists", json={"name": "Majors"}, headers=key)
    again = owner.call("post", "/watchlists", json={"name": "Majors"}, headers=key)
    assert first.status_code == again.status_code == 201 and first.get_json() == again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert owner.call("post", "/watchlists", json={"name": "Other"}, headers=key).status_code == 422
    watchlist = first.get_json()["id"]
    item_key = {"Idempotency-Key": "add-btc-1"}
    added = [owner.call("post", f"/watchlists/{watchlist}/items", json={"coin_id": 1}, headers=item_key)
             for _ in range(2)]
    assert [a.status_code for a in added] == [201, 201] and added[0].get_json()["id"] == added[1].get_json()["id"]
    assert len(owner.call("get", "/watchlists").get_json()) == 1


def test_a_share_link_reads_without_signing_in_until_revoked(cmc, owner, stock_quotes):
    watchlist = owner.new_list("Shared picks")
    owner.add(watchlist, coin_id=1027)
    owner.add(watchlist, symbol=FRESH)
    shared = owner.call("put", f"/watchlists/{watchlist}/share").get_json()
    token, url = shared["share_token"], shared["share_url"]
    assert len(token) >= 43 and url.endswith(f"/api/v1/shared/watchlists/{token}")
    assert owner.call("put", f"/watchlists/{watchlist}/share").get_json() == shared  # the same link
    assert owner.call("get", f"/watchlists/{watchlist}").get_json()["share_url"] == url
    public = cmc.client("cmc").get(urlsplit(url).path)
    assert public.status_code == 200 and public.headers["Cache-Control"] == "public, no-cache"
    body = public.get_json()
    assert body["name"] == "Shared picks" and "id" not in body and "share_token" not in body
    assert [i["symbol"] for i in body["items"]] == ["ETH", FRESH]
    assert body["items"][1]["quote"]["price"] == stock_quotes[FRESH]
    assert cmc.client("cmc").get(urlsplit(url).path,
                                 headers={"If-None-Match": public.headers["ETag"]}).status_code == 304
    assert owner.call("delete", f"/watchlists/{watchlist}/share").status_code == 204
    gone = cmc.client("cmc").get(urlsplit(url).path)
    assert gone.status_code == 404 and "revoked" in gone.get_json()["message"]
    renewed = owner.call("put", f"/watchlists/{watchlist}/share").get_json()["share_token"]
    assert renewed != token and cmc.client("cmc").get(f"/api/v1/shared/watchlists/{renewed}").status_code == 200
    for bad in ("x", "a%00b", "é" * 10, "A" * 300):
        assert cmc.client("cmc").get(f"/api/v1/shared/watchlists/{bad}").status_code == 404, bad
