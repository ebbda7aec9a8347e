"""nginx with the RTMP module as the platform's media server (issue 11 item 3), for ``make run``
and the end-to-end ingest test.

``missing()`` says why it cannot run here (no ``nginx``, or no RTMP module: Debian's ``nginx``
and ``libnginx-mod-rtmp``), ``render()`` fills ops/nginx-rtmp.conf.template from the settings
below, and ``process()`` is the supervised child. The stream app must agree on two addresses,
which ``app_env()`` gives: where an allowed key is pushed (``AXA_STREAM_RELAY_URL``) and where
viewers play it (``AXA_STREAM_PLAYBACK_URL``).
"""
from __future__ import annotations

import os
import pwd
import shlex
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import quote

from axa.platform.config import PORTS, env_value, read_settings, var
from ops.supervisor import Proc

TEMPLATE = Path(__file__).with_name("nginx-rtmp.conf.template")
HOOKS = "http://127.0.0.1:{port}/internal/ingest/nginx"


@dataclass(frozen=True)
class RtmpSettings:
    enabled: bool = var("AXA_RTMP_ENABLED", True)  # make run starts nginx-rtmp when it is installed
    port: int = var("AXA_RTMP_PORT", 1935)  # encoders publish here (plus AXA_PORT_OFFSET under make run)
    hls_port: int = var("AXA_RTMP_HLS_PORT", 8088)  # HLS for viewers (plus AXA_PORT_OFFSET)
    nginx: str = var("AXA_RTMP_NGINX", "nginx")  # the nginx binary
    module: str = var("AXA_RTMP_MODULE", "/usr/lib/nginx/modules/ngx_rtmp_module.so")


def load_rtmp_settings(env: Mapping[str, str] | None = None) -> RtmpSettings:
    return read_settings(RtmpSettings, env)


class ConfigTemplate(Template):
    delimiter = "@"  # nginx's own variables start with $


def missing(settings: RtmpSettings) -> str | None:
    """Why nginx-rtmp cannot run on this machine, or None when it can."""
    if shutil.which(settings.nginx) is None:
        return f"no `{settings.nginx}` on PATH (Debian: apt-get install nginx libnginx-mod-rtmp)"
    if not Path(settings.module).is_file():
        return f"no RTMP module at {settings.module} (Debian: apt-get install libnginx-mod-rtmp)"
    return None


def user_directive() -> str:
    """Started by root, nginx's workers would run as ``nobody`` and could not write HLS into a
    private folder (var/, a test's tmp): they keep the starting user. Otherwise nothing."""
    if os.geteuid() != 0:
        return "# workers run as the user who started nginx"
    return f"user {pwd.getpwuid(os.geteuid()).pw_name};  # root started it: workers keep the user, not nobody"


def render(settings: RtmpSettings, folder: Path, hooks: str, host: str = "127.0.0.1", secret: str = "",
           offset: int = 0) -> str:
    """The configuration of a server keeping its files under ``folder`` and calling ``hooks``."""
    return ConfigTemplate(TEMPLATE.read_text()).substitute(
        user=user_directive(), module=settings.module, dir=folder, hls_dir=folder / "hls", host=host,
        recordings_dir=folder / "recordings",
        hooks=hooks,
        query=f"?secret={quote(secret, safe='')}" if secret else "",
        rtmp_port=settings.port + offset, hls_port=settings.hls_port + offset)


def write(settings: RtmpSettings, folder: Path, hooks: str, **kwargs) -> Path:
    """Render the configuration into ``folder/nginx.conf`` (its folders made, 0600: it may hold
    the hook secret)."""
    for sub in ("hls", "tmp", "recordings"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.touch(mode=0o600)
    conf.write_text(render(settings, folder, hooks, **kwargs))
    return conf


def command(settings: RtmpSettings, conf: Path) -> list[str]:
    folder = conf.parent
    return [settings.nginx, "-c", str(conf), "-p", f"{folder}/", "-e", str(folder / "error.log")]


def process(settings: RtmpSettings, conf: Path) -> Proc:
    return Proc("nginx-rtmp", "exec " + shlex.join(command(settings, conf)))


def app_env(settings: RtmpSettings, offset: int = 0, public_host: str = "localhost",
            folder: Path | None = None) -> dict[str, str]:
    """What the stream app must know of this server: its relay target and its playback URL (and,
    given the server's folder, where it records)."""
    hls = f"http://{public_host}:{settings.hls_port + offset}/hls"
    recordings = {"AXA_VOD_RECORDINGS_DIR": str(folder / "recordings")} if folder is not None else {}
    return {"AXA_STREAM_RELAY_URL": f"rtmp://127.0.0.1:{settings.port + offset}/hls/{{slug}}",
            "AXA_STREAM_PLAYBACK_URL": hls + "/{slug}/index.m3u8", **recordings}


def hooks_url(offset: int = 0) -> str:
    return HOOKS.format(port=PORTS["stream"] + offset)


# --- make run (ops/run.py) ------------------------------------------------------------------------
def folder_of(var_dir: Path) -> Path:
    return var_dir / "nginx-rtmp"


def prepare_run(var_dir: Path, offset: int, host: str, say) -> bool:
    """Render the configuration and point the stream app at it: True when nginx-rtmp is to start;
    otherwise say clearly why not (live ingest is then unavailable, nothing else changes)."""
    settings = load_rtmp_settings()
    if not settings.enabled:
        say("nginx-rtmp: not started (AXA_RTMP_ENABLED=0): live ingest is off")
        return False
    reason = missing(settings)
    if reason:
        say(f"nginx-rtmp: not started, {reason}: live ingest is off")
        return False
    from axa.models.stream.settings import load_stream_settings
    write(settings, folder_of(var_dir), hooks_url(offset), host=host, offset=offset,
          secret=load_stream_settings().hook_secret)
    for name, value in app_env(settings, offset, folder=folder_of(var_dir)).items():
        if env_value(name) is None:
            os.environ[name] = value
    return True


def run_process(var_dir: Path) -> Proc:
    return process(load_rtmp_settings(), folder_of(var_dir) / "nginx.conf")


def banner_line(offset: int) -> str:
    settings = load_rtmp_settings()
    return (f"  rtmp      rtmp://localhost:{settings.port + offset}/live/<stream key>   "
            f"HLS http://localhost:{settings.hls_port + offset}/hls/<channel>/index.m3u8")
