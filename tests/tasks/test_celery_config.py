"""celeryconfig.py: every task routed to a declared queue, and the visibility-timeout invariant
(security.md T8) against every registered task's limits and retry delays."""
import os
import runpy
import threading

import pytest

import celeryconfig
from axa.platform.celery_app import broker_settings, celery
from axa.platform.config import load_settings

DECLARED = {q.name: q for q in celeryconfig.task_queues}


@pytest.fixture(scope="module")
def tasks(databases):
    celery.loader.import_default_modules()
    return dict(celery.tasks)


def project_tasks(tasks) -> dict:
    """Celery's built-ins (celery.group, celery.chord_unlock, …) run inside the process that uses
    them or not at all here (the Redis result backend joins chords natively); ours are the rest."""
    return {name: task for name, task in tasks.items() if not name.startswith("celery.")}


def test_every_task_is_in_the_table_and_routes_to_a_declared_queue(tasks):
    ours = project_tasks(tasks)
    assert set(ours) == set(celeryconfig.TASK_QUEUES)
    assert len(ours) >= 10
    for name in ours:
        route = celery.amqp.router.route({}, name)
        queue = route["queue"]
        assert queue.name in DECLARED, name
        assert queue.name != celeryconfig.UNROUTED_QUEUE, name
        assert queue.name in celeryconfig.QUEUE_NAMES, name  # the worker's -Q list
        assert route["routing_key"] == DECLARED[queue.name].routing_key == queue.name, name
        subsystem, stage, verb_noun = name.split(".")
        per_vendor = f"{subsystem}.{stage}.{verb_noun.removeprefix('fetch_')}"  # stocks.poll.fmp
        assert queue.name in (f"{subsystem}.{stage}", per_vendor, "mail") and "_" in verb_noun, name


def test_queues_are_declared_durable_and_nothing_is_created_on_the_fly():
    assert set(celeryconfig.QUEUE_NAMES) | {celeryconfig.UNROUTED_QUEUE} == set(DECLARED)
    assert set(celeryconfig.TASK_QUEUES.values()) == set(celeryconfig.QUEUE_NAMES)
    assert all(q.durable for q in DECLARED.values())
    assert celery.conf.task_default_queue == celeryconfig.UNROUTED_QUEUE
    assert celery.conf.task_create_missing_queues is False
    with pytest.raises(KeyError):
        celery.amqp.queues["no.such.queue"]


def _limits(task) -> tuple[float, float]:
    soft = task.soft_time_limit or celery.conf.task_soft_time_limit
    hard = task.time_limit or celery.conf.task_time_limit
    return soft, hard


def _longest_retry_delay(task) -> float:
    if getattr(task, "autoretry_for", ()) and getattr(task, "retry_backoff", False):
        return getattr(task, "retry_backoff_max", 600)  # celery.app.autoretry's default
    return task.default_retry_delay or 0


def test_visibility_timeout_exceeds_every_limit_and_retry_delay(tasks):
    visibility = celeryconfig.VISIBILITY_TIMEOUT
    assert visibility > celeryconfig.MAX_RETRY_DELAY
    for name, task in tasks.items():
        soft, hard = _limits(task)
        assert soft is not None and hard is not None, name
        assert 0 < soft < hard < visibility, name
        delay = _longest_retry_delay(task)
        assert delay < visibility, name
        if not name.startswith("celery."):
            assert delay <= celeryconfig.MAX_RETRY_DELAY, name
            assert task.max_retries is not None, name  # never retry forever


def test_beat_entries_are_routed_and_expire_before_the_next_tick(tasks):
    for entry in celeryconfig.beat_schedule.values():
        assert entry["task"] in project_tasks(tasks)
        assert 0 < entry["options"]["expires"] < entry["schedule"]
        assert entry["options"]["expires"] < celeryconfig.VISIBILITY_TIMEOUT


def test_celeryconfig_is_data_and_the_urls_come_from_the_environment():
    """celeryconfig reads nothing from the environment; the Celery app takes the broker and
    result URLs from axa.platform.config when its configuration is first read."""
    data = runpy.run_path(celeryconfig.__file__)
    assert not {"broker_url", "result_backend", "os", "load_settings",
                "worker_cancel_long_running_tasks_on_connection_loss"} & set(data)
    settings = load_settings()
    assert (celery.conf.broker_url, celery.conf.result_backend) == (settings.broker_url, settings.result_url)
    assert settings.broker_url == os.environ["AXA_BROKER_URL"]


def test_each_transport_reads_its_reliability_option():
    """One table of transport options for either broker: a Redis channel redelivers an unacked
    message after the visibility timeout; a RabbitMQ connection confirms every publish."""
    timeout = celeryconfig.VISIBILITY_TIMEOUT
    assert celery.conf.result_backend_transport_options["visibility_timeout"] == timeout
    with celery.connection_for_write(os.environ["AXA_REDIS_URL"]) as conn:
        assert conn.default_channel.visibility_timeout == timeout
    with celery.connection_for_write() as conn:  # this run's broker
        conn.ensure_connection(max_retries=1)
        if conn.transport.driver_type == "amqp":
            assert conn.connection.confirm_publish is True


def test_delivery_settings_are_explicit():
    conf = celery.conf
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_publish_retry and conf.task_publish_retry_policy["max_retries"] <= 3


@pytest.mark.parametrize(("broker", "cancel"), [("amqp://guest:guest@127.0.0.1:5672/axa", True),
                                                 ("redis://127.0.0.1:6379/12", False)])
def test_running_tasks_are_cancelled_on_connection_loss_only_where_the_broker_redelivers_at_once(
        monkeypatch, broker, cancel):
    """RabbitMQ gives a lost connection's unacked messages back at once, so a task left running
    would run twice; a Redis broker only after the visibility timeout, so a cancelled task would
    wait an hour (tests/integration/test_worker_recovery.py). Set explicitly for either."""
    on_redis = os.environ["AXA_BROKER_URL"].startswith("redis")  # this run's broker
    assert celery.conf.worker_cancel_long_running_tasks_on_connection_loss is not on_redis
    monkeypatch.setenv("AXA_BROKER_URL", broker)
    assert broker_settings()["worker_cancel_long_running_tasks_on_connection_loss"] is cancel


def test_tasks_resolve_to_the_platform_app_in_any_thread():
    """Web servers publish from threads: shared tasks must not fall back to Celery's default app
    (which would ignore eager mode and the AppTask base)."""
    from axa.tasks.auth.sync import fan_out_user
    seen = []
    thread = threading.Thread(target=lambda: seen.append(fan_out_user._get_current_object().app))
    thread.start()
    thread.join()
    assert seen == [celery]


def test_every_dataset_is_polled_by_a_task_on_its_vendors_queue(tasks):
    from axa.tasks.cmc.datasets import CATALOGUE as CMC
    from axa.tasks.stocks.datasets import CATALOGUE as STOCKS
    for subsystem, catalogue in (("stocks", STOCKS), ("cmc", CMC)):
        for name, dataset in catalogue.items():
            assert name == dataset.name and name.split(".")[0] == dataset.vendor
            assert dataset.poll_task in tasks and dataset.fetcher_class is not None
            assert celeryconfig.TASK_QUEUES[dataset.poll_task].startswith(
                f"{subsystem}.poll.{dataset.vendor}"), name
