# ruff: noqa: RUF001  (full-width look-alikes are the point of these tests)
"""One identity per address: spaces, case and Unicode compatibility forms (NFKC, case folding) name
the same account for login, limits, reset, registration and the admin lookup."""
from axa.models.auth import User, db
from tests.conftest import PASSWORD, bearer, login, mails, register, set_settings

FORMS = ("ada@example.com", "  ada@example.com", "ADA@Example.COM ", "ａｄａ@ｅｘａｍｐｌｅ.com")


def _from(app, address: str):
    client = app.test_client(use_cookies=False)
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_per_account_login_limit_counts_every_form_of_the_address(client, auth_app):
    set_settings(auth_app, login_limits="3 per minute")
    register(client)
    codes = [login(client, email=form, password="wrong password x").status_code for form in FORMS]
    assert codes == [401, 401, 401, 429]
    assert login(client, email=FORMS[1]).status_code == 429  # the right password waits too


def test_every_form_reaches_the_account(client, auth_app):
    register(client)
    for form in FORMS:
        response = login(auth_app.test_client(use_cookies=False), email=form)
        assert response.status_code == 200, form
        assert response.get_json()["user"]["email"] == "ada@example.com"


def test_per_account_reset_limit_counts_every_form_of_the_address(client, auth_app):
    """Each request from another address, so only the per-account limit can stop the third."""
    set_settings(auth_app, forgot_limits="2 per minute")
    register(client)
    codes = [_from(auth_app, f"192.0.2.{n}").post("/api/v1/auth/password/forgot", json={"email": form}).status_code
             for n, form in enumerate(FORMS[1:])]
    assert codes == [202, 202, 429]
    assert len([m for m in mails("ada@example.com") if "Reset" in m["Subject"]]) == 2


def test_registration_refuses_look_alikes_of_a_taken_address(client):
    assert register(client).status_code == 201
    for look_alike in ("ADA@EXAMPLE.COM", "ａｄａ@example.com", "ada@ｅｘａｍｐｌｅ.com"):
        response = register(client, email=look_alike)
        assert response.status_code == 409, look_alike
    assert register(client, email="strasse@example.com").status_code == 201
    assert register(client, email="STRAßE@example.com").status_code == 409  # case folding: ß = ss
    assert register(client, email="ﬁne@example.com").status_code == 201  # the ligature is "fi"
    assert register(client, email="fine@example.com").status_code == 409


def test_admin_lookup_matches_every_form(client, auth_app):
    from tests.blueprints.auth.test_admin import _admin
    register(client)
    sid = _admin(auth_app, client)
    for query in ("ADA@", "ａｄａ", " Ada "):
        found = client.get("/api/v1/auth/users", query_string={"email": query}, headers=bearer(sid)).get_json()
        assert [u["email"] for u in found] == ["ada@example.com"], query


def test_the_stored_key_is_the_normalized_address(client, auth_app):
    assert register(client, email="ＡＤＡ@Example.com").status_code == 201
    with auth_app.app_context():
        user = db.session.query(User).one()
        assert (user.email, user.email_key) == ("ａｄａ@example.com", "ada@example.com")
        assert User.by_email("  ada@EXAMPLE.com") is user
    assert login(client, email="ada@example.com", password=PASSWORD).status_code == 200
