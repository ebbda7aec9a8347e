"""How a dataset's items are cut into batches: as few as the batch size allows, of even size, in
whole vendor calls (a short last batch would run alone at the end of every run)."""
import pytest

from axa.tasks.stocks.datasets import FMP_QUOTES, even_slices


@pytest.mark.parametrize(("count", "most", "unit", "sizes"), [
    (5200, 1000, 100, [900, 900, 900, 900, 800, 800]),  # 52 calls in 6 batches, none extra
    (1001, 1000, 100, [600, 401]),
    (250, 100, 100, [100, 100, 50]),
    (7, 3, 1, [3, 2, 2]),
    (50, 1000, 100, [50]),
    (0, 1000, 100, []),
])
def test_even_slices_cover_every_item_once_in_whole_calls(count, most, unit, sizes):
    slices = even_slices(count, most, unit)
    assert [end - start for start, end in slices] == sizes
    assert [i for start, end in slices for i in range(start, end)] == list(range(count))
    calls = sum(-(-(end - start) // unit) for start, end in slices)
    assert calls == -(-count // unit)  # no more vendor calls than one batch per call would make


def test_fmp_quote_batches_are_even_and_within_the_setting(monkeypatch):
    symbols = [f"S{i:04d}" for i in range(2350)]
    plan = FMP_QUOTES.plan
    assert [len(b["symbols"]) for b in plan({"symbols": symbols})] == [1200, 1150]
    monkeypatch.setenv("AXA_BATCH_FMP_QUOTES", "500")
    batches = plan({"symbols": symbols})
    assert [len(b["symbols"]) for b in batches] == [500, 500, 500, 500, 350]
    assert [s for b in batches for s in b["symbols"]] == symbols
