"""The media graph through a real worker on the real broker: an upload becomes ready, and a
worker SIGKILLed mid-graph leaves the upload ``processing`` until a new worker, given the
redelivered message, finishes it (never lost, never failed by the kill)."""
from __future__ import annotations

import dataclasses
import io
import os

from PIL import Image
from sqlalchemy import select

from axa.models.socweb import Media, db
from tests.blueprints.socweb.media_support import image_bytes, upload
from tests.integration.conftest import WorkerProcess, consumer_counts, rabbitmq_redelivery, wait_until
from tests.tasks.feeds_helpers import add_users, sign_in


def media_row(app, media_id: int) -> dict:
    with app.app_context():
        row = db.session.scalar(select(Media).where(Media.id == media_id))
        found = {"state": row.state, "type": row.content_type, "reason": row.reason}
        db.session.rollback()
        return found


def use_folder(app, folder) -> dict[str, str]:
    """socweb's media in ``folder``, for the test's app and (the returned environment) a worker."""
    app.config["AXA_MEDIA"] = dataclasses.replace(app.config["AXA_MEDIA"], storage_url=f"file://{folder}")
    return {"AXA_MEDIA_STORAGE_URL": f"file://{folder}"}


def noisy_png(width: int, height: int) -> bytes:
    """A PNG that takes a while to decode (noise does not compress)."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "PNG", compress_level=1)
    return out.getvalue()


def test_an_upload_becomes_ready_through_the_worker(platform, worker, tmp_path):
    worker.stop()  # this test's worker stores media in the test's folder
    socweb = platform["socweb"]
    env = use_folder(socweb, tmp_path / "media")
    (ada,) = add_users(socweb, ["ada"])
    worker = WorkerProcess(tmp_path / "worker.log", env)
    worker.start()
    try:
        sent = upload(socweb.test_client(), sign_in(socweb, ada), image_bytes("JPEG", (1200, 800)))
        assert sent.status_code == 202 and sent.get_json()["state"] == "processing"
        wait_until(lambda: media_row(socweb, sent.get_json()["id"])["state"] == "ready", 15.0, "ready")
    finally:
        worker.stop()


@rabbitmq_redelivery
def test_a_worker_killed_mid_graph_leaves_the_upload_processing_and_a_new_one_finishes_it(
        platform, worker, tmp_path):
    worker.stop()  # this test's worker stores media in the test's folder
    socweb = platform["socweb"]
    env = use_folder(socweb, tmp_path / "media")
    (ada,) = add_users(socweb, ["ada"])
    slow = WorkerProcess(tmp_path / "worker.log", env)
    slow.start()
    try:
        sent = upload(socweb.test_client(), sign_in(socweb, ada), noisy_png(2400, 1800))  # 13 MB: under AXA_MEDIA_MAX_BYTES
        assert sent.status_code == 202, sent.get_json()
        media_id = sent.get_json()["id"]
        checked = wait_until(lambda: media_row(socweb, media_id)["type"], 20.0, "the check stage done",
                             interval=0.005)
        assert checked == "image/png"
        wait_until(lambda: slow.running_task("socweb.media.make_derivatives"), 10.0,
                   "the derivatives stage running", interval=0.01)
        slow.kill()  # mid-way through the derivatives (a second or so of work): its message is unacked
        assert media_row(socweb, media_id)["state"] == "processing"
        wait_until(lambda: sum(consumer_counts().values()) == 0, 5.0, "the broker saw the worker die")
        assert media_row(socweb, media_id)["state"] == "processing"
        slow.start()
        wait_until(lambda: media_row(socweb, media_id)["state"] != "processing", 30.0, "the graph finished")
    finally:
        slow.stop()
    assert media_row(socweb, media_id) == {"state": "ready", "type": "image/png", "reason": None}
    assert sorted(p.name for p in (tmp_path / "media" / "derivatives").rglob("*.webp")) == [
        "large.webp", "small.webp"]
