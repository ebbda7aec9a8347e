"""The operator-controls package: fixtures shared with the stocks and cmc API packages."""
from tests.blueprints.market.fixtures import market  # noqa: F401
from tests.tasks.ingest_helpers import sandbox_server  # noqa: F401
