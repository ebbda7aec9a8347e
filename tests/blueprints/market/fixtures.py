"""Shared set-up for the market-data API tests: fresh apps and databases, Celery eager, the
vendor sandbox on the real clock, a signed-in user and an admin. Package-scoped: each test
package fills its databases once (small runs, narrowed by params) and its tests only read.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from axa.platform.celery_app import celery
from axa.tasks.ingest import reset_vendor_clients
from ops.sandbox.synth.equities import equity_universe
from tests.conftest import PASSWORD, bearer, fresh_apps, login, register
from tests.tasks.ingest_helpers import point_clients_at


@dataclass
class Market:
    apps: dict
    sandbox: object
    sessions: dict = field(default_factory=dict)  # "user" / "admin" -> session id
    data: dict = field(default_factory=dict)  # what a package's fill stored, for its tests

    def client(self, sub: str):
        return self.apps[sub].test_client(use_cookies=False)

    def get(self, sub: str, path: str, who: str | None = "user", **kwargs):
        headers = bearer(self.sessions[who]) if who else {}
        return self.client(sub).get(path, headers=headers, **kwargs)

    def post(self, sub: str, path: str, who: str | None = "user", **kwargs):
        headers = bearer(self.sessions[who]) if who else {}
        return self.client(sub).post(path, headers=headers, **kwargs)

    def run(self, sub: str, dataset: str, params: dict | None = None) -> dict:
        """One eager run through the subsystem's ``<sub>.dispatch.start_run``; the finished run's row."""
        app = self.apps[sub]
        with app.app_context():
            controls = app.extensions["market"]
            run_id = controls.start_run(dataset, params, trigger="test")["run_id"]
            run = controls.run(run_id)
            controls.db.session.refresh(run)
            body = run.to_dict()
            controls.db.session.remove()
        assert body["status"] == "succeeded", body
        return body

    def scalars(self, sub: str, stmt) -> list:
        app = self.apps[sub]
        with app.app_context():
            db = app.extensions["sqlalchemy"]
            try:
                return list(db.session.scalars(stmt))
            finally:
                db.session.remove()


def _sign_in(market: Market) -> None:
    auth = market.apps["auth"]
    assert register(auth.test_client(), email="reader@example.com").status_code == 201
    market.sessions["user"] = login(market.client("auth"), email="reader@example.com").get_json()["session_id"]
    result = auth.test_cli_runner().invoke(args=["create-admin", "ops@example.com", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    market.sessions["admin"] = login(market.client("auth"), email="ops@example.com").get_json()["session_id"]


@pytest.fixture(scope="package")
def market(databases, sandbox_server):
    with pytest.MonkeyPatch.context() as patch:
        celery.conf.task_always_eager = celery.conf.task_eager_propagates = True
        point_clients_at(sandbox_server, patch, time.time())  # quotes dated now: fresh unless aged
        built = fresh_apps()
        market = Market(built, sandbox_server)
        try:
            _sign_in(market)
            yield market
        finally:
            celery.conf.task_always_eager = celery.conf.task_eager_propagates = False
            reset_vendor_clients()
            for app in built.values():
                with app.app_context():
                    app.extensions["sqlalchemy"].session.remove()
                    app.extensions["sqlalchemy"].engine.dispose()


def equity_symbols(market: Market, count: int) -> list[str]:
    """The first ``count`` symbols of the sandbox's equity universe."""
    seed = market.sandbox.app.extensions["sandbox"].config.seed
    return [e.symbol for e in equity_universe(seed).items[:count]]
