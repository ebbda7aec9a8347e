"""The Conduit face's envelope around every answer: content type, errors in RealWorld's shape (and
the native shape kept on the native API), CORS for browser frontends, rate limits, and the face
as socweb's OpenAPI document states it."""
from __future__ import annotations

from tests.conftest import PASSWORD, set_settings

ORIGIN = "http://localhost:8080"  # in the development CORS allowlist
OPERATIONS = {  # RealWorld's 19 operations and their success status
    ("post", "/users"): 201, ("post", "/users/login"): 200, ("get", "/user"): 200, ("put", "/user"): 200,
    ("get", "/profiles/{username}"): 200, ("post", "/profiles/{username}/follow"): 200,
    ("delete", "/profiles/{username}/follow"): 200, ("get", "/articles"): 200, ("post", "/articles"): 201,
    ("get", "/articles/feed"): 200, ("get", "/articles/{slug}"): 200, ("put", "/articles/{slug}"): 200,
    ("delete", "/articles/{slug}"): 204, ("post", "/articles/{slug}/comments"): 200,
    ("get", "/articles/{slug}/comments"): 200, ("delete", "/articles/{slug}/comments/{id}"): 204,
    ("post", "/articles/{slug}/favorite"): 200, ("delete", "/articles/{slug}/favorite"): 200,
    ("get", "/tags"): 200,
}
TOKEN_NEEDED = {"/user", "/profiles/{username}/follow", "/articles/feed", "/articles/{slug}/favorite",
                "/articles/{slug}/comments/{id}"}


def test_answers_are_json_in_utf8_and_errors_keep_to_the_conduit_shape(conduit):
    token = conduit.register("jake")
    ok = conduit.call("GET", "/articles")
    assert ok.headers["Content-Type"] == "application/json; charset=utf-8"
    assert ok.headers["Cache-Control"] == "no-store"
    broken = conduit.call("POST", "/articles", token, data="{not json", content_type="application/json")
    assert broken.status_code == 400 and list(broken.get_json()) == ["errors"]
    not_allowed = conduit.call("PATCH", "/user", token, json={})
    assert not_allowed.status_code == 405 and not_allowed.headers["Allow"] == "GET, HEAD, OPTIONS, PUT"
    assert list(not_allowed.get_json()["errors"]) == ["method"]
    native = conduit.apps["socweb"].test_client().patch("/api/v1/me")  # the native API keeps its shape
    assert native.status_code == 405 and set(native.get_json()) == {"code", "status", "message"}
    assert set(conduit.apps["socweb"].test_client().get("/api/v1/me").get_json()) == {"code", "status", "message"}
    unknown = conduit.call("GET", "/no/such/thing")  # no route: still RealWorld's shape
    assert (unknown.status_code, list(unknown.get_json()["errors"])) == (404, ["resource"])
    native = conduit.apps["socweb"].test_client().get("/api/v1/no/such/thing")
    assert native.status_code == 404 and set(native.get_json()) == {"code", "status", "message"}
    gone = conduit.apps["socweb"].test_client().get("/api/v1/posts/987654321")  # a view's 404
    assert gone.status_code == 404 and set(gone.get_json()) >= {"code", "status", "message"}


def test_a_browser_frontend_on_an_allowed_origin_may_call_the_face(conduit):
    preflight = conduit.call("OPTIONS", "/articles", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert {"authorization", "content-type"} <= {
        h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    answer = conduit.call("POST", "/users/login", json={"user": {"email": "x@example.com", "password": PASSWORD}},
                          headers={"Origin": ORIGIN})
    assert answer.status_code == 401 and answer.headers["Access-Control-Allow-Origin"] == ORIGIN
    stranger = conduit.call("GET", "/tags", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in stranger.headers


def test_creating_too_fast_is_429_with_retry_after(conduit):
    token = conduit.register("jake")
    set_settings(conduit.apps["socweb"], socweb_post_limits="2 per minute")
    for _ in range(2):
        conduit.article(token)
    limited = conduit.call("POST", "/articles", token,
                           json={"article": {"title": "T", "description": "D", "body": "B"}})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert list(limited.get_json()["errors"]) == ["requests"]
    assert conduit.call("GET", "/articles").get_json()["articlesCount"] == 2


def test_socweb_openapi_documents_every_conduit_operation_truly(conduit):
    spec = conduit.apps["socweb"].test_client().get("/api/v1/docs/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["Token"] == {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": spec["components"]["securitySchemes"]["Token"]["description"]}
    found = {(method, path.removeprefix("/conduit/api")): op for path, item in spec["paths"].items()
             if path.startswith("/conduit/api/") for method, op in item.items() if method != "parameters"}
    assert set(found) == set(OPERATIONS)
    for (method, path), op in found.items():
        statuses = {int(s) for s in op["responses"] if s != "default"}
        assert OPERATIONS[(method, path)] in statuses and not {s for s in statuses if s < 400} - {
            OPERATIONS[(method, path)]}, (method, path)
        error = op["responses"]["default"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ConduitError"}, (method, path)
        needs_token = path in TOKEN_NEEDED or (method != "get" and not path.startswith("/users"))
        assert (op.get("security") == [{"Token": []}, {"bearer": []}]) == needs_token, (method, path)
        assert "401" in op["responses"] or path in ("/users", "/tags"), (method, path)


def test_a_missing_json_body_is_a_conduit_422(conduit):
    """The platform's parser refuses a create without a JSON body; the face says so its own way."""
    answer = conduit.call("POST", "/users")
    assert answer.status_code == 422
    assert answer.get_json() == {"errors": {"body": ["Send a JSON body (Content-Type: application/json)."]}}
