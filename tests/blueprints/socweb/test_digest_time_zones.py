"""The daily digest in each user's time zone, with a set clock: at the configured local hour, for
the user's local day, on both sides of UTC; the local-day boundary; no double digest on a repeated
dispatch or a lost chord callback; and the time zone preference's validation."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from kombu.exceptions import OperationalError
from sqlalchemy import select, update

from axa.models.socweb import DigestDispatch, NotificationDigest, db
from axa.models.socweb.digests import STALE
from axa.tasks.socweb import mail, notify
from tests.blueprints.socweb.test_notification_mail import mails, post_by

AUCKLAND, LOS_ANGELES = "Pacific/Auckland", "America/Los_Angeles"  # January: UTC+13 and UTC-8
JAN_14 = datetime(2026, 1, 14, tzinfo=UTC)


@pytest.fixture
def people(socweb, sign_up, monkeypatch):
    """ada in Auckland and bob in Los Angeles, each with a like of cyd's (no zone: UTC) to digest."""
    monkeypatch.setenv("AXA_SOCWEB_DIGEST_HOUR", "8")
    ada, bob, cyd = (sign_up(name, username=name.lower()) for name in ("Ada", "Bob", "Cyd"))
    for member, zone in ((ada, AUCKLAND), (bob, LOS_ANGELES)):
        chosen = socweb.patch("/api/v1/notifications/preferences", json={"time_zone": zone},
                              headers=member.headers)
        assert chosen.status_code == 200 and chosen.get_json()["time_zone"] == zone
        like(socweb, cyd, post_by(socweb, member, f"a post by {member.email}", title="First"))
    return ada, bob, cyd


def like(socweb, fan, post) -> None:
    assert socweb.post(f"/api/v1/likes/{post['id']}", headers=fan.headers).status_code == 200


def dispatch(app, moment: datetime) -> int:
    """Beat's tick at ``moment`` (the app's clock set to it)."""
    app.config["AXA_CLOCK"] = lambda: moment.timestamp()
    try:
        with app.app_context():
            sent = notify.dispatch_digests()
            db.session.remove()
    finally:
        del app.config["AXA_CLOCK"]
    return sent


def digest_days(app, user) -> list[date]:
    with app.app_context():
        days = list(db.session.scalars(select(NotificationDigest.day)
                                       .where(NotificationDigest.user_id == user.id).order_by("day")))
        db.session.remove()
    return days


def dispatches(app) -> dict[tuple[str, date], tuple[int, int | None, bool]]:
    with app.app_context():
        rows = {(r.time_zone, r.day): (r.users, r.digests, r.done_at is not None)
                for r in db.session.scalars(select(DigestDispatch))}
        db.session.remove()
    return rows


def test_each_user_gets_the_digest_at_their_local_hour_for_their_local_day(socweb, apps, people):
    ada, bob, cyd = people
    app = apps["socweb"]
    at = JAN_14.replace
    assert dispatch(app, at(hour=15, minute=59)) == 0  # Los Angeles 07:59; Auckland 04:59 on the 15th
    assert dispatch(app, at(hour=16)) == 1  # Los Angeles 08:00: bob
    assert (digest_days(app, bob), digest_days(app, ada)) == ([date(2026, 1, 14)], [])
    assert dispatch(app, at(hour=18, minute=59)) == 0  # Auckland 07:59
    assert dispatch(app, at(hour=19)) == 1  # Auckland 08:00 on the 15th: the previous UTC evening
    assert digest_days(app, ada) == [date(2026, 1, 15)]
    assert dispatch(app, at(hour=19, minute=15)) == 0
    assert [len(mails(to=m.email)) for m in (ada, bob, cyd)] == [1, 1, 0]
    text = mails(to=bob.email)[0].get_body(preferencelist=("plain",)).get_content()
    assert "@cyd liked your post “First”" in text
    assert dispatches(app) == {(LOS_ANGELES, date(2026, 1, 14)): (1, 1, True),
                               (AUCKLAND, date(2026, 1, 15)): (1, 1, True),
                               ("UTC", date(2026, 1, 14)): (0, 0, True)}  # nobody owed there


