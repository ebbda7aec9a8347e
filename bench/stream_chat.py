"""Chat fan-out: one channel with N connected sockets, messages delivered per second to all of
them, the stream app's chat against a bare broadcast server on the same WebSocket library and
Redis pub/sub (bench/stream_chat_bare.py). Issue 11's target: >= 0.5 of the bare server.

Both are served by gunicorn the same way (2 gthread workers, threads enough for every socket:
a WebSocket holds its thread; ``--worker-connections`` raised alike), so the sockets split over
two processes and every message crosses Redis pub/sub to both. The receivers are client
processes of plain sockets (bench/ws_clients.py). One signed-in sender sends ``--messages``
messages with at most ``--window`` of them not yet echoed back to it; the chat checks each one
(session, rate limit, bans, rules: chat_send.lua), buffers it for the ``stream.chat`` batch and
publishes it. Deliveries per second = N x messages / (first send to last delivery); latency =
delivery time - send time, over every delivery (p50, p99). The chat's per-user limits are raised
for the sender (the limiter still runs); the batch kicks left on the broker are purged at the end.

    python -m bench.stream_chat [--clients 1000] [--messages 200] [--quick]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from contextlib import ExitStack

from bench import environment, ws_clients
from bench.servers import ServerSettings, gunicorn

NAME = "stream_chat"
TARGET = 0.5
SLUG = "bench-chat"
RECEIVER_PROCESSES = 2
UNLIMITED = {"AXA_STREAM_CHAT_RATE_MESSAGES": "100000000", "AXA_STREAM_CHAT_FRAMES_PER_SECOND": "100000000"}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.stream_chat", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000, help="sockets in the channel (default 1000)")
    parser.add_argument("--messages", type=int, default=200, help="messages sent per run (default 200)")
    parser.add_argument("--window", type=int, default=8, help="messages in flight at most (default 8)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs per server (default 2)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.messages, args.rounds = 20, 20, 1
    return args


def seed(user) -> None:
    """The bench's channel (made again), owned by the sender, with its chat state fresh."""
    from axa.apps import FACTORIES
    from axa.models.stream import Channel, db
    from axa.platform.redis_client import get_redis
    app = FACTORIES["stream"]()
    with app.app_context():
        db.session.execute(db.delete(Channel).where(Channel.slug == SLUG))
        db.session.add(Channel(user_id=user.id, slug=SLUG, title="Bench chat"))
        db.session.commit()
        client = get_redis()
        for key in client.scan_iter("axa:stream:chat:*"):
            client.delete(key)
        db.engine.dispose()


def chat_frame(text: str) -> str:
    return json.dumps({"type": "send", "text": text})


def run(port: int, path: str, args, headers: dict, frame=chat_frame, hello: str | None = None,
        joined: bytes = b"") -> dict:
    """One run: N sockets connected over the receiver processes, the sender's messages (each
    ``frame(text)``), timings. ``hello`` and ``joined``: see ws_clients.receive."""
    context = multiprocessing.get_context("spawn")
    pipes, procs = [], []
    shares = [args.clients // RECEIVER_PROCESSES + (i < args.clients % RECEIVER_PROCESSES)
              for i in range(RECEIVER_PROCESSES)]
    for share in shares:
        ours, theirs = context.Pipe()
        proc = context.Process(target=ws_clients.receive, args=(port, path, share, theirs, hello, joined),
                               daemon=True)
        proc.start()
        pipes.append(ours)
        procs.append(proc)
    for pipe in pipes:
        if not pipe.poll(300) or pipe.recv() != "ready":
            raise SystemExit("the receivers did not connect")
    started, sent = send(port, path, args, headers, frame, hello)
    for pipe in pipes:
        pipe.send(sent)
    latencies, last = [], 0
    for pipe in pipes:
        got, when = pipe.recv()
        latencies += got
        last = max(last, when)
    for proc in procs:
        proc.join(10)
    return {"deliveries": len(latencies), "expected": sent * args.clients,
            "seconds": (last - started) / 1e9, "latencies": latencies}


