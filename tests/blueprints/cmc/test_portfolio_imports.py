"""Portfolio CSV imports: a job with progress and a report; lines checked as the API checks a
transaction, duplicates (of the portfolio and within the file) skipped, a position left short
refused whole; an export imports back; the same file twice imports once; bad uploads are 4xx."""
from __future__ import annotations

from tests.blueprints.cmc.test_portfolios import Owner, stock_quote  # noqa: F401

HEADER = "executed_at,kind,coin_id,symbol,quantity,price,fee,currency,note\r\n"


def upload(owner: Owner, portfolio: int, text: str, content_type: str = "text/csv"):
    return owner.call("post", f"/portfolios/{portfolio}/imports", data=text.encode("utf-8"),
                      headers={"Content-Type": content_type})


def finished(owner: Owner, portfolio: int, answer) -> dict:
    assert answer.status_code == 202, answer.get_json()
    job = owner.call("get", f"/portfolios/{portfolio}/imports/{answer.get_json()['id']}")
    assert job.status_code == 200
    return job.get_json()


def holdings(owner: Owner, portfolio: int) -> dict:
    body = owner.call("get", f"/portfolios/{portfolio}").get_json()
    return {h.get("coin_id") or h["symbol"]: h["quantity"] for h in body["holdings"]}


def test_a_file_becomes_transactions_with_a_report(cmc, stock_quote):  # noqa: F811
    owner = Owner(cmc)
    portfolio = owner.new()
    text = HEADER + (
        "2026-01-02T10:00:00Z,buy,1,,2,30000,1,USD,first\r\n"
        "2026-01-03T10:00:00Z,buy,,PFSTOCK,10,45,,USD,\r\n"
        "2026-01-04T10:00:00Z,sell,1,,0.5,31000,0,USD,\r\n"
        "2026-01-02T10:00:00Z,buy,1,,2,30000,1,USD,first again\r\n"  # a duplicate of line 2
        "2026-01-05T10:00:00Z,buy,999999999,,1,1,0,USD,\r\n"  # no such coin
        "2026-01-05T10:00:00Z,steal,1,,1,1,0,USD,\r\n"  # no such kind
        "2026-01-05T10:00:00Z,buy,1,,-3,1,0,USD,\r\n"  # a negative quantity
        "\r\n")
    job = finished(owner, portfolio, upload(owner, portfolio, text))
    assert (job["status"], job["lines"], job["processed"]) == ("done", 7, 7)
    assert (job["imported"], job["duplicates"], job["rejected_count"]) == (3, 1, 3)
    assert [r["line"] for r in job["rejected"]] == [6, 7, 8]
    assert "coin" in job["rejected"][0]["reason"].lower() and "kind" in job["rejected"][1]["reason"]
    assert holdings(owner, portfolio) == {1: "1.5", "PFSTOCK": "10"}
    again = finished(owner, portfolio, upload(owner, portfolio, text))  # the same file: nothing new
    assert (again["imported"], again["duplicates"]) == (0, 4)


def test_an_export_imports_back_into_another_portfolio(cmc):
    owner = Owner(cmc)
    first, second = owner.new("First"), owner.new("Second")
    for kind, quantity, days in (("buy", "3", 5), ("sell", "1", 2), ("fee", "0.1", 1)):
        assert owner.trade(first, kind, quantity, "100", days_ago=days).status_code == 201
    exported = owner.call("get", f"/portfolios/{first}/transactions.csv").get_data(as_text=True)
    job = finished(owner, second, upload(owner, second, exported))
    assert (job["imported"], job["rejected_count"]) == (3, 0)
    assert holdings(owner, second) == holdings(owner, first)


def test_a_position_the_file_leaves_short_is_refused_whole(cmc):
    owner = Owner(cmc)
    portfolio = owner.new()
    text = HEADER + ("2026-01-02T10:00:00Z,buy,1,,1,100,0,USD,\r\n"
                     "2026-01-01T10:00:00Z,sell,1,,2,100,0,USD,\r\n"  # before the buy: short
                     "2026-01-02T10:00:00Z,buy,1027,,4,10,0,USD,\r\n")
    job = finished(owner, portfolio, upload(owner, portfolio, text))
    assert (job["imported"], job["rejected_count"]) == (1, 2)
    assert [r["line"] for r in job["rejected"]] == [2, 3] and "short" in job["rejected"][0]["reason"]
    assert holdings(owner, portfolio) == {1027: "4"}


def test_bad_uploads_are_refused_before_any_job(cmc):
    owner = Owner(cmc)
    portfolio = owner.new()
    assert upload(owner, portfolio, HEADER, "application/json").status_code == 415
    assert upload(owner, portfolio, "kind,quantity\r\nbuy,1\r\n").status_code == 422  # columns missing
    assert upload(owner, portfolio, "").status_code == 422
    not_utf8 = owner.call("post", f"/portfolios/{portfolio}/imports", data=b"\xff\xfe\x00bad",
                          headers={"Content-Type": "text/csv"})
    assert not_utf8.status_code == 422
    too_many = HEADER + "2026-01-02T10:00:00Z,buy,1,,1,1,0,USD,\r\n" * 10_001
    assert upload(owner, portfolio, too_many).status_code == 422
    other = Owner(cmc)
    assert upload(other, portfolio, HEADER).status_code == 404  # not theirs
    job = upload(owner, portfolio, HEADER).get_json()["id"]
    assert other.call("get", f"/portfolios/{portfolio}/imports/{job}").status_code == 404


def test_a_redelivered_or_interrupted_job_imports_once(cmc):
    from sqlalchemy import update

    from axa.models.cmc import PortfolioImport, db
    from axa.tasks.cmc.imports import import_csv
    owner = Owner(cmc)
    portfolio = owner.new()
    job = finished(owner, portfolio, upload(owner, portfolio, HEADER + "2026-01-02T10:00:00Z,buy,1,,2,5,0,USD,\r\n"))
    with cmc.apps["cmc"].app_context():
        assert import_csv(job["id"]) == "skipped"  # redelivered after it finished: nothing again
        # a worker killed mid-import: the row says running, nothing of it was committed
        db.session.execute(update(PortfolioImport).where(PortfolioImport.id == job["id"])
                           .values(status="running", imported=0))
        db.session.execute(db.text("DELETE FROM portfolio_transactions WHERE portfolio_id = :p"), {"p": portfolio})
        db.session.commit()
        assert import_csv(job["id"]) == "done"
    again = owner.call("get", f"/portfolios/{portfolio}/imports/{job['id']}").get_json()
    assert (again["status"], again["imported"]) == ("done", 1)
    assert holdings(owner, portfolio) == {1: "2"}
