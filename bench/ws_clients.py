"""Many WebSocket clients in one process, for ``stream_chat``: plain sockets, one selector, a
minimal RFC 6455 client (handshake, masked text frames out, unmasked frames in, no extensions),
so that the clients cost the machine as little as possible next to the servers measured.

A receiver connects its sockets, waits for each one's first frame (the server's ``welcome``:
the socket has joined the room), says so, then reads frames until told to stop, timing every
``bench <seq> <ns>`` message it sees (time.time_ns() of its sending, same machine)."""
from __future__ import annotations

import base64
import os
import re
import selectors
import socket
import struct
import time

STAMP = re.compile(rb"bench (\d+) (\d+)")
IDLE = 10.0  # s without a frame: the rest is not coming


def connect(port: int, path: str, headers: dict | None = None) -> tuple[socket.socket, bytes]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"{extra}\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed during the handshake")
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        raise ConnectionError(f"handshake refused: {head[:200]!r}")
    rest = head.split(b"\r\n\r\n", 1)[1]
    sock.setblocking(False)
    return sock, rest


def text_frame(text: str) -> bytes:
    """A masked client text frame."""
    data = text.encode()
    mask = os.urandom(4)
    length = len(data)
    if length < 126:
        head = struct.pack("!BB", 0x81, 0x80 | length)
    elif length < 65536:
        head = struct.pack("!BBH", 0x81, 0x80 | 126, length)
    else:
        head = struct.pack("!BBQ", 0x81, 0x80 | 127, length)
    masked = (int.from_bytes(data, "big") ^ int.from_bytes((mask * (length // 4 + 1))[:length], "big"))
    return head + mask + masked.to_bytes(length, "big")


def frames(buffer: bytearray):
    """Complete payloads at the front of ``buffer`` (removed from it); server frames are unmasked."""
    while len(buffer) >= 2:
        length, start = buffer[1] & 0x7F, 2
        if length == 126:
            if len(buffer) < 4:
                return
            length, start = struct.unpack_from("!H", buffer, 2)[0], 4
        elif length == 127:
            if len(buffer) < 10:
                return
            length, start = struct.unpack_from("!Q", buffer, 2)[0], 10
        if len(buffer) < start + length:
            return
        payload = bytes(buffer[start:start + length])
        del buffer[:start + length]
        yield payload


def receive(port: int, path: str, count: int, pipe, hello: str | None = None, joined: bytes = b"") -> None:
    """A receiver process: ``count`` sockets, each sending ``hello`` once connected (Socket.IO's
    namespace connect) and waiting for ``joined`` (its ``welcome``; empty: any frame); sends
    "ready"; told how many messages were sent, reads until every socket has them all (or nothing
    came for ``IDLE`` seconds), then sends its results."""
    selector, buffers = selectors.DefaultSelector(), {}
    for _ in range(count):
        sock, rest = connect(port, path)
        if hello is not None:
            sock.setblocking(True)
            sock.sendall(text_frame(hello))
            sock.setblocking(False)
        buffers[sock] = bytearray(rest)
        selector.register(sock, selectors.EVENT_READ)
    waiting = {s for s, b in buffers.items() if not b or joined not in b}
    while waiting:
        for ready, _ in selector.select(30):
            buffers[ready.fileobj] += ready.fileobj.recv(65536)
            if joined in buffers[ready.fileobj]:
                waiting.discard(ready.fileobj)
    for buffer in buffers.values():
        buffer.clear()
    pipe.send("ready")
    latencies, last, expected, heard = [], 0, None, time.monotonic()
    while expected is None or (len(latencies) < expected and time.monotonic() - heard < IDLE):
        if expected is None and pipe.poll():
            expected = pipe.recv() * count
        for ready, _ in selector.select(0.05):
            heard = time.monotonic()
            buffer = buffers[ready.fileobj]
            chunk = ready.fileobj.recv(262144)
            if not chunk:
                selector.unregister(ready.fileobj)
                continue
            buffer += chunk
            now = time.time_ns()
            for payload in frames(buffer):
                found = STAMP.search(payload)
                if found:
                    latencies.append(now - int(found.group(2)))
                    last = now
    pipe.send((latencies, last))
    for sock in buffers:
        sock.close()
