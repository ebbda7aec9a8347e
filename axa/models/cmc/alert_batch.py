"""One quote batch against the active alerts of its refs, in two statements (the rules of
axa/models/cmc/alerts.py's docstring; ``alert_rules.side_of`` computes the same side in Python
when an alert is armed, and the tests hold the two equal).

``MOVES`` joins the batch's quotes to the alerts through the partial index ``ix_alerts_active_ref``
(only the alerts of the batch's refs are read), computes each one's side, and returns the alerts
whose side moves (leaving out a recurring alert's crossing within its cooldown). ``APPLY`` moves
those by one conditional ``UPDATE … WHERE last_side IS DISTINCT FROM … AND last_as_of < …
RETURNING``, which PostgreSQL re-checks on each row it locks, so a batch evaluated twice, or two at
once, fires nothing twice; the firings' events are inserted by the same statement, and the state
and the events commit together. The moves go in id order, so two evaluations of overlapping
batches lock their rows in the same order (a deadlock would only be retried). Two statements
rather than one: the planner cannot estimate how few rows move, and one statement joined the whole
table a second time to update them (about 60 % slower with 100,000 alerts, bench/alerts_eval.py).
"""
from __future__ import annotations

from sqlalchemy import text

from axa.models.cmc import db
from axa.models.cmc.alert_rules import SeenQuote

MOVES = text("""
WITH q AS (
    SELECT * FROM unnest(CAST(:refs AS varchar[]), CAST(:prices AS numeric[]), CAST(:ch_1h AS numeric[]),
                         CAST(:ch_24h AS numeric[]), CAST(:as_of AS timestamptz[]))
        AS q(ref, price, ch_1h, ch_24h, as_of)
), j AS (
    SELECT a.id, a.condition, a.level, a.threshold_pct AS t, a.last_side, a.last_fired_at, a.cooldown_s,
           q.price, q.as_of, CASE WHEN a."window" = '1h' THEN q.ch_1h ELSE q.ch_24h END AS change,
           CASE a.condition WHEN 'price_above' THEN 'above' WHEN 'price_below' THEN 'below'
                ELSE 'beyond' END AS met_side
    FROM q JOIN alerts a ON a.ref = q.ref AND a.status = 'active'
    WHERE a.last_as_of IS NULL OR a.last_as_of < q.as_of
), s AS (
    SELECT j.*, CASE
        WHEN condition = 'price_above' THEN CASE WHEN price >= level THEN 'above' ELSE 'below' END
        WHEN condition = 'price_below' THEN CASE WHEN price <= level THEN 'below' ELSE 'above' END
        WHEN change IS NULL THEN NULL
        WHEN (condition = 'change_up' AND change >= t) OR (condition = 'change_down' AND change <= -t)
             OR (condition = 'change_any' AND abs(change) >= t) THEN 'beyond'
        ELSE 'within' END AS side
    FROM j
)
SELECT id, side, side = met_side AS fire, price,
       CASE WHEN condition IN ('price_above', 'price_below') THEN NULL ELSE change END AS change, as_of
FROM s
WHERE side IS NOT NULL AND side IS DISTINCT FROM last_side
  AND NOT (side = met_side AND last_fired_at IS NOT NULL
           AND as_of < last_fired_at + make_interval(secs => cooldown_s))
ORDER BY id
""")
APPLY = text("""
WITH m AS (
    SELECT * FROM unnest(CAST(:ids AS bigint[]), CAST(:sides AS varchar[]), CAST(:fires AS boolean[]),
                         CAST(:prices AS numeric[]), CAST(:changes AS numeric[]),
                         CAST(:as_of AS timestamptz[]))
        AS m(id, side, fire, price, change, as_of)
), moved AS (
    UPDATE alerts a
    SET last_side = m.side, last_price = m.price, last_as_of = m.as_of,
        last_fired_at = CASE WHEN m.fire THEN m.as_of ELSE a.last_fired_at END,
        fired_count = a.fired_count + CASE WHEN m.fire THEN 1 ELSE 0 END,
        status = CASE WHEN m.fire AND NOT a.recurring THEN 'triggered' ELSE a.status END
    FROM m
    WHERE a.id = m.id AND a.status = 'active' AND a.last_side IS DISTINCT FROM m.side
      AND (a.last_as_of IS NULL OR a.last_as_of < m.as_of)
    RETURNING a.id, a.user_id, a.kind, a.coin_id, a.symbol, a.condition, a.level, a.threshold_pct,
              a."window", a.channels, m.fire, m.price, m.change, m.as_of
)
INSERT INTO alert_events (alert_id, user_id, kind, coin_id, symbol, condition, level, threshold_pct,
                          "window", price, change_pct, as_of, in_app, mail_state)
SELECT id, user_id, kind, coin_id, symbol, condition, level, threshold_pct, "window", price, change, as_of,
       'in_app' = ANY(channels), CASE WHEN 'mail' = ANY(channels) THEN 'pending' END
FROM moved WHERE fire
RETURNING id, mail_state
""")
COLUMNS = ("ids", "sides", "fires", "prices", "changes", "as_of")


def evaluate(quotes: dict[str, SeenQuote]) -> list[tuple[int, str | None]]:
    """Move the alerts of ``quotes``' refs and record their firings (the caller commits): the
    events' (id, mail_state)."""
    if not quotes:
        return []
    moves = db.session.execute(MOVES, parameters(quotes)).all()
    if not moves:
        return []
    applied = db.session.execute(APPLY, dict(zip(COLUMNS, (list(c) for c in zip(*moves, strict=True)),
                                                 strict=True)))
    return [(row.id, row.mail_state) for row in applied]


def parameters(quotes: dict[str, SeenQuote]) -> dict[str, list]:
    """The batch as the statement's arrays, one element per quote."""
    seen = list(quotes.values())
    return {"refs": [q.ref for q in seen], "prices": [q.price for q in seen],
            "ch_1h": [q.change_1h for q in seen], "ch_24h": [q.change_24h for q in seen],
            "as_of": [q.as_of for q in seen]}
