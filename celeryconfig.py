"""Celery configuration: data only. One table of tasks → queues; every queue declared.

Reliability settings follow shared/security.md §2 and are all set explicitly (decision 7).
"""
from kombu import Queue

from axa.platform.config import REPLICA_SUBSYSTEMS, load_settings

_settings = load_settings()

# --- the one table of task names and their queues --------------------------------------------
TASK_QUEUES = {
    "auth.sync.relay_outbox": "auth.sync",
    "auth.sync.fan_out_user": "auth.sync",
    "auth.sync.reconcile_users": "auth.sync",
    "auth.sessions.prune_sessions": "auth.sessions",
    "auth.mail.send_message": "mail",
    **{f"{sub}.sync.upsert_users": f"{sub}.sync" for sub in REPLICA_SUBSYSTEMS},
    # market data: beat -> dispatch -> poll (one queue per vendor) -> format (bulk upserts)
    "stocks.dispatch.start_run": "stocks.dispatch",
    "stocks.dispatch.run_due": "stocks.dispatch",
    "stocks.poll.fetch_fmp": "stocks.poll.fmp",
    "stocks.poll.fetch_fmp_bulk": "stocks.poll.fmp_bulk",
    "stocks.poll.fetch_cbonds": "stocks.poll.cbonds",
    "stocks.poll.fetch_terrapin": "stocks.poll.terrapin",
    "stocks.format.store_batch": "stocks.format",
    "cmc.dispatch.start_run": "cmc.dispatch",
    "cmc.dispatch.run_due": "cmc.dispatch",
    "cmc.poll.fetch_cmc": "cmc.poll.cmc",
    "cmc.format.store_batch": "cmc.format",
}
MARKET_QUEUES = ("stocks.dispatch", "stocks.poll.fmp", "stocks.poll.fmp_bulk", "stocks.poll.cbonds",
                 "stocks.poll.terrapin",
                 "stocks.format", "cmc.dispatch", "cmc.poll.cmc", "cmc.format")
QUEUE_NAMES = ("auth.sync", "auth.sessions", "mail", *(f"{s}.sync" for s in REPLICA_SUBSYSTEMS),
               *MARKET_QUEUES)
UNROUTED_QUEUE = "axa.unrouted"  # must stay empty: every task is routed explicitly

imports = ("axa.tasks.auth.sync", "axa.tasks.auth.sessions", "axa.tasks.auth.mail",
           *(f"axa.tasks.{s}.sync" for s in REPLICA_SUBSYSTEMS),
           *(f"axa.tasks.{s}.{stage}" for s in ("stocks", "cmc") for stage in ("dispatch", "poll", "format")))

broker_url = _settings.broker_url
result_backend = _settings.result_url
task_queues = [Queue(name, routing_key=name, durable=True) for name in (*QUEUE_NAMES, UNROUTED_QUEUE)]
task_routes = {name: {"queue": queue, "routing_key": queue} for name, queue in TASK_QUEUES.items()}
task_default_queue = UNROUTED_QUEUE
task_create_missing_queues = False

# --- serialization (security.md item 43) ---------------------------------------------------------
accept_content = ["json"]
task_serializer = "json"
result_serializer = "json"
result_accept_content = ["json"]
task_ignore_result = True
result_expires = 3600

# --- delivery guarantees ------------------------------------------------------------------------
task_acks_late = True
task_reject_on_worker_lost = True  # capped by AppTask's redelivery counter (MAX_DELIVERIES)
task_acks_on_failure = True  # failures are retried explicitly, not redelivered
task_acks_on_timeout = True
worker_prefetch_multiplier = 1
worker_cancel_long_running_tasks_on_connection_loss = True
worker_max_tasks_per_child = 1000
worker_soft_shutdown_timeout = 10
task_soft_time_limit = 25
task_time_limit = 30
task_publish_retry = True
task_publish_retry_policy = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5,
                             "interval_max": 1}
broker_connection_timeout = 2
broker_connection_retry = True
broker_connection_retry_on_startup = True
broker_connection_max_retries = None
broker_heartbeat = 30
worker_send_task_events = True  # Flower
task_send_sent_event = True

# Redis broker: an unacked message is redelivered after the visibility timeout, which must exceed
# the longest hard time limit, countdown and retry delay (security.md T8; tested).
VISIBILITY_TIMEOUT = 3600
MAX_RETRY_DELAY = 600
if broker_url.startswith(("redis://", "rediss://", "unix://")):
    broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
else:
    broker_transport_options = {"confirm_publish": True}
result_backend_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}

# --- beat: exactly one process; every entry expires so stale ticks are dropped ------------------
beat_schedule = {
    "relay-outbox": {"task": "auth.sync.relay_outbox", "schedule": 15.0,
                     "options": {"expires": 14}},
    "reconcile-users": {"task": "auth.sync.reconcile_users", "schedule": 3600.0,
                        "options": {"expires": 600}},
    "prune-sessions": {"task": "auth.sessions.prune_sessions", "schedule": 900.0,
                       "options": {"expires": 300}},
    # every dataset's own schedule (AXA_SCHEDULE_<DATASET>) is checked against its runs table
    "stocks-run-due": {"task": "stocks.dispatch.run_due", "schedule": 20.0, "options": {"expires": 18}},
    "cmc-run-due": {"task": "cmc.dispatch.run_due", "schedule": 20.0, "options": {"expires": 18}},
}
beat_max_loop_interval = 5
beat_scheduler = "axa.platform.beat:LockedScheduler"  # a second beat stands by (security.md T7)
