"""ops/rtmp.py: the nginx-rtmp configuration rendered from settings, and ``make run`` starting it
only where nginx and its RTMP module are installed (and saying clearly why not elsewhere)."""
from __future__ import annotations

import dataclasses
import os
import subprocess

import pytest

from ops import rtmp

SETTINGS = rtmp.RtmpSettings()
HOOKS = "http://127.0.0.1:8082/internal/ingest/nginx"


def test_the_config_sends_every_hook_to_the_stream_app_and_hls_by_slug(tmp_path):
    text = rtmp.render(SETTINGS, tmp_path, HOOKS, secret="s e/cret", offset=100)
    assert "listen 127.0.0.1:2035;" in text and "listen 127.0.0.1:8188;" in text
    for hook in ("on_publish", "on_publish_done", "on_update", "on_record_done"):
        assert f"{hook} {HOOKS}/" in text
    assert "on_publish http://127.0.0.1:8082/internal/ingest/nginx/publish?secret=s%20e%2Fcret;" in text
    assert f"hls_path {tmp_path}/hls;" in text and "hls_nested on;" in text
    assert "deny play all;" in text and "allow publish 127.0.0.1;" in text
    assert "@{" not in text and "secret" not in rtmp.render(SETTINGS, tmp_path, HOOKS)


def test_the_app_is_pointed_at_the_relay_and_the_playback_of_the_same_ports():
    env = rtmp.app_env(SETTINGS, offset=7)
    assert env == {"AXA_STREAM_RELAY_URL": "rtmp://127.0.0.1:1942/hls/{slug}",
                   "AXA_STREAM_PLAYBACK_URL": "http://localhost:8095/hls/{slug}/index.m3u8"}


def test_missing_names_what_to_install(tmp_path):
    no_nginx = dataclasses.replace(SETTINGS, nginx="no-such-nginx-binary")
    assert "no `no-such-nginx-binary` on PATH" in rtmp.missing(no_nginx)
    no_module = dataclasses.replace(SETTINGS, nginx="sh", module=str(tmp_path / "none.so"))
    assert "libnginx-mod-rtmp" in rtmp.missing(no_module)


def test_make_run_says_clearly_when_nginx_rtmp_is_not_installed(tmp_path, monkeypatch):
    said = []
    monkeypatch.setenv("AXA_RTMP_NGINX", "no-such-nginx-binary")
    assert rtmp.prepare_run(tmp_path, 0, "127.0.0.1", said.append) is False
    assert said == ["nginx-rtmp: not started, no `no-such-nginx-binary` on PATH (Debian: apt-get install "
                    "nginx libnginx-mod-rtmp): live ingest is off"]
    monkeypatch.setenv("AXA_RTMP_ENABLED", "0")
    assert rtmp.prepare_run(tmp_path, 0, "127.0.0.1", said.append) is False
    assert "AXA_RTMP_ENABLED=0" in said[-1] and not (tmp_path / "nginx-rtmp").exists()


@pytest.mark.skipif(rtmp.missing(SETTINGS) is not None, reason=f"nginx-rtmp: {rtmp.missing(SETTINGS)}")
def test_make_run_renders_a_config_nginx_accepts(tmp_path, monkeypatch):
    for name in ("AXA_STREAM_RELAY_URL", "AXA_STREAM_PLAYBACK_URL"):
        monkeypatch.setenv(name, "")  # unset for the run (empty), and restored after the test
    assert rtmp.prepare_run(tmp_path, 300, "127.0.0.1", print) is True
    assert os.environ["AXA_STREAM_RELAY_URL"] == "rtmp://127.0.0.1:2235/hls/{slug}"
    conf = rtmp.folder_of(tmp_path) / "nginx.conf"
    assert oct(conf.stat().st_mode & 0o777) == "0o600"
    checked = subprocess.run([*rtmp.command(SETTINGS, conf), "-t"], capture_output=True, text=True, timeout=20)
    assert checked.returncode == 0, checked.stderr
    assert rtmp.run_process(tmp_path).command.startswith("exec nginx -c ")
