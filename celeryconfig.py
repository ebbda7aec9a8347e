"""Celery configuration: data only. One table of tasks → queues; every queue declared.

Nothing here reads the environment: the broker and result URLs (``AXA_BROKER_URL``,
``AXA_RESULT_URL``), and the one setting that depends on the broker's kind, are set by the Celery
app from axa.platform.config when its configuration is first read (axa/platform/celery_app.py).
Reliability settings follow shared/security.md §2 and are all set explicitly (decision 7).
"""
from kombu import Queue

# --- the one table of task names and their queues --------------------------------------------
TASK_QUEUES = {
    "auth.sync.relay_outbox": "auth.sync",
    "auth.sync.fan_out_user": "auth.sync",
    "auth.sync.reconcile_users": "auth.sync",
    "auth.sessions.prune_sessions": "auth.sessions",
    "auth.mail.send_message": "mail",
    # each replica's user sync (auth.sync.fan_out_user fans out to all five)
    "socweb.sync.upsert_users": "socweb.sync",
    "stocks.sync.upsert_users": "stocks.sync",
    "cmc.sync.upsert_users": "cmc.sync",
    "stream.sync.upsert_users": "stream.sync",
    "terminal.sync.upsert_users": "terminal.sync",
    # socweb's outbox (swept by beat) and the home feeds it keeps: fan-out on write, merges
    "socweb.feeds.relay_outbox": "socweb.feeds",
    "socweb.feeds.fan_out_post": "socweb.feeds",
    "socweb.feeds.remove_post": "socweb.feeds",
    "socweb.feeds.merge_author": "socweb.feeds",
    "socweb.feeds.unmerge_author": "socweb.feeds",
    # socweb's uploads: check -> derivatives (axa/tasks/socweb/media.py), and the orphan sweep
    "socweb.media.check_upload": "socweb.media",
    "socweb.media.make_derivatives": "socweb.media",
    "socweb.media.sweep_media": "socweb.media",
    "socweb.search.index_posts": "socweb.search",  # the Elasticsearch post index (AXA_SEARCH_URL)
    # socweb's notifications (from the same outbox), their mail and the daily digest's dispatch
    "socweb.notify.notify_subscription": "socweb.notify",
    "socweb.notify.notify_like": "socweb.notify",
    "socweb.notify.notify_mentions": "socweb.notify",
    "socweb.notify.notify_comment": "socweb.notify",
    "socweb.notify.dispatch_digests": "socweb.notify",
    "socweb.notify.record_digests": "socweb.notify",  # the callback of a time zone's digest chord
    "socweb.mail.send_notifications": "mail",
    "socweb.mail.send_digest": "mail",
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
    # stream: each channel's live state, driven by the media server's hooks (and a beat sweep)
    "stream.live.mark_published": "stream.live",
    "stream.live.mark_unpublished": "stream.live",
    "stream.live.check_offline": "stream.live",
    "stream.live.sweep_offline": "stream.live",
    # price alerts: every quote batch of either pipeline is evaluated; alert mail on the mail queue
    "cmc.alerts.evaluate_quotes": "cmc.alerts",
    "cmc.alerts.relay_mail": "cmc.alerts",
    "cmc.mail.send_alert": "mail",
    # the portfolios' daily value history: beat -> dispatcher -> batches
    "cmc.snapshots.snapshot_portfolios": "cmc.snapshots",
    "cmc.snapshots.snapshot_batch": "cmc.snapshots",
    "cmc.snapshots.backfill_portfolio": "cmc.snapshots",
    # a portfolio's CSV upload into transactions, with its report
    "cmc.imports.import_csv": "cmc.imports",
    # stream: go-live notifications, fanned out to a channel's subscribers in batches; their mail
    "stream.notify.fan_out_go_live": "stream.notify",
    "stream.notify.sweep_fanouts": "stream.notify",
    "stream.notify.send_go_live_mail": "mail",
    # stream: viewer counts sampled into live sessions and watch history; recommendations per user
    "stream.viewers.sample_viewers": "stream.viewers",
    "stream.recommend.dispatch_recommendations": "stream.recommend",
    "stream.recommend.recommend_users": "stream.recommend",
    # stream: chat messages buffered in Redis, written in batches
    "stream.chat.persist_messages": "stream.chat",
    # stream: a recording -> VOD (register, remux/thumbnail/store), and the retention sweep
    "stream.vod.register_recording": "stream.vod",
    "stream.vod.process_recording": "stream.vod",
    "stream.vod.sweep_vods": "stream.vod",
    # the paper terminal's matching: each quote batch written -> its open orders (and beat expiry)
    "terminal.matching.match_quotes": "terminal.matching",
    "terminal.matching.expire_orders": "terminal.matching",
    # cmc portfolios linked to a paper account: beat -> the terminal's fills -> the portfolio's rows
    "cmc.paper.sync_links": "cmc.paper",
    "cmc.paper.record_fills": "cmc.paper",
    "terminal.paper.export_fills": "terminal.paper",
    # the diary's journal: each trade's MFE/MAE and best exit from the price history
    "stocks.journal.compute_excursions": "stocks.journal",
    "terminal.matching.snapshot_equity": "terminal.matching",  # the portfolio history's snapshots
    # the trader's diary: terminal fills relayed from the terminal's outbox; broker CSV imports
    "terminal.diary.relay_fills": "terminal.diary",
    "stocks.diary.record_fill": "stocks.diary",
    "stocks.diary_imports.import_csv": "stocks.diary_imports",
}
QUEUE_NAMES = (
    "auth.sync", "auth.sessions", "mail",
    "socweb.sync", "stocks.sync", "cmc.sync", "stream.sync", "terminal.sync",
    "socweb.feeds", "socweb.media", "socweb.notify", "socweb.search",
    "stocks.dispatch", "stocks.poll.fmp", "stocks.poll.fmp_bulk", "stocks.poll.cbonds",
    "stocks.poll.terrapin", "stocks.format",
    "cmc.dispatch", "cmc.poll.cmc", "cmc.format", "cmc.alerts", "cmc.snapshots", "cmc.imports",
    "stream.live", "stream.notify", "stream.viewers", "stream.recommend", "stream.chat", "stream.vod",
    "terminal.matching",
    "cmc.paper", "terminal.paper", "stocks.journal", "terminal.diary", "stocks.diary", "stocks.diary_imports",
)
UNROUTED_QUEUE = "axa.unrouted"  # must stay empty: every task is routed explicitly