def test_the_local_day_boundary_on_both_sides_of_utc(socweb, apps, people):
    ada, bob, cyd = people
    app = apps["socweb"]
    assert dispatch(app, JAN_14.replace(hour=19)) == 2  # Auckland 08:00 on the 15th, LA 11:00 on the 14th
    assert digest_days(app, ada) == [date(2026, 1, 15)]
    assert digest_days(app, bob) == [date(2026, 1, 14)]
    for member in (ada, bob):
        like(socweb, cyd, post_by(socweb, member, "later", title="Second"))
    day_15 = JAN_14 + timedelta(days=1)
    assert dispatch(app, day_15.replace(hour=7, minute=59)) == 0  # LA 23:59 on the 14th: done
    assert dispatch(app, day_15.replace(hour=8)) == 0  # LA's 15th has begun, before its hour
    assert dispatch(app, day_15.replace(hour=10, minute=59)) == 0  # Auckland 23:59 on the 15th: done
    assert dispatch(app, day_15.replace(hour=11)) == 0  # Auckland's 16th, before its hour
    assert dispatch(app, day_15.replace(hour=16)) == 1  # LA 08:00 on the 15th
    assert dispatch(app, day_15.replace(hour=19)) == 1  # Auckland 08:00 on the 16th
    assert digest_days(app, ada) == [date(2026, 1, 15), date(2026, 1, 16)]
    assert digest_days(app, bob) == [date(2026, 1, 14), date(2026, 1, 15)]
    latest = mails(to=bob.email)[-1].get_body(preferencelist=("plain",)).get_content()
    assert "“Second”" in latest and "“First”" not in latest  # each notification in one digest


def test_a_repeated_or_redone_dispatch_sends_no_second_digest(socweb, apps, people):
    _, bob, cyd = people
    app = apps["socweb"]
    moment = JAN_14.replace(hour=16)  # Los Angeles 08:00; Auckland 05:00 on the 15th
    assert dispatch(app, moment) == 1
    assert dispatch(app, moment) == 0
    with app.app_context():  # a redelivered batch finds the digest sent
        assert mail.send_digest([bob.id], "2026-01-14") == {"sent": 0, "empty": 0, "skipped": 1}
        db.session.remove()
    like(socweb, cyd, post_by(socweb, bob, "more"))  # owed in tomorrow's digest, not a second today

    def lose_the_callback(dispatched_at: datetime) -> None:  # as if a batch never finished
        with app.app_context():
            db.session.execute(update(DigestDispatch).values(done_at=None, dispatched_at=dispatched_at))
            db.session.commit()
            db.session.remove()

    lose_the_callback(moment)
    assert dispatch(app, moment + STALE - timedelta(minutes=1)) == 0  # maybe still running: left alone
    assert not dispatches(app)[(LOS_ANGELES, date(2026, 1, 14))][2]
    assert dispatch(app, moment + STALE) == 0  # stale: derived again, bob's day already has its digest
    assert dispatches(app)[(LOS_ANGELES, date(2026, 1, 14))] == (1, 1, True)
    assert len(mails(to=bob.email)) == 1 and digest_days(app, bob) == [date(2026, 1, 14)]


def test_the_time_zone_preference_is_an_iana_name(socweb, sign_up):
    ada = sign_up("Ada", username="ada")
    got = socweb.get("/api/v1/notifications/preferences", headers=ada.headers).get_json()
    assert got["time_zone"] == "UTC"
    changed = socweb.patch("/api/v1/notifications/preferences", json={"time_zone": "Asia/Kolkata"},
                           headers=ada.headers)
    assert changed.status_code == 200 and changed.get_json()["time_zone"] == "Asia/Kolkata"
    kept = socweb.patch("/api/v1/notifications/preferences", json={"like": "none"}, headers=ada.headers)
    assert (kept.get_json()["time_zone"], kept.get_json()["like"]) == ("Asia/Kolkata", "none")
    for bad in ("Mars/Olympus_Mons", "../../etc/passwd", "/usr/share/zoneinfo/UTC", "", "localtime",
                "x" * 100, 5, None, "asia/tokyo"):
        refused = socweb.patch("/api/v1/notifications/preferences", json={"time_zone": bad},
                               headers=ada.headers)
        assert refused.status_code == 422, bad
        assert set(refused.get_json()["errors"]["json"]) == {"time_zone"}, bad
    final = socweb.get("/api/v1/notifications/preferences", headers=ada.headers).get_json()
    assert final["time_zone"] == "Asia/Kolkata"


def test_a_broker_down_at_the_hour_is_caught_up_at_the_next_tick(socweb, apps, people, monkeypatch):
    _, bob, _ = people
    app = apps["socweb"]
    moment = JAN_14.replace(hour=16)  # Los Angeles 08:00

    def broker_down(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(notify, "chord", broker_down)
        with pytest.raises(OperationalError):
            dispatch(app, moment)
    assert digest_days(app, bob) == [] and mails(to=bob.email) == []
    assert dispatch(app, moment + timedelta(minutes=15)) == 1  # the next tick, not an hour later
    assert digest_days(app, bob) == [date(2026, 1, 14)] and len(mails(to=bob.email)) == 1
