"""Go-live fan-out: a channel with 10,000 subscribers goes live, from the hook's event until the
last notification is committed, against a raw bulk insert of the same 10,000 notification rows.

The real path: the live event is published to the broker as the ingest hook publishes it
(``stream.live.mark_published``); the worker, started as ``make run`` starts it (ops.run
worker_groups / pool_options: the background worker, autoscaled), opens the live session and
announces it (axa/tasks/stream/notify.py); ``stream.notify.fan_out_go_live`` inserts the
notifications a batch of 1,000 subscribers at a time (``INSERT … SELECT … ON CONFLICT DO
NOTHING``), each batch queuing the next. The clock stops when the last batch has committed
(``golive_fanouts.finished_at``, polled every millisecond); then every subscriber is checked to
hold exactly one notification. The reference: the same rows for another live session in one
``INSERT … SELECT`` through psycopg, timed alone. Sessions are measured in turn with the reference
(``--sessions``, after two untimed ones that warm the worker up); the ratio is the reference's
total time over the fan-outs'.

    python -m bench.stream_golive [--subscribers N] [--sessions N] [--quick]
"""
from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack

from bench import environment
from bench.ingest_processes import PipelineWorker, cpu_seconds
from ops.settings import load_ops_settings

NAME = "stream_golive"
TARGET = 0.3  # of the raw bulk insert
QUEUES = ("stream.live", "stream.notify", "mail")
OWNER = 10**9  # the channel's owner: no subscriber
WARM_UP_SESSIONS = 2
TIMEOUT = 120.0
TABLES = "channels, live_sessions, channel_subscriptions, notifications, golive_fanouts, notification_inboxes"
FINISHED = ("SELECT f.finished_at IS NOT NULL FROM live_sessions s JOIN golive_fanouts f "
            "ON f.live_session_id = s.id WHERE s.channel_id = %s AND s.ended_at IS NULL")
RAW = ("INSERT INTO notifications (user_id, kind, channel_id, live_session_id) "
       "SELECT user_id, 'go_live', channel_id, %s FROM channel_subscriptions WHERE channel_id = %s")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.stream_golive", description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000,
                        help="the channel's subscribers (default 10000)")
    parser.add_argument("--sessions", type=int, default=10, help="timed live sessions (default 10)")
    parser.add_argument("--concurrency", type=int, default=load_ops_settings().worker_concurrency,
                        help="the worker's most processes (default: AXA_WORKER_CONCURRENCY or 2, "
                             "as make run)")
    parser.add_argument("--duration", type=float, help="ignored: fan-out measures a fixed amount of work")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.subscribers, args.sessions = 300, 1
    return args


def dsn() -> str:
    from sqlalchemy.engine import make_url

    from axa.platform.config import database_url
    return make_url(database_url("stream")).set(drivername="postgresql").render_as_string(hide_password=False)


def seed(conn, subscribers: int) -> int:
    """stream's channels emptied; one channel with ``subscribers`` subscriptions: its id."""
    conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    channel = conn.execute("INSERT INTO channels (user_id, slug, title, description, tags, latency_mode) "
                           "VALUES (%s, 'bench-live', 'Bench', '', '{}', 'normal') RETURNING id",
                           (OWNER,)).fetchone()[0]
    conn.execute("INSERT INTO channel_subscriptions (user_id, channel_id) "
                 "SELECT g, %s FROM generate_series(1, %s) AS g", (channel, subscribers))
    conn.execute("VACUUM ANALYZE")
    return channel


def end_sessions(conn) -> None:
    conn.execute("UPDATE live_sessions SET disconnected_at = now(), ended_at = now(), "
                 "end_reason = 'disconnected' WHERE ended_at IS NULL")


def go_live(conn, channel: int) -> float:
    """A new live session through the worker: seconds from the event until the last batch."""
    from axa.tasks.stream import live
    end_sessions(conn)
    started = time.monotonic()
    live.mark_published.apply_async((channel, time.time()))
    while not (conn.execute(FINISHED, (channel,)).fetchone() or (False,))[0]:
        if time.monotonic() - started > TIMEOUT:
            raise SystemExit(f"the fan-out did not finish within {TIMEOUT:.0f} s")
        time.sleep(0.001)
    return time.monotonic() - started


