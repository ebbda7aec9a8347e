"""JSON errors everywhere, CSRF and CORS, security headers, size limit, trusted hosts, docs."""
import pytest

from axa.apps import FACTORIES
from axa.platform.config import SUBSYSTEMS
from tests.conftest import bearer, login, register, set_settings

EVIL = "https://evil.example"


@pytest.mark.parametrize("sub", SUBSYSTEMS)
def test_404_and_405_are_json_on_every_app(clients, sub):
    missing = clients[sub].get("/no/such/page")
    assert missing.status_code == 404 and missing.is_json and missing.get_json()["code"] == 404
    wrong = clients[sub].delete("/health/")
    assert wrong.status_code == 405 and wrong.is_json


def test_413_is_json(client):
    response = client.post("/api/v1/auth/register", data="x" * (2 * 1024 * 1024),
                           content_type="application/json")
    assert response.status_code == 413 and response.is_json


def test_malformed_json_is_4xx_json(client):
    response = client.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422) and response.is_json


def test_unexpected_error_is_generic_500_json_without_trace(databases):
    auth_app = FACTORIES["auth"]({"TESTING": True})  # its own: the shared test apps take no new routes

    @auth_app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = auth_app.test_client().get("/boom")
    assert response.status_code == 500 and response.is_json
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_security_headers_on_success_and_error(client):
    for response in (client.get("/health/"), client.get("/nope")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_hsts_in_production(client, auth_app):
    set_settings(auth_app, env="production")
    assert "max-age=31536000" in client.get("/health/").headers["Strict-Transport-Security"]


def _cookie_session(client):
    register(client)
    return login(client).get_json()["session_id"]


def test_foreign_origin_gets_no_cors_headers(client):
    for origin in (EVIL, "null"):
        response = client.get("/api/v1/auth/me", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Access-Control-Allow-Credentials" not in response.headers
        preflight = client.options("/api/v1/auth/logout", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        assert "Access-Control-Allow-Origin" not in preflight.headers


def test_allowed_origin_gets_exact_origin_with_credentials(client):
    response = client.get("/api/v1/auth/me", headers={"Origin": "http://localhost:8080"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:8080"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in response.headers["Vary"]
    preflight = client.options("/api/v1/auth/logout", headers={
        "Origin": "http://localhost:8080", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:8080"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"


def test_a_request_without_origin_gets_no_cors_headers(client):
    response = client.get("/api/v1/auth/me")
    assert not [name for name in response.headers.keys() if name.startswith("Access-Control")]


def test_foreign_origin_cannot_make_cookie_authenticated_post(client, clients):
    _cookie_session(client)
    attempts = [
        client.post("/api/v1/auth/logout", headers={"Origin": EVIL}),
        client.post("/api/v1/auth/logout", headers={"Sec-Fetch-Site": "cross-site"}),
        client.post("/api/v1/auth/password/change", headers={"Origin": EVIL},
                    data="current_password=x&new_password=y",
                    content_type="application/x-www-form-urlencoded"),
        client.post("/api/v1/auth/confirm/resend", headers={"Origin": "null"}),
    ]
    assert [r.status_code for r in attempts] == [403, 403, 403, 403]
    assert all(r.is_json for r in attempts)
    assert client.get("/api/v1/auth/me").status_code == 200  # still signed in


def test_cookie_post_with_text_plain_is_refused_even_same_origin(client):
    _cookie_session(client)
    response = client.post("/api/v1/auth/password/change", data='{"a": 1}', content_type="text/plain",
                           headers={"Origin": "http://localhost:8000"})
    assert response.status_code == 415


def test_allowed_origin_cookie_post_works_and_bearer_needs_no_origin_check(client, auth_app):
    _cookie_session(client)
    assert client.post("/api/v1/auth/logout", headers={"Origin": "http://localhost:8000"},
                       content_type="application/json").status_code == 204
    other = auth_app.test_client(use_cookies=False)
    sid = login(other).get_json()["session_id"]
    assert other.post("/api/v1/auth/logout", headers={**bearer(sid), "Origin": EVIL}).status_code == 204
    sid = login(other).get_json()["session_id"]
    assert other.post("/api/v1/auth/logout", headers=bearer(sid)).status_code == 204  # no Origin, no body


def test_cookie_post_without_origin_or_referer_is_refused(client):
    """README: a cookie-authenticated unsafe request must name an allowed origin (Origin, else
    Referer); one that names none could come from anywhere."""
    _cookie_session(client)
    refused = [client.post("/api/v1/auth/logout", content_type="application/json"),
               client.post("/api/v1/auth/logout", content_type="application/json",
                           headers={"Referer": f"{EVIL}/page"}),
               client.post("/api/v1/auth/confirm/resend", content_type="application/json",
                           headers={"Referer": "not a url"})]
    assert [r.status_code for r in refused] == [403, 403, 403] and all(r.is_json for r in refused)
    assert client.get("/api/v1/auth/me").status_code == 200  # still signed in
    allowed = client.post("/api/v1/auth/logout", content_type="application/json",
                          headers={"Referer": "http://localhost:8080/settings?tab=1"})
    assert allowed.status_code == 204


def test_body_less_cookie_post_needs_the_json_content_type(client):
    _cookie_session(client)
    for content_type in (None, "text/plain", "application/x-www-form-urlencoded"):
        response = client.post("/api/v1/auth/logout", headers={"Origin": "http://localhost:8000"},
                               content_type=content_type)
        assert response.status_code == 415 and response.is_json, content_type
    assert client.get("/api/v1/auth/me").status_code == 200


@pytest.mark.parametrize("sub", SUBSYSTEMS)
def test_openapi_and_swagger_ui_on_every_app(clients, sub):
    spec = clients[sub].get("/api/v1/docs/openapi.json")
    assert spec.status_code == 200
    paths = spec.get_json()["paths"]
    assert "/health/" in paths
    assert ("/api/v1/auth/login" if sub == "auth" else "/api/v1/me") in paths
    ui = clients[sub].get("/api/v1/docs/")
    assert ui.status_code == 200 and b"swagger-ui" in ui.data


def test_login_required_documents_401(client):
    spec = client.get("/api/v1/docs/openapi.json").get_json()
    assert spec["paths"]["/api/v1/auth/me"]["get"]["responses"]["401"] == {
        "$ref": "#/components/responses/UNAUTHORIZED"}
    documented = spec["components"]["responses"]["UNAUTHORIZED"]
    assert documented["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


@pytest.mark.parametrize("sub", SUBSYSTEMS)
def test_every_reference_in_every_spec_resolves(clients, sub):
    spec = clients[sub].get("/api/v1/docs/openapi.json").get_json()
    dangling = set()
    for ref in _refs(spec):
        node = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            dangling.add(ref)
    assert not dangling, dangling


def test_one_docs_page_lists_all_six_specs(client):
    page = client.get("/api/v1/docs/all")
    assert page.status_code == 200
    for port in (8000, 8080, 8050, 8081, 8082, 8061):
        assert f":{port}/api/v1/docs/openapi.json".encode() in page.data


def test_values_the_database_cannot_hold_are_refused_not_500(client, auth_app):
    from tests.blueprints.auth.test_admin import _admin
    sid = _admin(auth_app, client)
    nul = client.get("/api/v1/auth/users?email=a%00b", headers=bearer(sid))  # the spec forbids NUL
    assert nul.status_code == 422 and "email" in nul.get_json()["errors"]["query"]
    far = client.get("/api/v1/auth/users?page=99999999999999999", headers=bearer(sid))
    assert far.status_code == 200 and far.get_json() == []


@pytest.mark.parametrize(("method", "path", "body", "code"), [
    ("GET", "/api/v1/nope", None, 404),
    ("POST", "/api/v1/auth/login", b"x" * (2 * 1024 * 1024), 413),
])
def test_every_error_carries_a_message(client, method, path, body, code):
    response = client.open(path, method=method, data=body, content_type="application/json")
    assert response.status_code == code
    assert set(response.get_json()) == {"code", "status", "message"} and response.get_json()["message"]


def test_async_views_still_run_through_flask_ensure_sync(auth_app):
    """The app's quick ensure_sync returns plain functions as they are and hands coroutine
    functions to Flask's own (which needs the asgiref extra; without it, Flask says so)."""
    import functools

    def plain():
        return 1

    async def coroutine():
        return 2

    assert auth_app.ensure_sync(plain) is plain
    assert auth_app.ensure_sync(functools.partial(plain)) is not None
    try:
        wrapped = auth_app.ensure_sync(coroutine)
    except RuntimeError as exc:  # Flask's own answer when asgiref is missing
        assert "async" in str(exc)
    else:
        assert wrapped is not coroutine and wrapped() == 2
