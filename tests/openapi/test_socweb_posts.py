"""The socweb post, comment, like and favorite operations that take ids, called on resources that
exist (generated ids rarely do): each answers its success status and holds its spec. They run as a
writer of their own, so the limits the generated requests used up do not apply."""
from __future__ import annotations

import pytest

from tests.conftest import bearer, login, register
from tests.openapi.checks import json_headers_conform, success_status_documented
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, success_status_documented]
OPERATIONS = [  # in order: the last ones delete what the first ones read
    ("GET /api/v1/posts/{post_id}", 200, None),
    ("PATCH /api/v1/posts/{post_id}", 200, {"title": "Edited", "tags": ["spec"], "visibility": "subscribers"}),
    ("GET /api/v1/posts/{post_id}/history", 200, None),
    ("POST /api/v1/posts/{post_id}/comments", 201, {"body": "A reply", "in_reply_to_id": None}),
    ("GET /api/v1/posts/{post_id}/comments", 200, None),
    ("POST /api/v1/likes/{post_id}", 200, None),
    ("GET /api/v1/likes", 200, None),
    ("DELETE /api/v1/likes/{post_id}", 200, None),
    ("POST /api/v1/favorites/{post_id}", 200, None),
    ("GET /api/v1/favorites", 200, None),
    ("DELETE /api/v1/favorites/{post_id}", 200, None),
    ("GET /api/v1/tags", 200, None),
    ("DELETE /api/v1/posts/{post_id}/comments/{comment_id}", 204, None),
    ("DELETE /api/v1/posts/{post_id}", 204, None),
]


@pytest.fixture(scope="module")
def writer(callers):
    auth = callers.market.apps["auth"].test_client(use_cookies=False)
    assert register(auth, email="writer@example.com").status_code == 201
    headers = bearer(login(auth, email="writer@example.com").get_json()["session_id"])
    socweb = callers.market.client("socweb")
    post = socweb.post("/api/v1/posts", json={"title": "Spec", "body": "Checked #openapi"}, headers=headers)
    assert post.status_code == 201, post.get_json()
    comment = socweb.post(f"/api/v1/posts/{post.get_json()['id']}/comments", json={"body": "First"},
                          headers=headers)
    return {"headers": headers, "post_id": post.get_json()["id"], "comment_id": comment.get_json()["id"]}


def test_every_post_operation_on_a_real_post_holds_its_spec(writer):
    for label, status, body in OPERATIONS:
        method, path = label.split(" ", 1)
        parameters = {name: writer[name] for name in ("post_id", "comment_id") if f"{{{name}}}" in path}
        case = SPECS["socweb"][path][method].Case(path_parameters=parameters,
                                                  **({"body": body} if body is not None else {}))
        response = case.call_and_validate(headers=writer["headers"], additional_checks=CHECKS)
        assert response.status_code == status, f"{label}: {response.text[:500]}"
        if method == "GET" and path != "/api/v1/tags":
            assert response.json(), f"{label}: empty; it should show the writer's post"
