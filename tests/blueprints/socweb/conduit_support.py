"""The Conduit face's test set-up (its fixture is re-exported by conftest.py): the auth app served by a real HTTP server in a thread, socweb
pointed at it (``AXA_AUTH_URL``), and a small client speaking RealWorld.

``Conduit.check(response, operation_id, status)`` asserts the status and validates the body
against the response schema of that operation in the fetched RealWorld spec
(realworld_openapi.yml). Two documented departures of the spec file from its own reference server
and prose are relaxed there: ``bio`` and ``image`` may be null (the reference server and the
api-response-format page send null), and the error model is not used (it requires
``errors.body`` for every error, against the prose and the reference server, which name the
failing field); error bodies are checked key by key instead.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

from tests.blueprints.socweb.auth_server import served
from tests.conftest import PASSWORD, set_settings

SPEC = yaml.safe_load((Path(__file__).parent / "realworld_openapi.yml").read_text())
ROOT = "/conduit/api"
TIMESTAMP = r"^\d{4,}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d{3}Z$"  # RealWorld's check, ms and Z


def _relaxed(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    for name in ("User", "Profile"):
        for prop in ("bio", "image"):
            spec["components"]["schemas"][name]["properties"][prop]["type"] = ["string", "null"]
    return spec


RELAXED = _relaxed(SPEC)


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        target = RELAXED
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def operation(operation_id: str) -> dict:
    for item in RELAXED["paths"].values():
        for op in item.values():
            if op.get("operationId") == operation_id:
                return op
    raise KeyError(operation_id)


def validate_body(operation_id: str, status: int, body) -> None:
    response = _resolve(operation(operation_id)["responses"][str(status)])
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return
    validator = jsonschema_rs.validator_for({**schema, "components": RELAXED["components"]})
    problems = [error.message for error in validator.iter_errors(body)]
    assert not problems, f"{operation_id} {status}: {problems} in {body}"


@dataclass
class Conduit:
    apps: dict
    base_url: str
    users: dict = field(default_factory=dict)  # username -> token

    @property
    def client(self):
        return self.apps["socweb"].test_client(use_cookies=False)

    def call(self, method: str, path: str, token: str | None = None, scheme: str = "Token", **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"{scheme} {token}"
        return self.client.open(ROOT + path, method=method, headers=headers, **kwargs)

    def check(self, response, operation_id: str, status: int):
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        if status != 204:
            assert response.mimetype == "application/json"
            validate_body(operation_id, status, response.get_json())
        return response.get_json()

    def register(self, username: str, email: str | None = None, password: str = PASSWORD) -> str:
        email = email or f"{username.lower()}@example.com"
        answer = self.call("POST", "/users", json={"user": {"username": username, "email": email,
                                                            "password": password}})
        token = self.check(answer, "CreateUser", 201)["user"]["token"]
        self.users[username.lower()] = token
        return token

    def article(self, token: str, title: str = "How to train your dragon", tags=("dragons", "training"),
                **fields) -> dict:
        body = {"title": title, "description": "Ever wonder how?", "body": "Very carefully.",
                "tagList": list(tags), **fields}
        answer = self.call("POST", "/articles", token, json={"article": body})
        return self.check(answer, "CreateArticle", 201)["article"]


@pytest.fixture
def conduit(apps):
    """socweb's Conduit face with a live auth server behind it."""
    with served(apps["auth"]) as base:
        set_settings(apps["socweb"], auth_url=base)
        yield Conduit(apps, base)


def user_id(apps: dict, username: str) -> int:
    from axa.models.socweb import Profile
    with apps["socweb"].app_context():
        return Profile.by_username(username).user_id


def make_post(apps: dict, author: str | int, title: str | None, visibility: str = "public",
              tags: tuple = (), body: str = "Written on the native side.") -> int:
    """A post made through the models, as the native API would store it (by a username or a
    user id); its id."""
    from axa.models.socweb import Post, db
    author_id = author if isinstance(author, int) else user_id(apps, author)
    with apps["socweb"].app_context():
        post = Post(author_id=author_id, title=title, description=None, body=body, tags=[],
                    visibility=visibility)
        db.session.add(post)
        db.session.flush()
        post.give_slug()
        post.set_tags(list(tags))
        db.session.commit()
        return post.id
