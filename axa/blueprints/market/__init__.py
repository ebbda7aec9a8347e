"""Code the market-data subsystems (stocks, cmc) share: operator controls over the ingest runs
(admin REST endpoints and ``flask`` CLI commands), pagination of SQL queries, history windows."""
from __future__ import annotations

from axa.blueprints.market.controls import MarketControls


def init_market(app, controls: MarketControls) -> None:
    """Install the subsystem's controls and its ``refresh-dataset`` / ``list-runs`` commands."""
    from axa.blueprints.market.cli import list_runs, refresh_dataset
    app.extensions["market"] = controls
    app.cli.add_command(refresh_dataset)
    app.cli.add_command(list_runs)
