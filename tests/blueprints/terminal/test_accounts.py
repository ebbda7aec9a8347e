"""Paper accounts on the terminal: several per user, named, with starting cash, type and fill model;
the account view in Alpaca's shape with money as strings; reset, clone, close; limits, Idempotency-Key,
owner-only access, and the activities paged newest first."""
from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal

import pytest

from axa.models.terminal import Account, Activity, db
from tests.conftest import bearer, login, register, set_settings

emails = itertools.count()
MONEY = ("starting_cash", "cash", "equity", "last_equity", "long_market_value", "short_market_value",
         "buying_power", "regt_buying_power", "non_marginable_buying_power", "multiplier")


class Trader:
    def __init__(self, apps):
        self.apps = apps
        email = f"trader{next(emails)}@example.com"
        auth = apps["auth"].test_client(use_cookies=False)
        assert register(auth, email=email).status_code == 201
        self.headers = bearer(login(auth, email=email).get_json()["session_id"])

    def call(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        client = self.apps["terminal"].test_client(use_cookies=False)
        return getattr(client, method)(f"/api/v1{path}", headers=headers, **kwargs)

    def open(self, **body) -> dict:
        created = self.call("post", "/accounts", json={"name": "Main", **body})
        assert created.status_code == 201, created.get_json()
        return created.get_json()


@pytest.fixture
def trader(apps):
    return Trader(apps)


@contextmanager
def settings(apps, **changes):
    app = apps["terminal"]
    before = app.config["AXA"]
    set_settings(app, **changes)
    try:
        yield
    finally:
        app.config["AXA"] = before


def test_a_new_account_holds_the_default_starting_cash_as_alpacas_account_object(trader):
    body = trader.open(name="  Main  ")
    assert (body["name"], body["status"], body["currency"], body["account_type"], body["fill_model"]) == (
        "Main", "ACTIVE", "USD", "cash", "alpaca")
    assert {name: body[name] for name in MONEY} == {
        "starting_cash": "100000.00", "cash": "100000.00", "equity": "100000.00",
        "last_equity": "100000.00", "long_market_value": "0.00", "short_market_value": "0.00",
        "buying_power": "100000.00", "regt_buying_power": "100000.00",
        "non_marginable_buying_power": "100000.00", "multiplier": "1"}
    assert (body["daytrade_count"], body["pattern_day_trader"], body["shorting_enabled"]) == (0, False, False)
    assert body["created_at"].endswith("Z") and body["reset_at"] is None and body["cloned_from"] is None
    assert trader.call("get", f"/accounts/{body['id']}").get_json() == body


def test_settings_sent_are_kept_and_a_margin_account_buys_twice_its_equity(apps, trader):
    body = trader.open(name="Margin", currency="eur", starting_cash="2500.5", account_type="margin",
                       fill_model="realistic")
    assert (body["currency"], body["account_type"], body["fill_model"]) == ("EUR", "margin", "realistic")
    assert (body["cash"], body["equity"], body["buying_power"], body["multiplier"]) == (
        "2500.50", "2500.50", "5001.00", "2")
    assert body["non_marginable_buying_power"] == "2500.50" and body["shorting_enabled"] is True
    with settings(apps, terminal_starting_cash=25000):
        assert trader.open(name="Small")["cash"] == "25000.00"


@pytest.mark.parametrize("bad", [
    {"name": ""}, {"name": "   "}, {"name": "x" * 101}, {"name": "tab\there"}, {"name": "\udc80"},
    {"name": 5}, {"starting_cash": "0"}, {"starting_cash": "-5"}, {"starting_cash": "1.005"},
    {"starting_cash": "NaN"}, {"starting_cash": "1000000000000.01"}, {"currency": "US"},
    {"currency": "U$D"}, {"account_type": "cfd"}, {"fill_model": "magic"}, {"clone_of": 0},
])
def test_bad_creates_are_422_naming_the_field(trader, bad):
    body = {"name": "Fine", **bad}
    response = trader.call("post", "/accounts", json=body)
    assert response.status_code == 422, response.get_json()
    assert set(bad) <= set(response.get_json()["errors"]["json"]), response.get_json()


def test_names_are_unique_among_a_users_open_accounts(apps, trader):
    first = trader.open(name="Main")
    taken = trader.call("post", "/accounts", json={"name": "Main"})
    assert taken.status_code == 409 and taken.get_json()["reason"] == "duplicate_name"
    assert "already" in taken.get_json()["message"]
    assert Trader(apps).open(name="Main")  # another user's name is free
    second = trader.open(name="Other")
    renamed = trader.call("patch", f"/accounts/{second['id']}", json={"name": " Main "})
    assert renamed.status_code == 409 and renamed.get_json()["reason"] == "duplicate_name"
    assert trader.call("delete", f"/accounts/{first['id']}").status_code == 204
    assert trader.call("patch", f"/accounts/{second['id']}", json={"name": "Main"}).get_json()["name"] == "Main"


def test_patch_renames_and_changes_the_fill_model_only(trader):
    account = trader.open()
    changed = trader.call("patch", f"/accounts/{account['id']}", json={"name": "Swing", "fill_model": "realistic"})
    assert changed.status_code == 200
    assert (changed.get_json()["name"], changed.get_json()["fill_model"]) == ("Swing", "realistic")
    assert trader.call("patch", f"/accounts/{account['id']}", json={}).get_json()["name"] == "Swing"
    refused = trader.call("patch", f"/accounts/{account['id']}", json={"account_type": "margin"})
    assert refused.status_code == 422 and "account_type" in refused.get_json()["errors"]["json"]


def test_closing_an_account_takes_it_out_of_the_api(trader):
    account = trader.open()
    assert trader.call("delete", f"/accounts/{account['id']}").status_code == 204
    for method, path in (("get", ""), ("patch", ""), ("delete", ""), ("post", "/reset"), ("get", "/activities")):
        response = trader.call(method, f"/accounts/{account['id']}{path}", json={} if method == "patch" else None)
        assert response.status_code == 404 and response.get_json()["message"], (method, path)
    assert trader.call("get", "/accounts").get_json() == []


def test_only_the_owner_sees_an_account(apps, trader):
    account = trader.open()
    other = Trader(apps)
    for method, path, sent in (("get", "", None), ("patch", "", {"name": "x"}), ("delete", "", None),
                               ("post", "/reset", None), ("get", "/activities", None)):
        response = other.call(method, f"/accounts/{account['id']}{path}", json=sent)
        assert response.status_code == 404, (method, path)
    assert other.call("get", "/accounts").get_json() == []
    cloned = other.call("post", "/accounts", json={"name": "Mine", "clone_of": account["id"]})
    assert cloned.status_code == 422 and "clone_of" in cloned.get_json()["errors"]["json"]
    anonymous = apps["terminal"].test_client(use_cookies=False)
    assert anonymous.get("/api/v1/accounts").status_code == 401
    assert anonymous.get(f"/api/v1/accounts/{account['id']}").status_code == 401
    assert trader.call("get", f"/accounts/{account['id']}").status_code == 200


def test_reset_puts_back_the_starting_cash_and_records_it(apps, trader):
    account = trader.open(starting_cash="5000")
    with apps["terminal"].app_context():  # spend some cash as two day trades would
        row = db.session.get(Account, account["id"])
        row.cash -= 1234
        for _ in range(2):
            activity = Activity.record(row.id, Activity.FILL, Decimal(-617), row.cash, "A day trade")
            activity.day_trade = True
        db.session.commit()
    spent = trader.call("get", f"/accounts/{account['id']}").get_json()
    assert (spent["cash"], spent["equity"], spent["daytrade_count"]) == ("3766.00", "3766.00", 2)
    reset = trader.call("post", f"/accounts/{account['id']}/reset")
    assert reset.status_code == 200
    body = reset.get_json()
    assert (body["cash"], body["equity"], body["last_equity"], body["daytrade_count"]) == (
        "5000.00", "5000.00", "5000.00", 0)
    assert body["reset_at"].endswith("Z") and body["id"] == account["id"]
    activities = trader.call("get", f"/accounts/{account['id']}/activities").get_json()
    assert [(a["activity_type"], a["net_amount"], a["cash_after"]) for a in activities] == [
        ("RESET", "1234.00", "5000.00"), ("FILL", "-617.00", "3766.00"), ("FILL", "-617.00", "3766.00"),
        ("CSD", "5000.00", "5000.00")]


def test_a_clone_copies_the_settings_with_a_fresh_state(apps, trader):
    source = trader.open(name="Source", starting_cash="777.77", account_type="margin", fill_model="realistic",
                         currency="GBP")
    with apps["terminal"].app_context():
        db.session.get(Account, source["id"]).cash = 1
        db.session.commit()
    clone = trader.open(name="Clone", clone_of=source["id"])
    assert {k: clone[k] for k in ("currency", "starting_cash", "account_type", "fill_model", "cloned_from")} == {
        "currency": "GBP", "starting_cash": "777.77", "account_type": "margin", "fill_model": "realistic",
        "cloned_from": source["id"]}
    assert (clone["cash"], clone["equity"], clone["buying_power"]) == ("777.77", "777.77", "1555.54")
    assert clone["id"] != source["id"]
    mixed = trader.call("post", "/accounts", json={"name": "Both", "clone_of": source["id"], "starting_cash": "5"})
    assert mixed.status_code == 422 and "starting_cash" in mixed.get_json()["errors"]["json"]
    missing = trader.call("post", "/accounts", json={"name": "Ghost", "clone_of": 2**62})
    assert missing.status_code == 422 and "clone_of" in missing.get_json()["errors"]["json"]


def test_the_per_user_limit_counts_open_accounts(apps, trader):
    with settings(apps, terminal_accounts_max=2):
        first = trader.open(name="A")
        trader.open(name="B")
        over = trader.call("post", "/accounts", json={"name": "C"})
        assert over.status_code == 409 and over.get_json()["reason"] == "account_limit"
        assert "2" in over.get_json()["message"]
        assert Trader(apps).open(name="C")  # the limit is per user
        assert trader.call("delete", f"/accounts/{first['id']}").status_code == 204
        assert trader.open(name="C")["name"] == "C"


def test_concurrent_creates_keep_the_limit_and_the_names_exact(apps, trader):
    with settings(apps, terminal_accounts_max=3), ThreadPoolExecutor(8) as pool:
        names = [f"N{n}" for n in range(6)] + ["Same", "Same"]
        statuses = list(pool.map(lambda name: trader.call("post", "/accounts", json={"name": name}).status_code,
                                 names))
    assert statuses.count(201) == 3 and statuses.count(409) == 5, statuses
    listed = [a["name"] for a in trader.call("get", "/accounts").get_json()]
    assert len(listed) == len(set(listed)) == 3


def test_an_idempotency_key_opens_one_account(trader):
    key = {"Idempotency-Key": "open-main-1"}
    first = trader.call("post", "/accounts", json={"name": "Main"}, headers=key)
    again = trader.call("post", "/accounts", json={"name": "Main"}, headers=key)
    assert first.status_code == again.status_code == 201 and first.get_json() == again.get_json()
    other = trader.call("post", "/accounts", json={"name": "Else"}, headers=key)
    assert other.status_code == 422
    assert len(trader.call("get", "/accounts").get_json()) == 1
    reset_key = {"Idempotency-Key": "reset-1"}
    path = f"/accounts/{first.get_json()['id']}/reset"
    assert trader.call("post", path, headers=reset_key).get_json() == trader.call(
        "post", path, headers=reset_key).get_json()
    activities = trader.call("get", f"/accounts/{first.get_json()['id']}/activities").get_json()
    assert [a["activity_type"] for a in activities] == ["RESET", "CSD"]


def test_lists_page_newest_first_by_keyset(apps, trader):
    with settings(apps, terminal_accounts_max=50):
        ids = [trader.open(name=f"A{n}")["id"] for n in range(5)]
    first = trader.call("get", "/accounts?limit=2")
    assert [a["id"] for a in first.get_json()] == ids[:-3:-1]
    assert 'rel="next"' in first.headers["Link"]
    older = trader.call("get", f"/accounts?limit=2&max_id={ids[3]}").get_json()
    assert [a["id"] for a in older] == [ids[2], ids[1]]
    last = trader.call("get", f"/accounts?limit=2&max_id={ids[1]}")
    assert [a["id"] for a in last.get_json()] == [ids[0]] and 'rel="next"' not in last.headers["Link"]
    account = ids[0]
    for _ in range(4):
        assert trader.call("post", f"/accounts/{account}/reset").status_code == 200
    page = trader.call("get", f"/accounts/{account}/activities?limit=3")
    kinds = [a["activity_type"] for a in page.get_json()]
    assert kinds == ["RESET"] * 3 and 'rel="next"' in page.headers["Link"]
    rest = trader.call("get", f"/accounts/{account}/activities?limit=3&max_id={page.get_json()[-1]['id']}")
    assert [a["activity_type"] for a in rest.get_json()] == ["RESET", "CSD"]
    assert 'rel="next"' not in rest.headers["Link"]
