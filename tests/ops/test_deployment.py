"""The production compose file and the dev supervisor consume every declared queue, with one beat."""
from __future__ import annotations

import re
import runpy
from collections import Counter

import yaml

from axa.platform.config import PORTS
from axa.platform.request_limits import MAX_FIELD_BYTES, MAX_HEADER_FIELDS, MAX_URI_BYTES
from celeryconfig import QUEUE_NAMES
from ops.run import pool_options, worker_groups
from tests.conftest import ROOT

COMPOSE = (ROOT / "ops" / "compose.yaml").read_text()
SERVICES = yaml.safe_load(COMPOSE)["services"]


def test_compose_workers_consume_every_queue_exactly_once():
    consumed = Counter(q for group in re.findall(r'"-Q", "([^"]+)"', COMPOSE) for q in group.split(","))
    assert consumed == Counter(QUEUE_NAMES)


def test_compose_runs_exactly_one_unscalable_beat():
    assert len(re.findall(r'"axa\.platform\.celery_sender", "beat"', COMPOSE)) == 1
    beat = COMPOSE[COMPOSE.index("\n  beat:"):]
    beat = beat[:beat.index("\n\n")]
    assert "container_name:" in beat  # compose refuses `--scale beat=2`


def test_compose_has_one_app_service_per_subsystem_on_its_port():
    apps = dict(re.findall(r'AXA_SUBSYSTEM: (\w+), AXA_BIND: "0\.0\.0\.0:(\d+)"', COMPOSE))
    assert apps == {sub: str(port) for sub, port in PORTS.items()}
    for sub, port in PORTS.items():
        assert f'traefik.http.services.{sub}.loadbalancer.server.port: "{port}"' in COMPOSE


def test_apps_behind_traefik_trust_exactly_one_proxy_hop():
    """Traefik is the apps' only peer and appends the client to X-Forwarded-For: one hop, so rate
    limits, sessions and the audit trail see clients, not Traefik (issue 14, finding 1)."""
    apps = {name: service for name, service in SERVICES.items()
            if "AXA_SUBSYSTEM" in service.get("environment", {})}
    assert set(apps) == {*PORTS, "stream-chat"}
    for name, service in apps.items():
        assert service["labels"]["traefik.enable"] == "true", name
        assert str(service["environment"]["AXA_PROXY_HOPS"]) == "1", name
    others = [name for name, service in SERVICES.items() if name not in apps]
    assert all("AXA_PROXY_HOPS" not in (SERVICES[name].get("environment") or {}) for name in others)


def test_chat_sockets_have_an_app_service_of_their_own_with_a_thread_each():
    """Each chat WebSocket holds a gunicorn thread: they go to ``stream-chat`` (1,000 threads and as
    many connections per worker), routed before ``stream``, whose threads stay the REST API's."""
    chat, rest = SERVICES["stream-chat"], SERVICES["stream"]
    assert chat["environment"]["AXA_SUBSYSTEM"] == "stream" and int(chat["environment"]["AXA_WEB_THREADS"]) >= 1000
    assert rest["environment"]["AXA_WEB_THREADS"] == "${AXA_WEB_THREADS:-4}"  # every app's (x-web-env)
    rule = chat["labels"]["traefik.http.routers.stream-chat.rule"]
    pattern = re.search(r"PathRegexp\(`([^`]+)`\)", rule).group(1)
    assert re.match(pattern, "/stream/api/v1/channels/ada-live/chat")
    assert not re.match(pattern, "/stream/api/v1/channels/ada-live/chat/messages")
    assert int(chat["labels"]["traefik.http.routers.stream-chat.priority"]) > len(
        rest["labels"]["traefik.http.routers.stream.rule"])  # Traefik's default priority: the rule's length
    gunicorn = runpy.run_path(str(ROOT / "ops" / "gunicorn.conf.py"))
    assert gunicorn["worker_connections"] >= gunicorn["threads"]


def test_every_head_traefik_forwards_reaches_the_apps_limits():
    """gunicorn's refusals are HTML; the apps answer 414 / 431 as JSON (axa/platform/request_limits.py).
    So whatever Traefik forwards (maxHeaderBytes, plus the 4 KiB Go reads beyond it) must get past
    gunicorn's limits to the app, and Traefik must bound the head gunicorn no longer bounds."""
    command = SERVICES["traefik"]["command"]
    for entrypoint in ("web", "websecure"):
        assert f"--entrypoints.{entrypoint}.http.maxHeaderBytes=65536" in command
    head = 65536 + 4096
    gunicorn = runpy.run_path(str(ROOT / "ops" / "gunicorn.conf.py"))
    assert gunicorn["limit_request_line"] == 0  # unlimited: gunicorn allows at most 8190 otherwise
    assert gunicorn["limit_request_field_size"] >= head
    assert gunicorn["limit_request_fields"] * len("a:\r\n") >= head
    assert MAX_URI_BYTES < head and MAX_FIELD_BYTES < head  # so the app has a range of its own to refuse
    assert MAX_HEADER_FIELDS < gunicorn["limit_request_fields"]


def test_compose_names_no_stale_settings_module():
    for text in (COMPOSE, (ROOT / "ops" / "RUNBOOK.md").read_text()):
        for module in re.findall(r"axa/[\w/]+\.py", text):
            assert (ROOT / module).is_file(), module


def test_dev_worker_groups_consume_every_queue_exactly_once():
    groups = worker_groups(QUEUE_NAMES)
    assert Counter(q for queues in groups.values() for q in queues) == Counter(QUEUE_NAMES)
    assert groups["poll-fmp"] == ["stocks.poll.fmp"]  # the hot path keeps workers of its own
    assert set(groups["pipeline"]) == {q for q in QUEUE_NAMES if q.endswith((".dispatch", ".format"))}
    assert set(groups["vendors"]) == {q for q in QUEUE_NAMES if ".poll." in q} - {"stocks.poll.fmp"}
    assert set(groups["background"]) == {"mail", *(q for q in QUEUE_NAMES
                                                   if q not in (*groups["pipeline"], *groups["vendors"], *groups["poll-fmp"]))}


def test_a_new_family_of_queues_shares_a_low_traffic_worker():
    groups = worker_groups([*QUEUE_NAMES, "socweb.notify", "stream.fanout", "terminal.fills"])
    assert len(groups) == len(worker_groups(QUEUE_NAMES))
    assert {"socweb.notify", "stream.fanout", "terminal.fills"} <= set(groups["background"])


def test_dev_pools_fixed_on_the_hot_path_and_growing_from_one_elsewhere():
    assert pool_options("poll-fmp", 2) == pool_options("pipeline", 2) == ["--concurrency", "2"]
    assert pool_options("vendors", 2) == pool_options("background", 2) == ["--autoscale", "2,1"]
