"""``flask refresh-dataset`` and ``flask list-runs`` on stocks and cmc."""
import re

from axa.tasks.ingest import reset_vendor_clients
from tests.blueprints.market.fixtures import equity_symbols


def _cli(market, sub, *args):
    return market.apps[sub].test_cli_runner().invoke(args=list(args))


def test_refresh_dataset_prints_the_run_id_and_waits(market):
    symbols = equity_symbols(market, 3)
    result = _cli(market, "stocks", "refresh-dataset", "fmp.quotes", "--symbols", ",".join(symbols).lower(),
                  "--wait", "--interval", "0.1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.fullmatch(r"\d+", lines[0])
    assert lines[-1] == (f"run {lines[0]} fmp.quotes: succeeded, 1/1 batches (100.0%), 3 stored, "
                         "0 rejected, 0 errors")
    with market.apps["stocks"].app_context():
        run = market.apps["stocks"].extensions["market"].run(int(lines[0]))
        assert (run.trigger, run.params["symbols"]) == ("cli", symbols)


def test_refresh_dataset_without_wait_and_by_ids(market):
    result = _cli(market, "cmc", "refresh-dataset", "cmc.quotes", "--ids", "1, 1027")
    assert result.exit_code == 0 and re.fullmatch(r"\d+\n", result.output), result.output
    listed = _cli(market, "cmc", "list-runs", "--dataset", "cmc.quotes")
    assert re.search(rf"^{result.output.strip()}\s+cmc\.quotes\s+cli\s+succeeded\s+1/1\s+100\.0\s+4\s+0\s+0\s",
                     listed.output, re.MULTILINE), listed.output


def test_refresh_dataset_refuses_what_it_cannot_do(market):
    unknown = _cli(market, "stocks", "refresh-dataset", "fmp.everything")
    assert unknown.exit_code == 2 and "known: fmp.symbols" in unknown.output
    wrong = _cli(market, "stocks", "refresh-dataset", "cbonds.emitents", "--isins", "XS2569502292")
    assert wrong.exit_code == 2 and "cannot be narrowed by `isins`" in wrong.output
    bad_ids = _cli(market, "cmc", "refresh-dataset", "cmc.quotes", "--ids", "1,bitcoin")
    assert bad_ids.exit_code == 2 and "integers" in bad_ids.output


def test_failed_run_exits_1(market, monkeypatch):
    monkeypatch.setenv("AXA_CMC_API_KEY", "wrong-key")
    reset_vendor_clients()
    try:
        result = _cli(market, "cmc", "refresh-dataset", "cmc.global", "--wait", "--interval", "0.1")
    finally:
        monkeypatch.undo()
        reset_vendor_clients()
    assert result.exit_code == 1 and "cmc.global: failed, 1/1 batches" in result.output, result.output


def test_list_runs_table_newest_first_and_limited(market):
    for _ in range(3):
        assert _cli(market, "cmc", "refresh-dataset", "cmc.global").exit_code == 0
    result = _cli(market, "cmc", "list-runs", "--limit", "2")
    assert result.exit_code == 0
    header, *rows = result.output.splitlines()
    assert header.split() == ["ID", "DATASET", "TRIGGER", "STATUS", "BATCHES", "PCT", "STORED", "REJECTED",
                              "ERRORS", "STARTED", "SECONDS"]
    ids = [int(row.split()[0]) for row in rows]
    assert len(rows) == 2 and ids[0] > ids[1] and all("cmc.global" in row for row in rows)
    assert _cli(market, "cmc", "list-runs", "--dataset", "nope").exit_code == 2
    assert _cli(market, "cmc", "list-runs", "--limit", "0").exit_code == 2
