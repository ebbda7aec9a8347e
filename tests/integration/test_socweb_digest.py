"""The daily digest's chord through a real worker on the real broker and the Redis result backend:
a time zone's users in several ``send_digest`` batches (the chord's header keeps its results
although the platform ignores results otherwise), the callback marking the (zone, local day) done
with its counts, one digest per user, nothing on a repeated dispatch."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from axa.models.socweb import DigestDispatch, Notification, db
from axa.platform.celery_app import celery
from axa.tasks.socweb import notify
from tests.conftest import bearer, login, mails, register
from tests.integration.conftest import replica_versions, wait_until

TIMEOUT = 20.0  # generous: a loaded machine syncs and mails slower


def member(platform, name: str) -> dict:
    """Sign up on auth, wait for the user in socweb's replica, choose a username: the headers."""
    auth = platform["auth"].test_client(use_cookies=False)
    user_id = register(auth, email=f"{name}@example.com", name=name.title()).get_json()["id"]
    headers = bearer(login(auth, email=f"{name}@example.com").get_json()["session_id"])
    wait_until(lambda: user_id in replica_versions(platform, "socweb"), TIMEOUT, f"{name} synced to socweb")
    chosen = platform["socweb"].test_client().patch("/api/v1/profile", json={"username": name}, headers=headers)
    assert chosen.status_code == 200, chosen.get_json()
    return headers


def digest_mails() -> dict[str, int]:
    found: dict[str, int] = {}
    for m in mails():
        if m["X-AXA-Message-Id"].startswith("axa-socweb-digest-"):
            found[m["To"]] = found.get(m["To"], 0) + 1
    return found


def done(app) -> dict[str, tuple[int, int, int | None]]:
    """Each zone's dispatch done today: (users, batches, digests)."""
    with app.app_context():
        rows = {r.time_zone: (r.users, r.batches, r.digests) for r in db.session.scalars(
            select(DigestDispatch).where(DigestDispatch.done_at.is_not(None)))}
        db.session.remove()
    return rows


def test_a_chord_per_time_zone_through_the_worker(platform, monkeypatch):
    assert celery.conf.task_ignore_result is True  # the platform's default; the header opts out
    app = platform["socweb"]
    client = app.test_client(use_cookies=False)
    members = {name: member(platform, name) for name in ("ada", "bob", "cyd", "dan")}
    for name, zone in (("ada", "Pacific/Auckland"), ("bob", "Pacific/Auckland"), ("cyd", "America/Los_Angeles")):
        chosen = client.patch("/api/v1/notifications/preferences", json={"time_zone": zone},
                              headers=members[name])
        assert chosen.status_code == 200, chosen.get_json()
        assert client.post(f"/api/v1/subscriptions/{name}", headers=members["dan"]).status_code == 200

    def notified() -> int:
        with app.app_context():
            count = db.session.scalar(select(func.count()).select_from(Notification))
            db.session.remove()
        return count

    wait_until(lambda: notified() == 3, TIMEOUT, "three subscription notifications")
    monkeypatch.setenv("AXA_SOCWEB_DIGEST_HOUR", "0")  # every zone's hour has come
    monkeypatch.setattr(notify, "DIGEST_BATCH", 1)  # Auckland's two users: a group of two batches
    with app.app_context():
        assert notify.dispatch_digests() == 3
        db.session.remove()
    want = {"Pacific/Auckland": (2, 2, 2), "America/Los_Angeles": (1, 1, 1)}
    wait_until(lambda: {z: v for z, v in done(app).items() if z in want} == want, TIMEOUT,
               "both chords' callbacks")
    assert done(app)["UTC"] == (0, 0, 0)  # dan: nobody owed in UTC, done at once
    assert digest_mails() == {"ada@example.com": 1, "bob@example.com": 1, "cyd@example.com": 1}
    with app.app_context():
        assert notify.dispatch_digests() == 0  # every zone's local day is done
        local_days = {r.time_zone: r.day for r in db.session.scalars(select(DigestDispatch))}
        db.session.remove()
    now = datetime.now(UTC)
    for zone, day in local_days.items():
        assert day == now.astimezone(ZoneInfo(zone)).date()
    assert digest_mails() == {"ada@example.com": 1, "bob@example.com": 1, "cyd@example.com": 1}
