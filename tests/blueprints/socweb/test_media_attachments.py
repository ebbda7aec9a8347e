"""Uploads in use: up to 4 ready images of their author on a post (create and edit, shown on
every post card), an avatar and a header on a profile (the avatar's URL is the profile's and the
author cards' ``image``), and the beat sweep that removes uploads never attached."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from axa.models.socweb import Media, db
from axa.tasks.socweb.media import sweep_media
from tests.blueprints.socweb.media_support import image_bytes, media_folder, upload  # noqa: F401

pytestmark = pytest.mark.usefixtures("media_folder")


@pytest.fixture
def uploaded(socweb):
    def run(user, color=(1, 2, 3), data: bytes | None = None) -> dict:
        sent = upload(socweb, user.headers, data or image_bytes("PNG", (800, 400), color=color))
        assert sent.status_code == 202, sent.get_json()
        return socweb.get(f"/api/v1/media/{sent.get_json()['id']}", headers=user.headers).get_json()
    return run


def test_a_post_takes_up_to_four_of_its_authors_ready_images_in_order(socweb, socweb_users, uploaded):
    ada, bob = socweb_users("ada", "bob")
    mine = [uploaded(ada, (n, 0, 0))["id"] for n in range(5)]
    bobs = uploaded(bob, (9, 9, 9))["id"]
    failed = uploaded(ada, data=b"not an image")["id"]
    created = socweb.post("/api/v1/posts", json={"body": "Look", "media_ids": mine[2::-1]}, headers=ada.headers)
    assert created.status_code == 201, created.get_json()
    post = created.get_json()
    assert [m["id"] for m in post["media"]] == mine[2::-1]
    assert all(m["state"] == "ready" and m["small"]["url"] for m in post["media"])
    for wrong in (mine, [bobs], [failed], [999999]):
        refused = socweb.post("/api/v1/posts", json={"body": "No", "media_ids": wrong}, headers=ada.headers)
        assert refused.status_code == 422, wrong
    edited = socweb.patch(f"/api/v1/posts/{post['id']}", json={"media_ids": [mine[4]]}, headers=ada.headers)
    assert [m["id"] for m in edited.get_json()["media"]] == [mine[4]]
    shown = socweb.get("/api/v1/timelines/public", headers=bob.headers).get_json()
    assert [[m["id"] for m in p["media"]] for p in shown] == [[mine[4]]]
    untouched = socweb.patch(f"/api/v1/posts/{post['id']}", json={"title": "Titled"}, headers=ada.headers)
    assert [m["id"] for m in untouched.get_json()["media"]] == [mine[4]]
    plain = socweb.post("/api/v1/posts", json={"body": "No pictures"}, headers=ada.headers).get_json()
    assert plain["media"] == []


def test_a_profile_takes_an_avatar_and_a_header_and_keeps_the_image_url_field(socweb, socweb_users, uploaded):
    ada, bob = socweb_users("ada", "bob")
    assert socweb.patch("/api/v1/profile", json={"username": "ada", "image": "https://img.example/a.png"},
                        headers=ada.headers).get_json()["image"] == "https://img.example/a.png"
    avatar, header = uploaded(ada, (1, 1, 1)), uploaded(ada, (2, 2, 2))
    changed = socweb.patch("/api/v1/profile", json={"avatar_media_id": avatar["id"], "header_media_id": header["id"]},
                           headers=ada.headers).get_json()
    assert (changed["avatar_media_id"], changed["header_media_id"]) == (avatar["id"], header["id"])
    assert changed["image"] == avatar["small"]["url"] and changed["header"] == header["large"]["url"]
    seen = socweb.get("/api/v1/profiles/ada").get_json()
    assert (seen["image"], seen["header"]) == (avatar["small"]["url"], header["large"]["url"])
    post = socweb.post("/api/v1/posts", json={"body": "Hi"}, headers=ada.headers).get_json()
    assert post["author"]["image"] == avatar["small"]["url"]
    for wrong in (uploaded(bob)["id"], 123456):
        refused = socweb.patch("/api/v1/profile", json={"avatar_media_id": wrong}, headers=ada.headers)
        assert refused.status_code == 422
    cleared = socweb.patch("/api/v1/profile", json={"avatar_media_id": None, "header_media_id": None},
                           headers=ada.headers).get_json()
    assert (cleared["image"], cleared["header"]) == ("https://img.example/a.png", None)


def age(app, media_id: int, hours: float) -> None:
    with app.app_context():
        db.session.execute(update(Media).where(Media.id == media_id)
                           .values(created_at=datetime.now(UTC) - timedelta(hours=hours)))
        db.session.commit()


def ids(app) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(db.select(Media.id)))


def test_the_sweep_removes_uploads_never_attached_after_a_day_and_their_unshared_objects(
        apps, socweb, socweb_users, uploaded, media_folder):  # noqa: F811
    app = apps["socweb"]
    ada, bob = socweb_users("ada", "bob")
    shared = image_bytes("PNG", (300, 300), color=(5, 5, 5))
    on_post, orphan, young = uploaded(ada, (1, 0, 0)), uploaded(ada, (2, 0, 0)), uploaded(ada, (3, 0, 0))
    ada_shared, bob_shared = uploaded(ada, data=shared), uploaded(bob, data=shared)
    avatar = uploaded(bob, (4, 0, 0))
    socweb.post("/api/v1/posts", json={"body": "x", "media_ids": [on_post["id"]]}, headers=ada.headers)
    socweb.patch("/api/v1/profile", json={"avatar_media_id": avatar["id"]}, headers=bob.headers)
    for media in (on_post, orphan, ada_shared, bob_shared, avatar):
        age(app, media["id"], 25)
    age(app, young["id"], 23)
    files_before = len(list(media_folder.rglob("*.webp")))
    with app.app_context():
        assert sweep_media() == 3  # orphan, and both rows of the shared content
    assert ids(app) == sorted([on_post["id"], young["id"], avatar["id"]])
    assert len(list(media_folder.rglob("*.webp"))) == files_before - 4  # orphan's and the shared content's
    assert len(list((media_folder / "originals").iterdir())) == 3
    with app.app_context():
        assert sweep_media() == 0


def test_the_sweep_keeps_objects_another_row_still_uses(apps, socweb, socweb_users, uploaded, media_folder):  # noqa: F811
    app = apps["socweb"]
    ada, bob = socweb_users("ada", "bob")
    data = image_bytes("PNG", (300, 300), color=(7, 7, 7))
    old, kept = uploaded(ada, data=data), uploaded(bob, data=data)
    age(app, old["id"], 48)
    with app.app_context():
        assert sweep_media() == 1
    assert ids(app) == [kept["id"]]
    assert len(list(media_folder.rglob("*.webp"))) == 2
    with socweb.get(kept["small"]["url"].removeprefix("http://localhost")) as still:
        assert still.status_code == 200
