"""``cmc.poll.fetch_cmc``: CoinMarketCap I/O only, on its own queue."""
from axa.tasks.cmc import plan  # noqa: F401 - the start-up hook that learns CMC's plan limits
from axa.tasks.cmc.flows import PIPELINE
from axa.tasks.stage_tasks import poll_task

fetch_cmc = poll_task(PIPELINE, "cmc")
