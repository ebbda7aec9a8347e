"""User sync, run eagerly: registration and admin changes reach every replica, versions only go
forward, reconciliation repairs drift, the sweep publishes what a request could not."""
import importlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import OperationalError

from axa.models.auth import OutboxEntry, User, db
from axa.platform.auth_hook import session_store
from axa.platform.config import REPLICA_SUBSYSTEMS
from axa.tasks.auth.sync import reconcile_users, relay_after_commit, relay_outbox
from tests.conftest import PASSWORD, bearer, login, register


def replica(sub):
    return importlib.import_module(f"axa.models.{sub}")


def replica_rows(apps, sub) -> dict[int, tuple]:
    module = replica(sub)
    with apps[sub].app_context():
        rows = module.db.session.execute(select(module.User.id, module.User.email, module.User.status,
                                                module.User.version)).all()
    return {row.id: tuple(row[1:]) for row in rows}


def snapshot(version, **changes):
    return {"id": 7, "email": f"v{version}@example.com", "display_name": f"V{version}",
            "status": "active", "roles": [], "version": version, **changes}


def create_admin(auth_app, email="root@example.com"):
    result = auth_app.test_cli_runner().invoke(args=["create-admin", email, "--password", PASSWORD])
    assert result.exit_code == 0, result.output


def test_registration_reaches_every_replica_me(clients):
    assert register(clients["auth"]).status_code == 201
    sid = login(clients["auth"]).get_json()["session_id"]
    for sub in REPLICA_SUBSYSTEMS:
        response = clients[sub].get("/api/v1/me", headers=bearer(sid))
        assert response.status_code == 200, sub
        body = response.get_json()
        assert (body["email"], body["display_name"], body["status"], body["version"]) == \
            ("ada@example.com", "Ada", "active", 1)


@pytest.mark.parametrize("sub", REPLICA_SUBSYSTEMS)
def test_an_older_snapshot_never_overwrites_a_newer_one(apps, sub):
    module = replica(sub)
    with apps[sub].app_context():
        assert module.User.apply_snapshots([snapshot(3, status="disabled")]) == 1
        assert module.User.apply_snapshots([snapshot(2)]) == 0
        assert module.User.apply_snapshots([snapshot(3, email="same@example.com")]) == 0
        # one batch holding both: the newest wins whatever the order
        assert module.User.apply_snapshots([snapshot(5), snapshot(4, email="x@example.com")]) == 1
    assert replica_rows(apps, sub) == {7: ("v5@example.com", "active", 5)}
    with apps[sub].app_context():
        module.User.apply_snapshots([snapshot(4)])
    assert replica_rows(apps, sub)[7][2] == 5


def test_admin_disable_reaches_every_replica_and_locks_the_user_out(apps, clients):
    create_admin(apps["auth"])
    assert register(clients["auth"]).status_code == 201
    user_sid = login(clients["auth"]).get_json()["session_id"]
    admin_sid = login(apps["auth"].test_client(), email="root@example.com").get_json()["session_id"]
    user_id = clients["auth"].get("/api/v1/auth/me", headers=bearer(user_sid)).get_json()["id"]
    response = clients["auth"].patch(f"/api/v1/auth/users/{user_id}", json={"status": "disabled"},
                                     headers=bearer(admin_sid))
    assert response.status_code == 200 and response.get_json()["version"] == 2
    with apps["auth"].app_context():  # a session that outlived the disable: the replica refuses it
        late_sid, _ = session_store().create(user_id, "127.0.0.1", "test")
    for sub in REPLICA_SUBSYSTEMS:
        assert replica_rows(apps, sub)[user_id] == ("ada@example.com", "disabled", 2), sub
        for sid in (user_sid, late_sid):
            assert clients[sub].get("/api/v1/me", headers=bearer(sid)).status_code == 401, sub
        assert clients[sub].get("/api/v1/me", headers=bearer(admin_sid)).status_code == 200, sub


def test_reconcile_repairs_a_deleted_and_a_stale_replica_row(apps, clients):
    for email in ("ada@example.com", "bob@example.com"):
        assert register(clients["auth"], email=email).status_code == 201
    cmc, stocks = replica("cmc"), replica("stocks")
    with apps["cmc"].app_context():
        cmc.db.session.execute(delete(cmc.User).where(cmc.User.id == 1))
        cmc.db.session.commit()
    with apps["stocks"].app_context():
        stocks.db.session.execute(update(stocks.User).where(stocks.User.id == 2)
                                  .values(email="stale@example.com", status="disabled", version=0))
        stocks.db.session.commit()
    assert 1 not in replica_rows(apps, "cmc")
    assert replica_rows(apps, "stocks")[2] == ("stale@example.com", "disabled", 0)
    with apps["auth"].app_context():
        assert reconcile_users.delay().get() == 2
    expected = {1: ("ada@example.com", "active", 1), 2: ("bob@example.com", "active", 1)}
    for sub in REPLICA_SUBSYSTEMS:
        assert replica_rows(apps, sub) == expected, sub


