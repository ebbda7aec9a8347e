"""The real ingest path (issue 11 items 3 and 4): ffmpeg publishes a test pattern to a real nginx
with the RTMP module, rendered from ops/nginx-rtmp.conf.template on free ports, whose hooks call
the stream app served over HTTP; a real Celery worker runs the ``stream.live`` state machine.

Right key: the channel goes live and its HLS playlist is served under the channel's slug (never
the key); a wrong or revoked key: refused; the stream stops: offline once the (1 s) window has
passed. The hooks are reached with the shared secret in their URLs (nginx-rtmp keeps the query),
from an address the stream app does not list. Skipped only where nginx-rtmp or ffmpeg is not
installed (.ci/run installs them)."""
from __future__ import annotations

import dataclasses
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator

import pytest
import requests
from werkzeug.serving import make_server

from ops import rtmp
from tests.blueprints.stream.helpers import new_channel, signed_in
from tests.integration.conftest import wait_until

SETTINGS = rtmp.RtmpSettings()
REASON = rtmp.missing(SETTINGS) or (None if shutil.which("ffmpeg") else "no ffmpeg on PATH")
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"nginx-rtmp end-to-end test needs it: {REASON}")
SECRET = "e2e-hook-secret"
WINDOW = 1.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def stream_server(platform) -> Iterator[dict]:
    """The stream app on a free port, trusting only the secret (127.0.0.1 is not listed)."""
    app = platform["stream"]
    app.config["AXA_STREAM"] = dataclasses.replace(
        app.config["AXA_STREAM"], hook_addresses=("192.0.2.0/24",), hook_secret=SECRET, reconnect_window=WINDOW)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"app": app, "port": server.server_port, "client": app.test_client()}
    server.shutdown()


@pytest.fixture
def nginx(stream_server, tmp_path) -> Iterator[dict]:
    settings = dataclasses.replace(SETTINGS, port=free_port(), hls_port=free_port())
    hooks = f"http://127.0.0.1:{stream_server['port']}/internal/ingest/nginx"
    conf = rtmp.write(settings, tmp_path / "nginx-rtmp", hooks, secret=SECRET)
    app = stream_server["app"]
    env = rtmp.app_env(settings, public_host="127.0.0.1")
    app.config["AXA_STREAM"] = dataclasses.replace(app.config["AXA_STREAM"], relay_url=env["AXA_STREAM_RELAY_URL"],
                                                   playback_url=env["AXA_STREAM_PLAYBACK_URL"])
    proc = subprocess.Popen(rtmp.command(settings, conf), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: _accepts(settings.port) and _accepts(settings.hls_port), 10, "nginx listening")
        yield {"settings": settings, "log": conf.parent / "error.log"}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def ffmpeg(port: int, key: str, seconds: int) -> subprocess.Popen:
    return subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15",
         "-f", "lavfi", "-i", "sine", "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", "15",
         "-c:a", "aac", "-f", "flv", f"rtmp://127.0.0.1:{port}/live/{key}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def channel(client) -> dict:
    return client.get("/api/v1/channels/ada-live").get_json()


@pytest.fixture
def publishing() -> Iterator[list[subprocess.Popen]]:
    """The test's ffmpeg publishers, stopped if the test ends before they do."""
    procs: list[subprocess.Popen] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_a_test_pattern_goes_live_plays_over_hls_and_goes_offline(platform, stream_server, nginx, publishing):
    client, port = stream_server["client"], nginx["settings"].port
    headers = signed_in({sub: app.test_client() for sub, app in platform.items()}, "ada@example.com")
    new_channel(client, headers)
    keys = "/api/v1/channels/ada-live/keys"
    good = client.post(keys, headers=headers, json={"label": "OBS"}).get_json()["key"]
    revoked = client.post(keys, headers=headers, json={"label": "old"}).get_json()
    assert client.delete(f"{keys}/{revoked['id']}", headers=headers).status_code == 204

    publisher = publishing.append(ffmpeg(port, good, 6)) or publishing[0]
    wait_until(lambda: channel(client)["live"], 5, "the channel live")
    playback = channel(client)["playback_url"]
    assert playback == f"http://127.0.0.1:{nginx['settings'].hls_port}/hls/ada-live/index.m3u8"
    wait_until(lambda: requests.get(playback, timeout=2).status_code == 200, 6, "the HLS playlist")
    playlist = requests.get(playback, timeout=2)
    assert playlist.text.startswith("#EXTM3U") and ".ts" in playlist.text and good not in playlist.text
    assert requests.get(playback.replace("ada-live", good), timeout=2).status_code == 404

    for key in ("live_wrong-key", revoked["key"]):
        refused = ffmpeg(port, key, 2)
        refused.communicate(timeout=15)
        assert refused.returncode != 0, key
    _, errors = publisher.communicate(timeout=15)
    assert publisher.returncode == 0, errors.decode()
    wait_until(lambda: channel(client)["reconnecting"] or not channel(client)["live"], 5, "the stream stopped")
    wait_until(lambda: not channel(client)["live"], 10, "offline after the window")
    assert channel(client)["playback_url"] is None
