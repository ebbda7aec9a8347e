"""Flower never has a well-known password (issue 14, finding 12): ``make run`` makes up one per run
and prints it in its banner; Flower started by hand does the same; a chosen one is kept."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ops.run import FLOWER_PORT, banner, ensure_flower_password
from tests.conftest import ROOT

SHOW_AUTH = "exec(open('ops/flowerconfig.py').read()); print(basic_auth[0])"


def _flowerconfig(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SHOW_AUTH], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", **env})


def test_make_run_makes_up_a_flower_password_and_prints_it(monkeypatch):
    monkeypatch.delenv("AXA_FLOWER_PASSWORD", raising=False)
    assert ensure_flower_password() is True
    first = os.environ["AXA_FLOWER_PASSWORD"]
    assert len(first) >= 16 and first != "admin"
    shown = banner(0, None, random_flower_password=True)
    assert f"http://localhost:{FLOWER_PORT}/   user admin, password {first} " in shown
    monkeypatch.setenv("AXA_FLOWER_PASSWORD", "")  # empty counts as unset
    assert ensure_flower_password() is True and os.environ["AXA_FLOWER_PASSWORD"] not in ("", first)


def test_a_chosen_flower_password_is_kept_and_never_printed(monkeypatch):
    monkeypatch.setenv("AXA_FLOWER_PASSWORD", "chosen-by-the-developer")
    assert ensure_flower_password() is False
    assert os.environ["AXA_FLOWER_PASSWORD"] == "chosen-by-the-developer"
    shown = banner(0, None)
    assert "chosen-by-the-developer" not in shown and "(AXA_FLOWER_USER / AXA_FLOWER_PASSWORD)" in shown


def test_flower_started_by_hand_in_development_gets_a_random_password():
    runs = [_flowerconfig(AXA_FLOWER_USER="dev") for _ in range(2)]
    for done in runs:
        assert done.returncode == 0, done.stderr
        user, password = done.stdout.strip().split(":", 1)
        assert user == "dev" and len(password) >= 16 and password != "admin"
        assert repr(password) in done.stderr  # told to the developer who started it
    assert runs[0].stdout != runs[1].stdout


@pytest.mark.parametrize("env", [{}, {"AXA_ENV": "production", "AXA_SECRET_KEY": "s" * 40}])
def test_flower_keeps_a_chosen_password(env):
    done = _flowerconfig(AXA_FLOWER_USER="ops", AXA_FLOWER_PASSWORD="a-long-chosen-secret", **env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ops:a-long-chosen-secret" and "a-long-chosen-secret" not in done.stderr
