"""Hostile input on the chat socket (issue 11): invalid JSON, binary and unknown frames, oversized
messages and frames, control characters and lone surrogates, deep nesting, a flood of frames
from one user, a forged origin, a plain GET on the socket's address. Each gets a clear error
frame (or a refused handshake, or a closed socket for a frame past the size limit), and the
socket server keeps serving everyone else."""
from __future__ import annotations

import json
import socket
import time

import pytest
import requests
from simple_websocket import ConnectionClosed

from tests.blueprints.stream.chat_helpers import ChatClient, stream_server
from tests.blueprints.stream.helpers import new_channel, signed_in


@pytest.fixture(scope="module")
def server(databases):
    with stream_server(AXA_STREAM_CHAT_FRAMES_PER_SECOND="10") as address:
        yield address


@pytest.fixture
def bob(clients, server):
    ada = signed_in(clients, "ada@example.com")
    new_channel(clients["stream"], ada)
    sock = ChatClient(server, "ada-live", signed_in(clients, "bob@example.com"))
    yield sock
    sock.close()


def still_serving(sock: ChatClient) -> None:
    sock.raw('{"type": "ping"}')
    assert sock.next("pong")["type"] == "pong"


@pytest.mark.parametrize(("frame", "code"), [
    ("{not json", "invalid_json"),
    ("[" * 3000 + "]" * 3000, "invalid_json"),
    (b"\x00\x01binary", "text_frames_only"),
    ('"a string"', "invalid_frame"),
    ('{"type": "shout", "text": "hi"}', "invalid_frame"),
    ('{"type": "send", "text": 42}', "invalid_frame"),
    ('{"type": "send", "text": "   "}', "empty"),
    (json.dumps({"type": "send", "text": "x" * 501}), "too_long"),
    (json.dumps({"type": "send", "text": "bell\x07"}), "control_characters"),
    (json.dumps({"type": "send", "text": "null\x00byte"}), "control_characters"),
    ('{"type": "send", "text": "lone \\ud800 surrogate"}', "control_characters"),
])
def test_a_bad_frame_gets_an_error_frame_and_the_socket_stays(bob, frame, code):
    bob.raw(frame)
    error = bob.next("error")
    assert error["code"] == code and error["message"]
    still_serving(bob)


def test_the_longest_message_and_any_script_pass(bob):
    text = "é" * 250 + "😀" * 200 + "עברית" + "x" * 45
    bob.raw(json.dumps({"type": "send", "text": text}))
    assert bob.next("message", "error")["text"] == text


def test_a_frame_past_the_size_limit_closes_that_socket_only(bob, server):
    bob.raw(json.dumps({"type": "send", "text": "x" * 10_000}))
    with pytest.raises(ConnectionClosed):
        for _ in range(3):
            bob.next("never")
    assert bob.ws.close_reason == 1009
    other = ChatClient(server, "ada-live")
    still_serving(other)
    other.close()


def test_a_flood_of_frames_is_dropped_with_errors_and_the_socket_survives(bob):
    for _ in range(200):
        bob.raw('{"type": "ping"}')
    frames = bob.quiet(2.0)
    kinds = [f.get("code", f["type"]) for f in frames]
    assert kinds.count("flood") > 100 and 0 < kinds.count("pong") < 100
    bob.quiet(1.1)  # the bucket refills
    still_serving(bob)


def test_a_cookie_handshake_from_a_foreign_origin_is_refused(clients, server, bob):
    """Cross-site WebSocket hijacking: a page elsewhere cannot ride the visitor's cookie."""
    cookie = f"{clients['auth'].application.config['AXA'].cookie_name}=whatever"
    answer = requests.get(f"http://{server}/api/v1/channels/ada-live/chat", timeout=10,
                          headers={"Cookie": cookie, "Origin": "https://evil.example", "Connection": "Upgrade",
                                   "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                                   "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert answer.status_code == 403 and answer.json()["code"] == 403


def test_the_sockets_address_without_an_upgrade_or_an_unknown_channel_is_a_json_error(server):
    plain = requests.get(f"http://{server}/api/v1/channels/ada-live/chat", timeout=10)
    assert 400 <= plain.status_code < 500 and plain.headers["Content-Type"].startswith("application/json")
    unknown = requests.get(f"http://{server}/api/v1/channels/no-such/chat", timeout=10,
                           headers={"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                                    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert unknown.status_code == 404 and unknown.json()["code"] == 404


def silent_socket(address: str) -> socket.socket:
    """A client that completes the WebSocket handshake and then never reads or answers again (a
    dropped network: no close frame, no FIN, no pong)."""
    host, port = address.split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.sendall((f"GET /api/v1/channels/ada-live/chat HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    assert sock.recv(4096).startswith(b"HTTP/1.1 101")
    return sock


def test_sockets_of_silent_clients_give_their_threads_back_after_two_missed_pings(clients):
    """Each open socket holds one of the server's threads; one whose client went silent holds it
    only until two pings go unanswered, then the server closes it and the next client gets it."""
    new_channel(clients["stream"], signed_in(clients, "ada@example.com"))
    with stream_server(threads=2, AXA_STREAM_CHAT_PING_SECONDS="1") as address:
        silent = [silent_socket(address) for _ in range(2)]
        with pytest.raises(requests.Timeout):  # both threads held: no one else is answered
            requests.get(f"http://{address}/health/", timeout=0.5)
        started = time.monotonic()
        assert requests.get(f"http://{address}/health/", timeout=10).status_code == 200
        assert time.monotonic() - started < 5  # two missed pings: about 2 s
        fresh = ChatClient(address, "ada-live")
        still_serving(fresh)
        fresh.close()
        for sock in silent:
            sock.close()
