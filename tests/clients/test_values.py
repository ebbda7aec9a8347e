"""Parsing vendor values: Decimal from numbers or numeric strings, UTC times, bad values."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from axa.clients import values as v
from axa.clients.fetcher import collect


@pytest.mark.parametrize(("raw", "expected"), [
    (Decimal("268.47"), Decimal("268.47")),
    (268.47, Decimal("268.47")),  # float via repr: no binary noise
    (45140079, Decimal(45140079)),
    ("1250000000", Decimal(1250000000)),
    (" 4.75 ", Decimal("4.75")),
    ("8.521646592502758E11", Decimal("852164659250.2758")),
    ("", None), (None, None), ("-", None),
])
def test_decimal_from_numbers_and_numeric_strings(raw, expected):
    assert v.decimal(raw, "x") == expected


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-inf", Decimal("NaN"), float("inf"), "12abc", True,
                                 "99,21", [1], {"a": 1}])
def test_decimal_rejects_non_finite_and_garbage(raw):
    with pytest.raises(v.RowRejected):
        v.decimal(raw, "x")


def test_price_rejects_negative_and_missing_when_required():
    with pytest.raises(v.RowRejected, match="negative"):
        v.price("-1.5")
    with pytest.raises(v.RowRejected, match="missing"):
        v.price(None, required=True)
    assert v.price("0", zero_is_missing=True) is None
    assert v.price(0) == Decimal(0)


@pytest.mark.parametrize("raw", [Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity"), Decimal("-0.01"), -3,
                                 False])
def test_decoded_numbers_are_checked_like_any_other(raw):
    """Decimals and ints as decode_json gives them take a short path: it must not skip a check."""
    with pytest.raises(v.RowRejected):
        v.price(raw)


def test_decoded_numbers_keep_their_value_and_zero_its_meaning():
    assert v.decimal(Decimal("-2.50"), "x") == Decimal("-2.50") and v.price(Decimal("7.10")) == Decimal("7.10")
    assert v.decimal(-4, "x") == Decimal(-4) and isinstance(v.price(9), Decimal)
    assert v.price(Decimal(0), zero_is_missing=True) is None and v.price(Decimal(0)) == Decimal(0)


def test_decode_json_keeps_decimals_and_marks_nan():
    data = v.decode_json(b'{"p": 0.1, "n": NaN, "i": 3}')
    assert data["p"] == Decimal("0.1") and isinstance(data["i"], int)
    with pytest.raises(v.RowRejected):
        v.price(data["n"])


def test_times_are_utc_aware():
    assert v.instant("2020-10-02T12:09:23.000Z", "t") == datetime(2020, 10, 2, 12, 9, 23, tzinfo=UTC)
    assert v.instant("2020-10-02T14:09:23+02:00", "t") == datetime(2020, 10, 2, 12, 9, 23, tzinfo=UTC)
    assert v.epoch_seconds(1762549202, "ts") == datetime(2025, 11, 7, 21, 0, 2, tzinfo=UTC)
    assert v.day_start_utc(date(2024, 7, 17)).isoformat() == "2024-07-17T00:00:00+00:00"
    with pytest.raises(v.RowRejected, match="time zone"):
        v.instant("2025-01-03 09:30:00", "t")  # FMP intraday style: naive local time
    with pytest.raises(v.RowRejected):
        v.day("2025-13-40", "d")


def test_flags_and_isins():
    assert [v.flag(x) for x in (True, "1", 1, "0", "false", None, "maybe")] == [
        True, True, True, False, False, None, None]
    assert v.isin_ok("US0378331005") and v.isin_ok("XS1610682764")
    assert not v.isin_ok("US0378331006") and not v.isin_ok("us0378331005") and not v.isin_ok("US03783310")


def test_one_bad_row_does_not_fail_the_batch():
    rows = [{"p": "1.5"}, {"p": "NaN"}, "not an object", {"p": "-2"}, {"p": 3}]
    records, rejects = collect(rows, lambda row: [v.price(row["p"], required=True)])
    assert records == [Decimal("1.5"), Decimal(3)]
    assert [reason for reason, _ in rejects] == ["price: not a finite number", "row is not an object",
                                                 "price: negative"]
    assert rejects[0][1] == {"p": "NaN"}  # the raw fragment is kept for quarantine
