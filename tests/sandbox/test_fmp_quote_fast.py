"""The FMP quote fast path (fmp_data.quotes_json: constants per instrument, parts per day) gives the
reference's bytes (_quote_json_plain, quote() through one template or the encoder)."""
from __future__ import annotations

import dataclasses

import pytest

from ops.sandbox.state import SandboxConfig
from ops.sandbox.synth.equities import equity_universe
from ops.sandbox.vendors import fmp_data
from tests.sandbox.conftest import START, TICK

SEED = SandboxConfig().seed
REFERENCE = fmp_data._quote_json_plain


def _reference(equity, bucket: int, tick: int):
    try:
        return REFERENCE(equity, bucket, tick)
    except Exception as exc:  # the fast path must fail the same way
        return type(exc)


def _fast(equities, bucket: int, tick: int) -> list:
    try:
        return fmp_data.quotes_json(equities, bucket, tick)
    except Exception as exc:
        return [type(exc)]


@pytest.fixture
def fallbacks(monkeypatch):
    """Counts the quotes quotes_json leaves to the reference."""
    handed = []

    def counting(equity, bucket, tick):
        handed.append(equity.symbol)
        return REFERENCE(equity, bucket, tick)

    monkeypatch.setattr(fmp_data, "_quote_json_plain", counting)
    return handed


def test_fast_quotes_are_the_reference_bucket_by_bucket_and_day_by_day(fallbacks):
    items = equity_universe(SEED).items[::3]
    start = int(START // TICK)
    # the same day, the next minutes, the next days, a weekend, and back to days already left
    for offset in (0, 1, 2, 1440, 1441, 3 * 1440 + 17, 1, -300 * 1440, 0):
        bucket = start + offset
        assert _fast(items, bucket, TICK) == [_reference(e, bucket, TICK) for e in items], offset
    assert fallbacks == []  # the universe is all fast path
    for tick in (1, 7, 3600):  # other ticks keep their own constants
        bucket = int(START // tick)
        assert _fast(items[::7], bucket, tick) == [_reference(e, bucket, tick) for e in items[::7]]
    assert fmp_data.quote_json(items[3], start, TICK) == REFERENCE(items[3], start, TICK)


def test_unusual_instruments_give_the_reference_bytes_or_error(fallbacks):
    items = equity_universe(SEED).items[:60]
    bases = (1e-7, 0.0009, 0.004, 0.02, 0.3, 0.99995, 1.0, 3.0, 999.99, 5e6, 1e12)
    odd = [dataclasses.replace(e, base=bases[i % len(bases)], vol=(0.15, 0.7, 2.5)[i % 3],
                               cap_known=bool(i % 4), name=e.name + ('é "\\ ü' if i % 5 == 0 else ""))
           for i, e in enumerate(items)]
    start = int(START // TICK)
    for offset in (0, 1, 2, 1440, -7 * 1440):
        bucket = start + offset
        assert _fast(odd, bucket, TICK) == [_reference(e, bucket, TICK) for e in odd]
    assert fallbacks == []
    # prices past the float range: NaN/Infinity through the encoder, or the reference's error
    huge = [dataclasses.replace(items[0], base=1e308, vol=0.7, cap_known=False),
            dataclasses.replace(items[1], base=1e308, vol=0.7, cap_known=True)]
    for equity in huge:
        for offset in (0, 1):
            assert _fast([equity], start + offset, TICK) == [_reference(equity, start + offset, TICK)]
    assert fallbacks  # some of those went to the reference
