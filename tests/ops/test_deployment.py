"""The production compose file and the dev supervisor consume every declared queue, with one beat."""
from __future__ import annotations

import re
from collections import Counter

from axa.platform.config import PORTS
from celeryconfig import QUEUE_NAMES
from ops.run import worker_groups
from tests.conftest import ROOT

COMPOSE = (ROOT / "ops" / "compose.yaml").read_text()


def test_compose_workers_consume_every_queue_exactly_once():
    consumed = Counter(q for group in re.findall(r'"-Q", "([^"]+)"', COMPOSE) for q in group.split(","))
    assert consumed == Counter(QUEUE_NAMES)


def test_compose_runs_exactly_one_unscalable_beat():
    assert len(re.findall(r'"axa\.platform\.celery_app", "beat"', COMPOSE)) == 1
    beat = COMPOSE[COMPOSE.index("\n  beat:"):]
    beat = beat[:beat.index("\n\n")]
    assert "container_name:" in beat  # compose refuses `--scale beat=2`


def test_compose_has_one_app_service_per_subsystem_on_its_port():
    apps = dict(re.findall(r'AXA_SUBSYSTEM: (\w+), AXA_BIND: "0\.0\.0\.0:(\d+)"', COMPOSE))
    assert apps == {sub: str(port) for sub, port in PORTS.items()}
    for sub, port in PORTS.items():
        assert f'traefik.http.services.{sub}.loadbalancer.server.port: "{port}"' in COMPOSE


def test_dev_worker_groups_consume_every_queue_exactly_once():
    groups = worker_groups(QUEUE_NAMES)
    assert Counter(q for queues in groups.values() for q in queues) == Counter(QUEUE_NAMES)
    assert groups["mail"] == ["mail"]
    assert set(groups["sync"]) == {q for q in QUEUE_NAMES if q.endswith((".sync", ".sessions"))}