def send(port: int, path: str, args, headers: dict, frame=chat_frame,
         hello: str | None = None) -> tuple[int, int]:
    """The sender: ``--messages`` messages, at most ``--window`` not yet echoed back."""
    import selectors
    sock, rest = ws_clients.connect(port, path, headers)
    if hello is not None:
        sock.setblocking(True)
        sock.sendall(ws_clients.text_frame(hello))
        sock.setblocking(False)
    buffer, echoed, sent = bytearray(rest), 0, 0
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ)
    started = time.time_ns()
    deadline = time.monotonic() + 120
    while echoed < args.messages and time.monotonic() < deadline:
        while sent < args.messages and sent - echoed < args.window:
            text = f"bench {sent} {time.time_ns()}"
            sock.setblocking(True)
            sock.sendall(ws_clients.text_frame(frame(text)))
            sock.setblocking(False)
            sent += 1
        for _ in selector.select(1):
            buffer += sock.recv(262144)
            for payload in ws_clients.frames(buffer):
                if b'"error"' in payload:
                    raise SystemExit(f"the sender was refused: {payload[:200]!r}")
                echoed += bool(ws_clients.STAMP.search(payload))
    sock.close()
    return started, sent


def percentile(values: list[int], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * share))] / 1e6 if values else float("nan")


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    user = environment.create_user()
    environment.replicate(user, "stream")
    seed(user)
    settings = ServerSettings(workers=2, worker_class="gthread", threads=args.clients + 64)
    gunicorn_env = {"GUNICORN_CMD_ARGS": f"--worker-connections {2 * args.clients + 256}"}
    results: dict[str, list[dict]] = {"bare": [], "chat": []}
    with ExitStack() as stack:
        ports = {"bare": stack.enter_context(gunicorn("bench.stream_chat_bare:app", settings, gunicorn_env)),
                 "chat": stack.enter_context(gunicorn("wsgi:app", settings, {
                     **gunicorn_env, "AXA_SUBSYSTEM": "stream", **UNLIMITED}))}
        paths = {"bare": "/ws", "chat": f"/api/v1/channels/{SLUG}/chat"}
        headers = {"bare": {}, "chat": {"Authorization": f"Bearer {user.session_id}"}}
        environment.header(NAME, [
            f"one channel, {args.clients} sockets over 2 gunicorn gthread workers; {args.messages} "
            f"messages from one sender, at most {args.window} in flight; {args.rounds} alternating runs",
            "chat: session + chat_send.lua + buffer + pub/sub; bare: publish and broadcast only"])
        for _ in range(args.rounds):
            for label in ("bare", "chat"):
                results[label].append(run(ports[label], paths[label], args, headers[label]))
    purge()
    report(results, args.clients)
    return 0


def purge() -> None:
    from axa.platform.config import load_settings
    from axa.platform.redis_client import client_for
    environment.empty_queues("stream.chat")
    client_for(load_settings().redis_url).delete("axa:stream:chat:buffer")


def report(results: dict[str, list[dict]], clients: int) -> None:
    rates = {}
    for label, runs in results.items():
        deliveries = sum(r["deliveries"] for r in runs)
        expected = sum(r["expected"] for r in runs)
        rates[label] = deliveries / sum(r["seconds"] for r in runs)
        latencies = [v for r in runs for v in r["latencies"]]
        print(f"   {label:5} {rates[label]:10.0f} deliveries/s  p50 {percentile(latencies, 0.5):7.1f} ms  "
              f"p99 {percentile(latencies, 0.99):7.1f} ms  ({deliveries}/{expected} delivered)")
        if deliveries < expected:
            print(f"   {label}: {expected - deliveries} deliveries missing")
    chat = [v for r in results["chat"] for v in r["latencies"]]
    ratio = rates["chat"] / rates["bare"]
    verdict = "PASS" if ratio >= TARGET else "BELOW"
    print(f"   chat / bare = {ratio:.2f} (target >= {TARGET})")
    print(f"RESULT {NAME} ratio={ratio:.2f} target>={TARGET} {verdict} clients={clients} "
          f"chat_per_s={rates['chat']:.0f} bare_per_s={rates['bare']:.0f} "
          f"p50_ms={percentile(chat, 0.5):.1f} p99_ms={percentile(chat, 0.99):.1f}")


if __name__ == "__main__":
    sys.exit(main())
