"""Profiles: the own profile made on first use, usernames (shape, any case, unique, also under a
race), bio and avatar URL, anyone's profile by username with counts and the viewer's flags, and
users who are no longer active disappearing."""
from __future__ import annotations

import re
import threading

import pytest

from axa.models.socweb import Post, db
from tests.blueprints.socweb.conftest import Member

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def own(socweb, member: Member):
    return socweb.get("/api/v1/profile", headers=member.headers)


def claim(socweb, member: Member, **changes):
    return socweb.patch("/api/v1/profile", json=changes, headers=member.headers)


def add_post(apps, author: Member, visibility: str = "public") -> None:
    with apps["socweb"].app_context():
        db.session.add(Post(author_id=author.id, body="hello", tags=[], visibility=visibility))
        db.session.commit()


def test_the_own_profile_is_made_on_first_use_with_a_suggested_username(socweb, sign_up):
    ada = sign_up("Ada Lovelace")
    response = own(socweb, ada)
    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in ("id", "username", "suggested_username", "display_name", "bio", "image",
                                 "posts_count", "subscribers_count", "subscriptions_count")} == {
        "id": ada.id, "username": None, "suggested_username": "ada_lovelace", "display_name": "Ada Lovelace",
        "bio": None, "image": None, "posts_count": 0, "subscribers_count": 0, "subscriptions_count": 0}
    assert TIMESTAMP.match(body["created_at"])
    assert own(socweb, ada).get_json()["created_at"] == body["created_at"]  # made once


def test_the_suggestion_is_free_and_goes_once_a_username_is_chosen(socweb, sign_up):
    sign_up("Grace Hopper", username="ada_lovelace", email="grace@example.com")
    ada = sign_up("Ada Lovelace")
    assert own(socweb, ada).get_json()["suggested_username"] == "ada_lovelace_2"
    zoe = sign_up("Zoë", email="zoe@example.com")
    assert own(socweb, zoe).get_json()["suggested_username"] == "zoe"
    li = sign_up("李白", email="li@example.com")  # too little ASCII in the name: user<id>
    assert own(socweb, li).get_json()["suggested_username"] == f"user{li.id}"
    chosen = claim(socweb, ada, username="ada_lovelace_2").get_json()
    assert (chosen["username"], chosen["suggested_username"]) == ("ada_lovelace_2", None)


def test_a_username_in_any_case_is_stored_in_lower_case_and_found_in_any_case(socweb, sign_up):
    ada = sign_up("Ada")
    response = claim(socweb, ada, username="Ada_1")
    assert response.status_code == 200 and response.get_json()["username"] == "ada_1"
    for asked in ("ada_1", "ADA_1", "aDa_1"):
        found = socweb.get(f"/api/v1/profiles/{asked}")
        assert found.status_code == 200 and found.get_json()["id"] == ada.id, asked


@pytest.mark.parametrize("username", ["ab", "a" * 31, "ada-1", "ada 1", "adá", "ada\n", "", "\u212aelvin",
                                      None, 12345, ["ada"]])
def test_a_bad_username_is_422_naming_the_field(socweb, sign_up, username):
    ada = sign_up("Ada", username="ada")
    response = claim(socweb, ada, username=username)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"username"}
    assert own(socweb, ada).get_json()["username"] == "ada"


@pytest.mark.parametrize(("changes", "field"), [
    ({"bio": "x" * 501}, "bio"), ({"bio": "nul\x00"}, "bio"), ({"bio": "\udc80"}, "bio"), ({"bio": 5}, "bio"),
    ({"image": "ftp://example.com/a.png"}, "image"), ({"image": "javascript:alert(1)"}, "image"),
    ({"image": "not a url"}, "image"), ({"image": "https://example.com/" + "a" * 2030}, "image"),
    ({"image": "https://example.com/\udc80"}, "image"), ({"email": "x@example.com"}, "email"),
])
def test_a_bad_bio_image_or_unknown_field_is_422_naming_it(socweb, sign_up, changes, field):
    response = claim(socweb, sign_up("Ada"), **changes)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {field}


def test_bio_and_image_are_set_and_cleared(socweb, sign_up):
    ada = sign_up("Ada", username="ada")
    image = "https://img.example.com/ada.png?size=" + "9" * 1900
    body = claim(socweb, ada, bio="Analyst. " + "é" * 491, image=image).get_json()
    assert (body["bio"], body["image"]) == ("Analyst. " + "é" * 491, image)
    seen = socweb.get("/api/v1/profiles/ada").get_json()
    assert (seen["bio"], seen["image"]) == (body["bio"], image)
    cleared = claim(socweb, ada, bio=None, image=None).get_json()
    assert (cleared["bio"], cleared["image"], cleared["username"]) == (None, None, "ada")
    assert claim(socweb, ada, image="http://localhost:8080/a.png").status_code == 200
    same = socweb.patch("/api/v1/profile", headers=ada.headers, json={})
    assert same.status_code == 200 and same.get_json()["image"] == "http://localhost:8080/a.png"
    no_body = socweb.patch("/api/v1/profile", headers=ada.headers)
    assert no_body.status_code == 422 and "json" in no_body.get_json()["errors"]


