"""Set-up of the spec tests: the six apps with some market data, and who calls which operation.

Read-only operations are called by one signed-in reader (the admin for admin operations); an
operation that changes the caller's account or sessions (logout, password change, ending sessions,
resending the confirmation) gets its own user and a fresh session for every generated request, so
it never ends the session the others use; a user change by an admin never targets the platform's
own test users.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.blueprints.market.fixtures import Market, equity_symbols, market  # noqa: F401
from tests.blueprints.socweb.auth_server import served
from tests.conftest import bearer, login, register, set_settings
from tests.openapi.specs import SPECS
from tests.tasks.ingest_helpers import sandbox_server  # noqa: F401

OWN_USER = {"POST /api/v1/auth/logout", "POST /api/v1/auth/password/change", "POST /api/v1/auth/email/change",
            "POST /api/v1/auth/confirm/resend", "DELETE /api/v1/auth/sessions",
            "DELETE /api/v1/auth/sessions/{handle}"}
ADMIN_PATHS = ("/api/v1/admin", "/api/v1/auth/users")
USER_CHANGE = "PATCH /api/v1/auth/users/{user_id}"


class Callers:
    """The Authorization header for each generated request, by the operation it calls."""

    def __init__(self, market: Market) -> None:  # noqa: F811
        self.market = market
        self.auth = market.apps["auth"]
        self.emails = {label: f"own{number}@example.com" for number, label in enumerate(sorted(OWN_USER))}
        self.protected = {self._user_id(who) for who in ("user", "admin")}
        self.protected |= {self._register(email) for email in self.emails.values()}
        self.victim = self._register("victim@example.com")

    def _user_id(self, who: str) -> int:
        return self.market.get("auth", "/api/v1/auth/me", who).get_json()["id"]

    def _register(self, email: str) -> int:
        created = register(self.auth.test_client(use_cookies=False), email=email)
        assert created.status_code == 201, created.get_json()
        return created.get_json()["id"]

    def fresh_session(self, label: str) -> str:
        """A new session of the operation's own user."""
        signed_in = login(self.auth.test_client(use_cookies=False), email=self.emails[label])
        return signed_in.get_json()["session_id"]

    def headers_for(self, case) -> dict:
        label = case.operation.label
        if label in OWN_USER:
            return bearer(self.fresh_session(label))
        if label == USER_CHANGE and case.path_parameters.get("user_id") in self.protected:
            case.path_parameters["user_id"] = self.victim
        admin = case.operation.path.startswith(ADMIN_PATHS)
        return bearer(self.market.sessions["admin" if admin else "user"])


def _fill(market: Market) -> None:  # noqa: F811
    """A little of every dataset the read endpoints show: equities with quotes and a month of
    history, bonds with terms and prices, coins with quotes, history, info and global metrics."""
    symbols = equity_symbols(market, 8)
    today = datetime.now(UTC).date()
    market.run("stocks", "fmp.profiles", {"symbols": symbols})
    market.run("stocks", "fmp.quotes", {"symbols": symbols})
    market.run("stocks", "fmp.history", {"symbols": symbols[:2], "end": today.isoformat(),
                                         "start": (today - timedelta(days=30)).isoformat()})
    market.run("stocks", "cbonds.emissions", {"max_records": 12})
    market.run("stocks", "cbonds.tradings", {"max_records": 12})
    market.run("cmc", "cmc.listings", {"max_items": 20})
    market.run("cmc", "cmc.global")
    market.run("cmc", "cmc.info", {"ids": [1, 1027]})
    market.data["symbols"] = symbols


@pytest.fixture(scope="package")
def callers(market):  # noqa: F811
    """The callers, with the auth app served over HTTP for socweb's Conduit face (its register
    and login call the auth server's REST API)."""
    _fill(market)
    with served(market.apps["auth"]) as auth_url:
        set_settings(SPECS["socweb"].app, auth_url=auth_url)
        yield Callers(market)
