"""The report (reports.py) with more groups: by tag, by hour and by month (pure, Decimal).

A trade counts in each of its tags (``labels``: trade id -> [(tag id, "group/name")]); untagged
trades are in no tag group. The hour is the UTC hour the trade opened ("00" to "23", with the
weekday: when you enter); the month the UTC month it closed ("2026-03", with the calendar: when its
P&L is realized)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC

from axa.blueprints.stocks.diary.fifo import Trade
from axa.blueprints.stocks.diary.reports import report, stats


def _closed(trades: Iterable[Trade], start, end) -> list[Trade]:
    """The closed trades in the UTC days, in closing order (as reports.report takes them)."""
    return sorted((t for t in trades if t.closed and (start is None or t.exit_at.date() >= start)
                   and (end is None or t.exit_at.date() <= end)), key=lambda t: (t.exit_at, t.entry_at))


def _by(trades: list[Trade], key) -> list[dict]:
    groups: dict[str, list[Trade]] = defaultdict(list)
    for trade in trades:
        groups[key(trade)].append(trade)
    return [{"key": k, **stats(groups[k])} for k in sorted(groups)]


def by_tag(trades: list[Trade], labels: dict[int, list[tuple[int, str]]]) -> list[dict]:
    groups: dict[tuple[int, str], list[Trade]] = defaultdict(list)
    for trade in trades:
        for label in labels.get(trade.execution_ids[0], ()):
            groups[label].append(trade)
    return [{"key": name, "tag_id": tag_id, **stats(groups[(tag_id, name)])}
            for tag_id, name in sorted(groups, key=lambda label: (label[1], label[0]))]


def full_report(trades: Iterable[Trade], start=None, end=None,
                labels: dict[int, list[tuple[int, str]]] | None = None) -> dict:
    trades = list(trades)
    closed = _closed(trades, start, end)
    return {**report(trades, start, end),
            "by_tag": by_tag(closed, labels or {}),
            "by_hour": _by(closed, lambda t: f"{t.entry_at.astimezone(UTC).hour:02d}"),
            "by_month": _by(closed, lambda t: t.exit_at.astimezone(UTC).strftime("%Y-%m"))}
