"""Notification mail: per-type preferences, instant mails (once, escaped), the daily digest
(once per user and day) and the unsubscribe link that works without signing in."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from axa.models.socweb import Notification, db
from axa.tasks.socweb import mail, notify
from tests.conftest import mails as all_mails
from tests.conftest import set_settings


@pytest.fixture
def pair(sign_up):
    return sign_up("Ada", username="ada"), sign_up("Bob", username="bob")


def mails(to: str) -> list:
    """The social web's mails to an address (auth's own mails left out)."""
    return [m for m in all_mails(to) if m["X-AXA-Message-Id"].startswith("axa-socweb-")]


def token_from(sent) -> str:
    return re.search(r"token=([A-Za-z0-9_.\-]+)", sent.get_body(preferencelist=("plain",)).get_content()).group(1)


def post_by(socweb, member, body, **fields) -> dict:
    made = socweb.post("/api/v1/posts", json={"body": body, **fields}, headers=member.headers)
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_preferences_have_defaults_and_change_per_type(socweb, pair):
    ada, _ = pair
    got = socweb.get("/api/v1/notifications/preferences", headers=ada.headers)
    assert got.get_json() == {"subscription": "digest", "like": "digest", "comment": "instant",
                              "mention": "instant", "reply": "instant", "time_zone": "UTC"}
    changed = socweb.patch("/api/v1/notifications/preferences", json={"like": "instant", "reply": "none"},
                           headers=ada.headers)
    assert changed.status_code == 200
    assert (changed.get_json()["like"], changed.get_json()["reply"], changed.get_json()["comment"]) == (
        "instant", "none", "instant")
    bad = socweb.patch("/api/v1/notifications/preferences", json={"like": "hourly"}, headers=ada.headers)
    assert bad.status_code == 422


def test_a_mention_is_mailed_at_once_escaped_and_only_once(socweb, pair, apps):
    ada, bob = pair
    post_by(socweb, ada, "<b>hey</b> @bob", title="<script>x</script>")
    [sent] = mails(to=bob.email)
    assert sent["Subject"] == "@ada mentioned you in “<script>x</script>”"
    html = sent.get_body(preferencelist=("html",)).get_content()
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    text = sent.get_body(preferencelist=("plain",)).get_content()
    assert "/api/v1/notifications/unsubscribe?token=" in text
    with apps["socweb"].app_context():
        note = db.session.scalar(select(Notification.id))
        assert mail.send_notifications([note]) == 0  # the ledger: a redelivery sends nothing
        db.session.remove()
    assert len(mails(to=bob.email)) == 1
    assert mails(to=ada.email) == []


def test_likes_wait_for_the_digest_and_none_sends_nothing(socweb, pair, sign_up):
    ada, bob = pair
    cyd = sign_up("Cyd", username="cyd")
    post = post_by(socweb, ada, "a post")
    socweb.post(f"/api/v1/likes/{post['id']}", headers=bob.headers)
    socweb.patch("/api/v1/notifications/preferences", json={"comment": "none"}, headers=ada.headers)
    socweb.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "hi"}, headers=cyd.headers)
    assert mails(to=ada.email) == []


def test_the_daily_digest_goes_once_per_day_with_its_unsubscribe_links(socweb, pair, sign_up, apps,
                                                                       monkeypatch):
    ada, bob = pair
    cyd = sign_up("Cyd", username="cyd")
    post = post_by(socweb, ada, "a post", title="Mine")
    for fan in (bob, cyd):
        socweb.post(f"/api/v1/likes/{post['id']}", headers=fan.headers)
    socweb.post("/api/v1/subscriptions/ada", headers=bob.headers)
    monkeypatch.setenv("AXA_SOCWEB_DIGEST_HOUR", str(datetime.now(UTC).hour))
    with apps["socweb"].app_context():
        assert notify.dispatch_digests() == 1
        assert notify.dispatch_digests() == 0  # sent today
        assert mail.digest_for(ada.id, datetime.now(UTC).date().isoformat()) == "skipped"
        db.session.remove()
    [digest] = mails(to=ada.email)
    text = digest.get_body(preferencelist=("plain",)).get_content()
    assert "@bob liked your post “Mine”" in text and "@cyd liked your post “Mine”" in text
    assert "@bob subscribed to you" in text
    assert text.count("unsubscribe?token=") == 2  # like and subscription


def test_the_digest_waits_for_its_hour(socweb, pair, apps, monkeypatch):
    _, bob = pair
    socweb.post("/api/v1/subscriptions/ada", headers=bob.headers)
    hour = datetime.now(UTC).hour
    if hour == 23:
        pytest.skip("no later hour today")
    monkeypatch.setenv("AXA_SOCWEB_DIGEST_HOUR", str(hour + 1))
    with apps["socweb"].app_context():
        assert notify.dispatch_digests() == 0
        db.session.remove()


def test_the_unsubscribe_link_works_signed_out_and_a_bad_token_is_400(socweb, pair):
    ada, bob = pair
    post_by(socweb, ada, "hello @bob")
    token = token_from(mails(to=bob.email)[0])
    done = socweb.get("/api/v1/notifications/unsubscribe", query_string={"token": token})
    assert done.status_code == 200 and done.get_json() == {"type": "mention", "mode": "none"}
    prefs = socweb.get("/api/v1/notifications/preferences", headers=bob.headers).get_json()
    assert prefs["mention"] == "none"
    post_by(socweb, ada, "again @bob")
    assert len(mails(to=bob.email)) == 1
    assert len(socweb.get("/api/v1/notifications", headers=bob.headers).get_json()) == 2  # still notified
    for bad in (token[:-2] + "xx", "nonsense", token.replace(".", "")):
        refused = socweb.get("/api/v1/notifications/unsubscribe", query_string={"token": bad})
        assert refused.status_code == 400 and refused.get_json()["code"] == 400


def test_a_body_over_several_lines_makes_a_one_line_subject(socweb, pair):
    ada, bob = pair
    post_by(socweb, ada, "Two\r\nlines @bob")  # no title: the subject quotes the body's start
    [sent] = mails(to=bob.email)
    assert sent["Subject"] == "@ada mentioned you in “Two lines @bob”"


def test_instant_and_digest_mail_through_a_real_smtp_server(socweb, pair, apps, smtp, monkeypatch):
    ada, bob = pair
    set_settings(apps["socweb"], mail_url=smtp.url)
    post = post_by(socweb, ada, "hello @bob", title="Mine")
    socweb.post(f"/api/v1/likes/{post['id']}", headers=bob.headers)
    [mention] = smtp.messages
    assert (mention["To"], mention["Subject"]) == (bob.email, "@ada mentioned you in “Mine”")
    assert [e.rcpt_tos for e in smtp.envelopes] == [[bob.email]]
    monkeypatch.setenv("AXA_SOCWEB_DIGEST_HOUR", "0")
    with apps["socweb"].app_context():
        assert notify.dispatch_digests() == 1
        db.session.remove()
    digest = smtp.messages[-1]
    assert digest["To"] == ada.email and "@bob liked your post “Mine”" in digest.get_body(
        preferencelist=("plain",)).get_content()
    assert mails(to=bob.email) == [] and mails(to=ada.email) == []  # nothing in the folder


def test_a_temporary_smtp_failure_is_retried_and_a_permanent_one_is_not(socweb, pair, apps, smtp):
    ada, _ = pair
    set_settings(apps["socweb"], mail_url=smtp.url)
    smtp.reject_permanently = True
    post_by(socweb, ada, "hello @bob")
    assert smtp.messages == []
    with apps["socweb"].app_context():
        note = db.session.scalar(select(Notification.id))
        smtp.reject_permanently, smtp.fail_next = False, 1
        with pytest.raises(mail.TransientMailError):
            mail.send_instant(note)
        assert mail.send_instant(note) == "sent"
        assert mail.send_instant(note) == "skipped"
        db.session.remove()
    assert len(smtp.messages) == 1
