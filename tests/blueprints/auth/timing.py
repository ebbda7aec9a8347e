"""Answer-time samples for enumeration tests (security.md item 20), and a run of forgot-password
samples in a fresh process, whose environment names the broker: a dead broker URL there is a real
outage, not a patched client.

    python -m tests.blueprints.auth.timing ROUNDS   # prints {"known": [ms...], "unknown": [ms...]}

Samples are interleaved (known, unknown, then unknown, known, ...) so a load burst on a shared
machine hits both sides alike; a comparison uses medians and the probability of superiority
(the Mann-Whitney U statistic over n*m), both robust to the outliers such bursts produce.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable

FORGOT = "/api/v1/auth/password/forgot"
KNOWN, UNKNOWN = "ada@example.com", "ghost@example.com"
PASSWORD = "correct horse battery staple"
WARM_UP = 3


def interleaved_ms(calls: dict[str, Callable], rounds: int, status: int) -> dict[str, list[float]]:
    """``rounds`` timed calls of each, alternating which goes first; every answer must be ``status``."""
    names = list(calls)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for n in range(rounds + WARM_UP):
        for name in names if n % 2 == 0 else reversed(names):
            started = time.perf_counter()
            code = calls[name]().status_code
            elapsed = (time.perf_counter() - started) * 1000
            assert code == status, (name, code)
            if n >= WARM_UP:
                samples[name].append(elapsed)
    return samples


def superiority(a: list[float], b: list[float]) -> float:
    """P(a sample of ``a`` is slower than one of ``b``), ties counted half: 0.5 when the two cannot
    be told apart, near 1.0 (or 0.0) when one side is slower almost every time."""
    wins = sum((x > y) + 0.5 * (x == y) for x in a for y in b)
    return wins / (len(a) * len(b))


def assert_indistinguishable(known: list[float], unknown: list[float]) -> tuple[float, float]:
    """Medians within 1.5x of each other and a probability of superiority within 0.25..0.75: a leak
    of 2x (or a consistent one of far less) fails; two runs of the same code pass, even on a busy
    two-core machine (for equal distributions and 40 samples each, 0.25 is about four standard
    deviations from 0.5). Returns the medians (ms)."""
    medians = statistics.median(known), statistics.median(unknown)
    p = superiority(known, unknown)
    assert 1 / 1.5 < medians[0] / medians[1] < 1.5 and 0.25 < p < 0.75, (medians, p)
    return medians


def _forgot_samples(rounds: int) -> dict[str, list[float]]:
    from axa.apps import create_auth_app
    app = create_auth_app({"TESTING": True})
    client = app.test_client(use_cookies=False)
    client.post("/api/v1/auth/register", json={"email": KNOWN, "password": PASSWORD, "display_name": "Ada"})
    try:
        return interleaved_ms({"known": lambda: client.post(FORGOT, json={"email": KNOWN}),
                               "unknown": lambda: client.post(FORGOT, json={"email": UNKNOWN})},
                              rounds, 202)
    finally:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()


if __name__ == "__main__":
    print(json.dumps(_forgot_samples(int(sys.argv[1]))))
