"""The socweb.media tasks on their own (eager, in this process): each is idempotent on
redelivery, a stored original gone missing fails the upload, an upload of a content another row
already processed takes that outcome without processing again, and the sweep restarts the graph
of an upload left processing (its messages lost)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from axa.blueprints.socweb.media.service import upload
from axa.models.socweb import Media, db
from axa.tasks.socweb.media import check_upload, make_derivatives, sweep_media
from tests.blueprints.socweb.media_support import image_bytes, media_folder  # noqa: F401
from tests.tasks.feeds_helpers import add_users

pytestmark = pytest.mark.usefixtures("media_folder")


@pytest.fixture
def socweb_app(apps):
    app = apps["socweb"]
    with app.app_context():
        yield app


def stored(owner: int, data: bytes) -> int:
    """An upload as the endpoint stores it, its graph not run (the outbox row left unpublished)."""
    return upload(owner, data, None).id


def state(media_id: int) -> tuple:
    db.session.rollback()
    row = db.session.get(Media, media_id)
    return row.state, row.reason, row.content_type, row.variants


def test_each_stage_run_again_changes_nothing(socweb_app, media_folder):  # noqa: F811
    (ada,) = add_users(socweb_app, ["ada"])
    media_id = stored(ada, image_bytes("PNG", (900, 300)))
    make_derivatives(media_id)  # before the check: nothing to do yet
    assert state(media_id)[0] == "processing" and not (media_folder / "derivatives").exists()
    for _ in range(2):
        check_upload(media_id)
    assert state(media_id)[:3] == ("processing", None, "image/png")
    for _ in range(2):
        make_derivatives(media_id)
        assert state(media_id) == ("ready", None, "image/png", {"small": {"width": 400, "height": 133},
                                                                "large": {"width": 900, "height": 300}})
    check_upload(media_id)  # a late redelivery of the first stage
    assert state(media_id)[0] == "ready"


def test_a_missing_original_fails_the_upload(socweb_app, media_folder):  # noqa: F811
    (ada,) = add_users(socweb_app, ["ada"])
    media_id = stored(ada, image_bytes())
    for original in (media_folder / "originals").iterdir():
        original.unlink()
    check_upload(media_id)
    assert state(media_id)[:2] == ("failed", "missing_original")


def test_a_content_already_processed_takes_that_outcome(socweb_app, media_folder):  # noqa: F811
    ada, bob = add_users(socweb_app, ["ada", "bob"])
    data = image_bytes("JPEG", (500, 500))
    first = stored(ada, data)
    check_upload(first)
    make_derivatives(first)
    for derivative in (media_folder / "derivatives").rglob("*.webp"):
        derivative.write_bytes(b"kept")  # a second processing would write them again
    second = stored(bob, data)
    check_upload(second)
    assert state(second) == state(first)
    assert {p.read_bytes() for p in (media_folder / "derivatives").rglob("*.webp")} == {b"kept"}


def test_the_sweep_restarts_the_graph_of_an_upload_left_processing(socweb_app):
    (ada,) = add_users(socweb_app, ["ada"])
    media_id = stored(ada, image_bytes())
    db.session.execute(update(Media).values(created_at=datetime.now(UTC) - timedelta(minutes=20),
                                            attached_at=datetime.now(UTC)))
    db.session.commit()
    sweep_media()
    assert state(media_id)[0] == "ready"


def test_a_folder_derivative_outside_a_request_is_named_by_its_path(socweb_app):
    from axa.models.socweb.media import url_of
    assert url_of("ab" * 32, "small") == f"/api/v1/media/files/{'ab' * 32}/small.webp"
