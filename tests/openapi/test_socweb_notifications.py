"""The socweb notification operations called on a user who has notifications of every type (the
generated requests mostly meet an empty inbox): each answers its success status and holds its
spec."""
from __future__ import annotations

import re

import pytest

from axa.tasks.socweb.mail import unsubscribe_token
from tests.conftest import bearer, login, register
from tests.openapi.checks import json_headers_conform, success_status_documented
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, success_status_documented]


def _signed_in(apps, socweb, name: str) -> dict:
    auth = apps["auth"].test_client(use_cookies=False)
    assert register(auth, email=f"{name}@example.com").status_code == 201
    headers = bearer(login(auth, email=f"{name}@example.com").get_json()["session_id"])
    assert socweb.patch("/api/v1/profile", json={"username": name}, headers=headers).status_code == 200
    return headers


@pytest.fixture(scope="module")
def inbox(callers):
    apps, socweb = callers.market.apps, callers.market.client("socweb")
    owner, other = _signed_in(apps, socweb, "notified"), _signed_in(apps, socweb, "notifier")
    post = socweb.post("/api/v1/posts", json={"title": "Spec", "body": "Hi @notifier"}, headers=owner).get_json()
    first = socweb.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "Mine"}, headers=owner).get_json()
    socweb.post(f"/api/v1/posts/{post['id']}/comments", headers=other,
                json={"body": "@notified yes", "in_reply_to_id": first["id"]})
    socweb.post(f"/api/v1/likes/{post['id']}", headers=other)
    socweb.post("/api/v1/subscriptions/notified", headers=other)
    listed = socweb.get("/api/v1/notifications", headers=owner).get_json()
    assert {n["type"] for n in listed} == {"reply", "like", "subscription"}, listed
    return {"headers": owner, "notification_id": listed[-1]["id"]}


def test_every_notification_operation_on_a_real_inbox_holds_its_spec(inbox):
    operations = [("GET /api/v1/notifications", 200, None), ("GET /api/v1/notifications/grouped", 200, None),
                  ("GET /api/v1/notifications/unread_count", 200, None),
                  ("POST /api/v1/notifications/read", 200, {"last_read_id": inbox["notification_id"]}),
                  ("GET /api/v1/notifications/preferences", 200, None),
                  ("PATCH /api/v1/notifications/preferences", 200, {"like": "none"}),
                  ("DELETE /api/v1/notifications/{notification_id}", 204, None)]
    for label, status, body in operations:
        method, path = label.split(" ", 1)
        parameters = {"notification_id": inbox["notification_id"]} if "{" in path else {}
        case = SPECS["socweb"][path][method].Case(path_parameters=parameters,
                                                  **({"body": body} if body is not None else {}))
        response = case.call_and_validate(headers=inbox["headers"], additional_checks=CHECKS)
        assert response.status_code == status, f"{label}: {response.text[:500]}"


def test_the_unsubscribe_link_holds_its_spec(inbox, callers):
    with callers.market.apps["socweb"].test_request_context():
        token = unsubscribe_token(1, "like")
    assert re.fullmatch(r"[A-Za-z0-9_.\-]+", token)
    operation = SPECS["socweb"]["/api/v1/notifications/unsubscribe"]["GET"]
    for query, status in (({"token": token}, 200), ({"token": "forged.token"}, 400)):
        response = operation.Case(query=query).call_and_validate(additional_checks=CHECKS)
        assert response.status_code == status, response.text[:500]
