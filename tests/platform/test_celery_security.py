"""A real worker refuses pickle (security.md item 43): ``accept_content = ["json"]``.

A pickle-serialized ``auth.mail.send_message`` is published to a queue the worker consumes,
followed by a JSON one. The worker must discard the first without running it (no ledger row, no
mail, and the object inside the pickle is never rebuilt) and process the second.

The queue is private to this test (a mail queue by another name): in a full run the integration
tests' session worker also consumes ``mail`` on this vhost and could take the messages. The
worker loads the platform's Celery app through ``worker_app`` below, which adds that queue.
"""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time
import uuid

import pytest
from amqp.exceptions import ChannelError
from kombu import Exchange, Queue

from axa.apps import create_auth_app
from axa.models.auth import OutboxEntry, SentMail, User, db
from axa.platform.celery_app import celery
from axa.tasks.auth.mail import message_id, send_message

ROOT = pathlib.Path(__file__).resolve().parents[2]  # not from tests.conftest: the worker imports us
QUEUE_ENV = "AXA_TEST_PRIVATE_QUEUE"
READY_DEADLINE = 60.0
TASK_DEADLINE = 30.0
REFUSAL = "Refusing to deserialize untrusted content of type pickle"


class RebuildsToAFile:
    """Unpickling this creates ``marker``: the proof that a pickle payload was deserialized."""

    def __init__(self, marker: pathlib.Path):
        self.marker = marker

    def __reduce__(self):
        return pathlib.Path.touch, (self.marker,)


def private_queue(name: str) -> Queue:
    return Queue(name, Exchange(name, type="direct"), routing_key=name, durable=False,
                 auto_delete=True)


def __getattr__(name: str):
    """``celery -A tests.platform.test_celery_security:worker_app``: the platform's app + the queue."""
    if name != "worker_app":
        raise AttributeError(name)
    celery.conf.task_queues = [*celery.conf.task_queues, private_queue(os.environ[QUEUE_ENV])]
    return celery


def _wait_for(predicate, deadline: float, what: str, log: pathlib.Path) -> None:
    end = time.monotonic() + deadline
    while not predicate():
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture
def queue():
    """Declared before the worker starts; deleted afterwards."""
    bound = private_queue(f"mail.security-{uuid.uuid4().hex[:12]}")
    with celery.connection_for_write() as conn:
        bound(conn.default_channel).declare()
    yield bound
    with celery.connection_for_write() as conn:
        bound(conn.default_channel).delete()


@pytest.fixture
def mail_worker(tmp_path, queue):
    """A prefork worker (one child) on the private queue of this run's broker, mailing to a folder."""
    log = tmp_path / "worker.log"
    env = {**os.environ, QUEUE_ENV: queue.name, "AXA_MAIL_URL": f"file://{tmp_path / 'outbox'}"}
    cmd = [sys.executable, "-m", "celery", "-A", f"{__name__}:worker_app", "worker", "-Q", queue.name,
           "-c", "1", "-n", f"security-{uuid.uuid4().hex[:8]}@%h", "-l", "INFO",
           "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for(lambda: " ready." in log.read_text() or proc.poll() is not None,
                  READY_DEADLINE, "the worker to be ready", log)
        assert proc.poll() is None, log.read_text()
        yield log, tmp_path / "outbox"
    finally:
        _stop(proc)


def _queued_mails(app, count: int) -> list[int]:
    """Outbox rows of password-changed mails to a throw-away user (the task takes a row id)."""
    with app.app_context():
        try:
            user = User(email=f"mallory-{uuid.uuid4().hex[:8]}@example.com", password_hash="x",
                        display_name="M", status="active", roles=[], version=1)
            db.session.add(user)
            db.session.flush()
            ids = [OutboxEntry.mail("password_changed", user_id=user.id).id for _ in range(count)]
            db.session.commit()
            return ids
        finally:
            db.session.remove()


def _ledgered(app, mail_id: str) -> bool:
    with app.app_context():
        try:
            return db.session.get(SentMail, mail_id) is not None
        finally:
            db.session.remove()


def test_worker_refuses_pickle_and_keeps_consuming_json(mail_worker, queue, tmp_path):
    log, outbox = mail_worker
    marker = tmp_path / "unpickled"
    app = create_auth_app({"TESTING": True})
    pickled, plain = _queued_mails(app, 2)
    # send_task: the extra argument (the object that rebuilds to a file) is not checked at publish
    celery.send_task(send_message.name, args=(pickled, RebuildsToAFile(marker)), serializer="pickle",
                     queue=queue)
    json_task = send_message.apply_async(args=(plain,), queue=queue)
    try:
        _wait_for(lambda: _ledgered(app, message_id(plain)), TASK_DEADLINE, "the JSON task", log)
        assert not _ledgered(app, message_id(pickled)), "the pickle message was executed"
    finally:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
    text = log.read_text()
    assert REFUSAL in text
    assert f"send_message[{json_task.id}] succeeded" in text
    assert not marker.exists(), "the pickle payload was deserialized"
    assert [p.name for p in outbox.iterdir()] == [f"{message_id(plain)}.eml"]
    with celery.connection_for_write() as conn:
        try:
            left = queue(conn.default_channel).queue_declare(passive=True).message_count
        except ChannelError:  # a Redis broker keeps no empty queue: nothing was left behind
            left = 0
    assert left == 0, "the refused message was requeued"
