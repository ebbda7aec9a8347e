"""Issue 11's choice of chat library, by measurement: the same bare broadcast (one room, every
message to every socket, fanned out across two processes through Redis) on flask-sock with Redis
pub/sub (bench/stream_chat_bare.py, what the stream app's chat is built on) and on Flask-SocketIO
with its Redis message queue (bench/stream_chat_socketio.py, threading mode on the same
simple-websocket), served by gunicorn alike (2 gthread workers, a thread per socket), driven by the
same client processes (bench/ws_clients.py; Socket.IO's frames are Engine.IO v4 text: ``40`` to
join the namespace, ``42["send", text]`` out, ``42["message", text]`` in).

Deliveries per second = N x messages / (first send to last delivery); latency = delivery time -
send time over every delivery (p50, p99). The RESULT ratio is flask-sock / Flask-SocketIO: above 1,
the library the chat uses delivers more.

    python -m bench.stream_chat_libraries [--clients 1000] [--messages 200] [--quick]
"""
from __future__ import annotations

import json
import sys
from contextlib import ExitStack

from bench import environment
from bench.servers import ServerSettings, gunicorn
from bench.stream_chat import parse_args, percentile, run

NAME = "stream_chat_libraries"
LIBRARIES = {  # label -> (gunicorn app, socket path, hello frame, joined marker, frame of a message)
    "flask-sock": ("bench.stream_chat_bare:app", "/ws", None, b"welcome", lambda text: text),
    "Flask-SocketIO": ("bench.stream_chat_socketio:app", "/socket.io/?EIO=4&transport=websocket", "40",
                       b'42["welcome"', lambda text: "42" + json.dumps(["send", text])),
}


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    settings = ServerSettings(workers=2, worker_class="gthread", threads=args.clients + 64)
    gunicorn_env = {"GUNICORN_CMD_ARGS": f"--worker-connections {2 * args.clients + 256}"}
    results: dict[str, list[dict]] = {label: [] for label in LIBRARIES}
    with ExitStack() as stack:
        ports = {label: stack.enter_context(gunicorn(spec[0], settings, gunicorn_env))
                 for label, spec in LIBRARIES.items()}
        environment.header(NAME, [
            f"one room, {args.clients} sockets over 2 gunicorn gthread workers; {args.messages} messages "
            f"from one sender, at most {args.window} in flight; {args.rounds} alternating runs",
            "bare broadcast on each library, fanned out through Redis (pub/sub; Socket.IO's message queue)"])
        for _ in range(args.rounds):
            for label, (_, path, hello, joined, frame) in LIBRARIES.items():
                results[label].append(run(ports[label], path, args, {}, frame, hello, joined))
    return report(results, args.clients)


def report(results: dict[str, list[dict]], clients: int) -> int:
    rates, tails = {}, {}
    for label, runs in results.items():
        deliveries = sum(r["deliveries"] for r in runs)
        expected = sum(r["expected"] for r in runs)
        rates[label] = deliveries / sum(r["seconds"] for r in runs)
        latencies = [v for r in runs for v in r["latencies"]]
        tails[label] = (percentile(latencies, 0.5), percentile(latencies, 0.99))
        print(f"   {label:15} {rates[label]:10.0f} deliveries/s  p50 {tails[label][0]:7.1f} ms  "
              f"p99 {tails[label][1]:7.1f} ms  ({deliveries}/{expected} delivered)")
    ratio = rates["flask-sock"] / rates["Flask-SocketIO"]
    print(f"   flask-sock / Flask-SocketIO = {ratio:.2f}")
    print(f"RESULT {NAME} ratio={ratio:.2f} clients={clients} flask_sock_per_s={rates['flask-sock']:.0f} "
          f"socketio_per_s={rates['Flask-SocketIO']:.0f} flask_sock_p99_ms={tails['flask-sock'][1]:.1f} "
          f"socketio_p99_ms={tails['Flask-SocketIO'][1]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