imports = (
    "axa.tasks.auth.sync", "axa.tasks.auth.sessions", "axa.tasks.auth.mail",
    "axa.tasks.socweb.sync", "axa.tasks.stocks.sync", "axa.tasks.cmc.sync", "axa.tasks.stream.sync",
    "axa.tasks.terminal.sync", "axa.tasks.socweb.feeds", "axa.tasks.socweb.media", "axa.tasks.socweb.notify",
    "axa.tasks.socweb.mail", "axa.tasks.socweb.search",
    "axa.tasks.stocks.dispatch", "axa.tasks.stocks.poll", "axa.tasks.stocks.format",
    "axa.tasks.cmc.dispatch", "axa.tasks.cmc.poll", "axa.tasks.cmc.format",
    "axa.tasks.stream.live", "axa.tasks.stream.relay", "axa.tasks.stream.notify", "axa.tasks.stream.viewers",
    "axa.tasks.stream.recommend", "axa.tasks.stream.chat", "axa.tasks.stream.vod",
    "axa.tasks.cmc.alerts", "axa.tasks.cmc.mail", "axa.tasks.cmc.snapshots", "axa.tasks.cmc.imports",
    "axa.tasks.terminal.matching", "axa.tasks.cmc.paper", "axa.tasks.terminal.paper",
    "axa.tasks.stocks.journal",
    "axa.tasks.terminal.diary", "axa.tasks.stocks.diary", "axa.tasks.stocks.diary_imports",
)
# the Flask app each task runs in: the composition root builds it (the platform imports no layer above)
flask_app_factory = "axa.apps:create_app"

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
# worker_cancel_long_running_tasks_on_connection_loss: True on RabbitMQ, False on a Redis broker,
# set with the broker URL by the Celery app (axa/platform/celery_app.py, broker_settings)
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