def test_a_taken_username_is_409_in_any_case_and_a_freed_one_can_be_taken(socweb, sign_up):
    ada = sign_up("Ada", username="ada")
    grace = sign_up("Grace")
    response = claim(socweb, grace, username="ADA", bio="kept out")
    assert response.status_code == 409
    assert response.get_json()["message"] == "That username is taken; choose another."
    assert own(socweb, grace).get_json()["username"] is None and own(socweb, grace).get_json()["bio"] is None
    assert claim(socweb, ada, username="Ada").status_code == 200  # one's own name is no conflict
    assert claim(socweb, ada, username="countess").get_json()["username"] == "countess"
    assert claim(socweb, grace, username="ada").status_code == 200
    assert socweb.get("/api/v1/profiles/ada").get_json()["id"] == grace.id


def test_concurrent_claims_of_one_username_give_one_owner_and_409s_never_a_500(apps, sign_up):
    people = [sign_up(f"Racer {n}", email=f"racer{n}@example.com") for n in range(4)]
    for round_ in range(3):
        barrier, statuses = threading.Barrier(len(people)), []

        def race(member: Member, name: str = f"prize_{round_}") -> None:
            client = apps["socweb"].test_client(use_cookies=False)
            barrier.wait()
            statuses.append(client.patch("/api/v1/profile", json={"username": name},
                                         headers=member.headers).status_code)
        threads = [threading.Thread(target=race, args=(m,)) for m in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [200, 409, 409, 409], statuses
        owners = [m for m in people if own(apps["socweb"].test_client(), m).get_json()["username"] == f"prize_{round_}"]
        assert len(owners) == 1


def test_anyones_profile_anonymous_and_signed_in(socweb, sign_up):
    ada = sign_up("Ada", username="ada")
    grace = sign_up("Grace", username="grace")
    anonymous = socweb.get("/api/v1/profiles/ada")
    assert anonymous.status_code == 200
    body = anonymous.get_json()
    assert (body["id"], body["username"], body["display_name"], body["following"], body["followed_by"]) == \
        (ada.id, "ada", "Ada", False, False)
    assert "suggested_username" not in body
    assert socweb.get("/api/v1/profiles/ada", headers=grace.headers).get_json()["following"] is False
    stale = socweb.get("/api/v1/profiles/ada", headers={"Authorization": "Bearer no-such-session"})
    assert stale.status_code == 200 and stale.get_json()["following"] is False


@pytest.mark.parametrize("path", ["/api/v1/profiles/nobody", "/api/v1/profiles/ab", "/api/v1/profiles/a%00bc",
                                  "/api/v1/profiles/ad%C3%A1", "/api/v1/profiles/" + "a" * 300])
def test_an_unknown_or_malformed_username_is_404(socweb, sign_up, path):
    sign_up("Ada", username="ada")
    response = socweb.get(path)
    assert response.status_code == 404 and response.get_json()["message"] == "No such profile."


def test_a_user_without_a_username_has_no_profile_by_name(socweb, sign_up):
    ada = sign_up("Ada Lovelace")
    suggested = own(socweb, ada).get_json()["suggested_username"]
    assert socweb.get(f"/api/v1/profiles/{suggested}").status_code == 404


def test_the_own_profile_needs_a_session(socweb):
    assert socweb.get("/api/v1/profile").status_code == 401
    assert socweb.patch("/api/v1/profile", json={"bio": "x"}).status_code == 401


def test_posts_count_counts_only_the_posts_the_viewer_may_see(apps, socweb, sign_up):
    ada = sign_up("Ada", username="ada")
    fan, stranger = sign_up("Fan", username="fan"), sign_up("Stranger", username="stranger")
    for visibility in ("public", "public", "subscribers"):
        add_post(apps, ada, visibility)
    assert socweb.post("/api/v1/subscriptions/ada", headers=fan.headers).status_code == 200
    counts = {who: socweb.get("/api/v1/profiles/ada", headers=headers).get_json()["posts_count"]
              for who, headers in (("anonymous", {}), ("stranger", stranger.headers), ("fan", fan.headers),
                                   ("ada", ada.headers))}
    assert counts == {"anonymous": 2, "stranger": 2, "fan": 3, "ada": 3}
    assert own(socweb, ada).get_json()["posts_count"] == 3


def test_a_disabled_user_disappears_and_comes_back(socweb, sign_up, set_status):
    ada = sign_up("Ada", username="ada")
    grace = sign_up("Grace", username="grace")
    assert socweb.post("/api/v1/subscriptions/grace", headers=ada.headers).status_code == 200
    assert socweb.get("/api/v1/profiles/grace").get_json()["subscribers_count"] == 1
    set_status(ada, "disabled")
    assert socweb.get("/api/v1/profiles/ada").status_code == 404
    assert socweb.get("/api/v1/profiles/ADA", headers=grace.headers).status_code == 404
    assert socweb.get("/api/v1/profiles/grace").get_json()["subscribers_count"] == 0
    assert socweb.get("/api/v1/profiles/grace/subscribers").get_json() == []
    assert socweb.post("/api/v1/subscriptions/ada", headers=grace.headers).status_code == 404
    assert own(socweb, ada).status_code == 401  # every session ended with the disable
    set_status(ada, "active")
    assert socweb.get("/api/v1/profiles/ada").status_code == 200
    assert socweb.get("/api/v1/profiles/grace").get_json()["subscribers_count"] == 1