def _unrelayed_rename(auth_app, user_id: int, name: str, age: timedelta) -> int:
    """A change whose request died between commit and publish: its outbox row is still pending."""
    with auth_app.app_context():
        user = db.session.get(User, user_id)
        user.display_name = name
        entry = OutboxEntry.user_changed(user)
        db.session.flush()
        entry.created_at = datetime.now(UTC) - age
        db.session.commit()
        return entry.id


def test_relay_sweep_publishes_rows_left_unpublished(apps, clients):
    assert register(clients["auth"]).status_code == 201
    old = _unrelayed_rename(apps["auth"], 1, "Ada Old", timedelta(minutes=1))
    fresh = _unrelayed_rename(apps["auth"], 1, "Ada New", timedelta(0))
    with apps["auth"].app_context():
        assert relay_outbox.delay().get() == 1  # a row younger than the grace is the request's
        published = dict(db.session.execute(select(OutboxEntry.id, OutboxEntry.published_at)).all())
    assert published[old] is not None and published[fresh] is None
    for sub in REPLICA_SUBSYSTEMS:
        assert replica_rows(apps, sub)[1][2] == 2, sub
        with apps[sub].app_context():
            assert replica(sub).db.session.get(replica(sub).User, 1).display_name == "Ada Old"
    with apps["auth"].app_context():
        db.session.execute(update(OutboxEntry).where(OutboxEntry.id == fresh)
                           .values(created_at=datetime.now(UTC) - timedelta(minutes=1)))
        db.session.commit()
        assert relay_outbox.delay().get() == 1
        assert relay_outbox.delay().get() == 0
    for sub in REPLICA_SUBSYSTEMS:
        with apps[sub].app_context():
            row = replica(sub).db.session.get(replica(sub).User, 1)
            assert (row.display_name, row.version) == ("Ada New", 3), sub


def test_replica_upsert_retries_a_transient_database_error(apps, monkeypatch):
    from axa.tasks.cmc.sync import upsert_users
    cmc = replica("cmc")
    apply_snapshots = cmc.User.apply_snapshots.__func__
    calls = []

    def flaky(cls, snapshots):
        calls.append(len(snapshots))
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, ConnectionError("server closed the connection"))
        return apply_snapshots(cls, snapshots)

    monkeypatch.setattr(cmc.User, "apply_snapshots", classmethod(flaky))
    assert upsert_users.apply(args=([snapshot(1)],), throw=False).get() == 1  # eager retry: at once
    assert calls == [1, 1]
    assert replica_rows(apps, "cmc") == {7: ("v1@example.com", "active", 1)}


def test_concurrent_changes_of_one_user_get_distinct_versions(apps, clients):
    """Two transactions change the same user; the later commit must not reuse the version, or
    replicas would keep whichever snapshot came first, and reconciliation could not tell."""
    assert register(clients["auth"]).status_code == 201
    with apps["auth"].app_context():
        first = db.session.get(User, 1)
        first.status = "disabled"
        with apps["auth"].app_context():  # a second request, its own session and transaction
            second = db.session.get(User, 1)
            second.display_name = "Ada Renamed"
            renamed = OutboxEntry.user_changed(second)
            db.session.commit()
            renamed_id = renamed.id
        disabled = OutboxEntry.user_changed(first)
        db.session.commit()
        assert disabled.payload["version"] == 3 and renamed.payload["version"] == 2
        assert (disabled.payload["display_name"], disabled.payload["status"]) == ("Ada Renamed",
                                                                                  "disabled")
        relay_after_commit([disabled.id])  # the newer one happens to reach the broker first
        relay_after_commit([renamed_id])
    for sub in REPLICA_SUBSYSTEMS:
        with apps[sub].app_context():
            row = replica(sub).db.session.get(replica(sub).User, 1)
            assert (row.display_name, row.status, row.version) == ("Ada Renamed", "disabled", 3), sub


def test_the_sweep_prunes_rows_published_before_the_retention(apps, clients):
    """A sent mail leaves no outbox row; other published rows go once older than the retention."""
    from axa.tasks.auth.sync import OUTBOX_RETENTION
    assert register(clients["auth"]).status_code == 201  # a user row and a mail row, relayed at once
    with apps["auth"].app_context():
        assert db.session.scalars(select(OutboxEntry.topic)).all() == ["user"]
        db.session.execute(update(OutboxEntry).values(
            published_at=datetime.now(UTC) - OUTBOX_RETENTION - timedelta(seconds=1)))
        db.session.commit()
    waiting = _unrelayed_rename(apps["auth"], 1, "Ada Later", timedelta(minutes=1))
    with apps["auth"].app_context():
        assert relay_outbox.delay().get() == 1
        assert db.session.scalars(select(OutboxEntry.id)).all() == [waiting]  # published just now: kept