# Both transports' options in one table; each transport reads its own and ignores the other's.
# RabbitMQ: publisher confirms, so a task message is never lost silently. Redis: an unacked message
# is redelivered after the visibility timeout, which must exceed the longest hard time limit,
# countdown and retry delay (security.md T8; tested).
VISIBILITY_TIMEOUT = 3600
MAX_RETRY_DELAY = 600
broker_transport_options = {"confirm_publish": True, "visibility_timeout": VISIBILITY_TIMEOUT}
result_backend_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}

# --- beat: exactly one process; every entry expires so stale ticks are dropped ------------------
beat_schedule = {
    "relay-outbox": {"task": "auth.sync.relay_outbox", "schedule": 15.0,
                     "options": {"expires": 14}},
    "socweb-relay-outbox": {"task": "socweb.feeds.relay_outbox", "schedule": 10.0,
                            "options": {"expires": 9}},
    "socweb-sweep-media": {"task": "socweb.media.sweep_media", "schedule": 600.0,
                           "options": {"expires": 300}},
    "socweb-dispatch-digests": {"task": "socweb.notify.dispatch_digests", "schedule": 900.0,
                                "options": {"expires": 600}},
    "reconcile-users": {"task": "auth.sync.reconcile_users", "schedule": 3600.0,
                        "options": {"expires": 600}},
    "prune-sessions": {"task": "auth.sessions.prune_sessions", "schedule": 900.0,
                       "options": {"expires": 300}},
    # every dataset's own schedule (AXA_SCHEDULE_<DATASET>) is checked against its runs table
    "stocks-run-due": {"task": "stocks.dispatch.run_due", "schedule": 20.0, "options": {"expires": 18}},
    "cmc-run-due": {"task": "cmc.dispatch.run_due", "schedule": 20.0, "options": {"expires": 18}},
    # channels left disconnected beyond the reconnect window go offline even if their check was lost
    "stream-sweep-offline": {"task": "stream.live.sweep_offline", "schedule": 30.0,
                             "options": {"expires": 25}},
    "cmc-alerts-relay-mail": {"task": "cmc.alerts.relay_mail", "schedule": 30.0, "options": {"expires": 28}},
    # hourly: each UTC day's row ends up holding its last value
    "cmc-snapshot-portfolios": {"task": "cmc.snapshots.snapshot_portfolios", "schedule": 3600.0,
                                "options": {"expires": 600}},
    # go-live fan-outs whose chain broke resume from their last batch
    "stream-sweep-fanouts": {"task": "stream.notify.sweep_fanouts", "schedule": 60.0,
                             "options": {"expires": 55}},
    # viewer counts into the open live sessions (peak, average) and the watch history
    "stream-sample-viewers": {"task": "stream.viewers.sample_viewers", "schedule": 10.0,
                              "options": {"expires": 9}},
    "stream-recommend": {"task": "stream.recommend.dispatch_recommendations", "schedule": 900.0,
                         "options": {"expires": 600}},
    # chat messages whose batch kick was lost (broker down) are written anyway
    "stream-chat-persist": {"task": "stream.chat.persist_messages", "schedule": 10.0,
                            "options": {"expires": 9}},
    # VODs past their channel's retention (and of deleted channels) go, files first
    "stream-sweep-vods": {"task": "stream.vod.sweep_vods", "schedule": 600.0, "options": {"expires": 300}},
    "terminal-expire-orders": {"task": "terminal.matching.expire_orders", "schedule": 60.0,
                               "options": {"expires": 55}},
    # portfolios linked to a paper account catch up with its fills (a lost message costs a minute)
    "cmc-sync-paper-links": {"task": "cmc.paper.sync_links", "schedule": 60.0, "options": {"expires": 55}},
    # portfolio history: each account's equity every AXA_TERMINAL_HISTORY_EVERY_MINUTES and at the close
    "terminal-snapshot-equity": {"task": "terminal.matching.snapshot_equity", "schedule": 60.0,
                                 "options": {"expires": 55}},
    "terminal-relay-diary-fills": {"task": "terminal.diary.relay_fills", "schedule": 30.0,
                                   "options": {"expires": 28}},
}
beat_max_loop_interval = 5
beat_scheduler = "axa.platform.beat:LockedScheduler"  # a second beat stands by (security.md T7)