def raw_insert(conn, channel: int) -> float:
    """The reference: the same rows for a session of its own, one statement; seconds."""
    end_sessions(conn)
    session = conn.execute(
        "INSERT INTO live_sessions (channel_id, started_at, last_published_at, ended_at, end_reason, "
        "reconnects, peak_viewers, avg_viewers) "
        "VALUES (%s, now(), now(), now(), 'disconnected', 0, 0, 0) RETURNING id",
        (channel,)).fetchone()[0]
    started = time.monotonic()
    conn.execute(RAW, (session, channel))
    return time.monotonic() - started


def each_once(conn, subscribers: int) -> bool:
    """Every subscriber holds exactly one notification of each session so far (none of the owner)."""
    rows = conn.execute("SELECT count(*), count(DISTINCT (user_id, live_session_id)), "
                        "count(DISTINCT live_session_id), bool_or(user_id = %s) FROM notifications",
                        (OWNER,)).fetchone()
    return rows[0] == rows[1] == subscribers * rows[2] and not rows[3]


def measure(args, conn, worker: PipelineWorker, channel: int) -> list[tuple]:
    """(fan-out seconds, raw seconds, worker CPU seconds) per timed session."""
    rounds = []
    for number in range(WARM_UP_SESSIONS + args.sessions):
        conn.execute("TRUNCATE notifications")
        cpu = sum(map(cpu_seconds, worker.pids))
        seconds = go_live(conn, channel)
        cpu = sum(map(cpu_seconds, worker.pids)) - cpu
        raw = raw_insert(conn, channel)
        if not each_once(conn, args.subscribers):
            raise SystemExit("a subscriber does not hold exactly one notification of each session")
        if number >= WARM_UP_SESSIONS:
            rounds.append((seconds, raw, cpu))
    return rounds


def report(rounds: list[tuple], subscribers: int) -> None:
    fan_out, raw, cpu = (sum(column) / len(rounds) for column in zip(*rounds, strict=True))
    ratio = raw / fan_out
    verdict = "PASS" if ratio >= TARGET else "BELOW"
    print(f"   fan-out     {fan_out * 1000:8.1f} ms a session from the live event to the last batch "
          f"({subscribers / fan_out:.0f} notifications/s; worker CPU {cpu * 1000:.0f} ms a session)")
    print(f"   raw insert  {raw * 1000:8.1f} ms a session ({subscribers / raw:.0f} rows/s)")
    pairs = ", ".join(f"{f * 1000:.0f}/{r * 1000:.0f}" for f, r, _ in rounds)
    print(f"   sessions (fan-out / raw ms): {pairs}")
    print(f"   raw insert / fan-out = {ratio:.2f} (target >= {TARGET})")
    print(f"RESULT {NAME} ratio={ratio:.2f} target>={TARGET} {verdict} fanout_ms={fan_out * 1000:.1f} "
          f"raw_ms={raw * 1000:.1f} subscribers={subscribers}")


def main(argv=None) -> int:
    import psycopg
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    from axa.platform.celery_app import celery
    celery.loader.import_default_modules()
    with ExitStack() as stack:
        conn = stack.enter_context(psycopg.connect(dsn(), autocommit=True))
        channel = seed(conn, args.subscribers)
        worker = PipelineWorker({}, args.concurrency, QUEUES, "golive")
        stack.callback(worker.close)
        worker.wait_ready()
        environment.header(NAME, [
            f"a channel with {args.subscribers} subscribers goes live: hook event -> broker -> "
            f"stream.live -> stream.notify batches of 1000 (the background worker as make run starts "
            f"it, up to {args.concurrency} processes) -> the last notification, vs one INSERT … SELECT "
            f"of the same rows",
            f"{args.sessions} timed sessions after {WARM_UP_SESSIONS} untimed, each followed by the "
            f"reference"])
        report(measure(args, conn, worker, channel), args.subscribers)
        conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
